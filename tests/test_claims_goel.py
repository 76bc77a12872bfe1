"""goel2021 claim predicates on constructed tables where they must pass and where they must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd

from depth2.claims import INCONCLUSIVE, NOT_SUPPORTED, SUPPORTED
from depth2.papers.goel2021 import claims as C

BOUNDS = {"success_tol": 1e-3, "far_less": 0.5, "slope_tol": 0.5, "slope_points": 3}


def _red_a(gap: float, timed_out: bool = False) -> pd.DataFrame:
    tau = np.array([2, 3, 3, 4, 5])
    return pd.DataFrame({"tau": tau.astype(float), "M": 900.0, "loss_sum": tau - gap, "timed_out": timed_out})


def test_reduction_a_passes_and_fails():
    assert C.reduction_a_separates({"reduction_a": _red_a(0.01)}, BOUNDS).verdict == SUPPORTED
    assert C.reduction_a_separates({"reduction_a": _red_a(1.2)}, BOUNDS).verdict == NOT_SUPPORTED  # OPT <= tau - 1
    assert C.reduction_a_separates({"reduction_a": _red_a(-0.5)}, BOUNDS).verdict == NOT_SUPPORTED  # OPT > tau
    assert C.reduction_a_separates({"reduction_a": _red_a(0.01, True)}, BOUNDS).verdict == INCONCLUSIVE


def _red_b(flip: bool) -> pd.DataFrame:
    col = np.array([True, True, False, False])
    real = col.copy()
    if flip:
        real[2] = True
    return pd.DataFrame({"colourable": col, "realizable": real, "loss_sum": np.where(real, 0.0, 1.0),
                         "timed_out": False})


def test_reduction_b_passes_and_fails():
    assert C.reduction_b_iff({"reduction_b": _red_b(False)}, BOUNDS).verdict == SUPPORTED
    assert C.reduction_b_iff({"reduction_b": _red_b(True)}, BOUNDS).verdict == NOT_SUPPORTED
    only = _red_b(False)
    only = only[only["colourable"]]
    assert C.reduction_b_iff({"reduction_b": only}, BOUNDS).verdict == INCONCLUSIVE


def _cost(power_offset: float) -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(0)
    for d, ns in ((2, [100, 200, 400, 800]), (3, [20, 40, 80, 160])):
        for n in ns:
            for r in range(3):
                cells = n ** (d - 1 + power_offset) * np.exp(0.02 * rng.standard_normal())
                rows.append({"d": d, "n": n, "replicate": r, "seconds": 1.0, "cells_total": cells, "timed_out": False})
    return pd.DataFrame(rows)


def test_solver_cost_passes_and_fails():
    assert C.solver_cost_slope({"solver_cost": _cost(0.0)}, BOUNDS).verdict == SUPPORTED
    assert C.solver_cost_slope({"solver_cost": _cost(1.0)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.solver_cost_slope({"solver_cost": _cost(-0.9)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.solver_cost_slope({"solver_cost": _cost(0.0).assign(timed_out=True)}, BOUNDS).verdict == INCONCLUSIVE


def _local(red_rate: float, teach_rate: float, n: int = 60) -> pd.DataFrame:
    rows = []
    for inst, width, rate in (("set_cover", 1, red_rate), ("planted", 2, red_rate), ("teacher", 1, teach_rate)):
        k = round(rate * n)
        rows += [{"instance": inst, "width": width, "learner": "net_adam", "restart": j, "success": j < k}
                 for j in range(n)]
    return pd.DataFrame(rows)


def test_local_search_passes_and_fails():
    assert C.local_search_fails({"local_search": _local(0.02, 0.9)}, BOUNDS).verdict == SUPPORTED
    assert C.local_search_fails({"local_search": _local(0.85, 0.9)}, BOUNDS).verdict == NOT_SUPPORTED
    assert C.local_search_fails({"local_search": _local(0.3, 0.8, n=10)}, BOUNDS).verdict == INCONCLUSIVE


def _grid(kind: str) -> pd.DataFrame:
    eps = np.array([0.5, 0.4, 0.3, 0.25, 0.2, 0.15])
    pts = 10 * np.exp(1.0 / eps) if kind == "exp" else 10 * (1 / eps) ** 3
    return pd.DataFrame({"regime": "realizable", "eps": eps, "seconds": 1.0, "grid_points": np.round(pts)})


def test_grid_exponential_passes_and_fails():
    assert C.grid_exponential({"project_grid": _grid("exp")}, BOUNDS).verdict == SUPPORTED
    assert C.grid_exponential({"project_grid": _grid("poly")}, BOUNDS).verdict == NOT_SUPPORTED
    few = _grid("exp").iloc[:2]
    assert C.grid_exponential({"project_grid": few}, BOUNDS).verdict == INCONCLUSIVE
