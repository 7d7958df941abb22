"""The objects that flow through the pipeline: read -> normalize -> segment -> align -> classify -> export.

Each stage returns one of these and never reaches back into an earlier stage's
internals; exporters are views over the same :class:`Alignment`.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from aligner.text import LineIndex, OffsetMap

if TYPE_CHECKING:  # rules import the model; the model only names their Profile
    from aligner.rules import Profile

__all__ = [
    "Alignment",
    "Block",
    "BlockKind",
    "Counts",
    "Furniture",
    "LaidLine",
    "NormalizedWitness",
    "PageBreak",
    "Paragraph",
    "SourceSpan",
    "Unit",
    "UnitStatus",
    "Variant",
    "VariantType",
    "Witness",
]


Counts = dict[str, Any]


class BlockKind(StrEnum):
    """What a paragraph is in the document's structure (TEI ``head``, ``item``, ``p``)."""

    HEAD = "head"
    ITEM = "item"
    P = "p"


class VariantType(StrEnum):
    WHITESPACE = "whitespace"
    PUNCTUATION = "punctuation"
    WIDTH = "width"
    ORTHOGRAPHIC = "orthographic"
    SUBSTANTIVE = "substantive"


class UnitStatus(StrEnum):
    EQUAL = "equal"
    VARIANT = "variant"
    GAP = "gap"


@dataclass(frozen=True, slots=True)
class Block:
    """What a structured format (HTML, DOCX, TEI) says of one paragraph: its kind and heading level."""

    kind: BlockKind
    level: int = 0


@dataclass(frozen=True, slots=True)
class LaidLine:
    """Where a line of a paged document stands on its page (PDF), in points from the top left."""

    page: int  # 0-based
    left: float  # where its first character begins
    right: float  # where its last character ends
    baseline: float
    size: float  # the font size most of its characters have


