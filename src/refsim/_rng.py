"""Normalising the one ``rng`` argument and deriving per-run random streams.

Every stochastic entry point takes a single keyword ``rng`` (``None``, an int, a
:class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`). It is turned
into one :class:`~numpy.random.SeedSequence` here, once. Run ``r`` then draws from that
sequence's ``r``-th child (``spawn_key + (r,)``), so a run's numbers never depend on how
many threads, processes or machines share the work.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from ._kernels.seedseq import POOL, child_states
from .errors import InvalidType, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TypeAlias

    #: What every ``rng`` argument takes (see :func:`as_seed_sequence`).
    RngLike: TypeAlias = (int | Sequence[int] | np.random.SeedSequence | np.random.Generator
                          | None)

__all__ = ["as_seed_sequence", "run_states", "seed_record"]

_STATE_WORDS = 4  # xoshiro256** keeps four 64-bit words


def as_seed_sequence(rng: RngLike) -> np.random.SeedSequence:
    """Return the :class:`~numpy.random.SeedSequence` that ``rng`` stands for.

    ``None`` draws fresh entropy from the operating system (recorded in results, so a run
    can still be repeated); an int, a list of ints (e.g. ``[cell, campaign]``) or a
    ``SeedSequence`` is used as given and never
    mutated, so passing the same value twice gives the same numbers; a ``Generator`` is
    advanced by one draw of four words, which seed a new sequence.

    Examples
    --------
    >>> as_seed_sequence(42).entropy
    42
    >>> as_seed_sequence(np.random.SeedSequence(7)).entropy
    7
    """
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        words = rng.integers(0, 2**63, size=4, dtype=np.int64)
        return np.random.SeedSequence([int(w) for w in words])
    if isinstance(rng, (list, tuple)) and rng and all(
            isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in rng):
        if min(rng) < 0:
            raise InvalidValue(f"rng must hold non-negative ints; got {list(rng)}")
        return np.random.SeedSequence([int(x) for x in rng])
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise InvalidType(
            f"rng must be None, a non-negative int, a non-empty list of them, a numpy "
            f"SeedSequence or a numpy Generator; got {rng!r} of type {type(rng).__name__}"
        )
    if rng < 0:
        raise InvalidValue(f"rng must be a non-negative int; got {rng}")
    return np.random.SeedSequence(int(rng))


def _child(seq: np.random.SeedSequence, r: int) -> np.random.SeedSequence:
    # Built directly rather than with seq.spawn(): spawn() counts the children it has
    # handed out, so a second call would give different streams for the same seq.
    return np.random.SeedSequence(
        seq.entropy, spawn_key=tuple(seq.spawn_key) + (r,), pool_size=seq.pool_size
    )


def run_states(seq: np.random.SeedSequence, runs: int, start: int = 0) -> np.ndarray:
    """Return the xoshiro256** states of runs ``start .. start+runs-1``, shape (runs, 4).

    Row ``i`` is the state of child stream ``start + i`` of ``seq``; it is never all
    zero (the one state xoshiro cannot leave).

    Examples
    --------
    >>> s = run_states(np.random.SeedSequence(1), 3)
    >>> s.shape, s.dtype
    ((3, 4), dtype('uint64'))
    >>> bool((run_states(np.random.SeedSequence(1), 1, start=2) == s[2]).all())
    True
    """
    prefix = _entropy_prefix(seq)
    if prefix is not None and start + runs <= 2**63:
        return child_states(prefix, start, runs)  # never all zero either
    states = np.empty((runs, _STATE_WORDS), dtype=np.uint64)  # unusual pool sizes: numpy
    for i in range(runs):
        states[i] = _child(seq, start + i).generate_state(_STATE_WORDS, np.uint64)
    states[~states.any(axis=1), 0] = 1  # all-zero: probability 2**-256, cheap to rule out
    return states


def _words(value) -> list[int]:
    """The uint32 words numpy reads from a non-negative int (low word first)."""
    value = int(value)
    words = [value & 0xFFFFFFFF]
    value >>= 32
    while value:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
    return words


def _entropy_prefix(seq: np.random.SeedSequence):
    """Entropy words padded to the pool, then the spawn key's: what every child shares."""
    if seq.pool_size != POOL:
        return None
    entropy = seq.entropy
    if type(entropy) is int and 0 <= entropy < 2**32 and not seq.spawn_key:
        return np.array([entropy, 0, 0, 0], dtype=np.uint32)  # the common case, quickly
    if isinstance(entropy, np.ndarray):
        entropy = entropy.tolist()
    items = entropy if isinstance(entropy, (list, tuple)) else [entropy]
    try:
        run = [w for x in items for w in _words(x)]
    except (TypeError, ValueError):
        return None
    run += [0] * (POOL - len(run))
    key = [w for k in seq.spawn_key for w in _words(k)]
    return np.array(run + key, dtype=np.uint32)


def seed_record(seq: np.random.SeedSequence) -> dict:
    """Return the JSON-ready facts that reproduce ``seq``: entropy, spawn key (and the
    pool size when it is not numpy's default), so ``SeedSequence(**record)`` rebuilds it.
    """
    entropy = np.asarray(seq.entropy, dtype=object)
    entropy = int(entropy) if entropy.ndim == 0 else [int(x) for x in entropy.ravel()]
    record = {"entropy": entropy, "spawn_key": [int(k) for k in seq.spawn_key]}
    if seq.pool_size != 4:
        record["pool_size"] = int(seq.pool_size)
    return record


def population_stream(seed) -> np.random.SeedSequence:
    """The stream an experiment's population is drawn with: child ``2**32 + 2`` of
    ``SeedSequence(seed)``, apart from the runs' ``0, 1, ...`` and seeding's ``2**32``."""
    root = np.random.SeedSequence(seed)
    return np.random.SeedSequence(root.entropy, spawn_key=(2**32 + 2,))
