"""aligner: verified, aligned, TEI-encoded text from messy editions of one document.

The pipeline, as a Python API (the ``aligner`` command is a thin shell over it)::

    import aligner

    web = aligner.normalize_witness(aligner.read_witness("corpora/nhrap-2021-2025/web.txt"))
    pdf = aligner.normalize_witness(aligner.read_witness("corpora/nhrap-2021-2025/pdf.txt"))
    alignment = aligner.align([web, pdf])
    alignment.counts()      # {'units': 285, 'equal': 94, 'variant': 0, 'gap': 191, ...}
    open("alignment.tei.xml", "wb").write(aligner.to_tei(alignment))

or, reading and normalizing as ``aligner align`` does, in one call:
``aligner.align_files(["web.txt", "plan.pdf"])``. Lower layers (offset maps, rule
tables, readers one by one) are in their modules: :mod:`aligner.text`,
:mod:`aligner.rules`, :mod:`aligner.readers`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from aligner.align import align
from aligner.check import Finding, findings
from aligner.errors import AlignerError, DecodeError, InputError, OutputError, UsageError, ValidationError
from aligner.export import load, to_csv, to_html, to_json, to_tei
from aligner.model import (
    Alignment,
    BlockKind,
    NormalizedWitness,
    Paragraph,
    SourceSpan,
    Unit,
    UnitStatus,
    Variant,
    VariantType,
    Witness,
)
from aligner.normalize import Change, NormalizeConfig, explain_witness, normalize_text, normalize_witness
from aligner.pipeline import Options, align_files
from aligner.rules import PROFILES, Profile, get_profile
from aligner.tei import validate
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
    "Change",
    "DecodeError",
    "Finding",
    "InputError",
    "NormalizeConfig",
    "NormalizedWitness",
    "Options",
    "OutputError",
    "Paragraph",
    "Profile",
    "SourceSpan",
    "Unit",
    "UnitStatus",
    "UsageError",
    "ValidationError",
    "Variant",
    "VariantType",
    "Witness",
    "__version__",
    "align",
    "align_files",
    "explain_witness",
    "findings",
    "get_profile",
    "load",
    "normalize_text",
    "normalize_witness",
    "read_witness",
    "to_csv",
    "to_html",
    "to_json",
    "to_tei",
    "validate",
]
