"""Numba kernels: arrays, scalars and RNG states in, arrays out. Private.

Callers (``refsim.simulate``) validate every index and probability first; nothing in
this package checks its input.
"""
