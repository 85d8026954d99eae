"""Every kernel entry point keeps a numpydoc docstring with a runnable example.

An entry point is a function of a ``refsim._kernels`` module that the rest of the package
imports or references (``from .._kernels.rrsets import rr_sets``, or
``from .._kernels import cascade`` and then ``cascade.independent_cascade``). They are
found by parsing the package's sources, so a kernel that starts being used outside
``_kernels`` is held to the same standard without editing this file. The examples
themselves run as doctests (``--doctest-modules``).
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import refsim

PACKAGE = Path(refsim.__file__).resolve().parent
KERNELS = "refsim._kernels"


def _module_name(path, root=PACKAGE):
    """Dotted name of the module at ``path`` (a file under the package ``root``)."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module, node, is_package):
    """The module an ``ImportFrom`` node imports from, made absolute."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def kernel_references(source, module, is_package=False):
    """``{(kernel module, name)}`` that ``source`` (module ``module``) imports from, or
    reads as an attribute of, a module of ``refsim._kernels``."""
    tree = ast.parse(source)
    found = set()
    aliases = {}  # local name -> kernel module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _absolute(module, node, is_package)
            for alias in node.names:
                local = alias.asname or alias.name
                if origin == KERNELS:  # from .._kernels import cascade
                    aliases[local] = f"{KERNELS}.{alias.name}"
                elif origin.startswith(KERNELS + "."):  # from .._kernels.x import f
                    found.add((origin, alias.name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(KERNELS + ".") and alias.asname:
                    aliases[alias.asname] = alias.name  # import refsim._kernels.x as x
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            found.add((aliases[node.value.id], node.attr))
    return found


def entry_points():
    """The kernel functions used outside ``_kernels``, as sorted (module, name) pairs
    (constants such as ``referral.TALLY`` are left out)."""
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_kernels" in path.relative_to(PACKAGE).parts:
            continue
        found |= kernel_references(path.read_text(encoding="utf-8"), _module_name(path),
                                   path.name == "__init__.py")
    out = []
    for module, name in sorted(found):
        obj = getattr(importlib.import_module(module), name, None)
        assert obj is not None, f"{module}.{name} is referenced but does not exist"
        if callable(obj):
            out.append((module, name))
    return out


ENTRY_POINTS = entry_points()
SECTION = re.compile(r"^[ \t]*([A-Z][A-Za-z ]*)\n[ \t]*-{3,}[ \t]*$", re.MULTILINE)


def sections(doc):
    """``{title: body}`` of the numpydoc sections of a (dedented) docstring."""
    marks = list(SECTION.finditer(doc))
    return {m.group(1).strip(): doc[m.end():nxt.start() if nxt else len(doc)]
            for m, nxt in zip(marks, marks[1:] + [None])}


def documented_names(body):
    """Names a ``Parameters`` section describes: ``name : type`` or ``a, b : type``
    lines at the section's own indentation."""
    lines = [line for line in body.splitlines() if line.strip()]
    if not lines:
        return set()
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    names = set()
    for line in lines:
        if len(line) - len(line.lstrip()) == indent:
            head = line.strip().split(" : ")[0].rstrip(":")
            names.update(part.strip() for part in head.split(","))
    return names


def _signature(obj):
    return inspect.signature(getattr(obj, "py_func", obj))  # numba keeps the function


def test_the_parser_finds_every_way_of_referring_to_a_kernel():
    source = inspect.cleandoc("""
        from .._kernels import graphgen, xoshiro as xo
        from .._kernels.rrsets import rr_sets
        from refsim._kernels.build import undirected_csr as csr
        import refsim._kernels.structure as st
        from ..other import graphgen as unrelated
        def f():
            from .._kernels.seedseq import POOL
            return graphgen.gnp_pairs, xo.fill_doubles, st.components, unrelated.x
        """)
    assert kernel_references(source, "refsim.generators.classic") == {
        ("refsim._kernels.graphgen", "gnp_pairs"), ("refsim._kernels.xoshiro", "fill_doubles"),
        ("refsim._kernels.rrsets", "rr_sets"), ("refsim._kernels.build", "undirected_csr"),
        ("refsim._kernels.structure", "components"), ("refsim._kernels.seedseq", "POOL")}
    # one level up from a package's __init__ is the package's parent
    assert kernel_references("from ._kernels import cascade\ncascade.linear_threshold",
                             "refsim", is_package=True) == {
        ("refsim._kernels.cascade", "linear_threshold")}


