"""Paragraph alignment across witnesses: a chain of shared text, groups from it, small gaps filled.

Editions re-divide paragraphs, rewrite passages, renumber headings, and carry noise in
every paragraph, so alignment cannot start from paragraphs that are identical. It starts
from the text below them. For each witness against the base:

1. **A chain of shared text.** Both texts are folded (compatibility forms, case,
   whitespace and punctuation, variant character forms) and cut into character
   *q*-grams. A q-gram that occurs exactly once in each witness pairs a place in one
   with a place in the other, like passim's rare shingles; the longest chain of such
   pairs increasing in both texts is kept. Because every stretch of shared text adds
   its q-grams, the chain follows the text it covers: a short heading such as
   ``CHAPTER II.`` can never outweigh the long paragraphs that contradict it. On large
   texts only the shared q-grams whose hash falls in one residue class are chained (the
   same ones on both sides), which keeps the chain linear in the size of the witnesses.
2. **Groups.** Each pair in the chain links the paragraph that holds it in the base to
   the one that holds it in the other witness. A unit is the smallest group of
   consecutive paragraphs on each side that no link crosses: 1:1 where paragraphs
   correspond, 1:n and n:1 for splits and merges, n:m where the editions break their
   paragraphs at different places. A link needs two q-grams behind it, so one chance
   coincidence never glues two units together.
3. **Gaps** between groups (paragraphs too short to hold a q-gram, headings with a
   changed number, edited paragraphs next to omissions) are filled as before: equal
   keys (the text without whitespace, then folded) anchor, and dynamic programming
   finds 1:1, 1:n and n:1 steps (up to ``MAX_GROUP``), 1:0 and 0:1. A group scores
   ``4·|A∩B| − |A| − |B|`` on sets of character bigrams of the folded text: positive
   exactly when the Dice similarity exceeds ½; one paragraph a side pairs from Dice ⅓
   up, at a token gain. Large gaps are searched in a band along their diagonal.
4. **Moves.** Paragraphs left unmatched on both sides are paired by key, folded key
   and, when there are few of them, by similarity: a paragraph that moved is reported
   once, in the unit of its base counterpart, with its siglum in ``Unit.moved``.

With three or more witnesses each is aligned to the base and the pairwise results are
merged: base paragraphs grouped together by any witness share one unit, and
paragraphs no base paragraph matches are aligned among themselves at their place.

>>> from aligner.normalize import normalize_text
>>> a = normalize_text("一段。\\n二段文字。\\n三段。", siglum="a")
>>> b = normalize_text("一段。\\n二段\\n文字。", siglum="b")
>>> [(u.paragraphs["a"], u.paragraphs["b"], u.status.value) for u in align([a, b]).units]
[((0,), (0,), 'equal'), ((1,), (1, 2), 'variant'), ((2,), (), 'gap')]
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

import numpy as np

from aligner import grams
from aligner.errors import UsageError
from aligner.model import Alignment, NormalizedWitness, Unit, UnitStatus
from aligner.rules import Profile, fold_variants
from aligner.rules.characters import NOT_COMPARED
from aligner.variants import find_variants

__all__ = ["MAX_GROUP", "align", "build_unit", "fold", "key"]

MAX_GROUP = 5  # the most paragraphs one side of a 1:n or n:1 step in a gap may hold
MIN_SUPPORT = 2  # q-grams in the chain that a paragraph link needs
THIN_LINK = 0.2  # a link carrying less than this share of a paragraph may be cut between units
SHORT_RUN = 4  # the most steps a run of short paragraphs may hold to be joined
FULL_DP_CELLS = 40_000  # gaps up to this many cells get the full table, larger ones a band
MAX_DP_PARAGRAPHS = 20_000  # a gap with more paragraphs than this (both sides) is left as gaps
DP_BUDGET = 250_000  # table cells all gaps of one pairwise alignment may fill (see _Budget)
BAND = 40  # half-width of the band, in paragraphs
MOVE_PAIRS = 20_000  # compare unmatched paragraphs pairwise for moves up to this many pairs
MOVE_DICE = 0.6  # how alike two unmatched paragraphs must be to count as one moved paragraph
WEAK_PAIR = 0.5  # the gain of a 1:1 step whose Dice lies between 1/3 and 1/2

Step = tuple[tuple[int, ...], tuple[int, ...]]
BETWEEN = "\x00"  # joins folded paragraphs; folding removes it from text, so no q-gram spans two paragraphs


def key(text: str) -> str:
    """What exact matching compares: the text without any whitespace."""
    return "".join(text.split())


def fold(text: str) -> str:
    """What similarity compares: compatibility-folded, case-folded, variant forms unified, no spaces or punctuation.

    >>> fold("Ｔｈｅ  Fox, 爲之。")
    'thefox為之'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return fold_variants(str(NOT_COMPARED.sub("", folded)))


