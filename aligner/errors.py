"""The one exception tree of aligner; every message is meant for a user.

::

    AlignerError                  base: the CLI catches this, prints one line, exits 2
    ├── PathError                 a file cannot be used (names the file, the problem, a hint)
    │   ├── InputError            a witness, manifest or TEI file cannot be read or used
    │   │   └── DecodeError       bytes that are not text in any encoding we accept
    │   └── OutputError           an output cannot be written where it was asked for
    ├── UsageError                options that contradict each other or name unknown things
    └── ValidationError           a TEI file that does not satisfy the project's schema

Third-party errors (UnicodeDecodeError, lxml's XMLSyntaxError, OSError) are wrapped
into this tree at the boundary where they happen, so callers of the Python API need
to catch only ``AlignerError``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "AlignerError",
    "DecodeError",
    "InputError",
    "OutputError",
    "PathError",
    "UsageError",
    "ValidationError",
    "os_problem",
]


class AlignerError(Exception):
    """Base of every error aligner raises on purpose; ``str(err)`` is one line for the user."""


class PathError(AlignerError):
    """A file that cannot be used. The message says which file, what is wrong, what to do."""

    def __init__(self, path: str | Path, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        message = f"{self.path}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class InputError(PathError):
    """A file cannot be used as input."""


class DecodeError(InputError):
    """The bytes of a file are not text in any encoding aligner can read with confidence."""


class OutputError(PathError):
    """An output file cannot be written where it was asked for."""


class UsageError(AlignerError):
    """The command or API call was asked for something inconsistent."""


class ValidationError(AlignerError):
    """A document does not validate; ``errors`` holds one ``path:line: message`` per problem."""

    def __init__(self, path: str | Path, errors: list[str]) -> None:
        self.path = str(path)
        self.errors = errors
        first = errors[0] if errors else "invalid"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")


def os_problem(err: OSError, doing: str) -> tuple[str, str]:
    """``(problem, hint)`` for an OSError met while ``doing`` something ("read", "write")."""
    reason = err.strerror or os.strerror(err.errno or 0) or type(err).__name__
    hints = {
        "ENOENT": "check the path",
        "EACCES": "check permissions",
        "EPERM": "check permissions",
        "ENOSPC": "free some disk space",
        "EDQUOT": "free some disk space",
        "EISDIR": "name a file, not a folder",
        "ENOTDIR": "a part of the path is not a folder",
        "ELOOP": "a symbolic link points back to itself",
        "ENAMETOOLONG": "use a shorter name",
        "EROFS": "the file system is read-only",
    }
    name = _errno_name(err.errno)
    return f"cannot {doing}: {reason}", hints.get(name, "")


def _errno_name(number: int | None) -> str:
    import errno

    return errno.errorcode.get(number or 0, "")
