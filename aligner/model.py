"""The objects that flow through the pipeline: read -> normalize -> segment -> align -> classify -> export.

Each stage returns one of these and never reaches back into an earlier stage's
internals; exporters are views over the same :class:`Alignment`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aligner.text import LineIndex, OffsetMap

__all__ = [
    "Alignment",
    "BlockKind",
    "Counts",
    "Furniture",
    "NormalizedWitness",
    "PageBreak",
    "Paragraph",
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
class Witness:
    """One edition as read from disk: decoded text (newlines as ``\\n``, form feeds kept)."""

    siglum: str
    path: str
    sha256: str
    size: int
    encoding: str
    source: str
    kind: str = ""  # "web", "pdf", ... from a manifest when there is one


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
    source_start: int
    source_end: int
    line: int
    page: int


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A new page begins at ``offset`` of the normalized text; ``n`` is its printed number if known."""

    offset: int
    n: str


@dataclass(frozen=True)
class NormalizedWitness:
    """A witness after normalization and segmentation.

    ``text`` is the paragraphs joined by ``\\n``; ``offsets`` maps ``text`` back to
    ``witness.source``. ``lines`` turns source offsets into line:column.
    """

    witness: Witness
    text: str
    paragraphs: tuple[Paragraph, ...]
    offsets: OffsetMap
    furniture: tuple[Furniture, ...] = ()
    page_breaks: tuple[PageBreak, ...] = ()
    profile: str = ""
    lines: LineIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", LineIndex(self.witness.source))

    @property
    def siglum(self) -> str:
        return self.witness.siglum

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of normalized ``text[start:end]``."""
        return self.offsets.source_span(start, end)

    def source_position(self, offset: int) -> tuple[int, int]:
        """1-based ``(line, column)`` in the source file of normalized offset ``offset``."""
        return self.lines.position(self.offsets.source_start(offset))


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

    @property
    def sigla(self) -> tuple[str, ...]:
        return tuple(w.siglum for w in self.witnesses)

    def witness(self, siglum: str) -> NormalizedWitness:
        for w in self.witnesses:
            if w.siglum == siglum:
                return w
        raise KeyError(siglum)

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
