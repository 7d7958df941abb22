"""Variant readings inside a unit: a character diff, widened to whole words, then classified.

diff-match-patch finds where the unit texts differ; each difference is widened to word
boundaries (jieba tokens for Chinese, ``\\w+`` runs for other scripts) in both texts,
so a changed word is one variant and not scattered characters. With three or more
witnesses every witness is diffed against the first one (the base) and overlapping
places are merged, so each variant has one reading per witness.

>>> [(v.type.value, dict(v.readings)) for v in find_variants({"a": "the red fox", "b": "the rod fox"})]
[('substantive', {'a': 'red', 'b': 'rod'})]
>>> classify({"web": "２０２１", "pdf": "2021"}).value
'width'
"""

from __future__ import annotations

import logging
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
from diff_match_patch import diff_match_patch

from aligner.model import Variant, VariantType

__all__ = ["classify", "find_variants", "word_boundaries"]

HAN = regex.compile(r"\p{Han}")
LATIN_TOKEN = regex.compile(r"\w+|\s|.", regex.DOTALL)


def _strip_space(text: str) -> str:
    return "".join(text.split())


def _strip_punctuation(text: str) -> str:
    return "".join(c for c in _strip_space(text) if not unicodedata.category(c).startswith("P"))


def _fold_width(text: str) -> str:
    return _strip_space(unicodedata.normalize("NFKC", text))


def _fold_all(text: str) -> str:
    return _strip_punctuation(unicodedata.normalize("NFKC", text))


# The first view under which all readings agree names the variant. Order matters: a
# full-width comma against an ASCII one is punctuation (it is only punctuation that
# differs) although NFKC would fold it too; digits of another width are width.
CLASSES: tuple[tuple[VariantType, Callable[[str], str]], ...] = (
    (VariantType.WHITESPACE, _strip_space),
    (VariantType.PUNCTUATION, _strip_punctuation),
    (VariantType.WIDTH, _fold_width),
    (VariantType.WIDTH, _fold_all),  # width and punctuation mixed: still no change of wording
)


def classify(readings: Mapping[str, str]) -> VariantType:
    """The kind of difference between ``readings``: whitespace, punctuation, width or substantive."""
    for kind, view in CLASSES:
        if len({view(r) for r in readings.values()}) == 1:
            return kind
    return VariantType.SUBSTANTIVE


# --- word boundaries ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary otherwise
    jieba.initialize()
    return jieba


def word_boundaries(text: str) -> list[int]:
    """Sorted offsets where a word starts or ends (``0`` and ``len(text)`` included)."""
    if HAN.search(text):
        starts = [start for _, start, _ in _jieba().tokenize(text)]
    else:
        starts = [m.start() for m in LATIN_TOKEN.finditer(text)]
    return sorted({0, len(text), *starts})


@dataclass(slots=True)
class _Region:
    """Base ``[sa, ea)`` reads ``[sb, eb)`` in the other text."""

    sa: int
    ea: int
    sb: int
    eb: int


def _raw_regions(a: str, b: str) -> list[_Region]:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # no time limit: the same input must give the same diff
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    regions: list[_Region] = []
    pa = pb = 0
    for op, chunk in diffs:
        la = len(chunk) if op <= 0 else 0
        lb = len(chunk) if op >= 0 else 0
        if op != 0:
            if regions and regions[-1].ea == pa and regions[-1].eb == pb:
                regions[-1].ea, regions[-1].eb = pa + la, pb + lb
            else:
                regions.append(_Region(pa, pa + la, pb, pb + lb))
        pa, pb = pa + la, pb + lb
    return regions


def _floor(bounds: Sequence[int], x: int) -> int:
    return bounds[bisect_right(bounds, x) - 1]


def _ceil(bounds: Sequence[int], x: int) -> int:
    return bounds[bisect_left(bounds, x)]


def _widen_start(r: _Region, ba: Sequence[int], bb: Sequence[int], limit: int) -> None:
    """Move the start left to a word boundary in both texts, not past base offset ``limit``.

    Before a region both texts agree character for character, so a shift in one is the
    same shift in the other; repeat until both land on a boundary.
    """
    while True:
        shift = min(max(r.sa - _floor(ba, r.sa), r.sb - _floor(bb, r.sb)), r.sa - limit)
        if shift <= 0:
            return
        r.sa, r.sb = r.sa - shift, r.sb - shift


def _widen_end(r: _Region, ba: Sequence[int], bb: Sequence[int], limit: int) -> None:
    while True:
        shift = min(max(_ceil(ba, r.ea) - r.ea, _ceil(bb, r.eb) - r.eb), limit - r.ea)
        if shift <= 0:
            return
        r.ea, r.eb = r.ea + shift, r.eb + shift


def _word_regions(a: str, b: str) -> list[_Region]:
    """Where ``b`` differs from ``a``, widened to word boundaries; touching places merge."""
    raw = _raw_regions(a, b)
    if not raw:
        return []
    ba, bb = word_boundaries(a), word_boundaries(b)
    out: list[_Region] = []
    for r in raw:
        if out:
            _widen_end(out[-1], ba, bb, r.sa)
            if out[-1].ea >= r.sa:
                out[-1].ea, out[-1].eb = r.ea, r.eb
                continue
        _widen_start(r, ba, bb, out[-1].ea if out else 0)
        if out and r.sa <= out[-1].ea:
            out[-1].ea, out[-1].eb = r.ea, r.eb
            continue
        out.append(r)
    _widen_end(out[-1], ba, bb, len(a))
    return out


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of base spans: overlapping ones, and an insertion point touching a span, merge."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged:
            ps, pe = merged[-1]
            if s < pe or (s == pe and (s == e or ps == pe)):
                merged[-1] = (ps, max(pe, e))
                continue
        merged.append((s, e))
    return merged


def _project(spans: list[tuple[int, int]], regions: list[_Region]) -> list[tuple[int, int]]:
    """Each merged base span in the other text: every region lies inside one span or outside all."""
    out = []
    delta = 0
    k = 0
    for s, e in spans:
        while k < len(regions) and regions[k].ea <= s and not regions[k].sa >= s:
            delta += (regions[k].eb - regions[k].sb) - (regions[k].ea - regions[k].sa)
            k += 1
        start = s + delta
        while k < len(regions) and regions[k].sa >= s and regions[k].ea <= e:
            delta += (regions[k].eb - regions[k].sb) - (regions[k].ea - regions[k].sa)
            k += 1
        out.append((start, e + delta))
    return out


def find_variants(texts: Mapping[str, str]) -> tuple[Variant, ...]:
    """Variants among the unit texts of the witnesses (the first one is the base).

    Offsets are ``[start, end)`` into each witness's unit text.
    """
    sigla = list(texts)
    if len(sigla) < 2:
        return ()
    base = texts[sigla[0]]
    regions = {s: _word_regions(base, texts[s]) for s in sigla[1:]}
    spans = _merge_spans([(r.sa, r.ea) for rs in regions.values() for r in rs])
    projected = {sigla[0]: spans, **{s: _project(spans, rs) for s, rs in regions.items()}}
    variants = []
    for n in range(len(spans)):
        offsets = {s: projected[s][n] for s in sigla}
        readings = {s: texts[s][b:e] for s, (b, e) in offsets.items()}
        if len(set(readings.values())) > 1:
            variants.append(Variant(type=classify(readings), readings=readings, offsets=offsets))
    return tuple(variants)
