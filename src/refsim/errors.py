"""The errors refsim raises on purpose, for input it cannot use.

Every check at a public door raises one of these. They subclass the built-in error a
Python user expects (``ValueError``, ``TypeError``, ``OSError``), so ``except
ValueError`` keeps working, and they share :class:`RefsimError`, so the command line
can tell a user's mistake (one line, exit status 2) from a bug in refsim (a traceback).

Examples
--------
>>> import refsim
>>> try:
...     refsim.IndependentCascade(1.5)
... except ValueError as exc:
...     print(type(exc).__name__, isinstance(exc, refsim.errors.RefsimError))
InvalidValue True
"""

from __future__ import annotations

__all__ = ["RefsimError", "InvalidValue", "InvalidType", "FileProblem", "MissingFile"]


class RefsimError(Exception):
    """Base class of every error refsim raises for input it cannot use."""


class InvalidValue(RefsimError, ValueError):
    """A value outside what is allowed; the message names it and what is allowed."""


class InvalidType(RefsimError, TypeError):
    """A value of the wrong type; the message names it and the type expected."""


class FileProblem(RefsimError, OSError):
    """A file or folder that cannot be read or written as asked (unreadable, not a
    folder, read-only, disk full, ...); the message names the path and the cause."""

    def __str__(self) -> str:  # OSError(msg) would print the message; keep it so
        return str(self.args[0]) if self.args else ""


class MissingFile(FileProblem, FileNotFoundError):
    """A file that does not exist; the message names it."""
