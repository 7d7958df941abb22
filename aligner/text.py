"""Text with a memory of where it came from.

Every normalizer returns its new text together with an :class:`OffsetMap` from the
new text back to the text it was given. Maps compose, so the final normalized text of
a witness maps back to the decoded source file, and :class:`LineIndex` turns a source
offset into the ``line:column`` a user sees in an editor.

Offsets are half-open code-point spans, like Python slices. A map is a partition of the
*output* into segments; each segment knows the source span it came from. A segment is
*exact* when output and source have the same length and correspond character by
character (copied text, or a one-for-one substitution such as a width fold); otherwise
it is opaque and every output character in it maps to the whole source span, because a
replacement like ``"\\n" -> ""`` or ``"  " -> " "`` has no finer honest answer.

>>> new, m = apply_edits("a  b\\nc", [Edit(1, 3, " ", "space"), Edit(4, 5, "", "drop")])
>>> new
'a bc'
>>> m.source_span(2, 4)
(3, 6)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = ["Edit", "LineIndex", "OffsetMap", "apply_edits"]


class Edit(NamedTuple):
    """Replace ``source[start:end]`` by ``replacement``; ``exact`` marks a one-for-one substitution.

    ``rule`` names the rule that made the edit, so that every change can be explained
    (``aligner normalize --explain``). A named tuple rather than a dataclass: reflow
    makes one per line of a 10 MB file.
    """

    start: int
    end: int
    replacement: str
    rule: str  # required: an edit that cannot say why it was made cannot be explained
    exact: bool = False


class OffsetMap:
    """A monotone map from output offsets to source offsets, stored as segments.

    ``out_starts[i]`` is where segment ``i`` begins in the output (segments tile the
    output); ``src_starts[i]``/``src_ends[i]`` its source span; ``exact[i]`` whether it
    maps character by character. ``out_length`` and ``src_length`` close the last
    segment and let a position at the very end be mapped too.
    """

    __slots__ = ("exact", "out_length", "out_starts", "src_ends", "src_length", "src_starts")

    def __init__(
        self,
        out_starts: list[int],
        src_starts: list[int],
        src_ends: list[int],
        exact: list[bool],
        out_length: int,
        src_length: int,
    ) -> None:
        self.out_starts = out_starts
        self.src_starts = src_starts
        self.src_ends = src_ends
        self.exact = exact
        self.out_length = out_length
        self.src_length = src_length

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        """The map of a step that changed nothing."""
        return cls([0], [0], [length], [True], length, length)

    @classmethod
    def from_pieces(cls, pieces: Iterable[tuple[str, int, int, bool]], src_length: int) -> tuple[str, OffsetMap]:
        """Text assembled from pieces ``(text, source start, source end, exact)``, and its map.

        How a reader that extracts text from markup records where every piece came from:
        text copied from the file is exact, an entity or a generated separator is not.
        """
        out_starts: list[int] = []
        src_starts: list[int] = []
        src_ends: list[int] = []
        exact: list[bool] = []
        parts: list[str] = []
        out = 0
        for text, start, end, same in pieces:
            if not text:
                continue
            out_starts.append(out)
            src_starts.append(start)
            src_ends.append(end)
            exact.append(same and end - start == len(text))
            parts.append(text)
            out += len(text)
        if not out_starts:
            return "", cls([0], [0], [0], [True], 0, src_length)
        return "".join(parts), cls(out_starts, src_starts, src_ends, exact, out, src_length)

    def __len__(self) -> int:
        return len(self.out_starts)

    def __repr__(self) -> str:
        return f"OffsetMap({len(self)} segments, {self.out_length} -> {self.src_length} chars)"

    def _out_end(self, i: int) -> int:
        return self.out_starts[i + 1] if i + 1 < len(self.out_starts) else self.out_length

    def _segment(self, pos: int) -> int:
        return max(bisect_right(self.out_starts, pos) - 1, 0)

    def source_start(self, pos: int) -> int:
        """Source offset where output character ``pos`` begins (``pos == len`` maps to the end)."""
        if pos >= self.out_length:
            return self.src_length
        i = self._segment(pos)
        if self.exact[i]:
            return self.src_starts[i] + pos - self.out_starts[i]
        return self.src_starts[i]

    def source_end(self, pos: int) -> int:
        """Source offset just after output character ``pos``."""
        i = self._segment(pos)
        if self.exact[i]:
            return self.src_starts[i] + pos - self.out_starts[i] + 1
        return self.src_ends[i]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span that output ``[start, end)`` came from; an empty span maps to a point."""
        if end <= start:
            point = self.source_start(start)
            return point, point
        return self.source_start(start), self.source_end(end - 1)

    def output_offset(self, src: int) -> int:
        """The first output position that comes from source offset ``src`` or later.

        The inverse direction, for placing source landmarks (page boundaries) in the
        output; a deleted source position maps to where the output continues.
        """
        i = bisect_right(self.src_starts, src) - 1
        if i < 0:
            return 0
        if self.exact[i] and src < self.src_ends[i]:
            return self.out_starts[i] + src - self.src_starts[i]
        if src <= self.src_starts[i]:
            return self.out_starts[i]
        return self._out_end(i)

    def is_exact(self, start: int, end: int) -> bool:
        """True when every character of output ``[start, end)`` maps one-for-one."""
        i, last = self._segment(start), self._segment(max(end - 1, start))
        return all(self.exact[i : last + 1])

    def is_identity(self) -> bool:
        """True for the map of a step that changed nothing."""
        return (
            len(self.out_starts) == 1
            and self.exact[0]
            and self.src_starts[0] == 0
            and self.src_ends[0] == self.out_length == self.src_length
        )

    def compose(self, later: OffsetMap) -> OffsetMap:
        """Chain ``self`` (mid -> source) after ``later`` (out -> mid): the map out -> source."""
        if later.src_length == self.out_length:  # steps that changed nothing chain for free
            if self.is_identity():
                return later
            if later.is_identity():
                return self
        out_starts: list[int] = []
        src_starts: list[int] = []
        src_ends: list[int] = []
        exact: list[bool] = []

        def emit(out: int, s: int, e: int, ex: bool) -> None:
            if exact and ex and exact[-1] and src_ends[-1] == s and src_starts[-1] + out - out_starts[-1] == s:
                src_ends[-1] = e
                return
            if out_starts and out_starts[-1] == out:  # an empty segment before: replace it
                out_starts.pop(), src_starts.pop(), src_ends.pop(), exact.pop()
            out_starts.append(out)
            src_starts.append(s)
            src_ends.append(e)
            exact.append(ex)

        for j in range(len(later)):
            o_start, o_end = later.out_starts[j], later._out_end(j)
            m_start, m_end = later.src_starts[j], later.src_ends[j]
            if not later.exact[j] or m_end <= m_start:
                s, e = self.source_span(m_start, m_end)
                emit(o_start, s, e, False)
                continue
            pos = m_start
            i = self._segment(pos)
            while pos < m_end:
                seg_end = min(self._out_end(i), m_end)
                out = o_start + pos - m_start
                if self.exact[i]:
                    delta = self.src_starts[i] - self.out_starts[i]
                    emit(out, pos + delta, seg_end + delta, True)
                else:
                    emit(out, self.src_starts[i], self.src_ends[i], False)
                pos = seg_end
                i += 1
            del o_end
        if not out_starts:
            return OffsetMap([0], [0], [0], [True], 0, self.src_length)
        return OffsetMap(out_starts, src_starts, src_ends, exact, later.out_length, self.src_length)


