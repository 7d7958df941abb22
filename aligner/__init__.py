"""aligner: verified, aligned, TEI-encoded text from messy editions of one document.

The pipeline, as a Python API (the ``aligner`` command is a thin shell over it)::

    from aligner import read_witness, normalize_witness, align, export_json

    web = normalize_witness(read_witness("corpora/nhrap-2021-2025/web.txt"))
    pdf = normalize_witness(read_witness("corpora/nhrap-2021-2025/pdf.txt"))
    alignment = align([web, pdf])
    print(alignment.summary())        # {'units': 285, 'equal': 94, 'variant': 0, 'gap': 191}
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from aligner.align import align
from aligner.errors import AlignerError, DecodeError, InputError, UsageError, ValidationError
from aligner.export import load
from aligner.model import (
    Alignment,
    BlockKind,
    Furniture,
    NormalizedWitness,
    PageBreak,
    Paragraph,
    Unit,
    UnitStatus,
    Variant,
    VariantType,
    Witness,
)
from aligner.normalize import NormalizeConfig, normalize_text, normalize_witness
from aligner.rules import PROFILES, Profile, get_profile
from aligner.text import Edit, LineIndex, OffsetMap, apply_edits
from aligner.witness import read_witness

try:
    __version__ = version("aligner")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = [
    "PROFILES",
    "AlignerError",
    "Alignment",
    "BlockKind",
    "DecodeError",
    "Edit",
    "Furniture",
    "InputError",
    "LineIndex",
    "NormalizeConfig",
    "NormalizedWitness",
    "OffsetMap",
    "PageBreak",
    "Paragraph",
    "Profile",
    "Unit",
    "UnitStatus",
    "UsageError",
    "ValidationError",
    "Variant",
    "VariantType",
    "Witness",
    "__version__",
    "align",
    "apply_edits",
    "get_profile",
    "load",
    "normalize_text",
    "normalize_witness",
    "read_witness",
]
