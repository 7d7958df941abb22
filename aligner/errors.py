"""The one exception tree of aligner; every message is meant for a user.

::

    AlignerError                  base: the CLI catches this, prints one line, exits 2
    ├── InputError                a witness or manifest cannot be used (names the file)
    │   └── DecodeError           bytes that are not text in any encoding we accept
    ├── UsageError                options that contradict each other or name unknown things
    └── ValidationError           a TEI file that does not satisfy the project's schema

Third-party errors (UnicodeDecodeError, lxml's XMLSyntaxError, OSError) are wrapped
into this tree at the boundary where they happen, so callers of the Python API need
to catch only ``AlignerError``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AlignerError", "DecodeError", "InputError", "UsageError", "ValidationError"]


class AlignerError(Exception):
    """Base of every error aligner raises on purpose; ``str(err)`` is one line for the user."""


class InputError(AlignerError):
    """A file cannot be used as input. The message says which file, what is wrong, what to do."""

    def __init__(self, path: str | Path, problem: str, hint: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        message = f"{self.path}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class DecodeError(InputError):
    """The bytes of a file are not text in UTF-8, UTF-16 or GB18030."""


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
