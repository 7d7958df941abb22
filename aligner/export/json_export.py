"""The alignment as JSON, in the shape of ``schemas/alignment.schema.json``; and back.

The JSON stands alone: besides the units it carries every witness's normalized
paragraphs with the source span each came from (line and column at both ends, page for
paged sources, and whether the map is exact there), and every variant's readings with
their source spans. A consumer needs no other file, and :func:`load` gives back an
:class:`~aligner.model.Alignment` that writes the same bytes again.

Keys keep a fixed order and nothing depends on the clock or the machine, so the same
inputs give byte-identical files.

>>> from aligner.normalize import normalize_text
>>> from aligner.align import align
>>> a = normalize_text("一段。\\n二段。", siglum="a")
>>> b = normalize_text("一段。\\n二段，", siglum="b")
>>> data = document(align([a, b]))
>>> data["summary"]["variants"]
{'whitespace': 0, 'punctuation': 1, 'width': 0, 'orthographic': 0, 'substantive': 0}
>>> data["units"][1]["variants"][0]["offsets"]
{'a': [2, 3], 'b': [2, 3]}
>>> data["units"][1]["variants"][0]["sources"]["b"]["start"]
{'line': 2, 'column': 3}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from aligner.errors import InputError
from aligner.model import (
    Alignment,
    BlockKind,
    Furniture,
    NormalizedWitness,
    PageBreak,
    Paragraph,
    SourceSpan,
    Unit,
    UnitStatus,
    Variant,
    VariantType,
    Witness,
)

__all__ = ["document", "load", "render"]

SCHEMA_ID = "https://aligner.invalid/schemas/alignment.schema.json"


def _version() -> str:
    from aligner import __version__

    return __version__


def _span(span: SourceSpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "start": {"line": span.line, "column": span.column},
        "end": {"line": span.end_line, "column": span.end_column},
        "offsets": [span.start, span.end],
        "page": span.page,
        "exact": span.exact,
    }


def _paragraph(witness: NormalizedWitness, paragraph: Paragraph) -> dict[str, Any]:
    return {
        "text": paragraph.text,
        "kind": paragraph.kind.value,
        "level": paragraph.level,
        "source": _span(witness.span(paragraph.start, paragraph.end)),
    }


def _witness(witness: NormalizedWitness) -> dict[str, Any]:
    return {**_witness_head(witness), "normalized": [_paragraph(witness, p) for p in witness.paragraphs]}


def _witness_head(witness: NormalizedWitness) -> dict[str, Any]:
    source = witness.witness
    return {
        "siglum": source.siglum,
        "path": source.path,
        "kind": source.kind,
        "sha256": source.sha256,
        "size": source.size,
        "encoding": source.encoding,
        "format": source.format,
        "profile": witness.profile,
        "paragraphs": len(witness.paragraphs),
        "pages": len(witness.page_breaks) + 1 if witness.page_breaks else 0,
        "page_breaks": [{"offset": b.offset, "n": b.n} for b in witness.page_breaks],
        "furniture": [
            {
                "kind": f.kind,
                "text": f.text,
                "line": f.line,
                "page": f.page + 1,
                "offsets": [f.source_start, f.source_end],
            }
            for f in witness.furniture
        ],
    }


def _variant(alignment: Alignment, unit: Unit, variant: Variant) -> dict[str, Any]:
    record = {
        "type": variant.type.value,
        "readings": dict(variant.readings),
        "offsets": {s: [start, end] for s, (start, end) in variant.offsets.items()},
        "sources": {s: _span(span) for s, span in alignment.locate(unit, variant).items()},
    }
    if variant.note:
        record["note"] = variant.note
    return record


def _unit(alignment: Alignment, unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "paragraphs": {s: list(p) for s, p in unit.paragraphs.items()},
        "status": unit.status.value,
        "moved": list(unit.moved),
        "variants": [_variant(alignment, unit, v) for v in unit.variants],
    }


def document(alignment: Alignment) -> dict[str, Any]:
    """The JSON document as Python data."""
    return {
        "$schema": SCHEMA_ID,
        "aligner": {"version": _version()},
        "title": alignment.title,
        "base": alignment.base,
        "witnesses": [_witness(w) for w in alignment.witnesses],
        "units": [_unit(alignment, u) for u in alignment.units],
        "summary": alignment.counts(),
    }


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _lines(key: str, items: Iterable[str], last: bool) -> Iterator[str]:
    """``"key": [`` then one item a line, then ``]``."""
    yield f"  {_compact(key)}: ["
    previous = None
    for item in items:
        if previous is not None:
            yield f"    {previous},"
        previous = item
    if previous is not None:
        yield f"    {previous}"
    yield "  ]" if last else "  ],"


def render(alignment: Alignment) -> str:
    """The document as JSON text ending in a newline: one paragraph, one unit per line.

    The layout keeps a 10 MB alignment quick to write (the standard library's C encoder
    does each line) and easy to read and diff (a changed unit is a changed line).
    CJK stays as characters, not escapes.
    """
    head = {"$schema": SCHEMA_ID, "aligner": {"version": _version()}, "title": alignment.title, "base": alignment.base}
    out = ["{", *(f"  {_compact(k)}: {_compact(v)}," for k, v in head.items()), '  "witnesses": [']
    for n, witness in enumerate(alignment.witnesses):
        fields = [f"      {_compact(k)}: {_compact(v)}," for k, v in _witness_head(witness).items()]
        paragraphs = (_compact(_paragraph(witness, p)) for p in witness.paragraphs)
        normalized = ["    " + line for line in _lines("normalized", paragraphs, last=True)]
        out += ["    {", *fields, *normalized, "    }" if n == len(alignment.witnesses) - 1 else "    },"]
    out.append("  ],")
    out += _lines("units", (_compact(_unit(alignment, u)) for u in alignment.units), last=False)
    out += [f'  "summary": {_compact(alignment.counts())}', "}"]
    return "\n".join(out) + "\n"


# --- reading it back ------------------------------------------------------------------------------


def _read_span(data: Mapping[str, Any] | None) -> SourceSpan | None:
    if data is None:
        return None
    start, end = data["offsets"]
    return SourceSpan(
        start,
        end,
        data["start"]["line"],
        data["start"]["column"],
        data["end"]["line"],
        data["end"]["column"],
        data["page"],
        data["exact"],
    )


def _pair(values: Sequence[int]) -> tuple[int, int]:
    return values[0], values[1]


def _read_witness(data: Mapping[str, Any], recorded: dict[tuple[int, int], SourceSpan]) -> NormalizedWitness:
    """The witness record as a witness without a map; ``recorded`` collects the spans it answers with."""
    source = Witness(
        siglum=data["siglum"],
        path=data["path"],
        sha256=data["sha256"],
        size=data.get("size", 0),
        encoding=data.get("encoding", ""),
        source="",
        kind=data.get("kind", ""),
        format=data.get("format", "text"),
    )
    paragraphs: list[Paragraph] = []
    start = 0
    for index, item in enumerate(data["normalized"]):
        text = item["text"]
        paragraphs.append(Paragraph(index, text, BlockKind(item["kind"]), item["level"], start, start + len(text)))
        span = _read_span(item["source"])
        if span is not None:
            recorded[(start, start + len(text))] = span
        start += len(text) + 1
    furniture = tuple(
        Furniture(f["kind"], f["text"], *_pair(f.get("offsets", (0, 0))), f["line"], f["page"] - 1)
        for f in data.get("furniture", [])
    )
    breaks = tuple(PageBreak(b["offset"], b["n"]) for b in data.get("page_breaks", []))
    text = "\n".join(p.text for p in paragraphs)
    return NormalizedWitness(
        source, text, tuple(paragraphs), None, furniture, breaks, data.get("profile", ""), recorded
    )


def _read_unit(
    data: Mapping[str, Any],
    witnesses: Mapping[str, NormalizedWitness],
    recorded: Mapping[str, dict[tuple[int, int], SourceSpan]],
) -> Unit:
    paragraphs = {s: tuple(p) for s, p in data["paragraphs"].items()}
    variants = []
    for item in data["variants"]:
        offsets = {s: (start, end) for s, (start, end) in item["offsets"].items()}
        for siglum, span_data in item.get("sources", {}).items():
            span = _read_span(span_data)
            if span is not None:
                recorded[siglum][witnesses[siglum].to_text(paragraphs[siglum], *offsets[siglum])] = span
        variants.append(Variant(VariantType(item["type"]), dict(item["readings"]), offsets, item.get("note", "")))
    return Unit(data["id"], paragraphs, UnitStatus(data["status"]), tuple(variants), tuple(data.get("moved", [])))


def load(data: bytes, name: str = "<json>") -> Alignment:
    """The :class:`~aligner.model.Alignment` a JSON file written by :func:`render` holds."""
    try:
        document = json.loads(data.decode("utf-8"))
        recorded: dict[str, dict[tuple[int, int], SourceSpan]] = {w["siglum"]: {} for w in document["witnesses"]}
        witnesses = [_read_witness(w, recorded[w["siglum"]]) for w in document["witnesses"]]
        by_siglum = {w.siglum: w for w in witnesses}
        units = tuple(_read_unit(u, by_siglum, recorded) for u in document["units"])
        return Alignment(tuple(witnesses), document["base"], units, document.get("title", ""))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise InputError(name, f"not an aligner JSON file: {err}", "give the file aligner align --json wrote") from None
    except (KeyError, TypeError, ValueError, IndexError) as err:
        problem = f"not an aligner JSON file ({type(err).__name__}: {err})"
        raise InputError(name, problem, "give the file aligner align --json wrote") from None
