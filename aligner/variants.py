"""Variant readings inside a unit: a character diff, widened to whole words, then classified.

diff-match-patch finds where the unit texts differ; each difference is widened to word
boundaries (jieba tokens for Chinese, ``\\w+`` runs for other scripts, as the profile
says) in both texts, so a changed word is one variant and not scattered characters.
Words are only looked for in a small window around each difference: segmenting whole
paragraphs with jieba cost more than the diff itself. With three or more witnesses every
witness is diffed against the first one (the base) and overlapping places are merged,
so each variant has one reading per witness.

The diff has a budget of work per unit, counted in steps rather than seconds so that
the same input always gives the same readings: a huge unit whose texts have little in
common gets coarser readings (with a note) instead of a diff that runs for minutes.

>>> [(v.type.value, dict(v.readings)) for v in find_variants({"a": "the red fox", "b": "the rod fox"})]
[('substantive', {'a': 'red', 'b': 'rod'})]
>>> classify({"web": "２０２１", "pdf": "2021"}).value
'width'
>>> classify({"a": "各项", "b": "各項"}).value, classify({"a": "各项", "b": "各項"}, orthographic=False).value
('orthographic', 'substantive')
"""

from __future__ import annotations

import logging
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from diff_match_patch import diff_match_patch

from aligner import grams
from aligner.model import Variant, VariantType
from aligner.rules import same_but_variants
from aligner.rules.characters import LATIN_TOKEN, WORD_SCRIPT, is_punctuation

__all__ = ["Words", "classify", "find_variants", "word_boundaries"]


def _strip_space(text: str) -> str:
    return "".join(text.split())


def _strip_punctuation(text: str) -> str:
    return "".join(c for c in _strip_space(text) if not is_punctuation(c))


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


def _orthographic(readings: Mapping[str, str]) -> bool:
    """Equal once variant character forms are one form (and width and punctuation are set aside)."""
    first, *rest = (_fold_all(r) for r in readings.values())
    return all(same_but_variants(first, other) for other in rest)


def classify(readings: Mapping[str, str], *, orthographic: bool = True) -> VariantType:
    """The kind of difference between ``readings``: whitespace, punctuation, width, orthographic or substantive.

    ``orthographic=False`` counts variant character forms as substantive, for projects
    that treat a form as a reading of its own.
    """
    for kind, view in CLASSES:
        if len({view(r) for r in readings.values()}) == 1:
            return kind
    if orthographic and _orthographic(readings):
        return VariantType.ORTHOGRAPHIC
    return VariantType.SUBSTANTIVE


# --- word boundaries ------------------------------------------------------------------------

WINDOW = 8  # characters either side of a difference in which words are looked for


def load_segmenter() -> None:
    """Load jieba's dictionary now (half a second) rather than at the first Chinese difference.

    Batch workers call it as they start, while the batch process is still reading the manifest.
    """
    _jieba()


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary otherwise
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1 << 16)
def _word_starts(window: str) -> tuple[int, ...]:
    """Where jieba starts a word in ``window`` (without its HMM guesses, which cost more than they add here)."""
    return tuple(start for _, start, _ in _jieba().tokenize(window, HMM=False))


class Words:
    """Where words start and end in one text, found on demand near the offsets asked about.

    ``segmenter`` is the profile's choice: ``"jieba"`` (modern Chinese; runs of Latin
    letters and digits stay whole too), ``"latin"`` (``\\w+`` runs) or ``"chars"`` (every
    character a word, as in classical Chinese).
    """

    def __init__(self, text: str, segmenter: str = "latin") -> None:
        self.text = text
        self.segmenter = segmenter
        self._known: list[int] | None = None
        self._windows: dict[int, tuple[int, int, list[int]]] = {}

    def _all_latin(self) -> list[int]:
        if self._known is None:
            self._known = sorted({0, len(self.text), *(m.start() for m in LATIN_TOKEN.finditer(self.text))})
        return self._known

    def _near(self, x: int) -> list[int]:
        """Sorted boundaries that are certain, in a window around ``x``."""
        if self.segmenter == "chars":
            return [x]
        if self.segmenter != "jieba" or not self._han_near(x):
            return self._all_latin()
        key = x // WINDOW
        if key not in self._windows:
            lo = max(0, key * WINDOW - WINDOW)
            hi = min(len(self.text), key * WINDOW + 2 * WINDOW)
            starts = [lo + start for start in _word_starts(self.text[lo:hi])]
            # The window's own edges are only boundaries where the text ends.
            bounds = sorted({b for b in (*starts, hi) if (b != lo or lo == 0) and (b != hi or hi == len(self.text))})
            self._windows[key] = (lo, hi, bounds)
        return self._windows[key][2]

    def _han_near(self, x: int) -> bool:
        return WORD_SCRIPT.search(self.text, max(0, x - 2), min(len(self.text), x + 2)) is not None

    def floor(self, x: int) -> int:
        """The last word boundary at or before ``x`` (``x`` itself when none is known nearby)."""
        bounds = self._near(x)
        i = bisect_right(bounds, x) - 1
        return bounds[i] if i >= 0 and x - bounds[i] <= WINDOW else x

    def ceil(self, x: int) -> int:
        """The first word boundary at or after ``x`` (``x`` itself when none is known nearby)."""
        bounds = self._near(x)
        i = bisect_left(bounds, x)
        return bounds[i] if i < len(bounds) and bounds[i] - x <= WINDOW else x


