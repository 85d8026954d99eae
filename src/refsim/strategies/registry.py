"""The one door to every seeding strategy, the registry behind it, and budgets."""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from .._validation import check_int, check_nonnegative, show_value
from ..errors import InvalidType, InvalidValue
from ..graph import Graph

if TYPE_CHECKING:
    from typing import Any, TypeVar

    from numpy.typing import ArrayLike

    from .._rng import RngLike

    _F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["available_strategies", "register_strategy", "select_seeds", "seed_costs",
           "is_random", "param_problems", "check_request", "select_checked", "SeedRequest",
           "RESERVED"]


#: Arguments :func:`select_seeds` passes to every strategy itself; never parameters.
RESERVED = ("graph", "k", "budget", "costs", "model", "rng")


@dataclass(frozen=True)
class _Strategy:
    name: str
    fn: Callable
    chooses: bool  # True: returns the final seeds (handles k and budget itself)
    needs_model: bool
    summary: str
    random: object  # bool, or callable(graph, **params): whether the choice uses rng
    params: dict  # parameter name -> default
    check: Callable | None  # params -> checked params, raising on a bad value
    default_seed_sets: str  # for a random choice: "per_run" or (costly ones) "fixed"


_REGISTRY: dict[str, _Strategy] = {}


def _parameters(fn) -> dict:
    """A strategy's own parameters: its named arguments after ``graph``, less the
    reserved ones, with their defaults."""
    sig = inspect.signature(fn)
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    named = [p for p in sig.parameters.values() if p.kind in kinds][1:]
    return {p.name: (None if p.default is inspect.Parameter.empty else p.default)
            for p in named if p.name not in RESERVED}


