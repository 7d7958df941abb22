"""Findings for ``aligner check``: every difference, located in the witness's original file.

A finding points at a line and column of the file as the user has it, not of the
normalized text (:meth:`~aligner.model.Alignment.locate` maps it back), and says when
that position is approximate. What is reported:

- a **variant**, where the first witness that differs from the base reads it;
- a **gap** (paragraphs that some witness lacks), once per run of gap units with the same
  witnesses present, at the first paragraph of the first witness that has text there: a
  truncated edition gives one finding, not one per paragraph;
- a **moved** paragraph, where it stands in its own witness.

Findings are written in the format a CI system reads (:data:`FORMATS`): ``text``
(``PATH:LINE:COL: TYPE: message``), ``json``, ``github`` (workflow commands that
annotate a pull request), ``gitlab`` (Code Quality), ``sarif`` (2.1.0) and ``junit``
(one test case per unit).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from aligner.files import printable
from aligner.model import Alignment, SourceSpan, Unit, UnitStatus, Variant, VariantType

__all__ = ["ALLOWABLE", "FORMATS", "GAP", "MOVED", "Finding", "findings", "render", "summary_line"]

GAP = "gap"
MOVED = "moved"
ALLOWABLE = frozenset({*(t.value for t in VariantType), GAP, MOVED})
QUOTE_LIMIT = 40  # characters of a reading shown in a message
# How much each kind of finding matters, for the formats that grade them.
SERIOUS = frozenset({VariantType.SUBSTANTIVE.value, GAP, MOVED})
DESCRIPTIONS = {
    "whitespace": "The editions differ in whitespace only.",
    "punctuation": "The editions differ in punctuation only.",
    "width": "The editions differ in character width (full-width and half-width forms) only.",
    "orthographic": "The editions differ in variant character forms (simplified/traditional, 異體字) only.",
    "substantive": "The editions read different words.",
    GAP: "Paragraphs that one edition has and another lacks.",
    MOVED: "A paragraph that stands elsewhere in one edition.",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One difference, where it stands in a witness's file."""

    path: str
    line: int
    col: int
    type: str
    message: str
    units: tuple[str, ...] = ()  # the units it covers (a run of gap units covers several)
    page: int | None = None
    exact: bool = True

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.type}: {self.described()}"

    def described(self) -> str:
        """The message with the page of a paged source, and a warning where the position is approximate."""
        where = f" (page {self.page})" if self.page is not None else ""
        approximate = " [position approximate]" if not self.exact else ""
        return f"{self.message}{where}{approximate}"


def _quote(text: str) -> str:
    shown = text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
    return '"' + shown.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') + '"'


def _indices(indices: Sequence[int]) -> str:
    return str(indices[0]) if len(indices) == 1 else f"{indices[0]}-{indices[-1]}"


def _at(
    alignment: Alignment, siglum: str, span: SourceSpan | None, kind: str, message: str, units: Iterable[str]
) -> Finding:
    path = alignment.witness(siglum).witness.path
    if span is None:  # an alignment read back from TEI knows no positions
        return Finding(path, 1, 1, kind, message, tuple(units), None, False)
    return Finding(path, span.line, span.column, kind, message, tuple(units), span.page, span.exact)


def _variant_finding(alignment: Alignment, unit: Unit, variant: Variant) -> Finding:
    sigla = list(variant.readings)
    base = variant.readings.get(alignment.base)
    where = next((s for s in sigla if s != alignment.base and variant.readings[s] != base), sigla[-1])
    readings = ", ".join(f"{s} {_quote(variant.readings[s])}" for s in sigla)
    span = alignment.locate(unit, variant)[where]
    return _at(alignment, where, span, variant.type.value, f"{unit.id}: {readings}", (unit.id,))


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
    held = [i for unit in run for i in unit.paragraphs[where]]
    span = run[0].id if len(run) == 1 else f"{run[0].id}-{run[-1].id}"
    held_text = f"paragraph {held[0]}" if len(held) == 1 else f"paragraphs {_indices(held)} ({len(held)} paragraphs)"
    message = f"{span}: {where} {held_text} missing from {', '.join(missing)}"
    start = alignment.witness(where).unit_span(run[0].paragraphs[where], 0, 0)
    return _at(alignment, where, start, GAP, message, (u.id for u in run))


