"""Parameters described once: default, range, unit, meaning and source.

Every parameter a user can set, on the Python classes (:class:`refsim.ReferralModel`,
:class:`refsim.ReferralProgram`, :class:`refsim.Economics`, :class:`refsim.Segment`,
:class:`refsim.Campaign`, :class:`refsim.IndependentCascade`,
:class:`refsim.LinearThreshold`) or in an experiment's TOML, is one :class:`Param`. The
classes check their arguments with it, and from the same descriptions come the config
schema and its checks, the resolved config (every effective value), ``refsim config
defaults``, the reference in ``docs/config.md`` and the report's assumptions table.

Examples
--------
>>> from refsim import ReferralProgram
>>> p = params_of(ReferralProgram)["share_lift"]
>>> p.default, p.range_text(), p.unit
(0.5, '>= 0', 'ratio')
>>> p.source
'Ryu & Feick 2007, J. Marketing 71(1): shape; size assumed'
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._validation import show_value
from .errors import InvalidType, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

__all__ = ["ASSUMPTION", "CHOICE", "Param", "check_params", "param", "params_of", "trusted"]

#: The source of a value chosen as a starting point, to be calibrated.
ASSUMPTION = "assumption"
#: The source of a value the marketer decides (a reward, a number of seeds).
CHOICE = "campaign choice"

_KINDS = ("int", "float", "prob", "str", "bool", "table", "list")


@dataclass(frozen=True)
class Param:
    """One parameter: what it is, what it may be, and where its default comes from.

    Parameters
    ----------
    kind : {"int", "float", "prob", "str", "bool", "table", "list"}
        ``prob`` is a float in [0, 1] (narrowed by ``low_open``/``high_open``).
    default : object
        The value used when none is given; ``None`` when there is none (the parameter is
        optional, or ``required``).
    low, high : float, optional
        Bounds of a number; open at ``low_open``/``high_open``.
    choices : tuple, optional
        Allowed strings.
    required : bool
        Must be given (in a config table).
    unit : str
        What one unit of the value is: ``"$"``, ``"probability per step"``,
        ``"ratio"``, ``"nodes"``...
    meaning : str
        One sentence a strategist can read.
    source : str
        A citation, or ``"assumption"``.
    per_node : bool
        The Python class also takes one value per node.
    config : bool
        Whether an experiment's TOML sets it (false: Python only).
    optional : bool
        The Python class also takes ``None`` (a neutral value, said in ``meaning``).
    """

    kind: str
    default: object = None
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    low_open: bool = False
    high_open: bool = False
    required: bool = False
    unit: str = ""
    meaning: str = ""
    source: str = ""
    per_node: bool = False
    config: bool = True
    optional: bool = False

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise InvalidValue(f"Param kind must be one of {', '.join(_KINDS)}; got "
                               f"{self.kind!r}")
        if self.kind == "prob":
            object.__setattr__(self, "low", 0.0 if self.low is None else self.low)
            object.__setattr__(self, "high", 1.0 if self.high is None else self.high)

    # -- text -------------------------------------------------------------------------
    def range_text(self) -> str:
        """The allowed values in words: ``"in [0, 1]"``, ``">= 0"``, ``"one of a, b"``.

        Examples
        --------
        >>> Param("prob", low_open=True).range_text()
        'in (0, 1]'
        >>> Param("int", low=1).range_text()
        '>= 1'
        >>> Param("str", choices=("grid", "zip")).range_text()
        "one of 'grid', 'zip'"
        """
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        low, high = _num(self.low), _num(self.high)
        if low is not None and high is not None:
            return (f"in {'(' if self.low_open else '['}{low}, {high}"
                    f"{')' if self.high_open else ']'}")
        if low is not None:
            return f"{'>' if self.low_open else '>='} {low}"
        if high is not None:
            return f"{'<' if self.high_open else '<='} {high}"
        return {"str": "text", "table": "a table", "list": "a list"}.get(self.kind, "any")

    # -- checks -----------------------------------------------------------------------
    def problem(self, value: object) -> tuple[object, str | None]:
        """Return ``(value converted to the kind, None)``, or ``(value, why not)``.

        The reason reads after a key path: ``"must be in [0, 1]; got 1.5"``.

        Examples
        --------
        >>> Param("prob").problem(1.5)
        (1.5, 'must be in [0, 1]; got 1.5')
        >>> Param("int", low=1).problem(3.0)
        (3, None)
        """
        kind = self.kind
        if kind == "bool":
            return value, (None if isinstance(value, bool)
                           else f"must be true or false; got {show_value(value)}")
        if kind == "str":
            if not isinstance(value, str):
                return value, f"must be a string; got {show_value(value)}"
            if self.choices and value not in self.choices:
                return value, (f"{value!r} is not allowed; allowed: "
                               f"{', '.join(self.choices)}")
            return value, None
        if kind == "table":
            return value, (None if isinstance(value, dict)
                           else f"must be a table; got {show_value(value)}")
        if kind == "list":
            return value, (None if isinstance(value, list)
                           else f"must be a list; got {show_value(value)}")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            what = "an integer" if kind == "int" else "a number"
            return value, f"must be {what}; got {show_value(value)}"
        if kind == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, numbers.Integral):
                return value, f"must be an integer; got {show_value(value)}"
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                return value, f"must be a finite number; got {value!r}"
        low, high = self.low, self.high
        too_low = low is not None and (value <= low if self.low_open else value < low)
        too_high = high is not None and (value >= high if self.high_open else value > high)
        if too_low or too_high:
            return value, f"must be {self.range_text()}; got {value!r}"
        return value, None

    def check(self, label: str, value: object) -> Any:
        """Return ``value`` checked and converted for the Python API, or raise
        :class:`refsim.errors.InvalidValue` (or ``InvalidType``) naming ``label``.

        ``None`` passes when the default is ``None``; with ``per_node`` a value per node
        is accepted too.
        """
        from ._validation import check_int, check_nonnegative, check_probability

        if value is None and (self.optional or self.default is None) and not self.required:
            return None
        if self.per_node:
            from ._validation import scalar_or_nodes

            owner, _, name = label.rpartition(" ")
            return scalar_or_nodes(owner, name, value, probability=self.kind == "prob")
        if self.kind == "prob":
            if self.low == 0.0 and self.high == 1.0 and not self.high_open:
                return check_probability(label, value, low_open=self.low_open)
        elif self.kind == "float" and self.low == 0.0 and not self.low_open \
                and self.high is None:
            return check_nonnegative(label, value)
        elif self.kind == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)  # 5.0 is 5, as in a config
            return check_int(label, value, minimum=self.low, maximum=self.high)
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise InvalidType(f"{label} must be True or False; got {value!r}")
            return value
        if self.kind in ("float", "prob") and (isinstance(value, bool)
                                               or not isinstance(value, numbers.Real)):
            raise InvalidType(f"{label} must be a number {self.range_text()}; got "
                              f"{show_value(value)} of type {type(value).__name__}")
        out, why = self.problem(value)
        if why:
            raise InvalidValue(f"{label} {why}")
        return out


def _num(x) -> str | None:
    """A bound as written: ``0``, ``1``, ``0.5``, ``10,000,000``."""
    if x is None:
        return None
    if float(x).is_integer() and abs(x) >= 10_000:
        return f"{int(x):,}"
    return f"{x:g}"


def param(default: Any = None, kind: str = "float",
          **description: Any) -> dataclasses.Field:
    """A dataclass field described by a :class:`Param` (its ``metadata["param"]``).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Fee:
    ...     amount: float = param(5.0, low=0.0, unit="$", meaning="A fee.",
    ...                           source=ASSUMPTION)
    ...     def __post_init__(self):
    ...         check_params(self)
    >>> Fee(7).amount
    7.0
    >>> Fee(-1)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: Fee amount must be a finite number >= 0; got -1.0
    """
    return dataclasses.field(default=default,
                             metadata={"param": Param(kind, default, **description)})


def params_of(cls: type) -> dict[str, Param]:
    """The described parameters of a class, in declaration order: its dataclass fields
    that carry a :class:`Param`, or its ``PARAMS`` mapping."""
    if dataclasses.is_dataclass(cls):
        return {f.name: f.metadata["param"] for f in dataclasses.fields(cls)
                if "param" in f.metadata}
    return dict(getattr(cls, "PARAMS", {}))


_TRUSTED = contextvars.ContextVar("refsim_trusted_params", default=False)


@contextlib.contextmanager
def trusted() -> Iterator[None]:
    """Build parameter objects from values already checked against their
    :class:`Param` (a resolved config): :func:`check_params` does nothing inside, so
    each value is checked once, at the door.

    Examples
    --------
    >>> from refsim import ReferralProgram
    >>> with trusted():
    ...     ReferralProgram(share_lift=0.7).share_lift
    0.7
    """
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


def check_params(obj: object) -> None:
    """Check and convert, in place, every described field of a frozen dataclass (not
    inside :func:`trusted`)."""
    if _TRUSTED.get():
        return
    owner = type(obj).__name__
    for name, p in params_of(type(obj)).items():
        value = getattr(obj, name)
        checked = p.check(f"{owner} {name}", value)
        if checked is not value:
            object.__setattr__(obj, name, checked)
