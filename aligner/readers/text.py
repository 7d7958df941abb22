"""Plain text in any common encoding: bytes to text, with every refusal explained.

A BOM decides (UTF-8, UTF-16 LE/BE); then UTF-16 without a BOM, when the bytes read in
one order are ordinary characters nearly all through (common ideographs, kana, CJK and
Latin punctuation, ASCII; hangul too where NULs show it is UTF-16, since GBK and Big5
bytes read as UTF-16 land among the hangul); then strict UTF-8; then charset-normalizer's
best guess, taken
when it is confident (little mess in the decoded text). When several encodings decode
the bytes equally well, the more common one wins (``PREFERRED``): a Latin-1 file is not
read as Central European cp1250, nor GBK as something rarer. ``encoding=`` forces one.
CRLF and CR become ``\\n``; form feeds stay, because they are the page boundaries that
pdftotext writes. Stray control characters are left for normalization, which drops them
as recorded edits; only data that is mostly binary is refused here.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from aligner.errors import DecodeError
from aligner.rules.characters import COMMON_TEXT_RANGES, HANGUL_RANGE

__all__ = ["PREFERRED", "decode", "mostly_binary", "utf16_without_bom"]

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAMPLE = 65_536
MAX_MESS = 0.2  # charset-normalizer's mess ratio above which a guess is not taken
# When guesses tie, the encoding people actually use wins.
PREFERRED = (
    "utf_8",
    "gb18030",
    "big5",
    "cp932",
    "shift_jis",
    "euc_jp",
    "cp949",
    "euc_kr",
    "cp1252",
    "latin_1",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_2",
)
CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def mostly_binary(data: bytes) -> bool:
    """Mostly binary: many NULs or control bytes in the first block (UTF-16 aside)."""
    sample = data[:SAMPLE]
    if not sample:
        return False
    controls = sum(sample.count(bytes([c])) for c in CONTROL)
    return controls * 20 > len(sample)


def _plausible(text: str, hangul: bool) -> float:
    """The share of ``text`` in the ranges real text mostly uses."""
    if not text:
        return 0.0
    ranges = (*COMMON_TEXT_RANGES, HANGUL_RANGE) if hangul else COMMON_TEXT_RANGES
    counts = sum(1 for c in text if any(lo <= ord(c) <= hi for lo, hi in ranges))
    return counts / len(text)


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when the bytes read in that order are mostly ordinary characters.

    The order that reads as ordinary characters wins; where both do (``0000`` is U+3030
    or "00"), the NULs decide: an ASCII character has its zero byte high, second in
    little-endian and first in big-endian.
    """
    sample = data[: min(len(data), 4096) - min(len(data), 4096) % 2]
    if len(sample) < 4 or len(data) % 2:
        return None
    scores: dict[str, float] = {}
    nuls = b"\x00" in sample
    for order in ("utf-16-le", "utf-16-be"):
        try:
            scores[order] = _plausible(sample.decode(order), hangul=nuls)
        except UnicodeDecodeError:
            continue
    good = {order: score for order, score in scores.items() if score >= 0.95}
    if len(good) == 1:
        return next(iter(good))
    if len(good) == 2:
        if good["utf-16-le"] != good["utf-16-be"]:
            return max(good, key=lambda order: good[order])
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if even != odd:
            return "utf-16-le" if odd > even else "utf-16-be"
    return None


def decode(data: bytes, path: str | Path = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text with newlines as ``\\n``; return ``(text, encoding used)``."""
    if encoding:
        return _forced(data, path, encoding)
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(name)), name
            except UnicodeDecodeError as err:
                raise DecodeError(path, f"invalid {name} at byte {err.start}", "re-save the file") from None
    wide = utf16_without_bom(data)
    if wide:
        try:
            return _newlines(data.decode(wide)), wide
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        not_utf8 = err.start
    else:
        if not mostly_binary(data):  # valid UTF-8 can still be binary, or UTF-16 that happens to be ASCII
            return _newlines(text), "utf-8"
        not_utf8 = 0
    if mostly_binary(data):
        raise DecodeError(path, "binary data, not text", "give a text, PDF, HTML, DOCX or TEI edition")
    return _guessed(data, path, not_utf8)


def _forced(data: bytes, path: str | Path, encoding: str) -> tuple[str, str]:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DecodeError(path, f"unknown encoding {encoding!r}", "name one Python knows, e.g. gb18030, big5") from None
    try:
        return _newlines(data.decode(encoding)), codecs.lookup(encoding).name
    except UnicodeDecodeError as err:
        raise DecodeError(
            path, f"not {encoding}: undecodable bytes at offset {err.start}", "check --encoding"
        ) from None


def _guessed(data: bytes, path: str | Path, not_utf8: int) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches or matches[0].chaos > MAX_MESS:
        raise DecodeError(
            path,
            f"undecodable bytes at offset {not_utf8}: not UTF-8, and no other encoding fits with confidence",
            "convert it to UTF-8, or name the encoding with --encoding",
        )
    best = matches[0]
    ties = [m for m in matches if abs(m.chaos - best.chaos) < 1e-9 and abs(m.coherence - best.coherence) < 1e-9]
    chosen = min(ties, key=lambda m: PREFERRED.index(m.encoding) if m.encoding in PREFERRED else len(PREFERRED))
    return _newlines(str(chosen)), chosen.encoding
