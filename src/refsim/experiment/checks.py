"""The generic config checks: each key of a table against its :class:`Param`, with
every problem collected (key path, what is allowed, a did-you-mean)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from .._validation import show_value
from ..errors import InvalidValue
from ..params import Param

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["ConfigError", "check_table", "check_value", "suggest"]


class ConfigError(InvalidValue):
    """A config with problems; ``problems`` lists them, one ``"key.path: message"`` each."""

    def __init__(self, problems: Iterable[str], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        if len(self.problems) == 1:
            super().__init__(f"{where}{self.problems[0]}")
        else:
            lines = "\n  ".join(self.problems)
            super().__init__(f"{where}{len(self.problems)} problems:\n  {lines}")


def suggest(key, allowed) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"allowed: {', '.join(sorted(allowed))}"


def check_value(path, value, spec: Param, problems) -> object:
    """Return ``value`` converted to the parameter's kind, or record a problem."""
    value, why = spec.problem(value)
    if why:
        problems.append(f"{path}: {why}")
    return value


def check_table(path, table, schema, problems, extra=()) -> dict:
    """Check the keys of one table against its schema; return it with defaults filled."""
    if not isinstance(table, dict):
        problems.append(f"{path}: must be a table; got {show_value(table)}")
        return {}
    out = {}
    for key, value in table.items():
        spec = schema.get(key)
        if spec is None:
            if key in extra:
                out[key] = value
                continue
            problems.append(f"{path}.{key}: unknown key; "
                            f"{suggest(key, list(schema) + list(extra))}")
            continue
        out[key] = check_value(f"{path}.{key}", value, spec, problems)
    for key, spec in schema.items():
        if key not in out:
            if spec.required:
                problems.append(f"{path}.{key}: missing; it is required")
            elif spec.default is not None:
                out[key] = spec.default
    return out
