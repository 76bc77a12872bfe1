"""safran2022 claim predicates on constructed tables where they must pass and where they must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from depth2.claims import NOT_SUPPORTED, SUPPORTED
from depth2.papers.safran2022 import claims as C

BOUNDS = {"strong_fraction": 0.5, "weak_min_d": 10}


def _strong(top: float) -> pd.DataFrame:
    rows = []
    for law in ("cauchy", "sphere_sum"):
        for width, v in ((100, 0.8), (400, 0.6), (1600, top)):
            rows += [{"law": law, "d": 10, "width": width, "learner": "strong_net", "replicate": r,
                      "rel_mse": v * (1 + 0.02 * r)} for r in range(3)]
    return pd.DataFrame(rows)


def test_strong_learns_passes_and_fails():
    assert C.strong_learns({"strong_vs_width": _strong(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.strong_learns({"strong_vs_width": _strong(0.9)}, BOUNDS).verdict == NOT_SUPPORTED


def _weak(strong: float) -> pd.DataFrame:
    rows = []
    for d in (5, 10, 20):
        for learner, v in (("strong_net", strong), ("weak_net", 0.6), ("rf_ridge", 0.5)):
            rows += [{"d": d, "learner": learner, "replicate": r, "rel_mse": v + 0.01 * r} for r in range(3)]
    return pd.DataFrame(rows)


def test_strong_beats_weak_passes_and_fails():
    assert C.strong_beats_weak({"weak_vs_strong": _weak(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.strong_beats_weak({"weak_vs_strong": _weak(0.9)}, BOUNDS).verdict == NOT_SUPPORTED


def _movement(scale: float, mse: float) -> pd.DataFrame:
    steps = np.arange(0, 1001, 50)
    bound = 2 * steps * np.sqrt(0.25) / 3.0
    return pd.DataFrame({"d": 10, "replicate": 0, "step": steps, "movement": scale * bound,
                         "bound": bound + 1e-12, "mse": mse})


def test_movement_bound_passes_and_fails():
    assert C.movement_bound({"movement": _movement(0.1, 0.1)}, BOUNDS).verdict == SUPPORTED
    assert C.movement_bound({"movement": _movement(1.5, 0.1)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.movement_bound({"movement": _movement(0.1, 0.001)}, BOUNDS).verdict == NOT_SUPPORTED


def _ablation(clipped: float) -> pd.DataFrame:
    rows = []
    for law in ("gaussian", "cauchy"):
        for learner, v in (("strong_net", clipped), ("strong_net_sigmoid", 0.4), ("strong_net_linear", 0.4)):
            rows += [{"law": law, "learner": learner, "replicate": r, "rel_mse": v + 0.01 * r} for r in range(3)]
    return pd.DataFrame(rows)


def test_clipped_beats_linear_passes_and_fails():
    assert C.clipped_beats_linear({"output_ablation": _ablation(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.clipped_beats_linear({"output_ablation": _ablation(0.7)}, BOUNDS).verdict == NOT_SUPPORTED


def test_movement_bound_without_gd_rows_is_inconclusive():
    df = _movement(0.1, 0.1).assign(bound=np.nan)  # Adam only: the bound does not apply
    assert C.movement_bound({"movement": df}, BOUNDS).verdict == "inconclusive"


def test_predicates_read_the_final_step_of_traced_fits():
    """A traced fit has one row per logged step; only the last step is the fitted model."""
    path = []
    for step, v in ((0, 2.0), (500, 0.9), (1000, 0.2)):  # starts far above the bound, ends below it
        path.append(_strong(v).assign(step=step))
    df = pd.concat(path, ignore_index=True)
    assert C.strong_learns({"strong_vs_width": df}, BOUNDS).verdict == SUPPORTED
    reverse = pd.concat([p.assign(step=1000 - p["step"]) for p in path], ignore_index=True)
    assert C.strong_learns({"strong_vs_width": reverse}, BOUNDS).verdict == NOT_SUPPORTED
