"""What every generator shares: parameter checks, the random state, the final CSR."""

from __future__ import annotations

import os

import numpy as np

from .._rng import as_seed_sequence, run_states
from .._validation import check_int
from ..errors import InvalidValue
from ..graph import Graph

#: Generators number nodes with int32.
MAX_NODES = 2**31 - 1


def generator_state(rng) -> np.ndarray:
    """Return the xoshiro256** state a generator draws from: child 0 of ``rng``."""
    return run_states(as_seed_sequence(rng), 1)[0].copy()


def check_nodes(n, *, minimum: int = 1) -> int:
    return check_int("n", n, minimum=minimum, maximum=MAX_NODES)


def check_memory(n: int, edges: float, *, name: str = "n") -> None:
    """Raise before allocating if the graph cannot fit in this machine's memory.

    The estimate counts the final CSR (8 bytes per node, 8 per edge as two int32 arcs)
    and the generator's edge buffers (8 bytes per edge) twice over for sorting room.
    """
    need = 8.0 * (n + 1) + 8.0 * edges + 16.0 * edges
    try:
        avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: skip the check
        return
    if need > avail:
        raise InvalidValue(f"{name}={n} with about {edges:.3g} edges needs about "
                         f"{need / 2**30:.1f} GiB, more than this machine's "
                         f"{avail / 2**30:.1f} GiB; choose a smaller graph")


def finish(n, src, dst, *, communities=None) -> Graph:
    """Return the simple undirected Graph on the given edges (loops and repeats dropped)."""
    from .._kernels.build import undirected_csr

    indptr, indices = undirected_csr(n, src, dst, src.shape[0])
    return Graph._trusted(indptr, indices, directed=False, communities=communities)
