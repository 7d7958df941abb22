"""Rare shared q-grams: the anchors that paragraph alignment and the variant diff start from.

A q-gram (q consecutive characters) that occurs exactly once in each of two texts pairs
a place in one with a place in the other, as passim's rare shingles do; the longest
chain of such pairs increasing in both texts follows the text the two share, and costs
time linear in their length (hashing is vectorized with NumPy; the chain is a longest
increasing subsequence in O(n log n)).

>>> chain("the red fox jumps", "the rod fox jumps", 4)[:4]
[(0, 0), (1, 1), (6, 6), (7, 7)]
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

__all__ = ["chain", "hashes", "lis", "unique"]

Hashed = tuple[np.ndarray, np.ndarray]


def hashes(text: str, q: int, separator: str | None = None) -> Hashed:
    """A 64-bit hash of every q-gram of ``text`` (none that holds ``separator``), and its offset."""
    if len(text) < q:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    count = len(raw) - q + 1
    value = raw[:count].astype(np.uint64)
    with np.errstate(over="ignore"):  # the arithmetic wraps around, as a hash should
        for k in range(1, q):
            value *= np.uint64(0x100000001B3)
            value += raw[k : k + count]
        value ^= value >> np.uint64(31)
        value *= np.uint64(0x9E3779B97F4A7C15)
        value ^= value >> np.uint64(29)
    offsets = np.arange(count, dtype=np.int64)
    if separator is None:
        return value, offsets
    seen = np.concatenate(([0], np.cumsum(raw == ord(separator))))
    inside = seen[q : q + count] == seen[:count]
    return value[inside], offsets[inside]


def unique(hashed: Hashed) -> Hashed:
    """The hashes that occur exactly once, with their offsets."""
    values, offsets = hashed
    distinct, first, counts = np.unique(values, return_index=True, return_counts=True)
    once = counts == 1
    return distinct[once], offsets[first[once]]


def lis(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
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
    found: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        found.append(pairs[n])
        n = back[n]
    return found[::-1]


MAX_POINTS = 400_000  # shared q-grams above which the chain is built from an even sample of them


def chain(a: str, b: str, q: int, *, separator: str | None = None) -> list[tuple[int, int]]:
    """The longest chain of q-grams unique to both texts, as (offset in ``a``, offset in ``b``).

    When the texts share more than ``MAX_POINTS`` such q-grams, only those whose hash
    falls in one residue class are chained: the same ones on both sides, spread evenly,
    so the chain still covers the shared text while its cost stays bounded.
    """
    values_a, at_a = unique(hashes(a, q, separator))
    values_b, at_b = unique(hashes(b, q, separator))
    shared, ia, ib = np.intersect1d(values_a, values_b, assume_unique=True, return_indices=True)
    if len(shared) > MAX_POINTS:
        keep = shared % np.uint64(-(-len(shared) // MAX_POINTS)) == 0
        ia, ib = ia[keep], ib[keep]
    pa, pb = at_a[ia], at_b[ib]
    order = np.argsort(pa, kind="stable")
    return lis(list(zip(pa[order].tolist(), pb[order].tolist(), strict=True)))
