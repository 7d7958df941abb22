"""Paragraph alignment across witnesses: anchors first, dynamic programming between them.

Two editions of one document mostly agree, so the expensive part must only run where
they do not. For each witness against the base:

1. **Anchors.** Paragraphs are compared by a *key*, their text with whitespace removed
   (a reflowed PDF paragraph and its web twin have the same key). Within a region,
   keys that occur equally often on both sides are paired occurrence by occurrence (a
   generalisation of patience diff's unique lines, so that repeated boilerplate in
   long documents still anchors), the longest increasing chain of those pairs is kept,
   and the gaps between them are searched again. A second pass uses a looser key
   (compatibility-folded, punctuation dropped), so punctuation-only edits anchor too.
2. **Dynamic programming** between anchors finds 1:1, 1:n, n:1 (up to ``MAX_GROUP``),
   1:0 and 0:1 steps. A group scores ``4·|A∩B| − |A| − |B|`` on sets of character
   bigrams of the folded text: positive exactly when the Dice similarity exceeds ½,
   so an edited paragraph still aligns while an unrelated neighbour never joins a
   group. One paragraph a side pairs from Dice ⅓ up, at a token gain: a short heading
   with a changed word keeps only half its bigrams, and its place says the rest.
   Large regions without anchors are searched in a band along their diagonal, which
   keeps the whole alignment near-linear.
3. **Moves.** Paragraphs left unmatched on both sides are paired by key, folded key
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
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from aligner.errors import UsageError
from aligner.model import Alignment, NormalizedWitness, Unit, UnitStatus
from aligner.variants import find_variants

__all__ = ["MAX_GROUP", "align", "fold", "key"]

MAX_GROUP = 5  # the most paragraphs one side of a 1:n or n:1 step may hold
FULL_DP_CELLS = 40_000  # regions up to this many cells get the full table, larger ones a band
BAND = 40  # half-width of the band, in paragraphs
MOVE_PAIRS = 20_000  # compare unmatched paragraphs pairwise for moves up to this many pairs
MOVE_DICE = 0.6  # how alike two unmatched paragraphs must be to count as one moved paragraph
WEAK_PAIR = 0.5  # the gain of a 1:1 step whose Dice lies between 1/3 and 1/2

Step = tuple[tuple[int, ...], tuple[int, ...]]


def key(text: str) -> str:
    """What exact matching compares: the text without any whitespace."""
    return "".join(text.split())


def fold(text: str) -> str:
    """What similarity compares: compatibility-folded, case-folded, no whitespace or punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if not c.isspace() and not unicodedata.category(c).startswith("P"))


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

    def fold(self, i: int) -> str:
        if i not in self._folds:
            self._folds[i] = fold(self.texts[i])
        return self._folds[i]

    def grams(self, i: int) -> frozenset[str]:
        if i not in self._grams:
            self._grams[i] = _grams(self.fold(i))
        return self._grams[i]


