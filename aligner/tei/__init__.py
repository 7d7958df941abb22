"""TEI P5: writing an alignment as parallel segmentation, reading witnesses back, validating.

- :func:`render` (and :func:`build`) in :mod:`aligner.tei.write`;
- :func:`witness_paragraphs` and :func:`sigla` in :mod:`aligner.tei.read`;
- :func:`validate` in :mod:`aligner.tei.schema`.
"""

from __future__ import annotations

from aligner.tei.read import parse, sigla, witness_paragraphs
from aligner.tei.schema import SCHEMA_NAME, validate
from aligner.tei.write import build, render

__all__ = ["SCHEMA_NAME", "build", "parse", "render", "sigla", "validate", "witness_paragraphs"]