@dataclass(frozen=True, slots=True)
class Witness:
    """One edition as read from disk.

    ``source`` is the file as text (newlines as ``\\n``, form feeds kept between pages):
    what line:column positions count in. A format that is not plain text also gives
    ``text``, the edition's own text as its reader extracted it, with ``extraction``
    mapping it back into ``source``; ``blocks`` when the format marks every paragraph
    (one per line of ``text``), ``layout`` when it says where each line of a page stands.
    """

    siglum: str
    path: str
    sha256: str
    size: int
    encoding: str
    # What was read from the file: the SHA-256 already says whether two of them are the
    # same, so a witness record loaded back from JSON or TEI compares equal to the one read.
    source: str = field(compare=False)
    kind: str = ""  # "web", "pdf", ... from a manifest when there is one
    format: str = "text"
    text: str | None = field(default=None, compare=False)
    extraction: OffsetMap | None = field(default=None, compare=False)
    blocks: tuple[Block, ...] | None = field(default=None, compare=False)
    layout: tuple[LaidLine, ...] | None = field(default=None, compare=False)

    @property
    def body(self) -> str:
        """What normalization starts from: the extracted text, or the source itself."""
        return self.source if self.text is None else self.text

    @classmethod
    def of_file(
        cls,
        data: bytes,
        path: str,
        siglum: str,
        source: str,
        encoding: str = "utf-8",
        *,
        format: str = "text",
        text: str | None = None,
        extraction: OffsetMap | None = None,
        blocks: tuple[Block, ...] | None = None,
        layout: tuple[LaidLine, ...] | None = None,
    ) -> Witness:
        """The witness of a file whose bytes are ``data`` and whose text a reader made ``source``;
        its size and SHA-256 come from the bytes."""
        digest = hashlib.sha256(data).hexdigest()
        return cls(siglum, path, digest, len(data), encoding, source, "", format, text, extraction, blocks, layout)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One unit of normalized text; ``start``/``end`` locate it in the witness's normalized text."""

    index: int
    text: str
    kind: BlockKind
    level: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Furniture:
    """A running header, footer or page number that reflow removed, and where it stood."""

    kind: str  # "page-number", "header" or "footer"
    text: str
    source_start: int  # offsets into the witness's source
    source_end: int
    line: int  # 1-based, as the file's reader counts lines (from the top of the page, in a PDF)
    page: int  # 0-based


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A new page begins at ``offset`` of the normalized text; ``n`` is its printed number if known."""

    offset: int
    n: str


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a stretch of normalized text came from in the witness's own file.

    ``start``/``end`` are code-point offsets into the decoded source (half-open);
    ``line``/``column`` and ``end_line``/``end_column`` the 1-based positions of those two
    offsets, as an editor shows them; ``page`` the 1-based page in a paged source.
    ``exact`` is False where normalization replaced text by text of another length (a
    line break joined, spaces folded): the span then covers the whole replaced stretch,
    which is the most an honest map can say.
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    page: int | None = None
    exact: bool = True


@dataclass(frozen=True)
class NormalizedWitness:
    """A witness after normalization and segmentation.

    ``text`` is the paragraphs joined by ``\\n``; ``offsets`` maps ``text`` back to
    ``witness.source``; ``lines`` turns source offsets into line:column. A witness loaded
    from a saved alignment has no map (``offsets`` is None) and answers :meth:`span` from
    the spans the file ``recorded``.
    """

    witness: Witness
    text: str
    paragraphs: tuple[Paragraph, ...]
    offsets: OffsetMap | None = field(compare=False)  # with the source, the spans that a saved file records
    furniture: tuple[Furniture, ...] = ()
    page_breaks: tuple[PageBreak, ...] = ()
    profile: str = ""
    recorded: Mapping[tuple[int, int], SourceSpan] = field(default_factory=dict, repr=False, compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)  # what the user heard at the time (dropped controls)
    rules: Profile | None = field(default=None, compare=False, repr=False)  # the profile itself, where known
    lines: LineIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", LineIndex(self.witness.source, by_page=self.witness.format == "pdf"))

    @property
    def siglum(self) -> str:
        return self.witness.siglum

    @property
    def rule_set(self) -> Profile:
        """The profile this witness was normalized with; for one read back from a file, the
        built-in profile of that name (English where the name is unknown, as for a profile
        of the user's own)."""
        from aligner.rules import EN, PROFILES

        return self.rules or PROFILES.get(self.profile, EN)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of normalized ``text[start:end]``."""
        if self.offsets is None:
            raise ValueError(f"witness {self.siglum} was loaded without its offset map")
        return self.offsets.source_span(start, end)

    def source_position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, column)`` in the source file of normalized offset ``offset``."""
        found = self.span(offset, offset)
        if found is None:
            raise ValueError(f"witness {self.siglum} was loaded without source positions")
        return found.line, found.column

    def span(self, start: int, end: int) -> SourceSpan | None:
        """Where normalized ``text[start:end]`` came from (None for a witness loaded without positions)."""
        if self.offsets is None:
            return self.recorded.get((start, end))
        first, last = self.offsets.source_span(start, end)
        exact = self.offsets.is_exact(start, end) if end > start else self.offsets.is_exact(start, start + 1)
        line, column = self.lines.position(first)
        end_line, end_column = self.lines.position(last)
        page = self.lines.page(first) if self.witness.format == "pdf" else self.page_at(start)
        return SourceSpan(first, last, line, column, end_line, end_column, page, exact)

    def original(self, paragraph: int | Paragraph) -> str:
        """What the witness's file says where ``paragraph`` stands: line breaks, indents and odd
        spaces as they are, beside the normalized ``paragraph.text`` that was compared.

        >>> from aligner.normalize import normalize_text
        >>> w = normalize_text("\\u3000\\u3000自 ２００９ 年以来，中国先后制定。\\n")
        >>> w.paragraphs[0].text, w.original(0)
        ('自２００９年以来，中国先后制定。', '自 ２００９ 年以来，中国先后制定。')
        """
        p = self.paragraphs[paragraph] if isinstance(paragraph, int) else paragraph
        span = self.span(p.start, p.end)
        if span is None or not self.witness.source:
            raise ValueError(f"witness {self.siglum} was loaded without its source text")
        return self.witness.source[span.start : span.end]

    def page_at(self, offset: int) -> int | None:
        """The 1-based page that normalized ``offset`` lies on, for a paged witness."""
        if not self.page_breaks:
            return None
        return bisect_right([b.offset for b in self.page_breaks], offset) + 1

    def unit_span(self, indices: Sequence[int], start: int, end: int) -> SourceSpan | None:
        """:meth:`span` of ``[start, end)`` in the unit text that paragraphs ``indices`` make (joined by ``\\n``)."""
        return self.span(*self.to_text(indices, start, end))

    def to_text(self, indices: Sequence[int], start: int, end: int) -> tuple[int, int]:
        """Offsets ``[start, end)`` of a unit text as offsets into :attr:`text`."""
        return self._unit_offset(indices, start), self._unit_offset(indices, end)

    def _unit_offset(self, indices: Sequence[int], offset: int) -> int:
        for index in indices:
            paragraph = self.paragraphs[index]
            if offset <= len(paragraph.text):
                return paragraph.start + offset
            offset -= len(paragraph.text) + 1  # the "\\n" that joins paragraphs in a unit text
        raise ValueError(f"offset beyond the unit of {self.siglum}")


@dataclass(frozen=True, slots=True)
class Variant:
    """Readings that differ inside a unit; offsets are into each witness's unit text."""

    type: VariantType
    readings: Mapping[str, str]
    offsets: Mapping[str, tuple[int, int]]
    note: str = ""  # why the readings are coarser than usual, when they are


@dataclass(frozen=True, slots=True)
class Unit:
    """One row of the alignment.

    ``paragraphs`` maps every siglum to its paragraph indices here (possibly empty).
    ``moved`` lists the sigla whose paragraphs in this unit stand elsewhere in their
    own order (the paragraph was moved, not omitted and added).
    """

    id: str
    paragraphs: Mapping[str, tuple[int, ...]]
    status: UnitStatus
    variants: tuple[Variant, ...] = ()
    moved: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alignment:
    """Witnesses, the base siglum, and the units in base order."""

    witnesses: tuple[NormalizedWitness, ...]
    base: str
    units: tuple[Unit, ...]
    title: str = ""

    @cached_property
    def sigla(self) -> tuple[str, ...]:
        return tuple(w.siglum for w in self.witnesses)

    @cached_property
    def _by_siglum(self) -> dict[str, NormalizedWitness]:
        return {w.siglum: w for w in self.witnesses}

    def witness(self, siglum: str) -> NormalizedWitness:
        return self._by_siglum[siglum]

    def locate(self, unit: Unit, variant: Variant | None = None) -> dict[str, SourceSpan | None]:
        """Where ``variant`` (or the whole unit) stands in each witness's file, by siglum.

        Only witnesses that have paragraphs in the unit are listed; a reading that is
        empty (an omission) is the point where the text would stand.
        """
        found: dict[str, SourceSpan | None] = {}
        for siglum in self.sigla:
            indices = unit.paragraphs[siglum]
            if not indices:
                continue
            witness = self.witness(siglum)
            if variant is not None:
                found[siglum] = witness.unit_span(indices, *variant.offsets[siglum])
            else:
                found[siglum] = witness.span(witness.paragraphs[indices[0]].start, witness.paragraphs[indices[-1]].end)
        return found

    def unit_text(self, unit: Unit, siglum: str) -> str:
        """The witness's normalized text in this unit: its paragraphs joined by ``\\n``."""
        paragraphs = self.witness(siglum).paragraphs
        return "\n".join(paragraphs[i].text for i in unit.paragraphs[siglum])

    def counts(self) -> Counts:
        """The one tally every view shows: units by status, units with a moved paragraph, variants by type.

        ``{"units": 285, "equal": 94, "variant": 0, "gap": 191, "moved": 0, "variants": {...}}``
        """
        units = {"units": len(self.units), "equal": 0, "variant": 0, "gap": 0}
        variants = dict.fromkeys((t.value for t in VariantType), 0)
        moved = 0
        for unit in self.units:
            units[unit.status.value] += 1
            moved += bool(unit.moved)
            for variant in unit.variants:
                variants[variant.type.value] += 1
        return {**units, "moved": moved, "variants": variants}

    def moved_places(self) -> dict[str, list[tuple[str, str]]]:
        """Where moved paragraphs stand in their own witness: unit id -> moved (unit id, siglum) after it.

        A moved paragraph stands right after the unit that holds its witness's previous
        paragraph; key ``""`` means before the first unit. Exporters use it to show (and
        keep) each witness's own order.
        """
        places: dict[str, list[tuple[str, str]]] = {}
        for siglum in self.sigla:
            unit_of: dict[int, str] = {}
            moved: list[tuple[int, str]] = []
            for unit in self.units:
                for index in unit.paragraphs[siglum]:
                    if siglum in unit.moved:
                        moved.append((index, unit.id))
                    else:
                        unit_of[index] = unit.id
            staying = sorted(unit_of)
            last_moved = (-1, "")  # a later moved paragraph of this witness follows an earlier one
            for index, unit_id in sorted(moved):
                k = bisect_left(staying, index)
                before = (staying[k - 1], unit_of[staying[k - 1]]) if k else (-1, "")
                key = max(before, last_moved)[1]
                places.setdefault(key, []).append((unit_id, siglum))
                last_moved = (index, key)
        return places
