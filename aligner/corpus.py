"""The sample corpus that ships inside the package, for ``aligner demo`` and for trying things out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from aligner.errors import InputError

__all__ = ["SAMPLE", "bundled_corpus"]

SAMPLE = "nhrap-2021-2025"


@contextmanager
def bundled_corpus(name: str = SAMPLE) -> Iterator[Path]:
    """The folder of the bundled corpus ``name`` (its witnesses and manifest), as a real path."""
    resource = files("aligner").joinpath("corpora", name)
    if not resource.joinpath("manifest.json").is_file():
        raise InputError(f"corpora/{name}", "the bundled corpus is missing from this installation", "reinstall aligner")
    with as_file(resource) as folder:
        yield Path(folder)