def test_the_parser_reads_numpydoc_sections():
    doc = inspect.cleandoc('''Summary.

        Parameters
        ----------
        a, b : int64[n]
            Two arrays.
        c : float
            A number: not a name.

        Returns
        -------
        out : int64[n]
        ''')
    found = sections(doc)
    assert set(found) == {"Parameters", "Returns"}
    assert documented_names(found["Parameters"]) == {"a", "b", "c"}


def test_entry_points_are_found():
    assert ENTRY_POINTS, "no kernel entry point found: the source parsing is broken"


@pytest.mark.parametrize("module, name", ENTRY_POINTS,
                         ids=[f"{m.rsplit('.', 1)[1]}.{n}" for m, n in ENTRY_POINTS])
def test_entry_point_has_a_numpydoc_docstring_with_an_example(module, name):
    obj = getattr(importlib.import_module(module), name)
    where = f"{module}.{name}"
    doc = inspect.getdoc(obj)
    assert doc, f"{where} has no docstring"
    assert doc.splitlines()[0].strip(), f"{where}: the docstring must open with a summary"
    found = sections(doc)
    for title in ("Parameters", "Returns", "Examples"):
        assert title in found, f"{where}: no {title} section"
        assert found[title].strip(), f"{where}: the {title} section is empty"
    assert ">>> " in found["Examples"], f"{where}: the Examples section has no doctest"
    missing = [p for p in _signature(obj).parameters
               if p not in documented_names(found["Parameters"])]
    assert not missing, f"{where}: Parameters does not describe {missing}"


def test_every_kernel_entry_point_is_compiled():
    """A kernel left as plain Python gives the same numbers some hundred times slower:
    every entry point is a numba dispatcher, or a Python front whose ``kernel`` is one
    (it only gives the arguments one type each; under NUMBA_DISABLE_JIT they are plain
    functions by design, so this runs only with the compiler on)."""
    from numba import config
    from numba.core.registry import CPUDispatcher

    if config.DISABLE_JIT:
        pytest.skip("numba is disabled (NUMBA_DISABLE_JIT)")
    plain = []
    for module, name in sorted(entry_points()):
        obj = getattr(importlib.import_module(module), name)
        if not isinstance(getattr(obj, "kernel", obj), CPUDispatcher):
            plain.append(f"{module}.{name}")
    assert not plain


def test_the_referral_kernel_compiles_once_whatever_the_arrays_writeability():
    """A fresh machine compiles the referral kernel once (about 25 s), not once
    per mix of read-only (a graph's) and writable arrays and omitted arguments."""
    import numpy as np
    from numba import config

    from refsim._kernels.referral import referral_runs
    from refsim._rng import run_states
    from refsim.referral import NO_LIFECYCLE

    def call(writable, number, **keep):
        indptr, indices = np.array([0, 1, 2]), np.array([1, 0], np.int32)
        arrays = [indptr, indices, np.full(2, -np.inf), np.ones(2), np.ones(2)]
        for a in arrays:
            a.setflags(write=writable)
        return referral_runs(*arrays, number(0), number(0), *NO_LIFECYCLE,
                             np.array([0], np.int32), np.array([0]), np.array([1]),
                             run_states(np.random.SeedSequence(0), 1), np.array([0]), 3, 1,
                             **keep)

    if config.DISABLE_JIT:
        pytest.skip("numba is disabled (NUMBA_DISABLE_JIT)")
    first = call(True, int)
    compiled = len(referral_runs.kernel.signatures)
    assert compiled >= 1  # the front ran the compiled kernel
    second = call(False, np.float64, keep=0)
    assert len(referral_runs.kernel.signatures) == compiled
    assert first[0].tolist() == second[0].tolist() == [[1, 2, 2, 2]]