def word_boundaries(text: str, segmenter: str = "latin") -> list[int]:
    """Sorted offsets where a word starts or ends (``0`` and ``len(text)`` included).

    >>> word_boundaries("the red fox")
    [0, 3, 4, 7, 8, 11]
    """
    if segmenter == "chars":
        return list(range(len(text) + 1))
    if segmenter == "jieba" and WORD_SCRIPT.search(text):
        return sorted({0, len(text), *(start for _, start, _ in _jieba().tokenize(text))})
    return sorted({0, len(text), *(m.start() for m in LATIN_TOKEN.finditer(text))})


# --- the diff, with a budget of work ----------------------------------------------------------

DIFF_BUDGET = 2_000  # rounds of diff-match-patch's bisection per unit (work grows with their square)


class _Budget:
    """A deterministic stand-in for diff-match-patch's deadline.

    diff-match-patch checks ``time.time() > deadline`` once per round of its bisection;
    this object answers that comparison by counting rounds, so the diff stops after the
    same amount of work on every machine and every run, and returns the unrefined rest as
    one deletion and one insertion, as a timeout would.
    """

    def __init__(self, rounds: int) -> None:
        self.left = rounds

    @property
    def exhausted(self) -> bool:
        return self.left < 0

    def __lt__(self, _now: object) -> bool:  # ``now > deadline`` is ``deadline < now``
        self.left -= 1
        return self.left < 0

    def __gt__(self, _now: object) -> bool:
        return False


@dataclass(slots=True)
class _Region:
    """Base ``[sa, ea)`` reads ``[sb, eb)`` in the other text."""

    sa: int
    ea: int
    sb: int
    eb: int


DIRECT_DIFF = 2_000  # characters (both texts) up to which the character diff runs on the whole unit
ANCHOR_GRAM = 8  # q-grams that anchor the diff of a larger unit


def _matched_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """Stretches ``(start in a, start in b, length)`` that both texts share, in order, from rare q-grams."""
    blocks: list[list[int]] = []
    for pa, pb in grams.chain(a, b, ANCHOR_GRAM):
        if a[pa : pa + ANCHOR_GRAM] != b[pb : pb + ANCHOR_GRAM]:
            continue  # a hash collision, not shared text
        if blocks and pa - blocks[-1][0] == pb - blocks[-1][1] and pa <= blocks[-1][0] + blocks[-1][2]:
            blocks[-1][2] = pa + ANCHOR_GRAM - blocks[-1][0]
            continue
        if blocks:  # q-grams on another diagonal may overlap the last stretch: start after it
            last = blocks[-1]
            skip = max(last[0] + last[2] - pa, last[1] + last[2] - pb, 0)
            pa, pb = pa + skip, pb + skip
            if skip >= ANCHOR_GRAM:
                continue
            blocks.append([pa, pb, ANCHOR_GRAM - skip])
        else:
            blocks.append([pa, pb, ANCHOR_GRAM])
    return [(x, y, n) for x, y, n in blocks]


