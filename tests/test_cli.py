"""The command line: outputs, exit codes, one-line errors, nothing half-written, progress only on a TTY."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.cli import main

from .conftest import PDF, WEB, start, web_paragraphs


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


def test_profiles_lists_every_rule_set_with_what_it_does() -> None:
    from aligner.rules import PROFILES

    result = CliRunner().invoke(main, ["profiles"])
    assert result.exit_code == 0
    for name, profile in PROFILES.items():
        assert f"{name} (language {profile.language}): {profile.description}" in result.stdout
    assert "numbered-2 (head 2)" in result.stdout and "dash-item (item)" in result.stdout


def test_normalize_explain_lists_every_change_of_the_pdf_edition(tmp_path: Path) -> None:
    out = tmp_path / "pdf.normalized.txt"
    result = run("normalize", str(PDF), "--explain", "-o", str(out))
    assert result.returncode == 0
    listed = result.stderr.splitlines()
    pattern = re.compile(r"^(.+):(\d+):(\d+): ([a-z-]+): ('.*') -> ('.*')$")
    found = [pattern.match(line) for line in listed]
    assert all(found), [line for line, m in zip(listed, found, strict=True) if not m][:3]
    rules = Counter(m.group(4) for m in found if m)
    # blank lines between paragraphs go, wrapped lines are joined, stray spaces removed
    assert rules["paragraph-end"] > 50 and rules["line-join"] > 200 and rules["space-beside-cjk"] > 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 94
    source = PDF.read_text(encoding="utf-8").split("\n")
    for m in found:
        if m and m.group(4) == "line-join":  # every join stands at the end of a source line
            line, column = int(m.group(2)), int(m.group(3))
            assert column == len(source[line - 1]) + 1


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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["normalize", "{tmp}"], "directory"),
        (["normalize", str(PDF), "--profile", "klingon"], "klingon"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["check", str(PDF), str(PDF), "--format", "xml"], "'xml' is not one of"),
        (["align", str(PDF), str(PDF), "--bogus"], "No such option '--bogus'"),
        (["normalize"], "Missing argument 'INPUT'. (see 'aligner normalize --help')"),
        (["align", str(WEB), str(PDF), "--json", "{tmp}/a", "--json", "{tmp}/b"], "'--json': given 2 times"),
        (["check", str(WEB), str(PDF), "--format", "json", "--format", "sarif"], "'--format': given 2 times"),
        (["normalize", str(PDF), "-o", "{tmp}/a", "-o", "{tmp}/b"], "given 2 times"),
    ],
)
def test_directory_and_usage_errors_are_one_line_and_exit_2(args: list[str], said: str, tmp_path: Path) -> None:
    proc = run(*(a.format(tmp=tmp_path) for a in args))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and said in proc.stderr, proc.stderr


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


def one_line_exit_2(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# --- nothing a user types may destroy data -----------------------------------------------------


def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    copy = tmp_path / "pdf.txt"
    copy.write_bytes(PDF.read_bytes())
    os.link(copy, tmp_path / "linked.txt")
    for target in (copy, f"{tmp_path}/./pdf.txt", tmp_path / "linked.txt"):
        one_line_exit_2(run("align", str(WEB), str(copy), "--json", str(target)), "is one of the inputs")
    one_line_exit_2(run("normalize", str(copy), "-o", str(copy)), "is one of the inputs")
    assert copy.read_bytes() == PDF.read_bytes()


def test_devices_fifos_and_folders_are_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target, problem in (
        ("/dev/null", "not a regular file"),
        (str(fifo), "not a regular file"),
        (str(tmp_path), "is a folder"),
    ):
        one_line_exit_2(run("align", str(WEB), str(PDF), "--json", target), problem)
        one_line_exit_2(run("normalize", str(PDF), "-o", target), problem)
    assert Path("/dev/null").is_char_device() and fifo.is_fifo()


def test_a_pipe_named_as_a_file_is_refused_with_the_way_to_stdout() -> None:
    read, write = os.pipe()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "aligner.cli", "align", str(WEB), str(PDF), "--json", f"/dev/fd/{write}"],
            capture_output=True,
            text=True,
            pass_fds=(write,),
            check=False,
        )
    finally:
        os.close(read)
        os.close(write)
    one_line_exit_2(proc, "not a regular file", "'-' for stdout")


def test_outputs_are_checked_before_any_work_and_written_all_or_none(tmp_path: Path) -> None:
    ok = tmp_path / "ok.json"
    one_line_exit_2(
        run("align", str(WEB), str(PDF), "--json", str(ok), "--tei", str(tmp_path / "missing" / "x.xml")),
        "does not exist",
    )
    assert not ok.exists()
    one_line_exit_2(run("align", str(WEB), str(PDF), "--json", str(ok), "--csv", str(ok)), "both write")
    one_line_exit_2(run("align", str(WEB), str(PDF), "--json", "-", "--csv", "-"), "standard output")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aligner.export import EXPORTERS, Exporter

    def interrupted(_alignment: object) -> bytes:
        raise KeyboardInterrupt

    tei = EXPORTERS["tei"]
    monkeypatch.setitem(EXPORTERS, "tei", Exporter(tei.name, tei.module, tei.filename, tei.description))
    monkeypatch.setattr(Exporter, "render", lambda self, a: interrupted(a) if self.name == "tei" else b"{}")
    outputs = [tmp_path / "a.json", tmp_path / "a.csv", tmp_path / "a.xml"]
    result = CliRunner().invoke(
        main,
        ["align", str(WEB), str(PDF), "--json", str(outputs[0]), "--csv", str(outputs[1]), "--tei", str(outputs[2])],
    )
    assert result.exit_code == 130
    assert not any(p.exists() for p in outputs)


def test_write_errors_are_one_line(tmp_path: Path) -> None:
    one_line_exit_2(run("align", str(WEB), str(PDF), "--json", "/proc/aligner.json"), "/proc/aligner.json")
    commands = (
        ["normalize", str(PDF)],
        ["align", str(WEB), str(PDF)],
        ["check", str(WEB), str(PDF)],
        ["profiles"],
        ["--help"],
        ["--version"],
        ["align", "--help"],
    )
    for command in commands:
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "aligner.cli", *command],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert proc.returncode == 2, (command, proc.stderr)
        assert "No space left" in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_a_closed_stdout_is_one_line_not_a_traceback() -> None:
    proc = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m aligner normalize "{PDF}" >&-'],
        capture_output=True,
        text=True,
        check=False,
    )
    one_line_exit_2(proc, "<stdout>: is closed")


def test_a_control_character_in_the_title_is_refused_before_it_reaches_the_tei(tmp_path: Path) -> None:
    tei = tmp_path / "a.xml"
    one_line_exit_2(run("align", str(WEB), str(PDF), "--title", "x\x01y", "--tei", str(tei)), "--title")
    assert not tei.exists()


def test_a_closed_pipe_keeps_the_exit_code(tmp_path: Path) -> None:
    """`aligner check ... | head -1` must not turn "differences found" into success.

    The findings run to far more than a pipe holds, so the writer does meet the closed pipe.
    """
    paragraphs = web_paragraphs() * 6
    edited = tmp_path / "edited.txt"
    edited.write_text("".join(f"{p.replace('，', ',')}\n" for p in paragraphs), encoding="utf-8")
    original = tmp_path / "original.txt"
    original.write_text("".join(f"{p}\n" for p in paragraphs), encoding="utf-8")
    assert len(run("check", str(original), str(edited)).stdout) > 4 * 65536
    for _ in range(3):
        proc = start("check", str(original), str(edited))
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()
        proc.wait(timeout=60)
        assert proc.returncode == 1
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()


def test_repeated_allow_options_add_up() -> None:
    assert run("check", str(WEB), str(PDF), "--allow", "whitespace", "--allow", "gap").returncode == 0
    assert run("check", str(WEB), str(PDF), "--allow", "whitespace").returncode == 1


def test_a_symlink_loop_beside_or_as_a_witness(tmp_path: Path) -> None:
    copy = tmp_path / "pdf.txt"
    copy.write_bytes(PDF.read_bytes())
    (tmp_path / "manifest.json").symlink_to(tmp_path / "manifest.json")  # nothing beside an input is read
    assert run("check", str(WEB), str(copy), "--allow", "gap").returncode == 0
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    one_line_exit_2(run("check", str(WEB), str(tmp_path / "loop.txt")), "loop.txt", "symbolic link")


def test_endless_and_binary_inputs_are_refused_at_once() -> None:
    for device in ("/dev/zero", "/dev/urandom"):
        one_line_exit_2(run("normalize", device), device, "device")
        one_line_exit_2(run("align", str(WEB), device), device)


def test_a_file_name_with_a_terminal_escape_is_printed_escaped(tmp_path: Path) -> None:
    evil = tmp_path / "evil\x1b[2Jname.txt"
    proc = run("normalize", str(evil))
    one_line_exit_2(proc, "\\x1b[2J")
    assert "\x1b" not in proc.stderr


def _without_root_powers() -> None:
    """Drop the capabilities that let root ignore file permissions (for the process about to start)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_permissions_are_one_line_errors(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    (tmp_path / "ro").mkdir(mode=0o555)
    readable = tmp_path / "pdf.txt"
    readable.write_bytes(PDF.read_bytes())
    unreadable = tmp_path / "secret.txt"
    unreadable.write_bytes(PDF.read_bytes())
    unreadable.chmod(0o000)
    limited = _without_root_powers if os.geteuid() == 0 else None

    def as_a_user(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "aligner.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, preexec_fn=limited, check=False)

    try:
        one_line_exit_2(as_a_user("normalize", str(locked / "x.txt")), "Permission denied")
        one_line_exit_2(as_a_user("normalize", str(unreadable)), "Permission denied")
        one_line_exit_2(as_a_user("normalize", str(readable), "-o", str(tmp_path / "ro" / "x.txt")), "not writable")
        one_line_exit_2(as_a_user("normalize", str(readable), "-o", str(locked / "x.txt")), "Permission denied")
    finally:
        locked.chmod(0o755)


# --- a fuzz of the command line: any bytes, any options, never a traceback or a changed input ---

TEXTS = st.one_of(
    st.binary(max_size=600),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300).map(lambda t: t.encode("utf-8")),
    st.sampled_from(web_paragraphs()[:40]).map(lambda t: ("　　" + t + "\n").encode("utf-8")),
)
TARGETS = ("out.json", "a.txt", "b.txt", "/dev/null", ".", "missing/x.json", "-", "out.json")


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(["normalize", "align", "check", "validate"]))
    args = [command, "a.txt"] if command in ("normalize", "validate") else [command, "a.txt", "b.txt"]
    pool: list[list[str]] = [["-q"], ["--no-reflow"], ["--no-spacing"], ["--profile", "zh"], ["--profile", "en"]]
    if command == "normalize":
        pool += [["-o", t] for t in TARGETS] + [["--furniture"]]
    if command in ("align", "check"):
        pool += [["--sigla", "x,y"], ["--sigla", "x,x"], ["--base", "b"], ["--no-orthographic"]]
    if command == "align":
        pool += [[f"--{kind}", t] for kind in ("json", "csv", "tei", "html") for t in TARGETS]
    if command == "check":
        pool += [["--allow", a] for a in ("gap", "whitespace,punctuation", "nonsense")]
    if command == "validate":
        pool = []
    for option in draw(st.lists(st.sampled_from(pool), max_size=4)) if pool else []:
        args += option
    return args


@settings(
    max_examples=int(os.environ.get("CLI_FUZZ_EXAMPLES", "80")), deadline=None, suppress_health_check=list(HealthCheck)
)
@given(first=TEXTS, second=TEXTS, args=command_lines())
def test_any_input_and_options_exit_0_1_or_2_and_keep_the_inputs(first: bytes, second: bytes, args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, _cwd(Path(folder)):
        Path("a.txt").write_bytes(first)
        Path("b.txt").write_bytes(second)
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exc_info)
        inputs = {"a.txt": first} if args[0] in ("normalize", "validate") else {"a.txt": first, "b.txt": second}
        assert all(Path(name).read_bytes() == data for name, data in inputs.items()), args
        leftovers = [p.name for p in Path(".").iterdir() if p.name.startswith(".aligner-")]
        assert leftovers == []


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
