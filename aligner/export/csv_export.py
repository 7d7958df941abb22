"""The alignment table as CSV: one row per unit, and per witness its paragraph indices and text.

Paragraph indices are joined with ``;`` (``3;4`` for a paragraph split in two), the text
of several paragraphs with a newline, which CSV quotes. Rows end in CRLF as RFC 4180 says.

>>> from aligner.normalize import normalize_text
>>> from aligner.align import align
>>> a = normalize_text("一段。\\n二段。", siglum="a")
>>> b = normalize_text("一段。", siglum="b")
>>> print(render(align([a, b])).replace("\\r", ""), end="")
unit,status,moved,variants,a paragraphs,a text,b paragraphs,b text
u1,equal,,,0,一段。,0,一段。
u2,gap,,,1,二段。,,
"""

from __future__ import annotations

import csv
import io

from aligner.model import Alignment, Unit

__all__ = ["render"]


def _header(alignment: Alignment) -> list[str]:
    per_witness = [f"{s} {column}" for s in alignment.sigla for column in ("paragraphs", "text")]
    return ["unit", "status", "moved", "variants", *per_witness]


def _row(alignment: Alignment, unit: Unit) -> list[str]:
    cells = [unit.id, unit.status.value, ";".join(unit.moved), ";".join(v.type.value for v in unit.variants)]
    for siglum in alignment.sigla:
        cells.append(";".join(str(i) for i in unit.paragraphs[siglum]))
        cells.append(alignment.unit_text(unit, siglum))
    return cells


def render(alignment: Alignment) -> str:
    """The table as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(alignment))
    writer.writerows(_row(alignment, u) for u in alignment.units)
    return out.getvalue()