# --- anchors ------------------------------------------------------------------------


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing in both coordinates (pairs sorted by the first)."""
    tails: list[int] = []  # tails[k]: smallest second coordinate ending a chain of length k+1
    tail_at: list[int] = []  # index into pairs of that chain end
    back: list[int] = []
    for n, (_, j) in enumerate(pairs):
        k = bisect_right(tails, j - 1)  # strictly increasing
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        back.append(tail_at[k - 1] if k else -1)
    chain: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


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
        chain = _lis(_candidates(ka[a0:a1], kb[b0:b1], a0, b0))
        if not chain:  # nothing anchors here: the region is left to dynamic programming
            continue
        found.extend(chain)
        edges = [(a0 - 1, b0 - 1), *chain, (a1, b1)]
        for (pa, pb), (na, nb) in pairwise(edges):
            if na - pa > 1 and nb - pb > 1:
                stack.append((pa + 1, na, pb + 1, nb))
    return sorted(found)


# --- dynamic programming between anchors ----------------------------------------------


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


def _moves() -> list[tuple[int, int]]:
    moves = [(1, 0), (0, 1), (1, 1)]
    for n in range(2, MAX_GROUP + 1):
        moves += [(1, n), (n, 1)]
    return moves


MOVES = _moves()


def _row_range(i: int, n: int, m: int, banded: bool) -> range:
    if not banded:
        return range(m + 1)
    lo = (i * m) // n - BAND
    hi = -(-((i + 1) * m) // n) + BAND
    return range(max(lo, 0), min(hi, m) + 1)


def _dp(a: _Side, b: _Side, a0: int, a1: int, b0: int, b1: int) -> list[Step]:
    """Best sequence of steps through region ``a[a0:a1]`` x ``b[b0:b1]``."""
    n, m = a1 - a0, b1 - b0
    banded = n * m > FULL_DP_CELLS
    best: list[dict[int, tuple[float, int, int]]] = []
    for i in range(n + 1):
        row: dict[int, tuple[float, int, int]] = {}
        for j in _row_range(i, n, m, banded):
            if i == 0 and j == 0:
                row[0] = (0.0, 0, 0)
                continue
            top: tuple[float, int, int] | None = None
            for di, dj in MOVES:
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


def _dice(a: _Side, b: _Side, i: int, j: int) -> float:
    ga, gb = a.grams(i), b.grams(j)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _fill(a: _Side, b: _Side, a0: int, a1: int, b0: int, b1: int) -> list[Step]:
    """Steps for a region between anchors: loose-key anchors, then DP in what is left."""
    if a0 == a1 or b0 == b1:
        return [((i,), ()) for i in range(a0, a1)] + [((), (j,)) for j in range(b0, b1)]
    fa = [a.fold(i) for i in range(a0, a1)]
    fb = [b.fold(j) for j in range(b0, b1)]
    loose = [(i + a0, j + b0) for i, j in _anchors(fa, fb, 0, a1 - a0, 0, b1 - b0) if fa[i]]
    steps: list[Step] = []
    pa, pb = a0, b0
    for i, j in [*loose, (a1, b1)]:
        if (pa, pb) != (i, j):
            steps.extend(_dp(a, b, pa, i, pb, j) if pa < i and pb < j else _fill(a, b, pa, i, pb, j))
        if i < a1:
            steps.append(((i,), (j,)))
        pa, pb = i + 1, j + 1
    return steps


def _path(a: _Side, b: _Side) -> list[Step]:
    """The monotone alignment of two sides: anchors, and the regions between them filled."""
    steps: list[Step] = []
    pa, pb = 0, 0
    for i, j in [*_anchors(a.keys, b.keys, 0, len(a), 0, len(b)), (len(a), len(b))]:
        if (pa, pb) != (i, j):
            steps.extend(_fill(a, b, pa, i, pb, j))
        if i < len(a):
            steps.append(((i,), (j,)))
        pa, pb = i + 1, j + 1
    return steps


# --- moved paragraphs -------------------------------------------------------------------


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


def _pairwise(a: _Side, b: _Side) -> list[_PairStep]:
    """Align side ``b`` to side ``a``: steps in ``a`` order, moved paragraphs at ``a``'s place."""
    steps = _path(a, b)
    moves = _find_moves(a, b, steps)
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


def _merge(sides: dict[str, _Side], pivot: str) -> list[Row]:
    """Rows of paragraphs for every siglum in ``sides``, in the order of ``pivot``."""
    base = sides[pivot]
    position = {p: n for n, p in enumerate(base.indices)}
    joined = [False] * len(base)  # joined[n]: base paragraphs n and n+1 share a row
    pairwise = {s: _pairwise(base, side) for s, side in sides.items() if s != pivot}
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
        rows.extend(_inserted_rows(sides, inserted[g]))
        if g < groups:
            rows.append(({s: tuple(sorted(members[g].get(s, ()))) for s in sides}, frozenset(moved[g])))
    return rows


def _inserted_rows(sides: dict[str, _Side], runs: dict[str, list[int]]) -> list[Row]:
    """Rows for paragraphs that no pivot paragraph matched, aligned among their witnesses."""
    present = [s for s in sides if runs.get(s)]
    if not present:
        return []
    sub = {}
    for s in present:
        texts = sides[s].texts
        offset = sides[s].indices
        local = {p: n for n, p in enumerate(offset)}
        sub[s] = _Side(runs[s], [texts[local[p]] for p in runs[s]])
    if len(present) == 1:
        rows: list[Row] = [({present[0]: (p,)}, frozenset()) for p in runs[present[0]]]
    else:
        rows = _merge(sub, present[0])
    return [({s: r.get(s, ()) for s in sides}, mv) for r, mv in rows]


# --- units ---------------------------------------------------------------------------------


def _unit(number: int, row: Row, witnesses: Sequence[NormalizedWitness]) -> Unit:
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
    variants = find_variants(texts) if len(set(texts.values())) > 1 else ()
    return Unit(
        id=f"u{number}",
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


def align(witnesses: Sequence[NormalizedWitness], *, base: str | None = None, title: str = "") -> Alignment:
    """Align the paragraphs of ``witnesses``; units follow the order of ``base`` (default: the first)."""
    pivot = _check(witnesses, base)
    ordered = sorted(witnesses, key=lambda w: w.siglum != pivot)  # the pivot's side first
    sides = {w.siglum: _Side(range(len(w.paragraphs)), [p.text for p in w.paragraphs]) for w in ordered}
    rows = _merge(sides, pivot)
    units = tuple(_unit(n, row, witnesses) for n, row in enumerate(rows, 1))
    return Alignment(witnesses=tuple(witnesses), base=pivot, units=units, title=title)
