"""What every generator shares: parameter checks, the random state, the final CSR."""

from __future__ import annotations

import numpy as np

from .. import _memory
from .._rng import as_seed_sequence, run_states
from .._validation import check_int, show_value
from ..errors import InvalidType
from ..graph import Graph

#: Generators number nodes with int32.
MAX_NODES = 2**31 - 1


def generator_state(rng) -> np.ndarray:
    """Return the xoshiro256** state a generator draws from: child 0 of ``rng``."""
    return run_states(as_seed_sequence(rng), 1)[0].copy()


def check_nodes(n, *, minimum: int = 1) -> int:
    return check_int("n", n, minimum=minimum, maximum=MAX_NODES)


def int_list(name: str, values, what: str) -> np.ndarray:
    """``values`` as a non-empty 1-D integer array, or an InvalidType naming ``name``."""
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError, OverflowError):  # ragged nesting and the like
        arr = None
    if arr is None or arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise InvalidType(f"{name} must be a non-empty 1-D list of {what} (ints); got "
                          f"{show_value(values)}")
    return arr


def check_memory(n: int, edges: float, *, name: str = "n", per_node: float = 0.0,
                 per_edge: float = 0.0) -> None:
    """Raise before allocating if the graph does not fit in the memory available now.

    The estimate counts the final CSR and its construction (16 bytes per node for the
    offsets and fill positions, 8 per edge for its two int32 arcs), the generator's
    int32 edge lists (8 bytes per edge), and what the generator adds (``per_node``,
    ``per_edge`` bytes). ``name`` names the argument that sets the number of nodes.
    """
    need = (16.0 + per_node) * (n + 1) + (16.0 + per_edge) * edges
    _memory.check_memory(f"{name}={n} with about {edges:.3g} edges", need,
                         "choose a smaller graph")


def finish(n, src, dst, *, communities=None) -> Graph:
    """Return the simple undirected Graph on the given edges (loops and repeats dropped)."""
    from .._kernels.build import undirected_csr

    indptr, indices = undirected_csr(n, src, dst, src.shape[0])
    return Graph._trusted(indptr, indices, directed=False, communities=communities)
