"""The alignment as JSON, in the shape of ``schemas/alignment.schema.json``.

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
"""

from __future__ import annotations

import json
from typing import Any

from aligner.model import Alignment, NormalizedWitness, Unit, Variant

__all__ = ["document", "render"]

SCHEMA_ID = "https://aligner.invalid/schemas/alignment.schema.json"


def _version() -> str:
    from aligner import __version__

    return __version__


def _witness(witness: NormalizedWitness) -> dict[str, Any]:
    source = witness.witness
    return {
        "siglum": source.siglum,
        "path": source.path,
        "kind": source.kind,
        "sha256": source.sha256,
        "size": source.size,
        "encoding": source.encoding,
        "profile": witness.profile,
        "paragraphs": len(witness.paragraphs),
        "pages": len(witness.page_breaks) + 1 if witness.page_breaks else 0,
        "furniture": [{"kind": f.kind, "text": f.text, "line": f.line, "page": f.page + 1} for f in witness.furniture],
    }


def _variant(variant: Variant) -> dict[str, Any]:
    return {
        "type": variant.type.value,
        "readings": dict(variant.readings),
        "offsets": {s: [start, end] for s, (start, end) in variant.offsets.items()},
    }


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "paragraphs": {s: list(p) for s, p in unit.paragraphs.items()},
        "status": unit.status.value,
        "moved": list(unit.moved),
        "variants": [_variant(v) for v in unit.variants],
    }


def document(alignment: Alignment) -> dict[str, Any]:
    """The JSON document as Python data."""
    return {
        "$schema": SCHEMA_ID,
        "aligner": {"version": _version()},
        "title": alignment.title,
        "base": alignment.base,
        "witnesses": [_witness(w) for w in alignment.witnesses],
        "units": [_unit(u) for u in alignment.units],
        "summary": alignment.counts(),
    }


def render(alignment: Alignment) -> str:
    """UTF-8-ready JSON text (CJK kept as characters, not escapes), ending in a newline."""
    return json.dumps(document(alignment), ensure_ascii=False, indent=2) + "\n"
