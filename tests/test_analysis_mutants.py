"""Exact checks of refsim.analysis at its edges: argument checks, empty input, row order
and column types, against hand-made frames."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from refsim import analysis
from refsim.errors import InvalidType, InvalidValue


def frame(rows):
    """A per-run frame from (cell, campaign, run, reach) tuples, one sweep axis."""
    out = pd.DataFrame(rows, columns=["cell", "campaign", "run", "reach"])
    out.insert(1, "share", out["cell"] * 0.1)
    return out


def test_rows_follow_cell_then_first_appearance_of_each_campaign():
    rows = [(1, "b", 0, 5.0), (0, "c", 0, 1.0), (1, "a", 0, 7.0), (0, "b", 0, 2.0),
            (1, "b", 1, 6.0), (0, "c", 1, 3.0), (1, "a", 1, 9.0), (0, "b", 1, 4.0),
            (0, "a", 0, 8.0), (0, "a", 1, 8.0)]
    s = analysis.summarize(frame(rows))
    # campaigns in order of first appearance in the whole frame: b, c, a
    assert list(zip(s["cell"], s["campaign"])) == [(0, "b"), (0, "c"), (0, "a"),
                                                   (1, "b"), (1, "a")]
    assert s["mean"].tolist() == [3.0, 2.0, 8.0, 5.5, 8.0]
    assert s["share"].tolist() == [0.0, 0.0, 0.0, 0.1, 0.1]
    assert s["runs"].tolist() == [2] * 5 and s["runs"].dtype == np.int64
    assert s["sem"].tolist() == pytest.approx([1.0, 1.0, 0.0, 0.5, 1.0], rel=1e-12)
    half = stats.t.ppf(0.975, 1)
    assert s["hi"].tolist() == pytest.approx(
        [3 + half, 2 + half, 8.0, 5.5 + half / 2, 8 + half], rel=1e-12)
    d = analysis.paired_differences(frame(rows), "c")
    assert list(zip(d["cell"], d["campaign"])) == [(0, "b"), (0, "a"), (1, "b"), (1, "a")]
    assert d["mean"].tolist()[:2] == [1.0, 6.0] and d["pairs"].tolist() == [2, 2, 0, 0]
    assert d["sem"].tolist()[:2] == [0.0, 1.0] and d["mean"][2:].isna().all()


def test_one_row_per_cell_and_campaign_even_when_interleaved():
    # runs of one campaign split by other rows still form one group
    rows = [(0, "a", 0, 1.0), (0, "b", 0, 10.0), (0, "a", 1, 3.0), (0, "b", 1, 30.0),
            (0, "a", 2, 5.0)]
    s = analysis.summarize(frame(rows), "reach")
    assert s[["campaign", "mean", "runs"]].values.tolist() == [["a", 3.0, 3], ["b", 20.0, 2]]


def test_empty_results_give_empty_typed_frames():
    empty = frame([])
    s = analysis.summarize(empty)
    assert len(s) == 0
    assert list(s.columns) == ["cell", "share", "campaign", "metric", "mean", "sem", "lo",
                               "hi", "runs"]
    assert s["mean"].dtype == np.float64 and s["runs"].dtype == np.int64
    with pytest.raises(InvalidValue, match="baseline campaign 'a' is not in the results"):
        analysis.paired_differences(empty, "a")
    only_baseline = analysis.paired_differences(frame([(0, "a", 0, 1.0)]), "a")
    assert len(only_baseline) == 0 and only_baseline["pairs"].dtype == np.int64


def test_descriptive_columns_become_floats():
    runs = frame([(0, "a", 0, 1.0), (0, "a", 1, 2.0)])
    runs.insert(3, "k", None)
    runs.insert(4, "budget", 300)
    s = analysis.summarize(runs)
    assert s["metric"].tolist() == ["reach"]
    assert s["k"].dtype == np.float64 and np.isnan(s["k"].iloc[0])
    assert s["budget"].dtype == np.float64 and s["budget"].tolist() == [300.0]


@pytest.mark.parametrize("level", [True, "0.9", 0, 0.0, 1, -0.5, 1.5, float("nan")])
def test_level_must_be_a_number_strictly_inside(level):
    runs = frame([(0, "a", 0, 1.0), (0, "a", 1, 2.0)])
    with pytest.raises(InvalidValue, match=r"level must be a number strictly between 0 and 1"):
        analysis.summarize(runs, level=level)


def test_levels_inside_are_used():
    runs = frame([(0, "a", 0, 1.0), (0, "a", 1, 3.0)])
    for level in (0.5, np.float64(0.8), 0.999):
        s = analysis.summarize(runs, level=level)
        assert s["hi"].item() == pytest.approx(2 + stats.t.ppf(0.5 + level / 2, 1), rel=1e-12)


def test_column_layout_is_checked():
    runs = frame([(0, "a", 0, 1.0)])
    with pytest.raises(InvalidValue, match=r"lacks the column\(s\) \['campaign'\]"):
        analysis.summarize(runs.drop(columns="campaign"))
    with pytest.raises(InvalidValue, match=r"lacks the column\(s\) \['cell', 'run'\]"):
        analysis.summarize(runs.drop(columns=["cell", "run"]))
    swapped = runs[["campaign", "share", "cell", "run", "reach"]]
    with pytest.raises(InvalidValue, match="sweep-axis columns between 'cell' and 'campaign'"):
        analysis.summarize(swapped)
    with pytest.raises(InvalidValue, match=r"unknown metric\(s\) \['cost'\]; the metric "
                                           r"columns are \['reach'\]"):
        analysis.paired_differences(runs, "a", metrics="cost")
    with pytest.raises(InvalidType, match="runs must be a pandas DataFrame; got list"):
        analysis.paired_differences([1], "a")


def test_a_metric_named_alone_or_in_a_list():
    runs = frame([(0, "a", 0, 1.0), (0, "a", 1, 2.0)]).assign(cost=[4.0, 6.0])
    assert analysis.summarize(runs, "cost")["metric"].tolist() == ["cost"]
    assert analysis.summarize(runs, ("cost", "reach"))["mean"].tolist() == [5.0, 1.5]
    assert analysis.summarize(runs)["metric"].tolist() == ["reach", "cost"]


def test_duplicate_is_named():
    runs = frame([(0, "a", 0, 1.0), (0, "b", 0, 2.0), (0, "b", 0, 3.0)])
    with pytest.raises(InvalidValue, match=r"\(cell, campaign, run\) = \(0, 'b', 0\) appears "
                                           r"more than once"):
        analysis.paired_differences(runs, "a")
    analysis.summarize(runs)  # a summary does not pair, so repeats are only more values


def test_paired_differences_pair_within_their_own_cell():
    # the same run number in another cell is another stream: never its pair
    rows = [(0, "a", 0, 1.0), (0, "b", 0, 11.0), (1, "a", 0, 100.0), (1, "b", 0, 150.0),
            (1, "a", 1, 200.0), (1, "b", 1, 260.0)]
    d = analysis.paired_differences(frame(rows), "a")
    assert d[["cell", "mean", "pairs"]].values.tolist() == [[0, 10.0, 1], [1, 55.0, 2]]
    assert d["baseline"].tolist() == ["a", "a"] and d["share"].tolist() == [0.0, 0.1]
    inf = frame([(0, "a", 0, np.inf), (0, "b", 0, np.inf), (0, "a", 1, 1.0),
                 (0, "b", 1, 2.0)])
    assert analysis.paired_differences(inf, "a")["pairs"].tolist() == [1]


def test_the_first_repeated_run_is_named():
    rows = [(0, "a", 0, 1.0), (0, "a", 1, 2.0), (0, "b", 0, 3.0), (0, "a", 1, 4.0),
            (0, "b", 0, 5.0)]
    with pytest.raises(InvalidValue, match=r"\(cell, campaign, run\) = \(0, 'a', 1\)"):
        analysis.paired_differences(frame(rows), "a")
