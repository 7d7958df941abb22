"""Data that ships inside the package: the JSON and RELAX NG schemas, and the sample corpus.

Everything is found through ``importlib.resources``, never by a path relative to the
source tree, so an installed wheel finds its own copies and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from aligner.errors import InputError

__all__ = ["SAMPLE", "bundled_corpus", "schema_bytes"]

SAMPLE = "nhrap-2021-2025"


@contextmanager
def bundled_corpus(name: str = SAMPLE) -> Iterator[Path]:
    """The folder of the bundled corpus ``name`` (its witnesses and manifest), as a real path."""
    resource = files("aligner").joinpath("corpora", name)
    if not resource.joinpath("manifest.json").is_file():
        raise InputError(f"corpora/{name}", "the bundled corpus is missing from this installation", "reinstall aligner")
    with as_file(resource) as folder:
        yield Path(folder)


def schema_bytes(name: str) -> bytes:
    """A schema shipped inside the package (``aligner/schemas/NAME``)."""
    resource = files("aligner").joinpath("schemas", name)
    try:
        return resource.read_bytes()
    except OSError:
        raise InputError(name, "the schema is missing from this installation", "reinstall aligner") from None
