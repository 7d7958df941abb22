"""The public API: exactly the curated names, each documented, none shadowing a standard module."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import aligner

from .conftest import PDF, WEB

PUBLIC = {
    # the pipeline, step by step and in one call
    "read_witness",
    "normalize_witness",
    "normalize_text",
    "explain_witness",
    "align",
    "align_files",
    # results: exporters, loading them back, checking and validating
    "to_json",
    "to_csv",
    "to_tei",
    "to_html",
    "load",
    "findings",
    "validate",
    # the model and options
    "Alignment",
    "BlockKind",
    "Change",
    "Finding",
    "NormalizeConfig",
    "NormalizedWitness",
    "Options",
    "Paragraph",
    "PROFILES",
    "Profile",
    "SourceSpan",
    "Unit",
    "UnitStatus",
    "Variant",
    "VariantType",
    "Witness",
    "get_profile",
    # errors
    "AlignerError",
    "DecodeError",
    "InputError",
    "OutputError",
    "UsageError",
    "ValidationError",
    "__version__",
}


def test_all_is_exactly_the_curated_api() -> None:
    assert set(aligner.__all__) == PUBLIC
    assert len(aligner.__all__) == len(PUBLIC)
    for name in aligner.__all__:
        value = getattr(aligner, name)
        if callable(value):
            assert inspect.getdoc(value), f"aligner.{name} has no docstring"


def test_no_module_of_the_package_shadows_a_standard_module() -> None:
    import pkgutil

    import aligner.export

    for package in (aligner, aligner.export):
        for module in pkgutil.iter_modules(package.__path__):
            assert module.name not in sys.stdlib_module_names, f"{package.__name__}.{module.name}"


def test_the_docstring_example_runs(tmp_path: Path) -> None:
    web = aligner.normalize_witness(aligner.read_witness(WEB))
    pdf = aligner.normalize_witness(aligner.read_witness(PDF))
    alignment = aligner.align([web, pdf])
    counts = alignment.counts()
    assert (counts["units"], counts["equal"], counts["gap"]) == (285, 94, 191)
    assert aligner.align_files([WEB, PDF]).counts() == counts
    out = tmp_path / "a.tei.xml"
    out.write_bytes(aligner.to_tei(alignment))
    aligner.validate(out)
    assert aligner.load(out).counts()["equal"] == 94
    assert aligner.findings(alignment, allow=frozenset({"gap"})) == []
