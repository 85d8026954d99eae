"""The customers each campaign seeded, by their own ids: whom to recruit.

A run directory stores seeds as node numbers; :func:`load_seeds` rebuilds each cell's
graph and model from the stored config and names every seed by the id it has in the
edge list (or its node number for a generated graph), with its segment, audience and
price as a seed, ready to hand to a CRM.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

__all__ = ["load_seeds", "SEED_COLUMNS"]

#: The columns of :func:`load_seeds` after ``cell`` and the sweep axes; each is
#: described in :mod:`refsim.experiment.dictionary` (``docs/export.md``, Seeds).
SEED_COLUMNS = ("campaign", "strategy", "run", "rank", "customer_id", "node", "segment",
                "audience", "cost")


def load_seeds(run_dir: str | os.PathLike[str], per_run: bool = False,
               cells: Iterable[int] | None = None) -> pd.DataFrame:
    """Return each campaign's seeds as a table, one row per customer.

    Parameters
    ----------
    run_dir : path
        A directory written by ``refsim run``.
    per_run : bool, default False
        Also list the seed sets of campaigns that drew new seeds in every run (random
        strategies), one set per run with its ``run`` number. By default only sets
        shared by every run are listed: the recruitment lists.
    cells : sequence of int, optional
        Only these cells (each cell's graph and model are rebuilt to name its seeds);
        default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, one per sweep axis, then :data:`SEED_COLUMNS` (``segment``
        only for models with a population; each column's meaning is in
        ``docs/export.md``). Rows in cell, campaign (config order), run and rank order.

    Examples
    --------
    >>> import tempfile, refsim
    >>> from refsim.experiment.config import resolve_config
    >>> cfg = resolve_config({
    ...     "experiment": {"runs": 5, "steps": 5},
    ...     "graph": {"generator": "erdos_renyi", "n": 200, "mean_degree": 4},
    ...     "campaign": [{"name": "hubs", "seeding": "degree", "k": 3},
    ...                  {"name": "mine", "seeds": [7, 3]}]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = refsim.run_experiment(cfg, d, progress=False)
    ...     seeds = load_seeds(d)
    >>> mine = seeds[seeds.campaign == "mine"]
    >>> mine["customer_id"].tolist(), mine["cost"].tolist()
    ([7, 3], [10.0, 10.0])
    """
    import pandas as pd

    from .build import build_campaigns, build_graph, build_model
    from .config import resolve_cell
    from .store import load_meta, load_seed_sets

    meta = load_meta(run_dir)
    axes = list(meta["axes"])
    names = meta["campaigns"]
    sets: dict[int, list] = {}
    for cell, j, strategy, run, nodes in load_seed_sets(run_dir, per_run):
        sets.setdefault(cell, []).append((j, strategy, run, nodes))
    frames = []
    points = meta["cells"].set_index("cell")
    wanted = None if cells is None else {int(c) for c in cells}
    for cell in sorted(c for c in sets if wanted is None or c in wanted):
        point = {a: points.loc[cell, a] for a in axes}
        cfg = resolve_cell(meta["config"], {a: _plain(v) for a, v in point.items()})
        graph = build_graph(cfg["graph"])
        model = build_model(cfg, graph)
        campaigns = build_campaigns(cfg)
        labels = graph.labels
        segments = getattr(getattr(model, "population", None), "codes", None)
        seg_names = (np.asarray(model.population.names, dtype=object)
                     if segments is not None else None)
        for j, strategy, run, nodes in sets[cell]:
            nodes = np.asarray(nodes, dtype=np.int64)
            from ..strategies import seed_costs

            price = seed_costs(graph, campaigns[j].model_for(model))
            frame = {"cell": cell, **point, "campaign": names[j], "strategy": strategy,
                     "run": run, "rank": np.arange(1, len(nodes) + 1),
                     "customer_id": ([labels[u] for u in nodes.tolist()]
                                     if labels is not None else nodes),
                     "node": nodes}
            if seg_names is not None:
                frame["segment"] = seg_names[segments[nodes]]
            frame["audience"] = graph.out_degree[nodes].astype(np.int64)
            frame["cost"] = price[nodes]
            frames.append(pd.DataFrame(frame))
    columns = ["cell", *axes, *(c for c in SEED_COLUMNS
                                if c != "segment" or _has_population(meta))]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out["run"] = out["run"].astype("Int64")
    out.attrs["axes"] = axes
    return out[[c for c in columns if c in out]]


def _has_population(meta) -> bool:
    from ..model_registry import kind_named

    try:
        return "population" in kind_named(str(meta.get("model"))).sections
    except ValueError:
        return False


def _plain(value):
    """A sweep value as the config holds it (numpy scalars to Python)."""
    return value.item() if isinstance(value, np.generic) else value