def _grams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@dataclass
class _Side:
    """The paragraphs of one witness taking part in a pairwise alignment, with cached features."""

    indices: Sequence[int]  # paragraph indices in the witness
    texts: Sequence[str]
    keys: list[str] = field(init=False)
    _folds: dict[int, str] = field(default_factory=dict, init=False)
    _grams: dict[int, frozenset[str]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.keys = [key(t) for t in self.texts]

    def __len__(self) -> int:
        return len(self.texts)

    def text_of(self, index: int) -> str:
        """The text of witness paragraph ``index`` (an entry of :attr:`indices`)."""
        if isinstance(self.indices, range) and self.indices.step == 1:
            return self.texts[index - self.indices.start]
        return self.texts[self._position[index]]

    @cached_property
    def _position(self) -> dict[int, int]:
        return {p: n for n, p in enumerate(self.indices)}

    def fold(self, i: int) -> str:
        if i not in self._folds:
            self._folds[i] = fold(self.texts[i])
        return self._folds[i]

    def grams(self, i: int) -> frozenset[str]:
        if i not in self._grams:
            self._grams[i] = _grams(self.fold(i))
        return self._grams[i]

    @cached_property
    def folded(self) -> tuple[str, np.ndarray]:
        """All paragraphs folded and joined by ``BETWEEN``, with where each paragraph starts in the join."""
        folds = [self.fold(i) for i in range(len(self))]
        starts = np.cumsum([0] + [len(f) + 1 for f in folds[:-1]], dtype=np.int64)
        return BETWEEN.join(folds), starts


# --- the chain of shared text -------------------------------------------------------------


def _links(a: _Side, b: _Side, gram: int) -> Counter[tuple[int, int]]:
    """Paragraph pairs (in chain order) and how many q-grams of the chain they share."""
    text_a, _ = a.folded
    text_b, _ = b.folded
    chain = grams.chain(text_a, text_b, gram, separator=BETWEEN)
    if not chain:
        return Counter()
    _, starts_a = a.folded
    _, starts_b = b.folded
    positions = np.array(chain, dtype=np.int64)
    para_a = np.searchsorted(starts_a, positions[:, 0], side="right") - 1
    para_b = np.searchsorted(starts_b, positions[:, 1], side="right") - 1
    return Counter(zip(para_a.tolist(), para_b.tolist(), strict=True))  # first seen first: chain order


Group = tuple[range, range]


def _groups(a: _Side, b: _Side, links: Counter[tuple[int, int]]) -> list[Group]:
    """The smallest consecutive groups that no link crosses, from links ordered along the chain.

    Links with ``MIN_SUPPORT`` q-grams or more make the groups. A link with fewer (in
    repetitive text a paragraph may hold a single rare q-gram) only pairs two paragraphs
    that no other group holds, and only when they are alike: one chance q-gram never
    joins a paragraph to a unit.
    """
    groups: list[list[int]] = []  # [a0, a1, b0, b1], inclusive
    for (i, j), support in links.items():
        if support < MIN_SUPPORT:
            continue
        if groups and (i <= groups[-1][1] or j <= groups[-1][3]):
            last = groups[-1]
            last[1], last[3] = max(last[1], i), max(last[3], j)
        else:
            groups.append([i, i, j, j])
    strong = [(range(a0, a1 + 1), range(b0, b1 + 1)) for a0, a1, b0, b1 in groups]
    return _with_weak_pairs(a, b, strong, [pair for pair, n in links.items() if n < MIN_SUPPORT])


def _with_weak_pairs(a: _Side, b: _Side, strong: list[Group], weak: list[tuple[int, int]]) -> list[Group]:
    """``strong`` groups with 1:1 groups added from ``weak`` links between them (both in chain order)."""
    taken_a = {i for ga, _ in strong for i in ga}
    taken_b = {j for _, gb in strong for j in gb}
    pairs: list[Group] = []
    last_a = last_b = -1
    for i, j in weak:
        if i in taken_a or j in taken_b or i <= last_a or j <= last_b or not _alike(a.fold(i), b.fold(j)):
            continue
        pairs.append((range(i, i + 1), range(j, j + 1)))
        last_a, last_b = i, j
    merged = sorted([(g, True) for g in strong] + [(g, False) for g in pairs], key=lambda item: item[0][0].start)
    out: list[tuple[Group, bool]] = []
    for group, certain in merged:
        while out and group[1].start < out[-1][0][1].stop and certain and not out[-1][1]:
            out.pop()  # a weak pair out of order with a strong group gives way
        if out and group[1].start < out[-1][0][1].stop:
            continue
        out.append((group, certain))
    return [group for group, _ in out]


def _alike(x: str, y: str) -> bool:
    """Dice over character bigrams above a third: the bar a lone 1:1 step must clear."""
    gx, gy = _grams(x), _grams(y)
    return bool(gx and gy) and 6 * len(gx & gy) > len(gx) + len(gy)


# --- gaps between groups: equal keys, then dynamic programming ------------------------------


def _candidates(ka: Sequence[str], kb: Sequence[str], a0: int, b0: int) -> list[tuple[int, int]]:
    """Pairs of equal keys that occur equally often on both sides, k-th with k-th."""
    count_a = Counter(ka)
    count_b = Counter(kb)
    positions: dict[str, list[int]] = defaultdict(list)
    for j, k in enumerate(kb):
        if count_a[k] == count_b[k]:
            positions[k].append(j)
    seen: Counter[str] = Counter()
    pairs = []
    for i, k in enumerate(ka):
        if k in positions:
            pairs.append((a0 + i, b0 + positions[k][seen[k]]))
            seen[k] += 1
    return pairs


def _anchors(ka: Sequence[str], kb: Sequence[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Anchor pairs in region ``ka[a0:a1]`` x ``kb[b0:b1]``, searching again between anchors."""
    found: list[tuple[int, int]] = []
    stack = [(a0, a1, b0, b1)]
    while stack:
        a0, a1, b0, b1 = stack.pop()
        while a0 < a1 and b0 < b1 and ka[a0] == kb[b0]:  # common head and tail cost nothing
            found.append((a0, b0))
            a0, b0 = a0 + 1, b0 + 1
        while a0 < a1 and b0 < b1 and ka[a1 - 1] == kb[b1 - 1]:
            a1, b1 = a1 - 1, b1 - 1
            found.append((a1, b1))
        if a0 == a1 or b0 == b1:
            continue
        chain = grams.lis(_candidates(ka[a0:a1], kb[b0:b1], a0, b0))
        if not chain:  # nothing anchors here: the region is left to dynamic programming
            continue
        found.extend(chain)
        edges = [(a0 - 1, b0 - 1), *chain, (a1, b1)]
        for (pa, pb), (na, nb) in pairwise(edges):
            if na - pa > 1 and nb - pb > 1:
                stack.append((pa + 1, na, pb + 1, nb))
    return sorted(found)


def _score(a: _Side, b: _Side, ia: range, ib: range) -> float | None:
    """Score of matching paragraphs ``ia`` with ``ib`` as one group, None if not worth it."""
    ga = a.grams(ia[0]) if len(ia) == 1 else frozenset().union(*(a.grams(i) for i in ia))
    gb = b.grams(ib[0]) if len(ib) == 1 else frozenset().union(*(b.grams(j) for j in ib))
    la, lb = len(ga), len(gb)
    single = len(ia) == len(ib) == 1
    if not la or not lb or (5 if single else 3) * min(la, lb) <= max(la, lb):  # Dice cannot get there
        return None
    common = len(ga & gb)
    value = 4 * common - la - lb  # positive when Dice exceeds 1/2
    if value > 0:
        return value
    # One paragraph a side pairs from Dice 1/3 up, at a token gain that never beats a real
    # group: its place between neighbours speaks for it (a short heading with a new word).
    return WEAK_PAIR if single and 6 * common > la + lb else None


def _step_shapes() -> list[tuple[int, int]]:
    shapes = [(1, 0), (0, 1), (1, 1)]
    for n in range(2, MAX_GROUP + 1):
        shapes += [(1, n), (n, 1)]
    return shapes


STEP_SHAPES = _step_shapes()


def _row_range(i: int, n: int, m: int, banded: bool) -> range:
    if not banded:
        return range(m + 1)
    lo = (i * m) // n - BAND
    hi = -(-((i + 1) * m) // n) + BAND
    return range(max(lo, 0), min(hi, m) + 1)


class _Budget:
    """The table cells dynamic programming may still fill in one pairwise alignment.

    Editions that share text need few (10 MB with noise in every paragraph: 56,000); two
    long stretches with nothing in common would need millions, each a similarity score.
    Past the budget a region is left unmatched, as gaps, rather than run for minutes.
    """

    def __init__(self, cells: int) -> None:
        self.cells = cells

    def take(self, cells: int) -> bool:
        if cells > self.cells:
            return False
        self.cells -= cells
        return True


def _dp(a: _Side, b: _Side, a0: int, a1: int, b0: int, b1: int, budget: _Budget) -> list[Step]:
    """Best sequence of steps through region ``a[a0:a1]`` x ``b[b0:b1]``."""
    n, m = a1 - a0, b1 - b0
    banded = n * m > FULL_DP_CELLS
    cells = n * (2 * BAND + m // max(n, 1) + 1) if banded else n * m
    if n + m > MAX_DP_PARAGRAPHS or not budget.take(cells):  # too large to search, and nothing anchors
        return _unmatched(a0, a1, b0, b1)
    best: list[dict[int, tuple[float, int, int]]] = []
    for i in range(n + 1):
        row: dict[int, tuple[float, int, int]] = {}
        for j in _row_range(i, n, m, banded):
            if i == 0 and j == 0:
                row[0] = (0.0, 0, 0)
                continue
            top: tuple[float, int, int] | None = None
            for di, dj in STEP_SHAPES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = (best[pi] if pi < i else row).get(pj)
                if prev is None:
                    continue
                gain: float | None = 0.0
                if di and dj:
                    gain = _score(a, b, range(a0 + pi, a0 + i), range(b0 + pj, b0 + j))
                if gain is None:
                    continue
                total = prev[0] + gain
                if top is None or total > top[0]:
                    top = (total, di, dj)
            if top is not None:
                row[j] = top
        best.append(row)
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        _, di, dj = best[i][j]
        steps.append((tuple(range(a0 + i - di, a0 + i)), tuple(range(b0 + j - dj, b0 + j))))
        i, j = i - di, j - dj
    return steps[::-1]


def _unmatched(a0: int, a1: int, b0: int, b1: int) -> list[Step]:
    return [((i,), ()) for i in range(a0, a1)] + [((), (j,)) for j in range(b0, b1)]


def _fill(a: _Side, b: _Side, a0: int, a1: int, b0: int, b1: int, budget: _Budget, *, exact: bool = True) -> list[Step]:
    """Steps for a gap between groups: equal keys anchor (then folded ones), DP in what is left."""
    if a0 == a1 or b0 == b1:
        return _unmatched(a0, a1, b0, b1)
    if exact:
        features_a, features_b = a.keys, b.keys
        pairs = _anchors(features_a, features_b, a0, a1, b0, b1)
    else:
        fa = [a.fold(i) for i in range(a0, a1)]
        fb = [b.fold(j) for j in range(b0, b1)]
        pairs = [(i + a0, j + b0) for i, j in _anchors(fa, fb, 0, a1 - a0, 0, b1 - b0) if fa[i]]
    steps: list[Step] = []
    pa, pb = a0, b0
    for i, j in [*pairs, (a1, b1)]:
        if (pa, pb) != (i, j):
            if exact:
                steps.extend(_fill(a, b, pa, i, pb, j, budget, exact=False))
            else:
                steps.extend(_dp(a, b, pa, i, pb, j, budget) if pa < i and pb < j else _unmatched(pa, i, pb, j))
        if i < a1:
            steps.append(((i,), (j,)))
        pa, pb = i + 1, j + 1
    return steps


def _path(a: _Side, b: _Side, gram: int) -> list[Step]:
    """The monotone alignment of two sides: groups from the chain, the gaps between them filled."""
    steps: list[Step] = []
    pa, pb = 0, 0
    links = _links(a, b, gram)
    budget = _Budget(DP_BUDGET)
    for ga, gb in [*_groups(a, b, links), (range(len(a), len(a)), range(len(b), len(b)))]:
        steps.extend(_fill(a, b, pa, ga.start, pb, gb.start, budget))
        if ga:
            steps.extend(_resolve(a, b, ga, gb, links, budget))
        pa, pb = ga.stop, gb.stop
    return _absorb(a, b, steps)


def _dice_of(a: _Side, b: _Side, ia: Iterable[int], ib: Iterable[int]) -> float:
    ga = frozenset().union(*(a.grams(i) for i in ia))
    gb = frozenset().union(*(b.grams(j) for j in ib))
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _absorb(a: _Side, b: _Side, steps: list[Step]) -> list[Step]:
    """Join an unmatched paragraph to the neighbouring unit whose other side holds its text.

    A heading merged into the paragraph before it has too few q-grams to link on its
    own; it belongs to that unit when the unit matches better with it than without it.
    """
    out: list[Step] = []
    for step in steps:
        at = _nearest_unit(out, step)
        if at is not None and _joins(a, b, out[at], step):
            out[at] = (out[at][0] + step[0], out[at][1] + step[1])
            continue
        out.append(step)
    merged: list[Step] = []
    for step in reversed(out):
        at = _nearest_unit(merged, step)
        if at is not None and _joins(a, b, merged[at], step):
            merged[at] = (step[0] + merged[at][0], step[1] + merged[at][1])
            continue
        merged.append(step)
    return merged[::-1]


def _nearest_unit(steps: list[Step], lone: Step) -> int | None:
    """The last two-sided step of ``steps``, when only paragraphs of the other edition stand
    after it: one edition's lone paragraphs and the other's may change places without
    breaking either order, so an omission can join the unit across an addition."""
    side = 0 if lone[0] else 1
    for at in range(len(steps) - 1, -1, -1):
        if steps[at][0] and steps[at][1]:
            return at
        if steps[at][side]:
            return None
    return None


def _joins(a: _Side, b: _Side, unit: Step, lone: Step) -> bool:
    """Whether one-sided ``lone`` makes two-sided ``unit`` match better."""
    if not (unit[0] and unit[1]) or (lone[0] and lone[1]) or not (lone[0] or lone[1]):
        return False
    before = _dice_of(a, b, unit[0], unit[1])
    return _dice_of(a, b, unit[0] + lone[0], unit[1] + lone[1]) > before


def _resolve(a: _Side, b: _Side, ga: range, gb: range, links: Counter[tuple[int, int]], budget: _Budget) -> list[Step]:
    """An n:m group as finer 1:n and n:1 steps, when paragraph matching accounts for all of it.

    Rewritten passages often carry a sentence across a paragraph boundary (the last
    sentence of one paragraph reappears inside the next): that thin link should not make
    one unit of three paragraphs that otherwise match one to three. But text that runs on
    across a boundary (a column or page break placed elsewhere) is a large part of the
    paragraph it leaves, and then the group stays whole.
    """
    whole = [(tuple(ga), tuple(gb))]
    if len(ga) < 2 or len(gb) < 2 or len(ga) > MAX_GROUP * len(gb) or len(gb) > MAX_GROUP * len(ga):
        return whole
    steps = _dp(a, b, ga.start, ga.stop, gb.start, gb.stop, budget)
    if len(steps) < 2 or not all(sa and sb for sa, sb in steps):
        return whole
    kept = {(i, j) for sa, sb in steps for i in sa for j in sb}
    for (i, j), support in links.items():
        lost = i in ga and j in gb and (i, j) not in kept
        if lost and support > THIN_LINK * min(len(a.fold(i)), len(b.fold(j))):
            return whole
    return steps


# --- moved paragraphs -------------------------------------------------------------------


def _dice(a: _Side, b: _Side, i: int, j: int) -> float:
    ga, gb = a.grams(i), b.grams(j)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _pair_by(ka: Sequence[str], kb: Sequence[str], left: list[int], right: list[int]) -> list[tuple[int, int]]:
    """Pair unmatched paragraphs whose feature occurs equally often on both sides, in order."""
    return [(left[i], right[j]) for i, j in _candidates(ka, kb, 0, 0) if ka[i]]


def _similar_pairs(a: _Side, b: _Side, left: list[int], right: list[int]) -> list[tuple[int, int]]:
    if len(left) * len(right) > MOVE_PAIRS:
        return []
    scored = []
    for i in left:
        for j in right:
            dice = _dice(a, b, i, j)
            if dice >= MOVE_DICE:
                scored.append((-dice, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in sorted(scored):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def _find_moves(a: _Side, b: _Side, steps: list[Step]) -> dict[int, int]:
    """Unmatched base paragraph -> unmatched other paragraph that is the same paragraph moved."""
    left = [s[0][0] for s in steps if not s[1]]
    right = [s[1][0] for s in steps if not s[0]]
    moves: dict[int, int] = {}
    features: list[tuple[Callable[[int], str], Callable[[int], str]]] = [
        (a.keys.__getitem__, b.keys.__getitem__),
        (a.fold, b.fold),
    ]
    for fa, fb in features:
        for i, j in _pair_by([fa(i) for i in left], [fb(j) for j in right], left, right):
            moves[i] = j
        left = [i for i in left if i not in moves]
        taken = set(moves.values())
        right = [j for j in right if j not in taken]
    for i, j in _similar_pairs(a, b, left, right):
        moves[i] = j
    return moves


@dataclass(frozen=True, slots=True)
class _PairStep:
    """One step of a pairwise alignment, in witness paragraph indices."""

    base: tuple[int, ...]
    other: tuple[int, ...]
    moved: bool = False


def _is_short(a: _Side, b: _Side, step: Step, short: int) -> bool:
    return all(len(a.texts[i]) <= short for i in step[0]) and all(len(b.texts[j]) <= short for j in step[1])


def _join_short_runs(a: _Side, b: _Side, steps: list[Step], moves: dict[int, int], short: int) -> list[Step]:
    """One unit for a run of short paragraphs in which one edition lacks a paragraph.

    Whether a dropped heading, salutation or address line ("To V. FRANKENSTEIN.") went
    missing or went into a reworded neighbour cannot be told from a few words, so the
    run around it is one unit, as a collation editor would set it (the Frankenstein
    Variorum joins a run so even where the paragraphs both editions have read the same:
    ``CHAPTER V.`` … ``To V. FRANKENSTEIN.`` … ``"MY DEAR COUSIN,``). Only a short run
    (``SHORT_RUN`` steps between longer paragraphs) is joined, and only from the first
    to the last paragraph both editions have: a witness that simply stops is a gap, and
    a list of short items keeps its items apart.
    """
    moved_b = set(moves.values())
    out: list[Step] = []
    run: list[Step] = []

    def flush() -> None:
        two_sided = [n for n, (sa, sb) in enumerate(run) if sa and sb]
        inner = run[two_sided[0] : two_sided[-1] + 1] if two_sided else []
        if len(run) <= SHORT_RUN and any(not (sa and sb) for sa, sb in inner):
            out.extend(run[: two_sided[0]])
            out.append((tuple(i for sa, _ in inner for i in sa), tuple(j for _, sb in inner for j in sb)))
            out.extend(run[two_sided[-1] + 1 :])
        else:
            out.extend(run)
        run.clear()

    for step in steps:
        involved = any(i in moves for i in step[0]) or any(j in moved_b for j in step[1])
        if _is_short(a, b, step, short) and not involved:
            run.append(step)
        else:
            flush()
            out.append(step)
    flush()
    return out


def _pairwise(a: _Side, b: _Side, profile: Profile) -> list[_PairStep]:
    """Align side ``b`` to side ``a``: steps in ``a`` order, moved paragraphs at ``a``'s place."""
    steps = _path(a, b, profile.gram)
    moves = _find_moves(a, b, steps)
    steps = _join_short_runs(a, b, steps, moves, profile.short)
    placed = set(moves.values())
    result = []
    for sa, sb in steps:
        if not sb and sa[0] in moves:
            result.append(_PairStep((a.indices[sa[0]],), (b.indices[moves[sa[0]]],), moved=True))
        elif not (not sa and sb[0] in placed):
            result.append(_PairStep(tuple(a.indices[i] for i in sa), tuple(b.indices[j] for j in sb)))
    return result


# --- merging pairwise alignments into units --------------------------------------------


Row = tuple[dict[str, tuple[int, ...]], frozenset[str]]


def _merge(sides: dict[str, _Side], pivot: str, profile: Profile) -> list[Row]:
    """Rows of paragraphs for every siglum in ``sides``, in the order of ``pivot``."""
    base = sides[pivot]
    position = {p: n for n, p in enumerate(base.indices)}
    joined = [False] * len(base)  # joined[n]: base paragraphs n and n+1 share a row
    pairwise = {s: _pairwise(base, side, profile) for s, side in sides.items() if s != pivot}
    for steps in pairwise.values():
        for step in steps:
            for p in step.base[:-1]:
                joined[position[p]] = True
    group_of, groups = [], 0
    for n in range(len(base)):
        group_of.append(groups)
        groups += 0 if joined[n] else 1
    members: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(groups)]
    moved: list[set[str]] = [set() for _ in range(groups)]
    inserted: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(groups + 1)]
    for n, p in enumerate(base.indices):
        members[group_of[n]][pivot].append(p)
    for siglum, steps in pairwise.items():
        slot = 0  # insertions go after the group of the last base paragraph seen
        for step in steps:
            if not step.base:
                inserted[slot][siglum].extend(step.other)
                continue
            g = group_of[position[step.base[0]]]
            slot = g + 1
            members[g][siglum].extend(step.other)
            if step.moved:
                moved[g].add(siglum)
    rows: list[Row] = []
    for g in range(groups + 1):
        rows.extend(_inserted_rows(sides, inserted[g], profile))
        if g < groups:
            rows.append(({s: tuple(sorted(members[g].get(s, ()))) for s in sides}, frozenset(moved[g])))
    return rows


def _inserted_rows(sides: dict[str, _Side], runs: dict[str, list[int]], profile: Profile) -> list[Row]:
    """Rows for paragraphs that no pivot paragraph matched, aligned among their witnesses."""
    present = [s for s in sides if runs.get(s)]
    if not present:
        return []
    if len(present) == 1:
        rows: list[Row] = [({present[0]: (p,)}, frozenset()) for p in runs[present[0]]]
    else:
        sub = {s: _Side(runs[s], [sides[s].text_of(p) for p in runs[s]]) for s in present}
        rows = _merge(sub, present[0], profile)
    return [({s: r.get(s, ()) for s in sides}, mv) for r, mv in rows]


# --- units ---------------------------------------------------------------------------------


def _segmenters(witnesses: Sequence[NormalizedWitness]) -> dict[str, str]:
    return {w.siglum: w.rule_set.words for w in witnesses}


def build_unit(
    unit_id: str,
    paragraphs: Mapping[str, tuple[int, ...]],
    moved: Iterable[str],
    witnesses: Sequence[NormalizedWitness],
    *,
    orthographic: bool = True,
) -> Unit:
    """The unit that holds ``paragraphs`` of each witness: its status and variant readings.

    Used by :func:`align` and by readers of saved alignments, so both type variants alike.
    """
    return _unit(unit_id, (dict(paragraphs), frozenset(moved)), witnesses, _segmenters(witnesses), orthographic)


def _unit(
    unit_id: str, row: Row, witnesses: Sequence[NormalizedWitness], segmenters: dict[str, str], orthographic: bool
) -> Unit:
    paragraphs, moved = row
    texts = {
        w.siglum: "\n".join(w.paragraphs[i].text for i in paragraphs[w.siglum])
        for w in witnesses
        if paragraphs[w.siglum]
    }
    if len(texts) < len(witnesses):
        status = UnitStatus.GAP
    elif len(set(texts.values())) == 1:
        status = UnitStatus.EQUAL
    else:
        status = UnitStatus.VARIANT
    variants = find_variants(texts, segmenters, orthographic=orthographic) if len(set(texts.values())) > 1 else ()
    return Unit(
        id=unit_id,
        paragraphs={w.siglum: paragraphs[w.siglum] for w in witnesses},
        status=status,
        variants=variants,
        moved=tuple(w.siglum for w in witnesses if w.siglum in moved),
    )


def _check(witnesses: Sequence[NormalizedWitness], base: str | None) -> str:
    if not witnesses:
        raise UsageError("alignment needs at least one witness")
    sigla = [w.siglum for w in witnesses]
    duplicates = sorted({s for s in sigla if sigla.count(s) > 1})
    if duplicates:
        raise UsageError(f"sigla must be unique, {', '.join(duplicates)} is given twice (set them with --sigla)")
    if base is not None and base not in sigla:
        raise UsageError(f"base {base!r} is not one of the sigla {', '.join(sigla)}")
    return base if base is not None else sigla[0]


def align(
    witnesses: Sequence[NormalizedWitness], *, base: str | None = None, title: str = "", orthographic: bool = True
) -> Alignment:
    """Align the paragraphs of ``witnesses``; units follow the order of ``base`` (default: the first).

    ``orthographic=False`` types variant character forms (各项/各項) as substantive.
    """
    pivot = _check(witnesses, base)
    ordered = sorted(witnesses, key=lambda w: w.siglum != pivot)  # the pivot's side first
    sides = {w.siglum: _Side(range(len(w.paragraphs)), [p.text for p in w.paragraphs]) for w in ordered}
    rows = _merge(sides, pivot, next(w.rule_set for w in witnesses if w.siglum == pivot))
    segmenters = _segmenters(witnesses)
    units = tuple(_unit(f"u{n}", row, witnesses, segmenters, orthographic) for n, row in enumerate(rows, 1))
    return Alignment(witnesses=tuple(witnesses), base=pivot, units=units, title=title)