def _all(text: str, char: str) -> Iterable[int]:
    pos = text.find(char)
    while pos >= 0:
        yield pos
        pos = text.find(char, pos + 1)


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits (sorted by start) and return the new text with its map.

    Unchanged stretches become exact segments; each edit becomes one segment, exact if
    it is a same-length substitution marked ``exact``. Recording the map while editing,
    rather than diffing afterwards, is what keeps substitutions traceable.
    """
    pieces: list[str] = []
    out_starts: list[int] = []
    src_starts: list[int] = []
    src_ends: list[int] = []
    exact: list[bool] = []
    out = 0
    pos = 0

    def segment(s: int, e: int, piece: str, ex: bool) -> None:
        nonlocal out
        out_starts.append(out)
        src_starts.append(s)
        src_ends.append(e)
        exact.append(ex)
        pieces.append(piece)
        out += len(piece)

    for edit in edits:
        if edit.start < pos:
            raise ValueError(f"overlapping or unsorted edit at {edit.start} (previous ended at {pos})")
        if edit.start > pos:
            segment(pos, edit.start, text[pos : edit.start], True)
        if edit.replacement:  # a deletion leaves a gap in the source, no segment
            same_length = edit.exact and len(edit.replacement) == edit.end - edit.start
            segment(edit.start, edit.end, edit.replacement, same_length)
        pos = edit.end
    if pos < len(text):
        segment(pos, len(text), text[pos:], True)
    if not out_starts:
        return "", OffsetMap([0], [len(text)], [len(text)], [False], 0, len(text))
    return "".join(pieces), OffsetMap(out_starts, src_starts, src_ends, exact, out, len(text))


class LineIndex:
    """Source offsets to 1-based ``(line, column)``, columns counted in code points.

    With ``by_page``, lines are counted from the top of each page (pages end at form
    feeds), as a reader of a PDF counts them; :meth:`page` says which page.

    >>> LineIndex("ab\\ncd").position(3)
    (2, 1)
    >>> paged = LineIndex("a\\nb\\n\\fc", by_page=True)
    >>> paged.position(5), paged.page(5)
    ((1, 1), 2)
    """

    __slots__ = ("_by_page", "_page_lines", "_pages", "_starts")

    def __init__(self, text: str, *, by_page: bool = False) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts: Sequence[int] = starts
        self._by_page = by_page
        self._pages: list[int] = [m + 1 for m in _all(text, "\f")] if by_page else []
        # the line index that each page's first line has (the line after its form feed)
        self._page_lines = [bisect_right(starts, p) for p in self._pages]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset) - 1
        column = offset - self._starts[line] + 1
        page = bisect_right(self._pages, offset) - 1
        if page >= 0:
            line -= self._page_lines[page] - 1
            column = offset - max(self._starts[bisect_right(self._starts, offset) - 1], self._pages[page]) + 1
        return line + 1, column

    def page(self, offset: int) -> int | None:
        """The 1-based page of ``offset``, when lines are counted by page."""
        return bisect_right(self._pages, offset) + 1 if self._by_page else None

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._starts[line - 1]
