"""Exporters: views over one :class:`~aligner.model.Alignment`, by name.

Every exporter turns an alignment into bytes; the CLI and the batch runner look them up
here and nowhere else::

    from aligner.export import to_json, to_tei
    open("alignment.json", "wb").write(to_json(alignment))

The modules are named so that none shadows a standard module in users' code
(``json_export``, ``csv_export``, ``html_report``; TEI lives in :mod:`aligner.tei`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from aligner.model import Alignment

__all__ = ["EXPORTERS", "Exporter", "render", "to_csv", "to_html", "to_json", "to_tei"]


@dataclass(frozen=True, slots=True)
class Exporter:
    """A named view: the module whose ``render(alignment)`` makes it, and its usual file name."""

    name: str
    module: str
    filename: str
    description: str

    def render(self, alignment: Alignment) -> bytes:
        data = import_module(self.module).render(alignment)
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("json", "aligner.export.json_export", "alignment.json", "the alignment as JSON"),
        Exporter("csv", "aligner.export.csv_export", "alignment.csv", "one row per unit"),
        Exporter("tei", "aligner.tei.write", "alignment.tei.xml", "TEI P5, parallel segmentation"),
        Exporter("html", "aligner.export.html_report", "alignment.html", "a self-contained HTML report"),
    )
}


def render(name: str, alignment: Alignment) -> bytes:
    """The bytes of export ``name`` (``json``, ``csv``, ``tei``, ``html``)."""
    return EXPORTERS[name].render(alignment)


def _by(name: str) -> Callable[[Alignment], bytes]:
    def export(alignment: Alignment) -> bytes:
        return render(name, alignment)

    export.__name__ = f"to_{name}"
    export.__doc__ = f"The alignment as {EXPORTERS[name].description} (UTF-8 bytes)."
    return export


to_json = _by("json")
to_csv = _by("csv")
to_tei = _by("tei")
to_html = _by("html")
