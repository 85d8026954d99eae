"""Writing a run directory's tables as CSV, Parquet or Excel (xlsx).

Three tables: per run (:func:`refsim.load_results`), the curves in long form, and the
summary (:func:`refsim.analysis.summary_table`: one row per cell and campaign). Every
column is described in :mod:`refsim.experiment.dictionary` (``docs/export.md``); money
outputs are rounded to the cent there.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import writing
from ..errors import InvalidValue, MissingFile

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["curves_long", "export", "export_frame", "summary_frame", "writing"]

#: The file formats, and the package each needs beyond refsim's own (with its extra).
FORMATS = {"csv": None, "parquet": ("pyarrow", "parquet"), "xlsx": ("openpyxl", "xlsx")}
#: The tables, by the name of their default file.
TABLES = ("results", "curves", "summary", "seeds")
#: Data rows and columns an xlsx sheet holds (Excel's limits, the header row aside).
XLSX_ROWS = 1_048_575
XLSX_COLUMNS = 16_384
#: The number format of money columns in xlsx.
MONEY_FORMAT = '"$"#,##0.00'


def curves_long(run_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Return every run's curves in long form: ``cell``, ``campaign``, ``series``,
    ``run``, ``step``, ``value``."""
    import numpy as np
    import pandas as pd

    from .store import load_curves

    frames = []
    for (cell, camp, series), a in load_curves(run_dir, raw=True).items():
        runs, cols = a.shape
        frames.append(pd.DataFrame({
            "cell": cell, "campaign": camp, "series": series,
            "run": np.repeat(np.arange(runs), cols), "step": np.tile(np.arange(cols), runs),
            "value": a.ravel()}))
    cols = ["cell", "campaign", "series", "run", "step", "value"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def summary_frame(run_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Return the summary of ``run_dir``, unrounded: :func:`refsim.analysis.summary_table`
    of its runs at the run's confidence level, against its baseline, with the campaign
    its objective recommends (as ``refsim run`` prints and the report states)."""
    from ..analysis import summary_table
    from ..report import objective_of
    from .store import load_meta, load_results

    meta = load_meta(run_dir)
    runs = load_results(run_dir)
    objective, _, better = objective_of(meta, runs)
    metrics = list(runs.columns[list(runs.columns).index("run") + 1:])
    return summary_table(runs, metrics, meta["level"],
                         baseline=meta["baseline"] if meta["baseline"] in meta["campaigns"]
                         else None,
                         objective=objective if objective in metrics else None,
                         higher_is_better=better)


def export_frame(run_dir: str | os.PathLike[str], table: str = "results") -> pd.DataFrame:
    """Return the ``table`` of ``run_dir`` as :func:`export` writes it: ``"results"``
    (one row per cell, campaign and run), ``"curves"`` or ``"summary"``, with money
    outputs rounded to the cent (see ``docs/export.md``).

    Raises
    ------
    refsim.errors.InvalidValue
        For an unknown ``table``.
    """
    return _table(run_dir, table)[0]


def _table(run_dir, table):
    """The table as written, and the dictionary entry of each of its columns."""
    import numpy as np

    from .dictionary import describe
    from .store import load_meta, load_results

    if table not in TABLES:
        raise InvalidValue(f"table must be one of {', '.join(TABLES)}; got {table!r}")
    meta = load_meta(run_dir)
    from .seeds import load_seeds

    df = {"results": load_results, "curves": curves_long, "summary": summary_frame,
          "seeds": load_seeds}[table](run_dir)
    rows = describe(table, df.columns, meta["axes"], meta["metrics"])
    for d in rows:
        if d.money:  # + 0.0: no "-0.00" for a sub-cent loss
            df[d.column] = np.round(df[d.column].astype(np.float64), 2) + 0.0
    return df, rows


def export(run_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
           fmt: str = "csv", curves: bool = False, summary: bool = False,
           seeds: bool = False) -> Path:
    """Write a table of ``run_dir`` to ``out`` as CSV, Parquet or xlsx; return the path.

    One row per (cell, campaign, run) (see :func:`refsim.load_results`); with
    ``curves=True`` one row per (cell, campaign, series, run, step); with
    ``summary=True`` one row per (cell, campaign) (see
    :func:`refsim.analysis.summary_table`); with ``seeds=True`` one row per seed of
    each campaign's shared seed set, by the customers' own ids (see
    :func:`refsim.load_seeds`). Every column is described in
    ``docs/export.md``; money outputs are rounded to the cent (written with two
    decimals in CSV, in a currency format in xlsx, whose second sheet ``dictionary``
    describes each column). The file is written whole or not at all.

    Parameters
    ----------
    run_dir : path
        A directory written by ``refsim run``.
    out : path, optional
        Default ``run_dir / "<table>.<fmt>"`` (``results``, ``curves`` or ``summary``).
    fmt : {"csv", "parquet", "xlsx"}
        Parquet needs pyarrow (``refsim[parquet]``), xlsx openpyxl (``refsim[xlsx]``).
    curves, summary, seeds : bool
        Which table, at most one of them; default the per-run one.

    Raises
    ------
    refsim.errors.InvalidValue
        For an unknown format, both ``curves`` and ``summary``, or a table too large
        for an xlsx sheet.
    refsim.errors.MissingFile
        When the package the format needs is not installed.
    """
    if fmt not in FORMATS:
        raise InvalidValue(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if curves + summary + seeds > 1:
        raise InvalidValue("give one of --curves, --summary and --seeds")
    need = FORMATS[fmt]
    if need is not None:
        try:
            importlib.import_module(need[0])
        except ImportError:
            raise MissingFile(f"{fmt} export needs {need[0]}: pip install "
                              f'"refsim[{need[1]}]"') from None
    table = ("curves" if curves else "summary" if summary else "seeds" if seeds
             else "results")
    out = Path(run_dir) / f"{table}.{fmt}" if out is None else Path(out)
    df, rows = _table(run_dir, table)
    if fmt == "xlsx" and (len(df) > XLSX_ROWS or df.shape[1] > XLSX_COLUMNS):
        raise InvalidValue(f"{str(out)!r}: {len(df):,} rows x {df.shape[1]:,} columns do "
                           f"not fit in an xlsx sheet (at most {XLSX_ROWS:,} x "
                           f"{XLSX_COLUMNS:,}); use --format csv or parquet")
    with writing(out) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        elif fmt == "xlsx":
            _write_xlsx(df, tmp, table, rows)
        else:
            _write_csv(df, tmp, rows)
    return out


def _write_csv(df, path, rows) -> None:
    """CSV with every money column written with exactly two decimals."""
    import numpy as np

    money = [d.column for d in rows if d.money]
    if money:
        df = df.copy()
        for c in money:
            df[c] = [f"{v:.2f}" if np.isfinite(v) else "" for v in df[c].to_numpy()]
    df.to_csv(path, index=False)


def _write_xlsx(df, path, table, rows) -> None:
    """Two sheets: the table (header row frozen, money in a currency format) and
    ``dictionary`` (column, meaning, unit of each of its columns)."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    words = pd.DataFrame({"column": [d.column for d in rows],
                          "meaning": [d.meaning.replace("`", "") for d in rows],
                          "unit": [d.unit for d in rows]})
    # a file object: pandas would refuse the temporary file's extension
    with open(path, "wb") as fh, pd.ExcelWriter(fh, engine="openpyxl") as book:
        df.to_excel(book, sheet_name=table, index=False, freeze_panes=(1, 0))
        words.to_excel(book, sheet_name="dictionary", index=False, freeze_panes=(1, 0))
        sheet = book.sheets[table]
        for j, d in enumerate(rows, start=1):
            letter = get_column_letter(j)
            sheet.column_dimensions[letter].width = min(max(len(d.column), 8) + 2, 40)
            if d.money:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = MONEY_FORMAT
        about = book.sheets["dictionary"]
        for letter, width in zip("ABC", (32, 100, 28)):
            about.column_dimensions[letter].width = width
