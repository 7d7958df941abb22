"""How each spacing style fixes the spaces of a line: one pattern, a replacement per named group.

``edge`` spaces at a line's ends go; ``cjk`` spaces beside CJK characters go (government
style: 自2009年); ``pangu`` puts exactly one space between CJK and Latin letters or
digits (自 2009 年); ``run`` folds runs of spaces, and odd spaces, to one space.
"""

from __future__ import annotations

from enum import StrEnum

import regex

from aligner.rules.characters import HSPACE, SPACING_CJK

__all__ = ["SPACING_RULES", "SpacingStyle"]

ALNUM = r"A-Za-z0-9"


class SpacingStyle(StrEnum):
    """How spaces between CJK and Latin/digits are treated."""

    GOVERNMENT = "government"  # none: 自2009年 (the seed's house style)
    PANGU = "pangu"  # exactly one: 自 2009 年
    LATIN = "latin"  # text without CJK: only fold runs and strip


_EDGE = rf"(?P<edge>^{HSPACE}+|{HSPACE}+$)"
_CJK = rf"(?P<cjk>(?<=[{SPACING_CJK}]){HSPACE}+|{HSPACE}+(?=[{SPACING_CJK}]))"
_RUN = rf"(?P<run>{HSPACE}{{2,}}|[^\S \n\f])"
_PANGU = (
    rf"(?P<pangu>(?<=[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]){HSPACE}*(?=[{ALNUM}])"
    rf"|(?<=[{ALNUM}]){HSPACE}*(?=[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]))"
)

# What each named group of a spacing pattern becomes, and the rule name an explanation gives it.
_EDGE_FIX = ("", "space-at-line-edge")
_CJK_FIX = ("", "space-beside-cjk")
_RUN_FIX = (" ", "space-run")
_PANGU_FIX = (" ", "space-between-cjk-and-latin")

SPACING_RULES: dict[SpacingStyle, tuple[regex.Pattern[str], dict[str, tuple[str, str]]]] = {
    SpacingStyle.GOVERNMENT: (
        regex.compile(f"{_EDGE}|{_CJK}|{_RUN}", regex.MULTILINE),
        {"edge": _EDGE_FIX, "cjk": _CJK_FIX, "run": _RUN_FIX},
    ),
    SpacingStyle.PANGU: (
        regex.compile(f"{_EDGE}|{_PANGU}|{_CJK}|{_RUN}", regex.MULTILINE),
        {"edge": _EDGE_FIX, "pangu": _PANGU_FIX, "cjk": _CJK_FIX, "run": _RUN_FIX},
    ),
    SpacingStyle.LATIN: (
        regex.compile(f"{_EDGE}|{_RUN}", regex.MULTILINE),
        {"edge": _EDGE_FIX, "run": _RUN_FIX},
    ),
}
