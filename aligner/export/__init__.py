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
from pathlib import Path

from aligner.model import Alignment

__all__ = ["EXPORTERS", "Exporter", "load", "render", "to_csv", "to_html", "to_json", "to_tei"]


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


def load(path: str | Path) -> Alignment:
    """An alignment saved as JSON (``--json``) or TEI (``--tei``), read back.

    The JSON gives back the alignment it was written from, source positions and all;
    TEI gives back witnesses, paragraphs, page breaks and units, with the variants found
    again as aligner finds them, but no source positions (TEI does not carry them).
    """
    from aligner.errors import InputError
    from aligner.files import read_input

    data = read_input(path, limit=2 * 1024 * 1024 * 1024)
    start = data.lstrip()[:1]
    if start == b"{":
        from aligner.export.json_export import load as from_json

        return from_json(data, str(path))
    if start == b"<":
        from aligner.tei.read import load as from_tei
        from aligner.tei.read import parse

        try:
            tree = parse(data)
        except InputError as err:
            raise InputError(path, err.problem, err.hint) from None
        return from_tei(tree)
    raise InputError(path, "is neither an aligner JSON nor a TEI file", "give a file written by aligner align")