def register_strategy(name: str, *, chooses: bool = False, needs_model: bool = False,
                      random: bool | Callable[..., bool] = False,
                      check: Callable | None = None,
                      default_seed_sets: str = "per_run") -> Callable[[_F], _F]:
    """Register a seeding strategy under ``name``, so code and configs can select it.

    The decorated function is called as ``fn(graph, *, k, budget, costs, model, rng,
    **params)``. A *ranking* strategy (the default) returns either one score per node
    (float array, higher is better) or node ids in order of preference (int array);
    :func:`select_seeds` then fills ``k`` or the budget in that order. A strategy with
    ``chooses=True`` returns the final seeds itself.

    Its parameters are its named keyword arguments other than the reserved ones
    (``k``, ``budget``, ``costs``, ``model``, ``rng``); :func:`select_seeds` refuses any
    other name. ``check``, if given, is called as ``check(**params)`` before any work and
    returns the parameters checked (raising ``ValueError`` on a bad value), so that a
    config can be checked without selecting seeds. ``random=True`` (or a function of
    the graph and the parameters returning whether) declares that the choice depends
    on ``rng``: campaigns then draw a fresh seed set in every run by default, so that
    their intervals include the variation of the choice; ``default_seed_sets="fixed"``
    makes one draw the default instead, for a strategy too costly to run once per run
    (the report then says that its intervals are conditional on that draw).

    Examples
    --------
    >>> @register_strategy("lowest_id_demo")
    ... def lowest_id(graph, **_):
    ...     return -np.arange(graph.n, dtype=float)
    >>> import refsim
    >>> g = refsim.generators.erdos_renyi(50, 4, rng=0)
    >>> select_seeds(g, "lowest_id_demo", k=3).tolist()
    [0, 1, 2]
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidValue(f"strategy name must be an identifier; got {name!r}")
    if default_seed_sets not in ("per_run", "fixed"):
        raise InvalidValue(f"default_seed_sets must be 'per_run' or 'fixed'; got "
                           f"{default_seed_sets!r}")

    def wrap(fn: _F) -> _F:
        summary = " ".join((inspect.getdoc(fn) or "").split("\n\n")[0].split())
        flag = random if callable(random) else bool(random)
        _REGISTRY[name] = _Strategy(name, fn, chooses, needs_model, summary, flag,
                                    _parameters(fn), check, default_seed_sets)
        return fn

    return wrap


def available_strategies() -> dict[str, str]:
    """Return ``{name: summary}`` (the docstring's first paragraph) of every strategy."""
    return {name: s.summary for name, s in sorted(_REGISTRY.items())}


def seed_costs(graph: Graph, model: object | None = None,
               costs: ArrayLike | None = None) -> np.ndarray:
    """Return each node's cost as a seed: ``costs`` if given, else the referral model's
    (segment fee plus per-follower price), else 1 per node.
    """
    if costs is not None:
        arr = np.asarray(costs, dtype=np.float64)
        if arr.shape != (graph.n,):
            raise InvalidValue(f"costs must have one value per node ({graph.n}); got shape "
                             f"{arr.shape}")
        if not (np.isfinite(arr).all() and (arr >= 0).all()):
            i = int(np.flatnonzero(~(np.isfinite(arr) & (arr >= 0)))[0])
            raise InvalidValue(f"costs[{i}] must be a finite number >= 0; got {arr[i]!r}")
        return arr
    if model is not None:
        from ..model_registry import model_kind

        hook = model_kind(model).seed_costs
        if hook is not None:
            return hook(graph, model, np.arange(graph.n))
    return np.ones(graph.n)


def select_seeds(graph: Graph, strategy: str, *, k: int | None = None,
                 budget: float | None = None, model: object | None = None,
                 rng: RngLike = None, costs: ArrayLike | None = None,
                 **params: Any) -> np.ndarray:
    """Return the seed nodes (int64 ids) a strategy picks for a campaign.

    Parameters
    ----------
    graph : Graph
    strategy : str
        A name from :func:`available_strategies` (``random``, ``degree``, ``pagerank``,
        ``kcore``, ``betweenness``, ``community``, ``nominated_friend``,
        ``degree_discount``, ``celf``, ``imm``, ``influencers``, ``micro_advocates``) or
        one registered with :func:`register_strategy`.
    k : int, optional
        Number of seeds, 0 <= k <= n (0: none, for a campaign whose programmes act on
        customers won otherwise).
    budget : float, optional
        Money to spend on seeds: seeds are added, in the strategy's order, while they
        fit (with ``k`` as well, at most k of them).
    model : IndependentCascade, LinearThreshold or ReferralModel, optional
        The diffusion model, needed by ``celf``, ``imm`` and ``degree_discount``; a
        ``ReferralModel`` also prices seeds by segment and audience.
    rng : None, int, SeedSequence or Generator
        Randomness for random strategies, samples and simulations.
    costs : array_like, optional
        Each node's cost as a seed; overrides the model's prices.
    **params
        Strategy parameters (e.g. ``epsilon`` and ``ell`` for ``imm``).

    Raises
    ------
    ValueError
        For an unknown strategy (the message lists the known ones), k outside 1..n, a
        budget that cannot buy one seed, or a bad strategy parameter.

    Examples
    --------
    >>> import refsim
    >>> g = refsim.generators.barabasi_albert(1000, 3, rng=1)
    >>> select_seeds(g, "degree", k=3).tolist()
    [4, 0, 2]
    >>> select_seeds(g, "degree", budget=2.5).tolist()
    [4, 0]
    """
    req = check_request(graph, strategy, k=k, budget=budget, model=model, costs=costs,
                        params=params)
    return select_checked(req, rng)


@dataclass(frozen=True)
class SeedRequest:
    """A checked call of :func:`select_seeds`: everything but the random stream."""

    graph: Graph
    entry: _Strategy
    k: int | None
    budget: float | None
    model: object
    price: np.ndarray
    params: dict

    @property
    def random(self) -> bool:
        """Whether this selection depends on its random stream."""
        flag = self.entry.random
        if callable(flag):
            names = set(inspect.signature(flag).parameters)
            return bool(flag(self.graph, **{k: v for k, v in self.params.items()
                                            if k in names}))
        return flag


def _strategy(strategy) -> _Strategy:
    entry = _REGISTRY.get(strategy) if isinstance(strategy, str) else None
    if entry is None:
        known = ", ".join(sorted(_REGISTRY))
        close = difflib.get_close_matches(str(strategy), list(_REGISTRY), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InvalidValue(f"unknown strategy {show_value(strategy)}{hint}; known: {known}")
    return entry


def is_random(strategy) -> bool:
    """Whether a registered strategy's choice can depend on its random stream (on some
    graphs; see :attr:`SeedRequest.random` for a given graph)."""
    return bool(_strategy(strategy).random)


def param_problems(strategy, params) -> list[tuple[str, str]]:
    """``(parameter, problem)`` for each parameter ``strategy`` cannot take: a reserved
    name, an unknown one (with a did-you-mean), or a value its check refuses."""
    entry = _strategy(strategy)
    if not isinstance(params, dict):
        return [("", f"strategy parameters must be a table; got {show_value(params)}")]
    out = []
    for key in params:
        if key in RESERVED:
            out.append((key, f"{key!r} is not a strategy parameter: refsim sets it "
                             f"(give the campaign's {key} instead)" if key in ("k", "budget")
                        else f"{key!r} is not a strategy parameter: refsim sets it"))
        elif key not in entry.params:
            allowed = sorted(entry.params)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = (f"did you mean {close[0]!r}?" if close else
                    (f"it takes {', '.join(allowed)}" if allowed else "it takes none"))
            out.append((key, f"strategy {entry.name!r} has no parameter {key!r}; {hint}"))
    if not out and entry.check is not None and params:
        try:
            entry.check(**params)
        except (ValueError, TypeError) as exc:
            out.append(("", f"strategy {entry.name!r}: {exc}"))
    return out


def check_request(graph: Graph, strategy: str, *, k: int | None = None,
                  budget: float | None = None, model: object | None = None,
                  costs: ArrayLike | None = None,
                  params: dict[str, Any] | None = None) -> SeedRequest:
    """Check a seed selection before any work (see :func:`select_seeds`)."""
    if not isinstance(graph, Graph):
        raise InvalidType(f"graph must be a refsim.Graph; got {type(graph).__name__}")
    if graph.n == 0:
        raise InvalidValue("graph is empty (0 nodes); there is nobody to seed")
    entry = _strategy(strategy)
    params = {} if params is None else params
    problems = param_problems(strategy, params)
    if problems:
        raise InvalidValue(problems[0][1])
    if entry.check is not None and params:
        # a check that takes the graph also checks the parameters against it
        takes = "graph" in inspect.signature(entry.check).parameters
        params = entry.check(**params, **({"graph": graph} if takes else {}))
    if k is None and budget is None:
        raise InvalidValue("give k (number of seeds) or budget (money for seeds), or both")
    if k is not None:
        k = check_int("k", k, minimum=0, maximum=graph.n)
    price = seed_costs(graph, model, costs)
    if budget is not None:
        budget = check_nonnegative("budget", budget)
        cheapest = float(price.min())
        if budget < cheapest:
            raise InvalidValue(f"budget {budget:g} cannot buy a single seed; the cheapest "
                               f"costs {cheapest:g}")
    if entry.needs_model and model is None:
        raise InvalidValue(f"strategy {strategy!r} needs a model (IndependentCascade, "
                           f"LinearThreshold or ReferralModel) to simulate")
    return SeedRequest(graph, entry, k, budget, model, price, dict(params))


def select_checked(req: SeedRequest, rng: RngLike = None) -> np.ndarray:
    """The seeds of a checked request, drawn with ``rng``."""
    graph, entry, k, budget = req.graph, req.entry, req.k, req.budget
    strategy = entry.name
    price = req.price
    limit = k if k is not None else graph.n
    if limit == 0:  # no seeds: the campaign's programmes act on customers won otherwise
        return np.empty(0, dtype=np.int64)
    out = entry.fn(graph, k=limit, budget=budget, costs=price, model=req.model, rng=rng,
                   **req.params)
    out = np.asarray(out)
    if entry.chooses:
        seeds = out.astype(np.int64)
    else:
        seeds = _fill(_order(out, graph.n, strategy), price, limit, budget)
    return _checked(seeds, graph.n, strategy)


def _order(out, n, name):
    if out.dtype.kind == "f":
        if out.shape != (n,):
            raise InvalidValue(f"strategy {name!r} returned {out.shape[0]} scores for {n} "
                             f"nodes")
        return np.lexsort((np.arange(n), -out))  # best score first, ties by id
    if out.dtype.kind in "iu" and out.ndim == 1:
        return out.astype(np.int64)
    raise InvalidType(f"strategy {name!r} must return scores (floats) or node ids (ints); "
                    f"got dtype {out.dtype}")


def _fill(order, price, k, budget):
    if budget is None:
        return order[:k]
    picks = []
    left = budget
    for u in order.tolist():
        if price[u] <= left:
            picks.append(u)
            left -= price[u]
            if len(picks) == k:
                break
    return np.array(picks, dtype=np.int64)


def _checked(seeds, n, name):
    if seeds.ndim != 1 or (seeds.size and (seeds.min() < 0 or seeds.max() >= n)):
        raise InvalidValue(f"strategy {name!r} returned node ids outside 0..{n - 1}")
    if np.unique(seeds).size != seeds.size:
        raise InvalidValue(f"strategy {name!r} returned a node more than once")
    return seeds
