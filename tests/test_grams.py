"""Rare shared q-grams and their longest increasing chain: the anchors alignment starts from."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from aligner.grams import chain, hashes, lis, unique

from .conftest import PARAS


def brute_lis_length(pairs: list[tuple[int, int]]) -> int:
    best = 0
    for size in range(len(pairs), 0, -1):
        for chosen in itertools.combinations(pairs, size):
            if all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(chosen)):
                return size
    return best


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=9, unique_by=lambda p: p[0]))
def test_lis_is_a_longest_chain_increasing_in_both(pairs: list[tuple[int, int]]) -> None:
    pairs.sort()
    found = lis(pairs)
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(found))
    assert set(found) <= set(pairs)
    assert len(found) == brute_lis_length(pairs)


def test_unique_keeps_only_grams_that_occur_once() -> None:
    values, offsets = unique(hashes("abcabcxyz", 3))
    grams = {"abcabcxyz"[o : o + 3] for o in offsets.tolist()}
    assert grams == {"bca", "cab", "bcx", "cxy", "xyz"}
    assert len(values) == len(grams)


def test_no_gram_spans_the_separator() -> None:
    _, offsets = hashes("ab\x00cd", 2, separator="\x00")
    assert ["ab\x00cd"[o : o + 2] for o in offsets.tolist()] == ["ab", "cd"]


@given(start=st.integers(0, 200), cut=st.integers(1, 40), seed=st.integers(0, 1000))
def test_the_chain_pairs_equal_grams_in_order(start: int, cut: int, seed: int) -> None:
    a = "".join(PARAS[start : start + 20])
    at = seed % max(1, len(a) - cut)
    b = a[:at] + "新增的文字" + a[at + cut :]
    pairs = chain(a, b, 4)
    assert pairs, "a shared text has anchors"
    assert all(a[i : i + 4] == b[j : j + 4] for i, j in pairs)
    assert all(p[0] < q[0] and p[1] < q[1] for p, q in itertools.pairwise(pairs))
