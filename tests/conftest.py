"""Shared fixtures: the bundled corpus and its gold facts (../shared/seeds/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "nhrap-2021-2025"
WEB = CORPUS / "web.txt"
PDF = CORPUS / "pdf.txt"


def web_paragraphs() -> list[str]:
    """The gold paragraphs: web.txt lines without their U+3000 indent."""
    return [line.strip() for line in WEB.read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture(scope="session")
def gold() -> list[str]:
    return web_paragraphs()
