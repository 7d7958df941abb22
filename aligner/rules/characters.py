"""Character classes and the small patterns built from them: every stage reaches them from here.

Each is a table of characters, or a pattern over such a table, that some stage needs to
tell one kind of text from another. They live together so that a new script or house
style changes one file.
"""

from __future__ import annotations

import regex

__all__ = [
    "BLANK_CODEPOINTS",
    "CAPITALS_START",
    "CJK",
    "CJK_CLASS",
    "CLOSERS",
    "COMMON_TEXT_RANGES",
    "COMPOUND",
    "CONTROL",
    "DIGITS",
    "EAST_ASIAN_START",
    "FIRST_TOKEN",
    "FULLWIDTH_ALNUM",
    "FULLWIDTH_OFFSET",
    "HAN",
    "HANGUL_RANGE",
    "HSPACE",
    "HYPHENATED",
    "IDEOGRAPH",
    "LATIN_LETTER",
    "LATIN_TOKEN",
    "LATIN_TOKEN_JOIN",
    "MODERN_PUNCTUATION",
    "NOT_COMPARED",
    "NOT_PRINTABLE",
    "NOT_XML",
    "NO_LINE_START",
    "NUMBER_JOIN",
    "PAGE_NUMBER",
    "RUNS_ON",
    "SPACING_CJK",
    "WIDE",
    "WORD",
    "WORD_SCRIPT",
    "WORD_START",
    "is_east_asian",
    "is_punctuation",
]

# Characters that take a full cell in CJK typesetting and join without spaces:
# ideographs, kana, hangul, and the full-width punctuation that sits between them.
CJK_CLASS = (
    r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3000-\u303f"
    r"\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2026\u201c\u201d\u2018\u2019\u00b7"
)
CJK = regex.compile(f"[{CJK_CLASS}]")
HAN = regex.compile(r"\p{Han}")
LATIN_LETTER = regex.compile(r"[A-Za-z]")
# Characters a space may not touch in CJK text (government style): ideographs, kana,
# hangul, CJK punctuation and full-width forms. Curly quotes and dashes are left out
# on purpose: they also occur in Latin text, where their spaces are real.
SPACING_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\u3001-\u303f\uff01-\uff60\uffe0-\uffe6"
# Characters East Asian typesetting sets two cells wide.
WIDE = regex.compile(r"[\p{ea=W}\p{ea=F}]")
# Scripts whose words are not set apart by spaces: a word segmenter must find them.
WORD_SCRIPT = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# Full-width letters and digits, which fold one for one to ASCII.
FULLWIDTH_ALNUM = regex.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
FULLWIDTH_OFFSET = 0xFEE0  # from a full-width form to its ASCII letter or digit
# Where the East Asian blocks begin (CJK radicals): a cheap test of a line's first
# character, which from here up is one cell pair of CJK type.
EAST_ASIAN_START = "\u2e80"
IDEOGRAPH = "\u4e00"  # one ideograph, to measure "the next word" where it is one character
# Code points a PDF page sets as blank space: they take no part in where a line's ink begins and ends.
BLANK_CODEPOINTS = frozenset({0x20, 0x3000, 0xA0, 0x09})
# Where the characters of real text mostly are: ASCII, Latin-1, general punctuation, CJK
# punctuation, kana, the common ideographs, full-width forms (UTF-16 read in the wrong
# byte order lands mostly elsewhere). Hangul syllables are where GBK and Big5 bytes also
# land when read as UTF-16, so they count only beside NULs.
COMMON_TEXT_RANGES: tuple[tuple[int, int], ...] = (
    *((0x0A, 0x0A), (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F)),
    *((0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF)),
)
HANGUL_RANGE = (0xAC00, 0xD7AF)
# Stray controls no edition means as text (tab, newline, form feed and CR are kept).
CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Horizontal whitespace (every Unicode space but the newline that separates paragraphs).
HSPACE = r"[^\S\n\f]"
# What alignment leaves out when it compares text: punctuation, spaces, controls.
NOT_COMPARED = regex.compile(r"[\p{P}\p{Z}\p{C}\s]+")
# Sentence punctuation of modern Chinese: classical texts go without.
MODERN_PUNCTUATION = regex.compile(r"[。，、；：？！“”]")

