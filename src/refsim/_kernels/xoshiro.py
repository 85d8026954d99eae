"""xoshiro256** (Blackman & Vigna 2018) for use inside numba kernels.

Each run owns a 4-word state, seeded from its own ``SeedSequence`` child (see
``refsim._rng.run_states``); no generator is ever shared between threads.
"""

import numpy as np
from numba import njit

_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U5 = np.uint64(5)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U64 = np.uint64(64)
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(inline="always", cache=True)
def _rotl(x, k):
    return (x << k) | (x >> (_U64 - k))


@njit(inline="always", cache=True)
def next_u64(s):
    """Advance state ``s`` (uint64[4]) and return the next 64-bit output."""
    s0 = s[0]
    s1 = s[1]
    s2 = s[2]
    s3 = s[3]
    result = _rotl(s1 * _U5, _U7) * _U9
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _U45)
    s[0] = s0
    s[1] = s1
    s[2] = s2
    s[3] = s3
    return result


@njit(inline="always", cache=True)
def next_double(s):
    """Return a float64 uniform on [0, 1) with 53 random bits."""
    return np.float64(next_u64(s) >> _U11) * _INV_2_53


@njit(inline="always", cache=True)
def next_open_closed(s):
    """Return a float64 uniform on (0, 1]: safe to take the logarithm of."""
    return 1.0 - next_double(s)


@njit(cache=True)
def fill_doubles(state, out):
    """Fill ``out`` with successive doubles from a copy of ``state``.

    Each double is uniform on [0, 1) with 53 random bits, as ``next_double`` draws them
    inside the kernels; ``state`` itself is left as it was. Used by tests and by the
    generators that need a batch of uniforms in Python.

    Parameters
    ----------
    state : uint64[4]
        xoshiro256** state to start from (not advanced).
    out : float64[k]
        Array to fill, in place.

    Returns
    -------
    out : float64[k]
        The same array, filled.

    Examples
    --------
    The reference state (1, 2, 3, 4) first outputs 11520 and 0; a double keeps the top
    53 bits of an output, so 11520 gives ``(11520 >> 11) * 2**-53 = 5 * 2**-53``:

    >>> import numpy as np
    >>> from refsim._kernels.xoshiro import fill_doubles
    >>> state = np.array([1, 2, 3, 4], np.uint64)
    >>> out = fill_doubles(state, np.empty(3))
    >>> bool(out[0] == 5 * 2.0**-53), float(out[1]), state.tolist()
    (True, 0.0, [1, 2, 3, 4])
    """
    s = state.copy()
    for i in range(out.shape[0]):
        out[i] = next_double(s)
    return out
