"""A model kind in its own importable module, registered when imported (as a user's
plug-in would be), for tests that run it in worker processes."""

import dataclasses

from broadcast_run import run_broadcast as run

from refsim.model_registry import (
    Metric,
    ModelKind,
    Series,
    cascade_metrics,
    reach_and_steps,
    register_model,
)
from refsim.params import ASSUMPTION, check_params, param


@dataclasses.dataclass(frozen=True)
class Shout:
    """Outside influence only: each step every non-adopter adopts with ``rate``; ``p``
    is a loudness with its own range (a name IC uses with another range)."""

    rate: float = param(0.1, "prob", unit="probability per step", source=ASSUMPTION,
                        meaning="Chance a non-adopter adopts, each step.")
    p: float = param(1.0, low=0.0, high=2.0, unit="ratio", source=ASSUMPTION,
                     meaning="Loudness (recorded, not used).")

    def __post_init__(self):
        check_params(self)


def per_run(result):
    out = reach_and_steps(result)
    out["order"] = result.n - result.final_sizes  # an SQL keyword as a column name
    return out


KIND = register_model(ModelKind(
    name="shout", cls=Shout, label="shout model", run=run,
    metrics=(*cascade_metrics(), Metric("order", "nodes", "Nodes that never adopted.")),
    per_run=per_run,
    series=(Series("adopters", "nodes", "Adopters, seeds included.", monotone=True),),
    curves=lambda result: {"adopters": result.curves},
    from_config=lambda cfg, graph: Shout(cfg["model"]["rate"], cfg["model"]["p"]),
    needs_steps=True), replace=True)
