"""Variant character forms: simplified/traditional and 異體字 mapped to one form for comparing.

The tables in ``data/`` are made by :mod:`aligner.rules.build_variants` from OpenCC and
Unihan. Alignment folds variant forms before it compares text, so 爲 and 為 anchor alike;
variant classification calls two readings *orthographic* when they are equal once every
character is mapped to its form (and an ambiguous simplified character such as 后 may
stand for any one of its traditional readings, 後 or 后, but does not join them).

>>> fold_variants("爲之於扵")
'為之於於'
>>> same_but_variants("各项", "各項"), same_but_variants("后", "後"), same_but_variants("已", "巳")
(True, True, False)
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

__all__ = ["fold_variants", "same_but_variants"]


def _rows(name: str) -> list[list[str]]:
    text = files("aligner.rules").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def _forms() -> dict[int, str]:
    return {ord(char): form for char, form in _rows("variants.tsv")}


@lru_cache(maxsize=1)
def _ambiguous() -> dict[str, frozenset[str]]:
    return {char: frozenset(forms) for char, forms in _rows("variants-ambiguous.tsv")}


def fold_variants(text: str) -> str:
    """``text`` with every variant character replaced by the one form it is compared as."""
    return text.translate(_forms())


def same_but_variants(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ at most in variant forms of the same characters."""
    if len(a) != len(b):
        return False
    forms, ambiguous = _forms(), _ambiguous()
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        fx, fy = forms.get(ord(x), x), forms.get(ord(y), y)
        if fx != fy and fy not in ambiguous.get(x, ()) and fx not in ambiguous.get(y, ()):
            return False
    return True
