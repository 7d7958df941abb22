"""Undo PDF layout: wrapped lines, page breaks, running heads, page numbers, hyphenation.

The reflow reads the layout rather than the words: it learns the wrap width and the
paragraph indent from the text itself, then decides at every line end whether a
paragraph ends there. The evidence, strongest first:

1. the next line opens a list item or numbered clause (``——``, ``（一）``, ``1.``) and
   this one ends a sentence;
2. this line is *short*: the next line's first word would have fitted on it;
3. the next line is indented (a first line of a paragraph), where the text uses
   indents;
4. a blank line between the two (but not one that is only a page boundary) after a
   sentence end.

Every decision becomes an :class:`~aligner.text.Edit` of the line gap (``""`` for CJK,
``" "`` for Latin, ``"\\n"`` for a paragraph break), so the output maps back to the
source exactly. Removed page furniture is returned, never silently dropped.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from aligner.model import BlockKind, Furniture, LaidLine
from aligner.rules import Profile, classify_paragraph
from aligner.rules.characters import (
    CAPITALS_START,
    CJK,
    CLOSERS,
    COMPOUND,
    DIGITS,
    FIRST_TOKEN,
    HYPHENATED,
    IDEOGRAPH,
    LATIN_TOKEN_JOIN,
    NO_LINE_START,
    NUMBER_JOIN,
    PAGE_NUMBER,
    RUNS_ON,
    WIDE,
    WORD,
    WORD_START,
    is_east_asian,
)
from aligner.text import Edit

__all__ = [
    "Layout",
    "Line",
    "ReflowResult",
    "given_edits",
    "laid_out_edits",
    "reflow_edits",
    "scan_lines",
    "unwrapped_edits",
]


class Line(NamedTuple):
    """One non-blank source line, located in the source and measured in display cells."""

    number: int  # 0-based line number in the source
    start: int  # source offset of the first character of the body
    end: int  # source offset just after the body
    text: str  # the body: the line without leading and trailing whitespace
    indent: int  # display width of the leading whitespace
    width: int  # display width of indent + body: where the line's right edge is
    page: int  # 0-based page, counted by form feeds
    blank_before: bool  # a blank line separates it from the previous non-blank line
    chars: int = 0  # characters of indent + body: the width where text was wrapped by count


@dataclass(frozen=True, slots=True)
class Layout:
    """What reflow learned about the page: is the text wrapped, at what width, with what indent."""

    wrapped: bool
    width: int
    indent: int
    margin: int = 0  # the usual leading indent of a line; more than this marks a first line
    indents: bool = False  # whether first lines are marked by leading indentation
    blank_lines_mark: bool = True  # False when an extractor put a blank line after nearly every line
    in_chars: bool = False  # widths count characters: the text was wrapped at so many of them
    blank_paragraphs: bool = False  # a blank line stands before every paragraph, and nowhere else


@dataclass(frozen=True, slots=True)
class ReflowResult:
    edits: tuple[Edit, ...]
    furniture: tuple[Furniture, ...]
    layout: Layout
    page_starts: tuple[tuple[int, str], ...]  # (source offset of the page's first body, printed number)
    soft_page_breaks: tuple[int, ...]  # source offsets where a blank line in mid-sentence was joined


def display_width(text: str, wide_ambiguous: bool) -> int:
    """Terminal cells: two for wide (CJK) characters, one for the rest.

    In CJK typesetting (``wide_ambiguous``) every non-ASCII character is taken as
    wide: ideographs, full-width punctuation, and the dashes and quotes set in the CJK
    font. Counting the ASCII characters is a C-speed call, which matters at 10 MB.
    """
    if text.isascii():
        return len(text)
    if wide_ambiguous:
        return 2 * len(text) - len(text.encode("ascii", "ignore"))
    return len(text) + len(WIDE.findall(text))


def _as_set(text: str, profile: Profile) -> str:
    """``text`` with each two-column note replaced by what it occupies: its longer half, in full cells."""
    if profile.note is None or "/" not in text:
        return text
    return str(profile.note.sub(lambda m: "\u3007" * max(len(m.group(1)), len(m.group(2))), text))


def scan_lines(source: str, profile: Profile) -> list[Line]:
    """The non-blank lines of ``source``, with positions, widths and page numbers."""
    lines: list[Line] = []
    page = 0
    blank = False
    pos = 0
    for number, raw in enumerate(source.split("\n")):
        if "\f" in raw:
            page += raw.count("\f")
        body = raw.strip()
        if body:
            body_start = raw.index(body[0])
            lead = raw[:body_start]
            indent = display_width(lead.replace("\f", ""), profile.wide_ambiguous) if lead else 0
            width = indent + display_width(_as_set(body, profile), profile.wide_ambiguous)
            start = pos + body_start
            chars = len(lead.replace("\f", "")) + len(body)
            lines.append(Line(number, start, start + len(body), body, indent, width, page, blank, chars))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return lines


def _furniture_key(text: str) -> str:
    return str(DIGITS.sub("#", "".join(text.split())))


def find_furniture(lines: Sequence[Line], pages: int) -> dict[int, Furniture]:
    """Running heads, feet and page numbers, by position in ``lines``.

    With form feeds, a line at the top or bottom of a page is furniture when it is a
    page number, or when the same line (digits aside) stands there on many pages.
    Without form feeds, page numbers are standalone numeric lines whose values climb
    through the document, and running heads are short lines repeated beside them.
    """
    if pages >= 2:
        return _paged_furniture(lines, pages)
    return _unpaged_furniture(lines)


def _edges(lines: Sequence[Line]) -> dict[int, list[tuple[str, int]]]:
    """For each page, its first two and last two lines as (position, line index)."""
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        by_page.setdefault(line.page, []).append(i)
    edges: dict[int, list[tuple[str, int]]] = {}
    for page, idx in by_page.items():
        chosen = [("top", i) for i in idx[:2]] + [("bottom", i) for i in idx[-2:]]
        edges[page] = list(dict.fromkeys(chosen))
    return edges


def _paged_furniture(lines: Sequence[Line], pages: int) -> dict[int, Furniture]:
    edges = _edges(lines)
    counts: Counter[tuple[str, str]] = Counter()
    for page_edges in edges.values():
        counts.update({(where, _furniture_key(lines[i].text)) for where, i in page_edges})
    repeated = max(3, (pages * 2 + 4) // 5) if pages > 3 else pages
    found: dict[int, Furniture] = {}
    for page_edges in edges.values():
        for where, i in page_edges:
            line = lines[i]
            kind = ""
            if PAGE_NUMBER.match(line.text):
                kind = "page-number"
            elif len(line.text) <= 80 and counts[(where, _furniture_key(line.text))] >= repeated:
                kind = "header" if where == "top" else "footer"
            if kind:
                found[i] = Furniture(kind, line.text, line.start, line.end, line.number + 1, line.page)
    return _drop_inner(found, lines)


def _drop_inner(found: dict[int, Furniture], lines: Sequence[Line]) -> dict[int, Furniture]:
    """Keep only furniture at the very edge of its page (a second line counts if the first is furniture)."""
    kept: dict[int, Furniture] = {}
    for i in sorted(found):
        line = lines[i]
        first = i == 0 or lines[i - 1].page != line.page or (i - 1) in kept
        if first:
            kept[i] = found[i]
    for i in sorted(found, reverse=True):
        line = lines[i]
        last = i == len(lines) - 1 or lines[i + 1].page != line.page or (i + 1) in kept
        if last:
            kept[i] = found[i]
    return dict(sorted(kept.items()))


def _unpaged_furniture(lines: Sequence[Line]) -> dict[int, Furniture]:
    numbers = [
        (i, int(DIGITS.findall(line.text)[0]))
        for i, line in enumerate(lines)
        if PAGE_NUMBER.match(line.text) and DIGITS.search(line.text)
    ]
    climbing = [i for k, (i, n) in enumerate(numbers) if k and 0 < n - numbers[k - 1][1] <= 2]
    if len(climbing) < 2:
        return {}
    found = {
        i: Furniture("page-number", lines[i].text, lines[i].start, lines[i].end, lines[i].number + 1, k)
        for k, i in enumerate(climbing, start=1)
    }
    first = numbers[0][0]
    if numbers and 0 < numbers[1][1] - numbers[0][1] <= 2:
        found[first] = Furniture(
            "page-number", lines[first].text, lines[first].start, lines[first].end, lines[first].number + 1, 0
        )
    near = Counter(_furniture_key(lines[j].text) for i in found for j in (i - 1, i + 1) if 0 <= j < len(lines))
    for i in list(found):
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and j not in found and near[_furniture_key(lines[j].text)] >= 3:
                line = lines[j]
                found[j] = Furniture(
                    "header" if j < i else "footer",
                    line.text,
                    line.start,
                    line.end,
                    line.number + 1,
                    found[i].page,
                )
    return dict(sorted(found.items()))


def _right_edge(widths: Sequence[int]) -> int:
    """The width most lines end near: of the upper quantiles, the one whose band holds most lines.

    Usually the 90th percentile; but an extractor that joins hyphenated lines itself
    (pdftotext does) makes one line in six longer than the page, and the edge must not
    follow them.
    """
    n = len(widths)
    candidates = {widths[min(n - 1, int(n * q / 20))] for q in range(10, 20)}

    def held(edge: int) -> int:
        return bisect_right(widths, 1.1 * edge) - bisect_left(widths, 0.8 * edge)

    return max(candidates, key=lambda edge: (held(edge), edge))


def _share_at_mode(widths: Sequence[int]) -> float:
    """The share of lines at the most common width: how well one measure explains the full lines."""
    return Counter(widths).most_common(1)[0][1] / len(widths) if widths else 0.0


def by_characters(lines: Sequence[Line]) -> list[Line]:
    """``lines`` measured in characters, when more of them share one width that way than in cells.

    Converters and old plain-text files wrap at a number of characters: there, a line with
    half-width digits is as full as the rest though narrower on screen. Typeset text (a
    PDF's) is wrapped by width, and keeps its display cells.
    """
    cells = _share_at_mode([line.width for line in lines])
    chars = _share_at_mode([line.chars for line in lines])
    if chars < 0.3 or chars <= cells:
        return list(lines)
    return [line._replace(width=line.chars, indent=line.chars - len(line.text)) for line in lines]


def _blank_paragraphs(lines: Sequence[Line], profile: Profile, width: int) -> bool:
    """Blank lines stand between paragraphs, all of them: the line before each blank ends a
    sentence, is a heading, or stops short (where blank lines are page breaks in mid-sentence,
    the lines before them run full); and a blank follows nearly every line that plainly ends a
    paragraph (where blanks only set off headings, most paragraph ends have none)."""
    pairs = [(a, b) for a, b in itertools.pairwise(lines) if a.page == b.page]
    before = [a for a, b in pairs if b.blank_before]

    def ends(line: Line) -> bool:
        if line.text[-1] in profile.sentence_end or line.width <= 0.8 * width:
            return True
        return classify_paragraph(line.text, profile)[0] is BlockKind.HEAD

    plain_ends = [b.blank_before for a, b in pairs if a.text[-1] in profile.sentence_end and a.width <= 0.8 * width]
    if len(before) < 3 or sum(plain_ends) < 0.9 * len(plain_ends):
        return False
    return sum(map(ends, before)) >= 0.9 * len(before)


def learn_layout(lines: Sequence[Line], profile: Profile, in_chars: bool = False) -> Layout:
    """Wrap width and paragraph indent, learned from the line widths.

    Text is *wrapped* when most lines end near one right edge. The width is the
    median right edge of those lines; the indent is how much shorter the lines that
    follow a clear paragraph end typically are (zero when indents were kept).
    """
    widths = sorted(line.width for line in lines)
    if len(widths) < 3:
        return Layout(False, widths[-1] if widths else 0, 0)
    p90 = _right_edge(widths)
    band = [w for w in widths if 0.8 * p90 <= w <= 1.1 * p90]
    # Wrapped text: many lines share one right edge, and many of those stop in mid-sentence.
    # Paragraph-per-line text of similar lengths would pass the first test, not the second.
    open_ends = sum(1 for line in lines if 0.8 * p90 <= line.width and line.text[-1] not in profile.sentence_end)
    wrapped = len(band) >= max(3, 0.45 * len(widths)) and open_ends >= 0.3 * len(band) and p90 <= 400
    width = band[min(len(band) - 1, int(len(band) * profile.edge_quantile))] if band else p90
    after_end = Counter(
        b.width
        for a, b in itertools.pairwise(lines)
        if a.text[-1] in profile.sentence_end and a.width <= width - 6 and width * 0.75 <= b.width <= width
    )
    indent = 0
    if after_end:
        common, votes = after_end.most_common(1)[0]
        if votes >= 2 and votes * 2 > after_end.total() and 2 <= width - common <= width * 0.15:
            indent = width - common
    margins = Counter(line.indent for line in lines)
    margin = margins.most_common(1)[0][0]
    indented = sum(n for k, n in margins.items() if margin < k <= margin + 8)
    # pdfminer.six may write each line as its own text box, blank line and all: then a
    # blank line says nothing about where a paragraph ends.
    blanks = sum(1 for line in lines[1:] if line.blank_before)
    marks = blanks < 0.6 * (len(lines) - 1)
    blank_paragraphs = wrapped and marks and _blank_paragraphs(lines, profile, width)
    return Layout(wrapped, width, indent, margin, indented >= 2, marks, in_chars, blank_paragraphs)


def _token_width(line: Line, profile: Profile, in_chars: bool = False) -> int:
    """Width of what would have had to fit on the previous line: the first word and its closers."""
    text = line.text
    if in_chars:
        match = FIRST_TOKEN.match(text)
        return 1 if is_east_asian(text[0]) else len(match.group(0)) if match else 1
    if len(text) > 1 and is_east_asian(text[0]) and text[1] not in NO_LINE_START:
        return 2  # one CJK character, the usual case
    match = FIRST_TOKEN.match(text)
    return display_width(match.group(0) if match else line.text[:1], profile.wide_ambiguous)


def _joiner(left: str, right: str, by_count: bool = False, cjk: bool = False) -> str:
    """Lines join with nothing between CJK characters or the parts of a number, with one space between words.

    ``by_count``: CJK text wrapped at a number of characters breaks Latin words anywhere
    (``P`` / ``M2.5``), so there nothing goes between them either. ``cjk``: in CJK text a
    letter and a digit, or a letter or digit and a joining sign, either side of a line end
    are one token (``PM`` / ``2.5``, ``1+`` / ``N``); between two words of English a line
    end still stands for a space.
    """
    if by_count or CJK.match(left[-1]) is not None or CJK.match(right[0]) is not None:
        return ""
    pair = left[-1] + right[0]
    return "" if NUMBER_JOIN.match(pair) or (cjk and LATIN_TOKEN_JOIN.match(pair)) else " "


LATIN_SLACK = 10  # a tenth of the line: how far character counts stray from set widths
LETTER_EM = 0.5  # the width of a small letter in proportional Latin type, in ems
CAPITAL_EM = 0.72  # and of a capital


class _Decider:
    """Decides, line end by line end, whether a paragraph ends there."""

    def __init__(self, layout: Layout, profile: Profile) -> None:
        self.layout = layout
        self.profile = profile
        self.first_line = True

    def _capacity(self) -> int:
        return self.layout.width - (self.layout.indent if self.first_line else 0)

    def _short(self, a: Line, b: Line) -> bool:
        gap = 0 if _joiner(a.text, b.text, cjk=self.profile.wide_ambiguous) == "" else 1
        # CJK lines are counted in cells that match the glyphs; Latin text in proportional
        # type is not, so a line is only short when the next word would fit with room to spare.
        slack = 1 if self.profile.wide_ambiguous else self._capacity() // LATIN_SLACK
        token = _token_width(b, self.profile, self.layout.in_chars)
        return a.width + gap + token <= self._capacity() - slack

    def _indented_first_line(self, a: Line, b: Line) -> bool:
        """``b`` is indented past the margin, and not as the hanging continuation of a list item."""
        layout = self.layout
        if not layout.indents or not layout.margin < b.indent <= layout.margin + 8:
            return False
        hanging = a.indent < b.indent and self.profile.starts_paragraph.match(a.text) is not None
        return not hanging

    def _whole_heading(self, b: Line) -> bool:
        """``b`` is a complete numbered heading on a line of its own (``四、特定群体权益保障``)."""
        short = b.width <= 0.75 * self.layout.width
        return short and classify_paragraph(b.text, self.profile)[0] is BlockKind.HEAD

    def _looks_indented(self, b: Line) -> bool:
        """A line as long as a first line is: full width less the learned indent."""
        return abs(self.layout.width - self.layout.indent - b.width) <= 1

    def breaks(self, a: Line, b: Line, same_page: bool, b_is_last: bool) -> bool:
        """The evidence in order of strength; the first rule that speaks decides."""
        profile = self.profile
        if profile.hyphenation and _hyphenated_word(a.text, b.text) is not None:
            return False  # no paragraph ends in the middle of a hyphenated word
        ends_sentence = a.text[-1] in profile.sentence_end
        if self.layout.blank_paragraphs:
            if not b.blank_before:
                # only a heading on a line of its own stands without the blank, before or after it
                heading_b = self._whole_heading(b) and profile.starts_paragraph.match(b.text) is not None
                return heading_b or (self._whole_heading(a) and a.blank_before)
            runs_on = RUNS_ON.match(b.text) or b.text[0] in NO_LINE_START
            if ends_sentence or not runs_on or profile.starts_paragraph.match(b.text):
                return True  # the blank is the document's paragraph mark, and nothing says the sentence goes on
        short = self._short(a, b)
        if profile.starts_paragraph.match(b.text) and (ends_sentence or short or self._whole_heading(b)):
            return True
        if self._indented_first_line(a, b):
            return True
        if short:
            # A line can also stop early because the next word is long; only a sentence end
            # or a line well short of the edge makes it a paragraph end.
            return (
                ends_sentence
                or a.text[-1] in CLOSERS
                or a.width <= 0.75 * self._capacity()
                or classify_paragraph(a.text, profile)[0] is BlockKind.HEAD
            )
        if not ends_sentence:
            # A heading that happens to fill its line still ends where an indented line begins.
            if not (self.layout.indent and self._looks_indented(b)):
                return False
            return classify_paragraph(a.text, profile)[0] is BlockKind.HEAD
        if self.layout.indent and not b_is_last and b.text[-1] not in profile.sentence_end:
            # b runs on to another line, so its length says whether it is a first line.
            return self._looks_indented(b)
        return same_page and b.blank_before and self.layout.blank_lines_mark

    def decide(self, a: Line, b: Line, same_page: bool, b_is_last: bool) -> bool:
        result = self.breaks(a, b, same_page, b_is_last) if self.layout.wrapped else True
        self.first_line = result
        return result


def _hyphenated_word(a: str, b: str) -> tuple[str, str] | None:
    """The two halves of a word that line ``a`` ends and line ``b`` begins, split at a hyphen.

    The second half starts with a small letter, or is in capitals like the first half
    (``AS-`` / ``SUME``): a capital after a small letter starts a name (``non-`` / ``English``).
    """
    hyphen = HYPHENATED.search(a)
    if hyphen is None:
        return None
    word = WORD_START.match(b)
    if word is None and hyphen.group(1).isupper():
        word = CAPITALS_START.match(b)
    return (hyphen.group(1), word.group(1)) if word is not None else None


def _dehyphenate(a: Line, b: Line, profile: Profile, vocabulary: set[str]) -> str | None:
    """The joiner for a line ending in a hyphen: ``""`` (soft hyphen removed) or ``"-"`` (kept)."""
    halves = _hyphenated_word(a.text, b.text) if profile.hyphenation else None
    if halves is None:
        return None
    left, right = halves
    joined = (left + right).lower()
    if joined in vocabulary:
        return ""
    if f"{left}-{right}".lower() in vocabulary or left.lower() in profile.compound_prefixes:
        return "-"
    return ""


class _Decides(Protocol):
    def decide(self, a: Line, b: Line, same_page: bool, b_is_last: bool) -> bool: ...


def _reflow(source: str, profile: Profile, decider: Callable[[list[Line], Layout], _Decides]) -> ReflowResult:
    """Edits that make one paragraph a line, with ``decider`` saying where paragraphs end."""
    lines = scan_lines(source, profile)
    pages = (lines[-1].page + 1) if lines else 1
    furniture = find_furniture(lines, pages)
    body = [line for i, line in enumerate(lines) if i not in furniture]
    counted = by_characters(body)
    layout = learn_layout(counted, profile, in_chars=counted != body)
    decide = decider(counted, layout).decide
    vocabulary = _vocabulary(source) if profile.hyphenation else set()
    edits: list[Edit] = []
    page_starts: list[tuple[int, str]] = []
    soft_breaks: list[int] = []
    numbers = {f.page: f.text for f in furniture.values() if f.kind == "page-number"}
    if body and body[0].start > 0:
        edits.append(Edit(0, body[0].start, "", rule="leading-space"))
    for k, (a, b) in enumerate(itertools.pairwise(counted)):
        same_page = a.page == b.page
        if not same_page:
            page_starts.append((b.start, numbers.get(b.page, str(b.page + 1))))
        if decide(a, b, same_page, k + 2 == len(body)):
            edits.append(Edit(a.end, b.start, "\n", rule="paragraph-end"))
            continue
        if same_page and b.blank_before:
            soft_breaks.append(b.start)
        hyphen = _dehyphenate(a, b, profile, vocabulary)
        if hyphen is not None:
            edits.append(Edit(a.end - 1, b.start, hyphen, rule="hyphen-join" if not hyphen else "hyphen-kept"))
        else:
            by_count = layout.in_chars and profile.wide_ambiguous
            joiner = _joiner(a.text, b.text, by_count, cjk=profile.wide_ambiguous)
            edits.append(Edit(a.end, b.start, joiner, rule="line-join"))
    if body and body[-1].end < len(source):
        edits.append(Edit(body[-1].end, len(source), "", rule="trailing-space"))
    removed = tuple(furniture.values())
    return ReflowResult(_furniture_apart(edits, removed), removed, layout, tuple(page_starts), tuple(soft_breaks))


def _furniture_apart(edits: list[Edit], furniture: Sequence[Furniture]) -> tuple[Edit, ...]:
    """Split each gap edit so that every running head or page number it removes is an edit of its own.

    The text is the same either way; the split is what lets ``--explain`` say that a
    line went because it was a page number, not because two lines were joined.
    """
    spans = sorted((f.source_start, f.kind) for f in furniture)
    out: list[Edit] = []
    k = 0
    for edit in edits:
        inside: list[tuple[int, str]] = []
        while k < len(spans) and spans[k][0] < edit.end:
            if spans[k][0] >= edit.start:
                inside.append(spans[k])
            k += 1
        if not inside:
            out.append(edit)
            continue
        if inside[0][0] > edit.start or edit.replacement:
            out.append(edit._replace(end=inside[0][0]))
        ends = [start for start, _ in inside[1:]] + [edit.end]
        pairs = zip(inside, ends, strict=True)
        out.extend(Edit(start, end, "", rule=f"furniture-{kind}") for (start, kind), end in pairs)
    return tuple(out)


def reflow_edits(source: str, profile: Profile) -> ReflowResult:
    """The edits that turn ``source`` into one paragraph per line, and what was removed."""
    return _reflow(source, profile, lambda _body, layout: _Decider(layout, profile))


class _Placed:
    """Decides paragraph ends in a PDF from where its lines stand on the page.

    Strongest first: a soft hyphen joins; a change of font size, extra space above a
    line, an indented line, or a line that stops well short of the page's right edge ends
    a paragraph; a numbered heading on a line of its own stands alone. Measures are
    learned from the body text: its font size (the "em"), its line spacing, and each
    page's margins.
    """

    def __init__(self, body: list[Line], layout: Sequence[LaidLine], profile: Profile) -> None:
        self.profile = profile
        self.at = {line.number: layout[n] for n, line in enumerate(body)}
        laid = [self.at[line.number] for line in body]
        sizes = Counter(round(line.size, 1) for line in laid)
        self.em = sizes.most_common(1)[0][0] if sizes else 10.0
        body_lines = [line for line in laid if abs(line.size - self.em) <= 0.15 * self.em] or laid
        steps = [
            b.baseline - a.baseline
            for a, b in itertools.pairwise(body_lines)
            if a.page == b.page and 0 < b.baseline - a.baseline < 3 * self.em
        ]
        self.spacing = sorted(steps)[len(steps) // 2] if steps else 1.2 * self.em
        self.margin: dict[int, float] = {}
        self.edge: dict[int, float] = {}
        for line in body_lines:
            self.margin[line.page] = min(self.margin.get(line.page, line.left), line.left)
            self.edge[line.page] = max(self.edge.get(line.page, line.right), line.right)
        # Do first-line indents mark the paragraphs? Then a line that stops short before a
        # line that is not indented only ended early (a long word, narrow digits).
        after_short = [self._indented(b) for a, b in itertools.pairwise(body) if self._short(self.at[a.number], b.text)]
        self.indents = len(after_short) >= 3 and sum(after_short) >= 0.8 * len(after_short)

    def _indented(self, line: Line) -> bool:
        laid = self.at[line.number]
        return laid.left > self.margin.get(laid.page, laid.left) + 0.6 * self.em

    def _short(self, line: LaidLine, next_text: str) -> bool:
        """The line stops where the next line's first word would still have fitted."""
        room = self.edge.get(line.page, line.right) - line.right
        if self.profile.wide_ambiguous and next_text and is_east_asian(next_text[0]):
            return room >= 1.5 * self.em
        word = next_text.split()[0] if next_text.split() else "x"
        # Set widths are not known before the word is set: half an em a small letter, and
        # capitals as wide as they are in Latin type, nearly three quarters.
        width = sum(CAPITAL_EM if c.isupper() else LETTER_EM for c in word)
        return room >= (width + 0.6) * self.em

    def decide(self, a: Line, b: Line, same_page: bool, b_is_last: bool) -> bool:
        del b_is_last
        profile = self.profile
        la, lb = self.at[a.number], self.at[b.number]
        if profile.hyphenation and _hyphenated_word(a.text, b.text) is not None:
            return False
        if abs(la.size - lb.size) > 0.15 * self.em:
            return True
        if same_page and lb.baseline - la.baseline > 1.3 * self.spacing:
            return True
        hanging = la.left < lb.left and profile.starts_paragraph.match(a.text) is not None
        if self._indented(b) and not hanging:
            return True
        ends_sentence = a.text[-1] in profile.sentence_end
        if self._short(la, b.text) and (not self.indents or ends_sentence):
            return True
        if profile.starts_paragraph.match(b.text) is None:
            return False
        if ends_sentence:
            return True  # a list item or numbered clause after a sentence end
        heading = classify_paragraph(b.text, profile)[0] is BlockKind.HEAD
        return heading and self._short(lb, IDEOGRAPH if profile.wide_ambiguous else "word")


def laid_out_edits(source: str, layout: Sequence[LaidLine], profile: Profile) -> ReflowResult:
    """Paragraph ends in a PDF, from where its lines stand on the page (one ``layout`` per non-blank line)."""
    return _reflow(source, profile, lambda body, _layout: _Placed(body, _body_layout(source, layout, body), profile))


def _body_layout(source: str, layout: Sequence[LaidLine], body: list[Line]) -> list[LaidLine]:
    """The layout of the body lines (furniture left out), by their place among all non-blank lines."""
    numbers = [n for n, raw in enumerate(source.split("\n")) if raw.strip()]
    index = {number: k for k, number in enumerate(numbers)}
    return [layout[index[line.number]] for line in body]


def unwrapped_edits(source: str, profile: Profile) -> ReflowResult:
    """Every non-blank line is a paragraph (``--no-reflow``): only the gaps between lines go."""
    lines = scan_lines(source, profile)
    edits = [Edit(a.end, b.start, "\n", rule="line-end") for a, b in itertools.pairwise(lines)]
    if lines and lines[0].start > 0:
        edits.insert(0, Edit(0, lines[0].start, "", rule="leading-space"))
    if lines and lines[-1].end < len(source):
        edits.append(Edit(lines[-1].end, len(source), "", rule="trailing-space"))
    layout = Layout(False, max((line.width for line in lines), default=0), 0)
    return ReflowResult(tuple(edits), (), layout, (), ())


def _vocabulary(source: str) -> set[str]:
    """Lower-cased words and hyphenated compounds of the text, to tell soft hyphens from real ones."""
    return {w.lower() for w in COMPOUND.findall(source)} | {w.lower() for w in WORD.findall(source)}


def given_edits(text: str) -> ReflowResult:
    """A format that marks its paragraphs (HTML, DOCX, TEI) was read one paragraph a line: nothing to decide."""
    del text
    return ReflowResult((), (), Layout(False, 0, 0), (), ())
