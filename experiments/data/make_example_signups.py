"""How experiments/data/example_signups.csv was made: one run of the model of
experiments/calibrate_example.toml at known values (a synthetic company, so that a
calibration can be checked against the truth):

    share 0.2, ad_rate 0.0005, forget_rate 0.1, lifecycle.churn_passive 0.01

Run from the repository root: python experiments/data/make_example_signups.py
"""

import pandas as pd

from refsim.calibrate.run import _Simulator
from refsim.experiment.config import load_config

TRUTH = {"model.share": 0.2, "model.ad_rate": 0.0005, "model.forget_rate": 0.1,
         "lifecycle.churn_passive": 0.01}

cfg = load_config("experiments/calibrate_example.toml")
names = ["new_customers", "referred_customers", "churned"]
out = _Simulator(cfg, names, 1, 20).run(TRUTH, stream=20260105)
frame = pd.DataFrame({"period": pd.date_range("2026-01-05", periods=20, freq="W-MON")
                      .strftime("%Y-%m-%d")})
for name in names:
    frame[name] = out[name].astype(int)
frame.to_csv("experiments/data/example_signups.csv", index=False)
print(frame.to_string(index=False))
