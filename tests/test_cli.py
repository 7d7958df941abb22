"""The command line: outputs, exit codes, one-line errors, nothing half-written, progress only on a TTY."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main

from .conftest import PDF, WEB, web_paragraphs


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in a real process, so exit codes and stderr are what a shell sees."""
    return subprocess.run([sys.executable, "-m", "aligner.cli", *args], capture_output=True, text=True, check=False)


def test_normalize_pdf_prints_the_first_94_web_paragraphs() -> None:
    result = CliRunner().invoke(main, ["normalize", str(PDF)])
    assert result.exit_code == 0
    assert result.stdout == "".join(p + "\n" for p in web_paragraphs()[:94])


def test_normalize_writes_the_output_file(tmp_path: Path) -> None:
    out = tmp_path / "web.txt"
    result = CliRunner().invoke(main, ["normalize", str(WEB), "-o", str(out)])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.endswith(b"\n") and b"\n\n" not in data and b"\r" not in data
    assert data.decode().splitlines() == web_paragraphs()


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file"), (b"", "empty"), (b"\x00\x01\x02\x03", "binary"), (b"\xff\xfe\x00\xd8", "utf-16")],
)
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path: Path, content: bytes | None, problem: str) -> None:
    source = tmp_path / "in.txt"
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.txt"
    proc = run("normalize", str(source), "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(source) in lines[0] and problem in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.txt.*"))


def test_directory_and_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("normalize", str(tmp_path)).returncode == 2
    assert run("normalize", str(PDF), "--profile", "klingon").returncode == 2
    assert run("frobnicate").returncode == 2


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("aligner, version ")
    for command in ("normalize", "align", "check", "validate", "demo"):
        help_text = run(command, "--help").stdout
        assert "Usage: " in help_text and ("Example" in help_text or command == "demo")


def test_furniture_is_listed_with_source_lines(tmp_path: Path) -> None:
    body = web_paragraphs()[100:110]
    lines = [p[i : i + 20] for p in body for i in range(0, len(p), 20)]
    pages = [lines[i : i + 20] for i in range(0, len(lines), 20)]
    text = "".join("国家人权行动计划\n" + "\n".join(page) + f"\n{n}\n\f" for n, page in enumerate(pages, 1))
    source = tmp_path / "paged.txt"
    source.write_text(text, encoding="utf-8")
    proc = run("normalize", str(source), "--furniture")
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == body
    reported = [line for line in proc.stderr.splitlines() if ": page-number: " in line]
    assert len(reported) == len(pages)
    assert reported[0].startswith(f"{source}:22:1: page-number:")
    assert text.split("\n")[21] == "1"


def _on_a_terminal(*args: str) -> str:
    """Run the command with stderr on a pseudo-terminal; return what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aligner.cli", *args], stdout=subprocess.DEVNULL, stderr=follower, close_fds=True
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    proc.wait()
    os.close(leader)
    return shown.decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_for_large_input_and_never_in_pipes(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(PDF.read_text(encoding="utf-8") * 60, encoding="utf-8")  # ~1.4 MB
    assert big.stat().st_size > 1_000_000
    assert "normalizing" in _on_a_terminal("normalize", str(big), "-o", str(tmp_path / "o.txt"))
    shown = _on_a_terminal("align", str(big), str(PDF), "--json", str(tmp_path / "a.json"))
    assert "aligning" in shown and "/4" in shown  # a bar of 4 steps: read, normalize twice, align
    assert _on_a_terminal("normalize", str(big), "-o", str(tmp_path / "o.txt"), "--quiet") == ""
    assert run("normalize", str(big), "-o", str(tmp_path / "o.txt")).stderr == ""
