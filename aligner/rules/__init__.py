"""Rule tables as data: character classes, paragraph and heading patterns, profiles.

A :class:`Profile` bundles every language-specific choice the normalizers make, so
that adding a language or a house style means adding a table here, not an ``if``
in the code. Patterns are compiled once, when this module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from aligner.errors import UsageError
from aligner.model import BlockKind
from aligner.rules.characters import HAN, LATIN_LETTER, MODERN_PUNCTUATION
from aligner.rules.spacing import SpacingStyle
from aligner.rules.variants import fold_variants, same_but_variants

__all__ = [
    "CLASSICAL",
    "DOCX_HEADING_STYLE",
    "DOCX_LIST_STYLE",
    "EN",
    "PROFILES",
    "ZH",
    "Profile",
    "SpacingStyle",
    "StructureRule",
    "classify_paragraph",
    "detect_profile",
    "fold_variants",
    "get_profile",
    "profile_for_language",
    "same_but_variants",
]


# Word's own names for its heading and list paragraph styles, in the languages of the
# editions aligner reads: a DOCX says what a paragraph is through these.
DOCX_HEADING_STYLE = regex.compile(r"^(?:Heading|标题|標題|見出し)\s*(\d)$", regex.IGNORECASE)
DOCX_LIST_STYLE = regex.compile(r"list", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class StructureRule:
    """A paragraph whose text matches ``pattern`` is a ``kind`` at ``level``.

    ``max_length`` keeps a numbered sentence from passing for a heading; ``no_final``
    requires that the paragraph not end with sentence punctuation (headings don't).
    Rules are tried in order; the first that matches wins.
    """

    name: str
    pattern: regex.Pattern[str]
    kind: BlockKind
    level: int = 0
    max_length: int = 10_000
    no_final: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """Every language-specific choice of normalization, reflow and segmentation."""

    name: str
    language: str
    description: str
    wide_ambiguous: bool
    sentence_end: str
    starts_paragraph: regex.Pattern[str]
    structure: tuple[StructureRule, ...]
    spacing: SpacingStyle
    hyphenation: bool = False
    compound_prefixes: frozenset[str] = field(default_factory=frozenset)
    fold_width: bool = False
    # Which line length counts as "full": the median for justified monospace CJK, a
    # high quantile for Latin text, whose ragged lines stop anywhere short of the edge.
    edge_quantile: float = 0.5
    # How variant readings are widened to whole words: "jieba" (modern Chinese),
    # "latin" (runs of letters and digits) or "chars" (every character a word).
    words: str = "latin"
    # Length of the character q-grams that anchor alignment: long enough to be rare in
    # a document (a CJK character carries about as much as a Latin word).
    gram: int = 8
    # Paragraphs up to this many characters (headings, salutations, datelines) carry
    # too little text to be told apart when an edition drops one of a run of them.
    short: int = 100
    # Interlinear notes set in two half-columns, ``(a/b)``: the ``/`` is layout, and a
    # note takes the width of its longer half. None where the text has no such notes.
    note: regex.Pattern[str] | None = None

    def describe(self) -> str:
        """What the profile does, and the paragraph kinds its structure rules find, for a reader.

        >>> print(EN.describe().splitlines()[0])
        en (language en): English: lines joined with one space, soft hyphens at line ends removed
        """
        rules = ", ".join(
            f"{r.name} ({r.kind.value}{f' {r.level}' if r.kind is BlockKind.HEAD else ''})" for r in self.structure
        )
        return f"{self.name} (language {self.language}): {self.description}\n  structure: {rules or 'none'}"

    def with_options(self, **changes: object) -> Profile:
        """A copy with some fields changed, e.g. ``ZH.with_options(fold_width=True)``."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _c(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def _union(*patterns: regex.Pattern[str]) -> regex.Pattern[str]:
    """One pattern that matches where any of ``patterns`` does: one match call per line."""
    return regex.compile("|".join(f"(?:{p.pattern})" for p in patterns))


ZH_NUMERAL = "一二三四五六七八九十百零〇两"

# Markers that open a new paragraph when they begin a line (list items, numbered clauses).
ZH_STARTS = _union(
    _c(r"^——"),
    _c(rf"^[（(][{ZH_NUMERAL}]{{1,4}}[）)]"),
    _c(rf"^[{ZH_NUMERAL}]{{1,4}}、"),
    _c(r"^\d{1,3}[.．、](?!\d)"),
    _c(r"^[（(]\d{1,3}[）)]"),
    _c(rf"^第[{ZH_NUMERAL}\d]{{1,5}}[条章节款]"),
    _c(r"^[•·●○◆■▪]"),
)

ZH_STRUCTURE = (
    StructureRule("chapter", _c(rf"^第[{ZH_NUMERAL}\d]{{1,5}}[章编]"), BlockKind.HEAD, 1, 40, True),
    StructureRule("section", _c(rf"^第[{ZH_NUMERAL}\d]{{1,5}}节"), BlockKind.HEAD, 2, 40, True),
    StructureRule("numbered-1", _c(rf"^[{ZH_NUMERAL}]{{1,4}}、"), BlockKind.HEAD, 1, 40, True),
    StructureRule("numbered-2", _c(rf"^[（(][{ZH_NUMERAL}]{{1,4}}[）)]"), BlockKind.HEAD, 2, 40, True),
    StructureRule("numbered-3", _c(r"^\d{1,3}[.．](?!\d)"), BlockKind.HEAD, 3, 40, True),
    StructureRule("dash-item", _c(r"^——"), BlockKind.ITEM),
    StructureRule("bullet-item", _c(r"^[•·●○◆■▪]"), BlockKind.ITEM),
    StructureRule("title", _c(r"^\P{P}{1,12}$"), BlockKind.HEAD, 1, 12, True),
)

EN_STARTS = _union(
    _c(r"^\d{1,3}(?:\.\d{1,3})*\.?\s+\p{Lu}"),
    _c(r"^[(]?[a-z][).]\s"),
    _c(r"^[(][ivx]{1,5}[)]\s"),
    _c(r"^[-•*·●]\s"),
    _c(r"^(?:Article|Section|Chapter|Part)\s+[\dIVXLC]+\b"),
)

EN_STRUCTURE = (
    # a chapter's number on a line of its own, as printed books set it: "CHAPTER I.", "Letter 4"
    StructureRule("chapter-number", _c(r"^(?i:chapter|part|book|volume|letter)\s+[\dIVXLC]+\.?$"), BlockKind.HEAD, 1),
    StructureRule("chapter", _c(r"^(?:Chapter|Part|Article)\s+[\dIVXLC]+\b"), BlockKind.HEAD, 1, 80, True),
    StructureRule("numbered-2", _c(r"^\d{1,3}\.\d{1,3}\.?\s+\p{Lu}"), BlockKind.HEAD, 2, 80, True),
    StructureRule("numbered-1", _c(r"^\d{1,3}\.\s+\p{Lu}[^.!?]{0,70}\.?$"), BlockKind.HEAD, 1, 80),
    StructureRule("caps-title", _c(r"^[\p{Lu}\d][\p{Lu}\d ,&'’-]{2,70}$"), BlockKind.HEAD, 1, 72),
    StructureRule("letter-item", _c(r"^[(]?[a-z][).]\s"), BlockKind.ITEM),
    StructureRule("bullet-item", _c(r"^[-•*·●]\s"), BlockKind.ITEM),
)

# First halves that keep their hyphen at a line end when the document does not say
# otherwise: those that form open compounds (well-known, self-evident, so-called).
# Prefixes that usually close up (re-, un-, pre-, non-, ex-) are left out: a line-end
# "re-" is far more often "remove" than "re-enter", and the document's own vocabulary
# decides the rest.
EN_COMPOUND_PREFIXES = frozenset(
    [
        "all",
        "cross",
        "half",
        "high",
        "long",
        "low",
        "one",
        "part",
        "quasi",
        "self",
        "short",
        "so",
        "third",
        "two",
        "well",
    ]
)

ZH = Profile(
    name="zh",
    language="zh",
    description="Chinese: no spaces between CJK and digits/Latin (government style); CJK lines joined directly",
    wide_ambiguous=True,
    sentence_end="。！？；：…!?;:",
    starts_paragraph=ZH_STARTS,
    structure=ZH_STRUCTURE,
    spacing=SpacingStyle.GOVERNMENT,
    words="jieba",
    gram=4,
    short=30,
)

ZH_PANGU = ZH.with_options(
    name="zh-pangu",
    description="Chinese with one space between CJK and digits/Latin (pangu style)",
    spacing=SpacingStyle.PANGU,
)

ZH_FOLD = ZH.with_options(
    name="zh-fold",
    description="Chinese, and full-width letters and digits folded to ASCII (２０２１ -> 2021)",
    fold_width=True,
)

EN = Profile(
    name="en",
    language="en",
    description="English: lines joined with one space, soft hyphens at line ends removed",
    wide_ambiguous=False,
    sentence_end=".!?:",
    starts_paragraph=EN_STARTS,
    structure=EN_STRUCTURE,
    spacing=SpacingStyle.LATIN,
    hyphenation=True,
    compound_prefixes=EN_COMPOUND_PREFIXES,
    edge_quantile=0.9,
)

# A note in two half-columns, as the Kanseki Repository writes them: (仲尼志/道朝聞).
TWO_COLUMN_NOTE = _c(r"\(([^()/\n]*)/([^()/\n]*)\)")

CLASSICAL = ZH.with_options(
    name="classical",
    language="lzh",
    description="Classical Chinese: unpunctuated, one line per printed column, notes in two half-columns (a/b)",
    words="chars",
    short=12,
    note=TWO_COLUMN_NOTE,
)

PROFILES: dict[str, Profile] = {p.name: p for p in (ZH, ZH_PANGU, ZH_FOLD, CLASSICAL, EN)}


# BCP 47 primary language subtags (a manifest's ``language``) -> the profile that serves them:
# the first profile of each language (zh-pangu and zh-fold are house styles of zh, by choice only).
LANGUAGE_PROFILES: dict[str, str] = {}
for _profile in PROFILES.values():
    LANGUAGE_PROFILES.setdefault(_profile.language, _profile.name)
del _profile


def profile_for_language(tag: str) -> str | None:
    """The profile for a BCP 47 language tag, or None to detect it from the text.

    >>> profile_for_language("zh-Hans"), profile_for_language("en-GB"), profile_for_language("fr")
    ('zh', 'en', None)
    """
    return LANGUAGE_PROFILES.get(tag.split("-")[0].lower())


def get_profile(name: str) -> Profile:
    """The profile called ``name``; a :class:`UsageError` lists the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UsageError(f"unknown profile {name!r} (known profiles: {known})") from None


CLASSICAL_PUNCTUATION_RATE = 200  # Han characters per modern punctuation mark above which text is classical


def detect_profile(text: str, sample: int = 20_000) -> Profile:
    """``zh`` when CJK characters make up a fair share of the letters, ``classical`` when they
    also go unpunctuated, else ``en``.

    >>> detect_profile("中华人民共和国，成立了。").name, detect_profile("學而時習之不亦說乎").name
    ('zh', 'classical')
    >>> detect_profile("Hello world").name
    'en'
    """
    head = text[:sample]
    cjk = len(HAN.findall(head))
    latin = len(LATIN_LETTER.findall(head))
    if not cjk or cjk * 3 < latin:
        return EN
    marks = len(MODERN_PUNCTUATION.findall(head))
    return CLASSICAL if marks * CLASSICAL_PUNCTUATION_RATE < cjk else ZH


def classify_paragraph(text: str, profile: Profile) -> tuple[BlockKind, int]:
    """The kind and heading level of one paragraph, by the first structure rule that fits.

    >>> classify_paragraph("（一）基本生活水准权利", ZH)
    (<BlockKind.HEAD: 'head'>, 2)
    >>> classify_paragraph("——夯实粮食安全基础。", ZH)
    (<BlockKind.ITEM: 'item'>, 0)
    """
    for rule in profile.structure:
        if _fits(rule, text, profile):
            return rule.kind, rule.level
    return BlockKind.P, 0


def _fits(rule: StructureRule, text: str, profile: Profile) -> bool:
    if len(text) > rule.max_length or not rule.pattern.match(text):
        return False
    return not (rule.no_final and text[-1] in profile.sentence_end + "，,")
