"""What the tests share: the bundled corpus and its gold facts (../shared/seeds/README.md),
witnesses made from edited paragraphs, random edit scripts, a command run in the background.

Test modules import these from here, never from one another; the benchmarks share
generators with the tests through :mod:`aligner.samples`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import strategies as st

from aligner.model import NormalizedWitness
from aligner.normalize import NormalizeConfig, normalize_text

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


GPL = Path("/usr/share/common-licenses/GPL-3")


@pytest.fixture(scope="session")
def gpl_paragraphs() -> list[str]:
    """The GNU GPL v3 from Debian's base-files, one paragraph a blank-line block, as real English prose."""
    if not GPL.is_file():
        pytest.skip(f"{GPL} (Debian's base-files) is not here")
    return [" ".join(b.split()) for b in GPL.read_text(encoding="utf-8").split("\n\n") if b.strip()]


PARAS = web_paragraphs()
LINES = NormalizeConfig(reflow=False)  # one paragraph per line, as the edits make them


def witness(paragraphs: Sequence[str], siglum: str) -> NormalizedWitness:
    """A witness whose paragraphs are exactly ``paragraphs``."""
    return normalize_text("\n".join(paragraphs) + "\n", LINES, siglum=siglum)


def split_paragraph(text: str, parts: int) -> list[str]:
    """``text`` cut into ``parts`` pieces of about equal length."""
    cuts = [len(text) * k // parts for k in range(parts + 1)]
    return [text[cuts[k] : cuts[k + 1]] for k in range(parts)]


OPS = ("delete", "insert", "split", "merge", "word")


@st.composite
def edit_scripts(draw: st.DrawFn) -> tuple[list[str], list[str], dict[int, str], int]:
    """A stretch of the paragraphs, an edited copy, the new words by index, and the edit count."""
    start = draw(st.integers(0, len(PARAS) - 60))
    paragraphs = PARAS[start : start + 60]
    ops = draw(st.dictionaries(st.integers(1, 58), st.sampled_from(OPS), max_size=8))
    edited: list[str] = []
    words: dict[int, str] = {}
    skip = False
    applied = 0
    for i, text in enumerate(paragraphs):
        op = ops.get(i)
        if skip:
            skip = False
            continue
        applied += op is not None
        if op == "delete":
            continue
        if op == "insert":
            edited.append(f"新增测试段落第{i}号，内容与原文无关。")
        if op == "split" and len(text) > 20:
            edited.extend(split_paragraph(text, 2))
        elif op == "merge" and i + 1 < len(paragraphs) and ops.get(i + 1) is None:
            edited.append(text + paragraphs[i + 1])
            skip = True
        elif op == "word" and len(text) > 20:
            at = len(text) // 2
            word = "鑫淼"  # characters the document never uses
            edited.append(text[:at] + word + text[at + 2 :])
            words[i] = word
        else:
            edited.append(text)
    return paragraphs, edited, words, applied


def start(*args: str | Path, **kwargs: object) -> subprocess.Popen[str]:
    """The command in a real process, running on while the test acts on it."""
    command = [sys.executable, "-m", "aligner.cli", *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)  # type: ignore[call-overload, no-any-return]
