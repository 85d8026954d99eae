"""Figures of an experiment's results: adoption curves, campaigns side by side, metrics
against a sweep axis or the budget, heatmaps, trees; and the short labels they use.

Every figure function returns a :class:`matplotlib.figure.Figure` built without pyplot,
so no global figure manager or backend is touched; save it with ``fig.savefig(path)``.
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from .campaigns import campaign_figure
from .curves import curves_figure, curves_grid
from .heatmaps import heatmap_figure, heatmap_grid
from .labels import axis_label, cell_titles, value_labels, value_names
from .sweeps import MAX_GROUPS as MAX_GROUPS
from .sweeps import MAX_PANELS as MAX_PANELS
from .sweeps import axis_figure, budget_figure
from .trees import tree_figure, tree_layout

__all__ = ["curves_figure", "curves_grid", "campaign_figure", "axis_figure", "budget_figure",
           "heatmap_figure", "heatmap_grid", "tree_figure", "tree_layout", "axis_label",
           "value_labels", "value_names", "cell_titles"]
