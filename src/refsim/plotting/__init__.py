"""Figures of an experiment's results: adoption curves, budget sweeps, heatmaps, trees.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so no
global figure manager or backend is touched; save it with ``fig.savefig(path)``.
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from .curves import curves_figure, curves_grid
from .heatmaps import heatmap_figure
from .sweeps import MAX_GROUPS, budget_figure
from .trees import tree_figure, tree_layout

__all__ = ["curves_figure", "curves_grid", "budget_figure", "heatmap_figure", "tree_figure",
           "tree_layout"]
