"""graph_from_spec on specs a user can get wrong: one refsim error naming what is wrong."""

import numpy as np
import pytest

from refsim import generators as gen
from refsim.errors import FileProblem, InvalidType, InvalidValue, MissingFile, RefsimError
from refsim.specs import graph_from_spec


@pytest.mark.parametrize("spec, kwargs, exc, pattern", [
    ("holme_kin:n=10,m=2,triad_p=0.5", {}, InvalidValue,
     r"^graph spec 'holme_kin:n=10,m=2,triad_p=0\.5' is not a file, .* did you mean holme_kim\?"),
    ("karate_club:n=5", {}, InvalidValue, r"^dataset karate_club takes no arguments; got 'n=5'$"),
    ("karate_club", {"directed": True}, InvalidValue,
     r"^options for edge-list files only: directed=True; dataset karate_club makes"),
    ("erdos_renyi:n=10,mean_degree=2", {"weighted": True, "header": True}, InvalidValue,
     r"^options for edge-list files only: weighted=True, header=True; generator erdos_renyi"),
    ("erdos_renyi:n=10,mean_degree=2,rng=1", {}, InvalidValue,
     r"^erdos_renyi: rng cannot be set in a graph spec"),
    ("erdos_renyi:n=10,mean_degre=2", {}, InvalidValue,
     r"^erdos_renyi has no parameter 'mean_degre'; did you mean 'mean_degree'\? it takes "
     r"n, mean_degree$"),
    ("erdos_renyi:n=1,n=2,mean_degree=0", {}, InvalidValue,
     r"^erdos_renyi: n is given twice in 'n=1,n=2,mean_degree=0'$"),
    ("erdos_renyi:**{'n':5}", {}, InvalidValue, r"^cannot read the arguments of 'erdos_renyi'"),
    ("erdos_renyi:n=10**6,mean_degree=1", {}, InvalidValue, r"^cannot read the arguments"),
    ("erdos_renyi:n=" + "-" * 100_000 + "1,mean_degree=1", {}, InvalidValue,
     r"^cannot read the arguments of 'erdos_renyi': 'n=---.*\.\.\.; write"),
    ("erdos_renyi:n=" + "9" * 5000 + ",mean_degree=1", {}, InvalidValue,
     r"^cannot read the arguments"),
    ("erdos_renyi:n='10',mean_degree=2", {}, InvalidType,
     r"^erdos_renyi: n must be an int; got '10' of type str$"),
    ("watts_strogatz:n=100,k=400,beta=0.1", {}, InvalidValue,
     r"^watts_strogatz: k must be less than n = 100; got 400$"),
    ("block_probabilities:sizes=[1],mean_degree_in=0,mean_degree_out=0", {}, InvalidValue,
     r"is not a file, a dataset .* or a generator"),
    ("data/no-such-graph.txt", {}, MissingFile, r"^graph spec 'data/no-such-graph\.txt': no such"),
    ("no-such-graph.csv.gz", {}, MissingFile, r"^graph spec 'no-such-graph\.csv\.gz': no such"),
    ("x" * 10_000, {}, InvalidValue, r"^graph spec 'xxx.*\.\.\. is not a file"),
    (None, {}, InvalidType, r"^graph spec must be a string"),
    (["karate_club"], {}, InvalidType, r"^graph spec must be a string"),
    ("  ", {}, InvalidValue, r"^graph spec must be a non-empty string"),
], ids=lambda x: x[:24] if isinstance(x, str) and not x.startswith("^") else "")
def test_bad_spec_gives_one_clear_line(spec, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        graph_from_spec(spec, **kwargs)
    assert isinstance(info.value, RefsimError)
    assert "\n" not in str(info.value) and len(str(info.value)) < 500


def test_spec_file_takes_header_and_encoding(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("from,to\ncaf\xe9,b\n".encode("latin-1"))
    g = graph_from_spec(str(path), header=True, encoding="latin-1")
    assert g.labels == ("caf\xe9", "b")
    with pytest.raises(InvalidValue, match=r"line 2: not valid utf-8 text"):
        graph_from_spec(str(path), header=True)


def test_spec_folder_is_a_file_problem(tmp_path):
    with pytest.raises(FileProblem, match=r"is a folder, not an edge-list file"):
        graph_from_spec(str(tmp_path))


def test_spec_generators_still_match_direct_calls():
    a = graph_from_spec("holme_kim:n=1000,m=3,triad_p=0.5", rng=2)
    b = gen.holme_kim(1000, 3, 0.5, rng=2)
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    g = graph_from_spec(" stochastic_block: sizes=[5, 5], mean_degree_in=4, "
                        "mean_degree_out=0 ", rng=1)
    assert g.num_arcs == 40  # two cliques of five
