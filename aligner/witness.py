"""Reading editions from disk: bytes to text, with every refusal explained.

Encodings are tried in a fixed order, most specific first: a BOM decides (UTF-8,
UTF-16 LE/BE); then strict UTF-8; then GB18030, a superset of GBK and GB2312, which is
what Chinese government files that are not UTF-8 nearly always are. GB18030 can decode
almost any byte string, so it is accepted only when the result reads as text
(mostly CJK and ASCII, no control characters). CRLF and CR become ``\\n``; form feeds
stay, because they are the page boundaries that pdftotext writes.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from pathlib import Path

import regex

from aligner.errors import DecodeError, InputError
from aligner.io import read_input
from aligner.model import Witness

__all__ = ["decode", "read_witness", "siglum_for"]

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters that never occur in text (tab, newline, CR and form feed do).
BINARY_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
NCNAME = regex.compile(r"^[\p{L}_][\p{L}\p{N}._-]*$")
SAMPLE = 65_536


def _looks_like_text(text: str) -> bool:
    sample = text[:SAMPLE]
    if not sample:
        return True
    bad = len(BINARY_CONTROL.findall(sample))
    odd = len(regex.findall(r"[\p{Co}\p{Cn}\x80-\x9f]", sample))
    return bad == 0 and odd * 100 <= len(sample)


def decode(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` to text with newlines as ``\\n``; return ``(text, encoding)``."""
    if b"\x00" in data[:SAMPLE] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DecodeError(path, "binary data, not text", "give a plain-text edition, e.g. from pdftotext")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(encoding)), encoding
            except UnicodeDecodeError as err:
                raise DecodeError(path, f"invalid {encoding} at byte {err.start}", "re-save the file") from None
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return _newlines(text), encoding
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        where = f"undecodable bytes at offset {err.start}"
    else:
        where = "control characters that do not occur in text"
    raise DecodeError(path, f"{where}: not UTF-8, UTF-16 or GB18030 text", "convert it to UTF-8")


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def siglum_for(path: str | Path) -> str:
    """The default siglum: the file's stem, made a valid XML NCName."""
    stem = regex.sub(r"[^\p{L}\p{N}._-]+", "-", Path(path).stem).strip("-") or "w"
    return stem if NCNAME.match(stem) else f"w-{stem}"


def _sniff_text(path: str | Path) -> Callable[[bytes], None]:
    def sniff(head: bytes) -> None:
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise DecodeError(path, "binary data, not text", "give a plain-text edition, e.g. from pdftotext")

    return sniff


def read_witness(path: str | Path, siglum: str | None = None, *, kind: str = "") -> Witness:
    """Read one edition; refuse folders, devices, missing, binary, undecodable and empty files."""
    file = Path(path)
    if siglum is not None and not NCNAME.match(siglum):
        raise InputError(file, f"siglum {siglum!r} is not an XML name", "use letters, digits, '-', '_'")
    data = read_input(path, sniff=_sniff_text(path))
    text, encoding = decode(data, file)
    if not text.strip():
        raise InputError(file, "is empty (no text)", "give an edition with text")
    return Witness(
        siglum=siglum or siglum_for(file),
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding=encoding,
        source=text,
        kind=kind,
    )