# --- line ends ----------------------------------------------------------------------------------

# Closing marks that may not begin a line: a line break before them moves a character down.
NO_LINE_START = "，。、；：？！）》」』”’〉】…,.;:?!)]}%"
# The first word of a line and the closing marks that stick to it.
FIRST_TOKEN = regex.compile(rf"^(?:[A-Za-z0-9\p{{Latin}}'’_@./:%-]+|.)[{regex.escape(NO_LINE_START)}]*")
# Closing brackets and quotes that may end a paragraph.
CLOSERS = "）)》」』”’\"'】]"
HYPHENATED = regex.compile(r"(\p{L}+)-$")
WORD_START = regex.compile(r"^(\p{Ll}\p{L}*)")
CAPITALS_START = regex.compile(r"^(\p{Lu}+)(?!\p{Ll})")  # a word in capitals (the rest of ``AS-`` / ``SUME``)
# How a line can start that carries on the sentence before it: a small letter, or a script
# without case (a CJK page break in mid-sentence), where only the other evidence can tell.
RUNS_ON = regex.compile(r"^[\p{Ll}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
DIGITS = regex.compile(r"\d+")
# Two characters either side of a line end that belong to one number: 20|35, 88|%, 3.|5.
NUMBER_JOIN = regex.compile(r"^(?:\d[\d%‰‱℃°]|[\d.,][\d])$")
# Either side of a line end in CJK text, the parts of one Latin token: a letter and a
# digit (PM|2.5, G|20), or a letter or digit and a joining sign (1+|N, km/|h).
LATIN_TOKEN_JOIN = regex.compile(r"^(?:[A-Za-z]\d|\d[A-Za-z]|[A-Za-z\d][+=/×]|[+=/×][A-Za-z\d])$")
# Printed page numbers, as they stand alone on a line at the top or bottom of a page.
PAGE_NUMBER = regex.compile(
    r"""^(?:
        [-–—]?\s*\d{1,4}\s*[-–—]?                       # 12, - 12 -, —12—
      | 第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?  # 第 3 页 共 10 页
      | (?i:page|p\.)\s*\d{1,4}(?:\s*(?i:of|/)\s*\d{1,4})?   # Page 3 of 10
      | \d{1,4}\s*/\s*\d{1,4}                           # 3/10
      | (?i:[ivxlc]{1,7})                               # roman numerals in front matter
    )$""",
    regex.VERBOSE,
)

# --- what may not pass through ------------------------------------------------------------------

# Characters that would act on a terminal rather than show: C0 and C1 controls, DEL, and
# the bidirectional overrides that reorder what follows them.
NOT_PRINTABLE = regex.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 cannot hold, which TEI therefore writes as <g> references.
NOT_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\p{Cs}]")

# --- words ----------------------------------------------------------------------------------------

# Runs of letters and digits, single spaces, and any other single character.
LATIN_TOKEN = regex.compile(r"\w+|\s|.", regex.DOTALL)
PUNCTUATION = regex.compile(r"\p{P}")
WORD = regex.compile(r"\p{L}+")
COMPOUND = regex.compile(r"\p{L}+(?:-\p{L}+)*")  # a word, or words joined by hyphens


def is_east_asian(char: str) -> bool:
    """Whether ``char`` lies in or beyond the East Asian blocks (see ``EAST_ASIAN_START``)."""
    return char > EAST_ASIAN_START


def is_punctuation(char: str) -> bool:
    """A punctuation mark of any script (a variant that only changes these is punctuation)."""
    return PUNCTUATION.match(char) is not None
