"""The package ships ``py.typed``, so its public API must be annotated: every parameter
and return of every public function and method (``__init__`` needs no return)."""

import inspect
import pathlib

import pytest

import refsim
from refsim import analysis, experiment, model_registry, params

#: Modules whose ``__all__`` is the public API.
MODULES = (refsim, analysis, experiment, params, model_registry)


def public_callables():
    """``(qualified name, function)`` of every public function, and of every public
    method (plus ``__init__``) and property getter of every public class."""
    seen = set()
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(value, (classmethod, staticmethod)):
                        value = value.__func__
                    elif isinstance(value, property):
                        value = value.fget
                    if inspect.isfunction(value) and value not in seen:
                        seen.add(value)
                        yield f"{module.__name__}.{name}.{attr}", value


def unannotated(fn) -> list[str]:
    """The parameters (and ``return``) of ``fn`` that lack an annotation."""
    sig = inspect.signature(fn)
    missing = [p.name for p in sig.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty
               and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
        missing.append("return")
    return missing


def test_the_audit_sees_the_api():
    names = {q for q, _ in public_callables()}
    for expected in ("refsim.simulate", "refsim.Graph.from_edges", "refsim.Graph.__init__",
                     "refsim.Campaign.draw_seeds", "refsim.experiment.load_curves",
                     "refsim.params.Param.check", "refsim.model_registry.model_kind"):
        assert expected in names


@pytest.mark.parametrize("qualname, fn", list(public_callables()),
                         ids=[q for q, _ in public_callables()])
def test_public_api_is_annotated(qualname, fn):
    missing = unannotated(fn)
    assert not missing, f"{qualname} lacks annotations for {', '.join(missing)}"


def test_py_typed_is_in_the_package():
    assert (pathlib.Path(refsim.__file__).parent / "py.typed").is_file()
