"""Files in and out, safely: bounded reads, outputs checked before any work, written as one set.

Reading: a witness or manifest is read with a size limit and refused, before it is read
whole, when it is a folder, a device or a socket (``/dev/zero`` would never end). ``-``
is standard input, read with the same limit.

Writing: nothing a user types may destroy data. :func:`plan_outputs` checks every output
path before the work starts: it may not be one of the inputs (by file identity, so
``./pdf.txt`` and a hard link count), may only replace a regular file, and needs an
existing writable folder. :func:`write_outputs` writes each file to a temporary file
beside its target and renames them into place only when all are written; a failure or an
interrupt in between restores what was there before, so a run leaves all of its outputs
or none.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import regex

from aligner.errors import InputError, OutputError, UsageError, os_problem
from aligner.rules.characters import NOT_PRINTABLE

__all__ = [
    "LIMIT_HINT",
    "MAX_INPUT_BYTES",
    "STDIO",
    "OutputTarget",
    "plan_outputs",
    "printable",
    "read_input",
    "stdout_closed",
    "write_atomic",
    "write_outputs",
    "write_stdout",
]

STDIO = "-"
# Inputs above this size are refused: the pipeline holds a few copies of every witness
# in memory. ALIGNER_MAX_INPUT_BYTES raises (or lowers) the limit.
MAX_INPUT_BYTES = int(os.environ.get("ALIGNER_MAX_INPUT_BYTES", 256 * 1024 * 1024))
CHUNK = 1 << 20
TEMP_PREFIX = ".aligner-"  # short, so that a target name of the longest allowed length still works


def printable(text: str) -> str:
    r"""``text`` with every control character shown as an escape, so it prints as one harmless line.

    >>> printable("a\x1b[31mb\nc")
    'a\\x1b[31mb\\nc'
    """
    return str(NOT_PRINTABLE.sub(_escape, text))


def _escape(match: regex.Match[str]) -> str:
    char: str = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


# --- reading --------------------------------------------------------------------------------------


def read_input(
    path: str | Path,
    *,
    limit: int | None = None,
    sniff: Callable[[bytes], None] | None = None,
) -> bytes:
    """The bytes of ``path`` (``-``: standard input), at most ``limit`` of them.

    ``sniff`` sees the first 64 KiB before the rest is read and may refuse the file by
    raising; so a binary stream is turned away after one read, not after the whole of it.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    if str(path) == STDIO:
        return _read_stream(sys.stdin.buffer, "<stdin>", limit, sniff)
    try:
        info = os.stat(path)
    except OSError as err:
        raise InputError(path, *_read_problem(err)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a folder, not a file", "name a file")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        raise InputError(path, "is a device or socket, not a file", "give a regular file, or '-' for standard input")
    if stat.S_ISREG(info.st_mode) and info.st_size > limit:
        raise InputError(path, f"is {info.st_size:,} bytes, more than the limit of {limit:,}", LIMIT_HINT)
    try:
        with open(path, "rb") as handle:
            return _read_stream(handle, str(path), limit, sniff)
    except OSError as err:
        raise InputError(path, *_read_problem(err)) from None


LIMIT_HINT = "split the edition, or raise ALIGNER_MAX_INPUT_BYTES"


def _read_problem(err: OSError) -> tuple[str, str]:
    if isinstance(err, FileNotFoundError):
        return "no such file", "check the path"
    return os_problem(err, "be read")


def _read_stream(handle: BinaryIO, name: str, limit: int, sniff: Callable[[bytes], None] | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    head = handle.read(min(65_536, limit + 1))
    if sniff is not None:
        sniff(head)
    while head:
        chunks.append(head)
        size += len(head)
        if size > limit:
            raise InputError(name, f"is more than the limit of {limit:,} bytes", LIMIT_HINT)
        head = handle.read(CHUNK)
    return b"".join(chunks)


# --- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputTarget:
    """An output as the user named it, and the regular file it will be (None: standard output)."""

    given: str
    file: Path | None

    @property
    def is_stdout(self) -> bool:
        return self.file is None


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _check_target(given: str, inputs: set[tuple[int, int]]) -> OutputTarget:
    if given == STDIO:
        return OutputTarget(given, None)
    if not given:
        raise UsageError("an output path is empty")
    try:
        info = os.stat(given)  # what the path leads to (a /dev/fd link leads to a pipe)
    except FileNotFoundError:
        real = Path(os.path.realpath(given))
        return OutputTarget(given, _check_new_file(given, real))
    except OSError as err:
        raise OutputError(given, *os_problem(err, "be written")) from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(given, "is a folder", "name a file to write")
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file (a device, pipe or socket)"
        raise OutputError(given, problem, "write to a file, or '-' for stdout")
    if (info.st_dev, info.st_ino) in inputs:
        raise OutputError(given, "is one of the inputs", "aligner never writes over an input; choose another name")
    real = Path(os.path.realpath(given))  # write through a symbolic link, never over it
    _check_folder(given, real.parent)
    return OutputTarget(given, real)


def _check_new_file(given: str, real: Path) -> Path:
    _check_folder(given, real.parent)
    try:
        name_max = os.pathconf(real.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        name_max = 255
    if len(os.fsencode(real.name)) > name_max:
        raise OutputError(given, f"file name is longer than {name_max} bytes", "use a shorter name")
    return real


def _check_folder(given: str, folder: Path) -> None:
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise OutputError(given, "its folder does not exist", "create the folder first") from None
    except OSError as err:
        raise OutputError(given, *os_problem(err, "be written")) from None
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(given, "its folder is not a folder", "check the path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(given, "its folder is not writable", "check permissions or choose another folder")


def plan_outputs(outputs: Mapping[str, str], inputs: Iterable[str | Path] = ()) -> dict[str, OutputTarget]:
    """Check every output (option name -> path) before any work; refuse with one line.

    An output may not be an input, two outputs may not be the same file, and at most one
    may be standard output (``-``).
    """
    identities = {i for i in map(_identity, (p for p in inputs if str(p) != STDIO)) if i is not None}
    targets = {option: _check_target(path, identities) for option, path in outputs.items()}
    seen: dict[Path | None, str] = {}
    for option, target in targets.items():
        if target.file in seen:
            where = "standard output" if target.file is None else f"the same file {target.given}"
            raise UsageError(f"{seen[target.file]} and {option} both write to {where}; give each its own")
        seen[target.file] = option
    return targets


def write_outputs(items: Sequence[tuple[OutputTarget, bytes]]) -> None:
    """Write all ``items`` or none: files first (temporary, then renamed together), stdout last."""
    files = [(t.file, data) for t, data in items if t.file is not None]
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files:
            staged.append((_stage(target, data), target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    _commit(staged)
    for output, data in items:
        if output.is_stdout:
            write_stdout(data)


def _stage(target: Path, data: bytes) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise OutputError(target, *os_problem(err, "be written")) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; a result is an ordinary file
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(target, *os_problem(err, "be written")) from None
        raise
    return tmp


def _commit(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file into place; on any failure put back what was there."""
    done: list[tuple[Path, Path | None]] = []
    current = Path("output")
    try:
        for tmp, current in staged:
            done.append((current, _backup(current)))
            os.replace(tmp, current)
    except BaseException as err:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
                backup.unlink(missing_ok=True)  # a rename onto another link of the same file leaves it
            else:
                target.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise OutputError(current, *os_problem(err, "be written")) from None
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _backup(target: Path) -> Path | None:
    """A hard link to the file about to be replaced, so a failed set can restore it."""
    if not target.exists():
        return None
    backup = target.parent / f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}.bak"
    try:
        os.link(target, backup)
    except OSError:
        return None  # no hard links here: the replaced file cannot come back, the new one stays whole
    return backup


def write_atomic(path: str | Path, data: str | bytes, *, inputs: Iterable[str | Path] = ()) -> None:
    """Write one output (``-``: stdout) whole or not at all; text is UTF-8 with ``\\n`` kept as is."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = plan_outputs({str(path): str(path)}, inputs)[str(path)]
    write_outputs([(target, payload)])


def write_stdout(data: bytes | str) -> None:
    """Write to standard output; a reader that went away is not an error (see :func:`stdout_closed`)."""
    global _stdout_gone
    if _stdout_gone:
        return
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if sys.stdout is None:  # started with stdout closed (>&-)
        raise OutputError("<stdout>", "is closed", "give an output file, or leave standard output open")
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _stdout_gone = True
        _silence_stdout()
    except OSError as err:
        raise OutputError("<stdout>", *os_problem(err, "be written")) from None


_stdout_gone = False


def stdout_closed() -> bool:
    """Whether the reader of standard output closed it early (``| head``)."""
    return _stdout_gone


def _silence_stdout() -> None:
    # Later writes, and the interpreter's own flush at exit, go nowhere instead of failing.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
