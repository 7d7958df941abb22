"""Findings for ``aligner check``: every difference, located in the witness's original file.

A finding is printed ``PATH:LINE:COL: TYPE: message`` so that editors and CI logs can
jump to it. Lines and columns come from the offset maps, so they point into the file
as the user has it, not into the normalized text.

- a **variant** is reported where the first witness that differs from the base reads it;
- a **gap** (paragraphs that some witness lacks) is reported once per run of gap units
  with the same witnesses present, at the first paragraph of the first witness that
  has text there: a truncated edition gives one finding, not one per paragraph;
- a **moved** paragraph is reported where it stands in its own witness.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aligner.model import Alignment, Unit, UnitStatus, Variant, VariantType

__all__ = ["ALLOWABLE", "GAP", "MOVED", "Finding", "findings", "summary_line"]

GAP = "gap"
MOVED = "moved"
ALLOWABLE = frozenset({*(t.value for t in VariantType), GAP, MOVED})
QUOTE_LIMIT = 40  # characters of a reading shown in a message


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    col: int
    type: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.type}: {self.message}"


def _locate(alignment: Alignment, unit: Unit, siglum: str, offset: int) -> tuple[str, int, int]:
    """Path, line and column of ``offset`` into the witness's unit text."""
    witness = alignment.witness(siglum)
    for index in unit.paragraphs[siglum]:
        paragraph = witness.paragraphs[index]
        if offset <= len(paragraph.text):
            line, col = witness.source_position(paragraph.start + offset)
            return witness.witness.path, line, col
        offset -= len(paragraph.text) + 1  # the "\n" that joins paragraphs in a unit text
    raise ValueError(f"offset beyond unit {unit.id} of {siglum}")


def _quote(text: str) -> str:
    shown = text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
    return '"' + shown.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') + '"'


def _indices(indices: Sequence[int]) -> str:
    return str(indices[0]) if len(indices) == 1 else f"{indices[0]}-{indices[-1]}"


def _variant_finding(alignment: Alignment, unit: Unit, variant: Variant) -> Finding:
    sigla = list(variant.readings)
    base = variant.readings.get(alignment.base)
    where = next((s for s in sigla if s != alignment.base and variant.readings[s] != base), sigla[-1])
    path, line, col = _locate(alignment, unit, where, variant.offsets[where][0])
    readings = ", ".join(f"{s} {_quote(variant.readings[s])}" for s in sigla)
    return Finding(path, line, col, variant.type.value, f"{unit.id}: {readings}")


def _present(unit: Unit) -> frozenset[str]:
    return frozenset(s for s, p in unit.paragraphs.items() if p)


def _gap_runs(units: Sequence[Unit]) -> Iterable[list[Unit]]:
    """Consecutive gap units with the same witnesses present."""
    run: list[Unit] = []
    for unit in units:
        if run and (unit.status is not UnitStatus.GAP or _present(unit) != _present(run[0])):
            yield run
            run = []
        if unit.status is UnitStatus.GAP:
            run.append(unit)
    if run:
        yield run


def _gap_finding(alignment: Alignment, run: list[Unit]) -> Finding:
    present = [s for s in alignment.sigla if run[0].paragraphs[s]]
    missing = [s for s in alignment.sigla if not run[0].paragraphs[s]]
    where = present[0]
    path, line, col = _locate(alignment, run[0], where, 0)
    held = [i for unit in run for i in unit.paragraphs[where]]
    span = run[0].id if len(run) == 1 else f"{run[0].id}-{run[-1].id}"
    held_text = f"paragraph {held[0]}" if len(held) == 1 else f"paragraphs {_indices(held)} ({len(held)} paragraphs)"
    message = f"{span}: {where} {held_text} missing from {', '.join(missing)}"
    return Finding(path, line, col, GAP, message)


def _moved_findings(alignment: Alignment, unit: Unit) -> list[Finding]:
    out = []
    base = unit.paragraphs[alignment.base]
    for siglum in unit.moved:
        path, line, col = _locate(alignment, unit, siglum, 0)
        held = _indices(unit.paragraphs[siglum])
        message = f"{unit.id}: {siglum} paragraph {held} moved; it matches {alignment.base} paragraph {_indices(base)}"
        out.append(Finding(path, line, col, MOVED, message))
    return out


def findings(alignment: Alignment, allow: frozenset[str] = frozenset()) -> list[Finding]:
    """Every difference between the witnesses except the kinds in ``allow``, in unit order."""
    gap_starts = {run[0].id: run for run in _gap_runs(alignment.units)} if GAP not in allow else {}
    found: list[Finding] = []
    for unit in alignment.units:
        if unit.id in gap_starts:
            found.append(_gap_finding(alignment, gap_starts[unit.id]))
        if MOVED not in allow:
            found.extend(_moved_findings(alignment, unit))
        found.extend(_variant_finding(alignment, unit, v) for v in unit.variants if v.type.value not in allow)
    return found


def summary_line(found: Sequence[Finding], alignment: Alignment) -> str:
    """One closing line: how many findings of which type, and the unit counts."""
    counts = alignment.counts()
    units = f"{counts['units']} units: {counts['equal']} equal, {counts['variant']} variant, {counts['gap']} gap"
    if not found:
        return f"aligner: no differences ({units})"
    by_type = Counter(f.type for f in found)
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))
    plural = "s" if len(found) != 1 else ""
    return f"aligner: {len(found)} finding{plural} ({kinds}) in {units}"