def _moved_findings(alignment: Alignment, unit: Unit) -> list[Finding]:
    out = []
    base = unit.paragraphs[alignment.base]
    for siglum in unit.moved:
        held = _indices(unit.paragraphs[siglum])
        message = f"{unit.id}: {siglum} paragraph {held} moved; it matches {alignment.base} paragraph {_indices(base)}"
        span = alignment.witness(siglum).unit_span(unit.paragraphs[siglum], 0, 0)
        out.append(_at(alignment, siglum, span, MOVED, message, (unit.id,)))
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


# --- formats ------------------------------------------------------------------------------------


def _text(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    lines = [f.format() for f in found]
    if not quiet:
        lines.append(summary_line(found, alignment))
    return "".join(printable(line) + "\n" for line in lines)


def _json(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    del quiet
    records = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.col,
            "page": f.page,
            "exact": f.exact,
            "type": f.type,
            "units": list(f.units),
            "message": f.message,
        }
        for f in found
    ]
    return json.dumps({"findings": records, "summary": alignment.counts()}, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``."""
    lines = []
    for f in found:
        level = "error" if f.type in SERIOUS else "warning"
        title = _escape_property(f"aligner {f.type}")
        place = f"file={_escape_property(f.path)},line={f.line},col={f.col},title={title}"
        lines.append(f"::{level} {place}::{_escape_data(f.described())}")
    if not quiet:
        lines.append(summary_line(found, alignment))
    return "".join(printable(line) + "\n" for line in lines)


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256("\x00".join((f.path, f.type, f.message)).encode("utf-8")).hexdigest()


def _gitlab(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    """GitLab Code Quality: a JSON array of issues with a stable fingerprint each."""
    del alignment, quiet
    issues = [
        {
            "description": f.described(),
            "check_name": f"aligner-{f.type}",
            "fingerprint": _fingerprint(f),
            "severity": "major" if f.type in SERIOUS else "minor",
            "location": {"path": f.path, "positions": {"begin": {"line": f.line, "column": f.col}}},
        }
        for f in found
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def _uri(path: str) -> str:
    return Path(path).as_uri() if Path(path).is_absolute() else quote(path)


def _sarif(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    """A SARIF 2.1.0 log with one run; rules are the finding types."""
    from aligner import __version__

    del alignment, quiet
    rules = sorted(ALLOWABLE)
    results = [
        {
            "ruleId": f.type,
            "ruleIndex": rules.index(f.type),
            "level": "error" if f.type in SERIOUS else "warning",
            "message": {"text": f.described()},
            "properties": {"exact": f.exact, **({"page": f.page} if f.page is not None else {})},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {"startLine": f.line, "startColumn": f.col},
                    }
                }
            ],
            "partialFingerprints": {"alignerFinding/v1": _fingerprint(f)},
        }
        for f in found
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aligner",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/aligner/",
                        "rules": [{"id": rule, "shortDescription": {"text": DESCRIPTIONS[rule]}} for rule in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _junit(found: Sequence[Finding], alignment: Alignment, quiet: bool) -> str:
    """JUnit XML: one test case per unit, failing with the findings that cover it."""
    del quiet
    by_unit: dict[str, list[Finding]] = {}
    for f in found:
        for unit_id in f.units:
            by_unit.setdefault(unit_id, []).append(f)
    failures = sum(1 for u in alignment.units if u.id in by_unit)
    suites = etree.Element("testsuites", name="aligner check", tests=str(len(alignment.units)), failures=str(failures))
    suite = etree.SubElement(
        suites,
        "testsuite",
        name=" ".join(alignment.sigla),
        tests=str(len(alignment.units)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time="0",
    )
    classname = f"aligner.{alignment.base}"
    for unit in alignment.units:
        case = etree.SubElement(suite, "testcase", name=unit.id, classname=classname, time="0")
        for f in by_unit.get(unit.id, []):
            failure = etree.SubElement(case, "failure", type=f.type, message=printable(f.message))
            failure.text = printable(f.format())
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


FORMATS: dict[str, Callable[[Sequence[Finding], Alignment, bool], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "gitlab": _gitlab,
    "sarif": _sarif,
    "junit": _junit,
}


def render(found: Sequence[Finding], alignment: Alignment, format: str = "text", *, quiet: bool = False) -> str:
    """The findings in ``format`` (one of :data:`FORMATS`); ``quiet`` leaves out the summary line."""
    return FORMATS[format](found, alignment, quiet)