def _diffs(a: str, b: str, budget: _Budget) -> list[tuple[int, str]]:
    """diff-match-patch's diff of ``a`` and ``b``; a large unit is cut at shared stretches first."""
    dmp = diff_match_patch()
    if len(a) + len(b) <= DIRECT_DIFF:
        diffs: list[tuple[int, str]] = dmp.diff_main(a, b, False, budget)
        dmp.diff_cleanupSemantic(diffs)
        return diffs
    out: list[tuple[int, str]] = []
    pa = pb = 0
    for x, y, n in [*_matched_blocks(a, b), (len(a), len(b), 0)]:
        if pa < x or pb < y:
            piece: list[tuple[int, str]] = dmp.diff_main(a[pa:x], b[pb:y], False, budget)
            dmp.diff_cleanupSemantic(piece)
            out.extend(piece)
        if n:
            out.append((0, a[x : x + n]))
        pa, pb = x + n, y + n
    return out


def _raw_regions(a: str, b: str, budget: _Budget) -> list[_Region]:
    regions: list[_Region] = []
    pa = pb = 0
    for op, chunk in _diffs(a, b, budget):
        la = len(chunk) if op <= 0 else 0
        lb = len(chunk) if op >= 0 else 0
        if op != 0:
            if regions and regions[-1].ea == pa and regions[-1].eb == pb:
                regions[-1].ea, regions[-1].eb = pa + la, pb + lb
            else:
                regions.append(_Region(pa, pa + la, pb, pb + lb))
        pa, pb = pa + la, pb + lb
    return regions


def _widen_start(r: _Region, wa: Words, wb: Words, limit: int) -> None:
    """Move the start left to a word boundary in both texts, not past base offset ``limit``.

    Before a region both texts agree character for character, so a shift in one is the
    same shift in the other; repeat until both land on a boundary.
    """
    while True:
        shift = min(max(r.sa - wa.floor(r.sa), r.sb - wb.floor(r.sb)), r.sa - limit)
        if shift <= 0:
            return
        r.sa, r.sb = r.sa - shift, r.sb - shift


def _widen_end(r: _Region, wa: Words, wb: Words, limit: int) -> None:
    while True:
        shift = min(max(wa.ceil(r.ea) - r.ea, wb.ceil(r.eb) - r.eb), limit - r.ea)
        if shift <= 0:
            return
        r.ea, r.eb = r.ea + shift, r.eb + shift


def _word_regions(a: Words, b: Words, budget: _Budget) -> list[_Region]:
    """Where ``b`` differs from ``a``, widened to word boundaries; touching places merge."""
    raw = _raw_regions(a.text, b.text, budget)
    out: list[_Region] = []
    for r in raw:
        if out:
            _widen_end(out[-1], a, b, r.sa)
            if out[-1].ea >= r.sa:
                out[-1].ea, out[-1].eb = r.ea, r.eb
                continue
        _widen_start(r, a, b, out[-1].ea if out else 0)
        if out and r.sa <= out[-1].ea:
            out[-1].ea, out[-1].eb = r.ea, r.eb
            continue
        out.append(r)
    if out:
        _widen_end(out[-1], a, b, len(a.text))
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


COARSE_NOTE = "not refined further: the unit is too large and too different for a word-level diff"


def find_variants(
    texts: Mapping[str, str], segmenters: Mapping[str, str] | None = None, *, orthographic: bool = True
) -> tuple[Variant, ...]:
    """Variants among the unit texts of the witnesses (the first one is the base).

    ``segmenters`` names each witness's word segmenter (from its profile; default
    ``"latin"``). Offsets are ``[start, end)`` into each witness's unit text.
    """
    sigla = list(texts)
    if len(sigla) < 2:
        return ()
    words = {s: Words(texts[s], (segmenters or {}).get(s, "latin")) for s in sigla}
    base = words[sigla[0]]
    budget = _Budget(DIFF_BUDGET)
    regions = {s: _word_regions(base, words[s], budget) for s in sigla[1:]}
    note = COARSE_NOTE if budget.exhausted else ""
    spans = _merge_spans([(r.sa, r.ea) for rs in regions.values() for r in rs])
    projected = {sigla[0]: spans, **{s: _project(spans, rs) for s, rs in regions.items()}}
    variants = []
    for n in range(len(spans)):
        offsets = {s: projected[s][n] for s in sigla}
        readings = {s: texts[s][b:e] for s, (b, e) in offsets.items()}
        if len(set(readings.values())) > 1:
            kind = classify(readings, orthographic=orthographic)
            variants.append(Variant(type=kind, readings=readings, offsets=offsets, note=note))
    return tuple(variants)
