"""Reading and writing files safely: limits, devices, outputs checked up front and written as one set."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from aligner.errors import AlignerError, InputError, OutputError, UsageError
from aligner.files import plan_outputs, printable, read_input, write_atomic, write_outputs

from .conftest import start


def test_a_device_is_refused_before_reading() -> None:
    for device in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(InputError, match="device"):
            read_input(device)


def test_reads_stop_at_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 1000)
    assert read_input(big, limit=1000) == b"a" * 1000
    with pytest.raises(InputError, match="limit"):
        read_input(big, limit=999)


def test_a_pipe_is_read_with_the_same_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"head -c 5000 /dev/zero > {fifo}"])
    with pytest.raises(InputError, match="limit"):
        read_input(fifo, limit=4096)
    writer.wait(timeout=10)


def test_sniff_refuses_after_the_first_block(tmp_path: Path) -> None:
    seen: list[int] = []

    def refuse(head: bytes) -> None:
        seen.append(len(head))
        raise InputError("x", "binary")

    data = tmp_path / "data"
    data.write_bytes(b"\x00" * 200_000)
    with pytest.raises(InputError, match="binary"):
        read_input(data, sniff=refuse)
    assert seen == [65_536]


def test_an_output_may_not_be_an_input_by_any_name(tmp_path: Path) -> None:
    source = tmp_path / "pdf.txt"
    source.write_text("text", encoding="utf-8")
    os.link(source, tmp_path / "hard.txt")
    (tmp_path / "soft.txt").symlink_to(source)
    for name in (str(source), str(tmp_path / "." / "pdf.txt"), str(tmp_path / "hard.txt"), str(tmp_path / "soft.txt")):
        with pytest.raises(OutputError, match="is one of the inputs"):
            plan_outputs({"--json": name}, [source])
    assert source.read_text(encoding="utf-8") == "text"


@pytest.mark.parametrize("path", ["/dev/null", "/dev/full"])
def test_only_regular_files_are_replaced(path: str) -> None:
    before = os.stat(path)
    with pytest.raises(OutputError, match="not a regular file"):
        plan_outputs({"--json": path})
    after = os.stat(path)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_fifo_and_a_folder_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        plan_outputs({"-o": str(fifo)})
    with pytest.raises(OutputError, match="is a folder"):
        plan_outputs({"-o": str(tmp_path)})
    with pytest.raises(OutputError, match="folder does not exist"):
        plan_outputs({"-o": str(tmp_path / "missing" / "x.json")})


def test_two_outputs_into_one_file_or_two_to_stdout_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="both write"):
        plan_outputs({"--json": str(tmp_path / "x"), "--csv": str(tmp_path / "." / "x")})
    with pytest.raises(UsageError, match="standard output"):
        plan_outputs({"--json": "-", "--csv": "-"})


def test_the_longest_allowed_name_can_be_written(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 255)
    write_atomic(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"
    with pytest.raises(OutputError, match=r"too long|longer than"):
        write_atomic(tmp_path / ("n" * 256), "no")


def test_a_set_of_outputs_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.csv"
    second.write_text("old", encoding="utf-8")
    plan = plan_outputs({"a": str(first), "b": str(second)})
    write_outputs([(plan["a"], b"new a"), (plan["b"], b"new b")])
    assert (first.read_bytes(), second.read_bytes()) == (b"new a", b"new b")

    class Interrupted(BaseException):
        pass

    def fail_second(real: object) -> object:
        calls = []

        def replace(src: str, dst: str) -> None:
            calls.append(dst)
            if len(calls) == 2:
                raise Interrupted
            real(src, dst)  # type: ignore[operator]

        return replace

    plan = plan_outputs({"a": str(first), "b": str(second)})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", fail_second(os.replace))
        with pytest.raises(Interrupted):
            write_outputs([(plan["a"], b"newer a"), (plan["b"], b"newer b")])
    # the first file was put back as it was; nothing temporary is left
    assert (first.read_bytes(), second.read_bytes()) == (b"new a", b"new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.csv"]


@contextlib.contextmanager
def tiny_disk(folder: Path) -> Iterator[Path]:
    """A 64 KB tmpfs, where the machine lets us mount one."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill a disk: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_is_an_output_error_and_leaves_nothing(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        target = disk / "big.json"
        with pytest.raises(OutputError, match="No space left"):
            write_atomic(target, b"x" * 200_000)
        assert list(disk.iterdir()) == []


def test_write_errors_belong_to_the_error_tree(tmp_path: Path) -> None:
    with pytest.raises(AlignerError):
        write_atomic("/proc/aligner-cannot-write-here.json", "x")


def test_control_characters_print_as_escapes() -> None:
    assert printable("evil\x1b]0;title\x07name\u202e.txt") == "evil\\x1b]0;title\\x07name\\u202e.txt"
    assert printable("正常 text") == "正常 text"


def test_sigterm_is_handled_like_ctrl_c_by_the_cli(tmp_path: Path) -> None:
    """A run stopped while it works leaves no output file behind and says so in one line."""
    big = tmp_path / "big.txt"
    big.write_text(("　　国家人权行动计划的一段文字，反复出现以便对齐需要时间。\n" * 40_000), encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(big.read_text(encoding="utf-8").replace("文字", "文本"), encoding="utf-8")
    outputs = [tmp_path / n for n in ("a.json", "a.csv", "a.xml")]
    process = start("align", big, other, "--json", outputs[0], "--csv", outputs[1], "--tei", outputs[2])
    try:
        process.wait(timeout=1.5)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the run finished before the signal could be sent")
    assert process.returncode == 130, stderr
    assert stderr.strip() == "aligner: interrupted"
    assert not any(p.exists() for p in outputs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt", "other.txt"]
