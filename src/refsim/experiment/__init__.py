"""Experiments: TOML configs, sweeps, runners (local processes or Dask) and the results
store.

Examples
--------
>>> from refsim.experiment import resolve_config, expand_cells
>>> cfg = resolve_config({
...     "graph": {"generator": "holme_kim", "n": 500, "m": 3, "triad_p": 0.5},
...     "campaign": [{"seeding": "degree", "k": 5}, {"seeding": "random", "k": 5}],
...     "sweep": {"axes": {"model.share": [0.1, 0.2], "campaign.k": [5, 10]}}})
>>> expand_cells(cfg)[:2]
[{'model.share': 0.1, 'campaign.k': 5}, {'model.share': 0.1, 'campaign.k': 10}]
"""

from .config import ConfigError, expand_cells, load_config, resolve_config
from .export import export
from .runner import run_cell, run_experiment
from .seeds import load_seeds
from .store import RunDirError, load_curves, load_meta, load_results, load_trees

__all__ = ["ConfigError", "RunDirError", "expand_cells", "export", "load_config",
           "load_curves", "load_meta", "load_results", "load_seeds", "load_trees", "resolve_config",
           "run_cell", "run_experiment"]
