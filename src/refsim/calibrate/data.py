"""Observed series of a market, per period, read and checked before any fit.

A file (CSV) or a pandas frame holds one row per period: a period column (consecutive
integers, or dates at a regular frequency) and any of the series in :data:`SERIES`.
Every problem is named with the file, the column and the row (the period) it is in.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InvalidType, InvalidValue, MissingFile

if TYPE_CHECKING:
    import os

__all__ = ["SERIES", "Observed", "read_observed"]

#: The series a market's data may hold, with what each counts per period.
SERIES = {
    "new_customers": "customers won in the period (all sources)",
    "referred_customers": "customers won by a referral in the period",
    "referrals_sent": "referrals made in the period",
    "churned": "customers lost in the period",
    "active_customers": "customers at the end of the period",
    "nps": "net promoter score of the customers at the end of the period (points)",
}
#: Series that count people or referrals: whole numbers >= 0.
COUNTS = ("new_customers", "referred_customers", "referrals_sent", "churned",
          "active_customers")


@dataclass(frozen=True)
class Observed:
    """A market's observed series, one row per period in order.

    Attributes
    ----------
    frame : pandas.DataFrame
        Column ``period`` (1, 2, ... in order) and one float column per series given.
    labels : list
        Each period's own label as the data gave it (an integer or a date).
    source : str
        Where the data came from (a path, or ``"a DataFrame"``).
    frequency : str or None
        The dates' frequency (a pandas offset alias such as ``"W-SUN"`` or ``"MS"``);
        None for integer periods.
    """

    frame: pd.DataFrame
    labels: list
    source: str
    frequency: str | None = None

    @property
    def series(self) -> list[str]:
        """The series the data holds, in the order of :data:`SERIES`."""
        return [s for s in SERIES if s in self.frame]

    @property
    def periods(self) -> int:
        return len(self.frame)

    def values(self, name: str) -> np.ndarray:
        """One series as float64, one value per period."""
        if name not in self.frame:
            raise InvalidValue(f"{self.source} has no column {name!r}; it has "
                               f"{', '.join(self.series)}")
        return self.frame[name].to_numpy(dtype=np.float64)

    def check_horizon(self, periods: int, what: str = "the simulation") -> None:
        """Refuse data longer than ``periods`` (what ``what`` simulates)."""
        if self.periods > periods:
            raise InvalidValue(f"{self.source} has {self.periods} periods but {what} "
                               f"covers {periods}; give more steps or fewer periods")


def read_observed(data: str | os.PathLike[str] | pd.DataFrame, *,
                  period: str = "period") -> Observed:
    """Read and check a market's observed series.

    Parameters
    ----------
    data : path or pandas.DataFrame
        A CSV file (header row with the column names) or a frame: a ``period`` column
        and one or more of the series in :data:`SERIES`; other columns are refused
        (a misspelt series would otherwise be ignored).
    period : str, default "period"
        The name of the period column.

    Returns
    -------
    Observed

    Raises
    ------
    MissingFile
        The file does not exist.
    InvalidValue
        No series; an unknown column; a period missing, repeated or out of order (for
        dates: not at one regular frequency); an empty, non-numeric, negative or
        fractional count; a decimal comma (commas are thousands separators only); a
        count written like ``12.000`` (twelve or twelve thousand?); an NPS outside
        [-100, 100].

    Examples
    --------
    >>> import pandas as pd
    >>> obs = read_observed(pd.DataFrame({"period": [1, 2, 3],
    ...                                   "new_customers": [10, 25, 40]}))
    >>> obs.series, obs.values("new_customers").tolist()
    (['new_customers'], [10.0, 25.0, 40.0])
    >>> read_observed(pd.DataFrame({"period": [1, 3], "new_customers": [1, 2]}))
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: a DataFrame: period 2 is missing (periods must be consecutive: 1, 2, 3, ...)
    """
    if isinstance(data, pd.DataFrame):
        frame, source = data.copy(), "a DataFrame"
    elif isinstance(data, (str, pathlib.Path)) or hasattr(data, "__fspath__"):
        path = pathlib.Path(data)
        source = str(path)
        if not path.is_file():
            raise MissingFile(f"{source}: no such file (the observed series, a CSV with "
                              f"a {period!r} column)")
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                                skipinitialspace=True)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
            raise InvalidValue(f"{source}: cannot be read as CSV ({e})") from None
    else:
        raise InvalidType(f"observed data must be a CSV path or a pandas DataFrame; got "
                          f"{type(data).__name__}")
    frame.columns = [str(c).strip() for c in frame.columns]
    if period not in frame:
        raise InvalidValue(f"{source}: no {period!r} column; columns: "
                           f"{', '.join(frame.columns) or 'none'}")
    unknown = [c for c in frame.columns if c != period and c not in SERIES]
    if unknown:
        from ..experiment.checks import suggest

        raise InvalidValue(f"{source}: unknown column {unknown[0]!r}; "
                           f"{suggest(unknown[0], list(SERIES))}")
    names = [s for s in SERIES if s in frame]
    if not names:
        raise InvalidValue(f"{source}: no series; give one or more of "
                           f"{', '.join(SERIES)}")
    if len(frame) == 0:
        raise InvalidValue(f"{source}: no rows")
    labels, freq = _periods(frame[period], source, period)
    out = pd.DataFrame({"period": np.arange(1, len(frame) + 1)})
    for name in names:
        out[name] = _numbers(frame[name], labels, source, name)
    return Observed(out, labels, source, freq)


def _periods(col, source, name):
    """The period labels, checked: consecutive integers, or dates at one frequency."""
    text = [str(v).strip() for v in col]
    for i, t in enumerate(text):
        if t == "":
            raise InvalidValue(f"{source}: row {i + 2} has no {name}")
    try:
        ints = [int(t) for t in text]
    except ValueError:
        ints = None
    if ints is not None:
        for i in range(1, len(ints)):
            if ints[i] <= ints[i - 1]:
                raise InvalidValue(f"{source}: {name} {ints[i]} comes after {ints[i - 1]} "
                                   f"(periods must increase by 1)")
            if ints[i] != ints[i - 1] + 1:
                raise InvalidValue(f"{source}: {name} {ints[i - 1] + 1} is missing (periods "
                                   f"must be consecutive: 1, 2, 3, ...)")
        return ints, None
    try:
        dates = pd.to_datetime(pd.Series(text), format="ISO8601")
    except (ValueError, TypeError):
        # the first label that is neither (a "Total" row)
        bad = next((t for t in text if _not_a_date(t) and not t.lstrip("-").isdigit()),
                   None)
        if bad is not None:
            raise InvalidValue(f"{source}: {name} {bad!r} is neither an integer nor a "
                               f"date (YYYY-MM-DD)") from None
        if any(_not_a_date(t) for t in text):  # integers among dates
            raise InvalidValue(f"{source}: {name}s mix integers and dates; give one or "
                               f"the other") from None
        raise InvalidValue(f"{source}: {name}s are dates that cannot be read together "
                           f"(mixed time zones or formats); write YYYY-MM-DD") from None
    if dates.duplicated().any():
        raise InvalidValue(f"{source}: {name} {text[int(np.argmax(dates.duplicated()))]} is "
                           f"repeated")
    if not dates.is_monotonic_increasing:
        raise InvalidValue(f"{source}: {name}s are not in order")
    freq = None
    if len(dates) >= 3:
        import warnings

        with warnings.catch_warnings():  # pandas 3 returns an offset; either way its name
            warnings.simplefilter("ignore")
            freq = pd.infer_freq(pd.DatetimeIndex(dates))
        freq = getattr(freq, "freqstr", freq)
    if freq is None:
        if len(dates) < 3:
            raise InvalidValue(f"{source}: give at least 3 dated periods, so their "
                               f"frequency is clear, or number the periods 1, 2, 3, ...")
        gaps = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(int)
        usual = int(pd.Series(gaps).mode().iloc[0])
        at = int(np.argmax(gaps != usual))
        raise InvalidValue(f"{source}: the {name}s are not at one frequency: {text[at]} to "
                           f"{text[at + 1]} is {gaps[at]} days, most are {usual} (a period "
                           f"missing?)")
    return [d.date().isoformat() for d in dates], freq


def _not_a_date(text):
    try:
        pd.to_datetime(text, format="ISO8601")
    except (ValueError, TypeError):
        return True
    return False


#: A number written with thousands separators: 1,234 or -12,345,678.5.
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")
#: A count that may be written with points as thousands separators: 12.000, 1.234.567.
_POINT_THOUSANDS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+")


def _numbers(col, labels, source, name):
    values = np.empty(len(col))
    for i, (raw, label) in enumerate(zip(col, labels)):
        t = str(raw).strip()
        where = f"{source}: {name} at period {label}"
        if t == "":
            raise InvalidValue(f"{where} is empty (give 0 for none)")
        if isinstance(raw, str) and "," in t and not _THOUSANDS.fullmatch(t):
            raise InvalidValue(f"{where} is {t!r}: a comma is read only as a thousands "
                               f"separator (1,234); write decimals with a point")
        if isinstance(raw, str) and name in COUNTS and _POINT_THOUSANDS.fullmatch(t):
            raise InvalidValue(f"{where} is {t!r}: a point between groups of three "
                               f"digits may be a thousands separator; write counts "
                               f"without one, or with commas ({t.replace('.', '')} or "
                               f"{t.replace('.', ',')})")
        try:
            x = float(t.replace(",", "")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise InvalidValue(f"{where} is {t!r}, not a number") from None
        if not np.isfinite(x):
            raise InvalidValue(f"{where} is {t!r}, not a finite number")
        if name in COUNTS:
            if x < 0:
                raise InvalidValue(f"{where} is {t}; counts must be >= 0")
            if x != int(x):
                raise InvalidValue(f"{where} is {t}; counts must be whole numbers")
        elif not -100.0 <= x <= 100.0:
            raise InvalidValue(f"{where} is {t}; NPS must be in [-100, 100]")
        values[i] = x
    return values
