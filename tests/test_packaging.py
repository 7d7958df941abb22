"""The wheel: built from this checkout, installed into a fresh virtual environment, every command run.

Nothing may depend on the source tree: the demo corpus, the schemas and the variant
tables are package data, found through ``importlib.resources``.
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from this checkout."""
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no index to fetch setuptools from?): {built.stderr[-300:]}")
    (built_wheel,) = dist.glob("aligner-*.whl")
    return built_wheel


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment with the wheel (and its dependencies) installed."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)
    install = subprocess.run(
        [str(home / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True, check=False
    )
    if install.returncode != 0:
        pytest.skip(f"cannot install the wheel's dependencies here: {install.stderr[-300:]}")
    return home / "bin"


def test_the_wheel_carries_its_data_and_licence_and_nothing_else(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in (
        "aligner/schemas/aligner-tei.rng",
        "aligner/schemas/alignment.schema.json",
        "aligner/schemas/manifest.schema.json",
        "aligner/corpora/nhrap-2021-2025/web.txt",
        "aligner/corpora/nhrap-2021-2025/pdf.txt",
        "aligner/corpora/nhrap-2021-2025/manifest.json",
        "aligner/rules/data/variants.tsv",
        "aligner/rules/data/variants-ambiguous.tsv",
        "aligner/py.typed",
    ):
        assert data in names, data
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "schemas/", "corpora/"))]
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    assert "License-Expression: MIT" in text
    licences = {n.rsplit("/", 1)[-1] for n in names if "/licenses/" in n}
    assert licences >= {"LICENSE", "NOTICE"}


def test_the_installed_package_is_not_the_checkout(installed: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import aligner; print(aligner.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.strip()
    assert not where.startswith(str(ROOT)), where


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(installed / "aligner"), *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_every_command_runs_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    assert _run(installed, tmp_path, "--version").stdout.startswith("aligner, version ")
    demo = _run(installed, tmp_path, "demo", "--out", "demo")
    assert demo.returncode == 0, demo.stderr
    assert "285 units: 94 equal, 0 variant, 191 gap" in demo.stdout
    out = tmp_path / "demo"
    assert _run(installed, tmp_path, "validate", str(out / "alignment.tei.xml")).returncode == 0
    web, pdf = out / "web.normalized.txt", out / "pdf.normalized.txt"
    normalized = _run(installed, tmp_path, "normalize", str(web))
    assert normalized.returncode == 0 and normalized.stdout == web.read_text(encoding="utf-8")
    assert _run(installed, tmp_path, "align", str(web), str(pdf), "--json", "again.json").returncode == 0
    assert _run(installed, tmp_path, "check", str(web), str(pdf)).returncode == 1
    assert _run(installed, tmp_path, "check", str(web), str(pdf), "--allow", "gap").returncode == 0
    corpus = tmp_path / "corpus" / "doc"
    corpus.mkdir(parents=True)
    (corpus / "web.txt").write_bytes(web.read_bytes())
    (corpus / "pdf.txt").write_bytes(pdf.read_bytes())
    batch = _run(installed, tmp_path, "batch", str(tmp_path / "corpus"), "--out", "results")
    assert batch.returncode == 0, batch.stderr
    assert (tmp_path / "results" / "doc" / "alignment.tei.xml").is_file()
