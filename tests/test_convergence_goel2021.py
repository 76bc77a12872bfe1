"""Convergence records of goel2021's iterative learners (net_gd, net_adam): a deliberately tiny step budget is
reported unconverged, a fit run to its own test converged (issue 14's record, issue 19)."""

from __future__ import annotations

import numpy as np
import pytest

from depth2.learners import relu_search as rs
from depth2.learners.base import CONVERGENCE_KEYS
from depth2.papers.goel2021 import reductions as R


def _teacher(seed: int = 0, n: int = 60, d: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    return X, np.maximum(X @ w, 0.0)


@pytest.mark.parametrize("fit", [rs.fit_net_gd, rs.fit_net_adam])
def test_tiny_budget_is_unconverged(fit):
    X, y = _teacher()
    f = fit(X, y, rng=np.random.default_rng(1), width=1, bias=False, restarts=4, steps=3)
    assert set(CONVERGENCE_KEYS) <= set(f.info)
    assert f.info["converged"] is False
    assert f.info["steps"] == 3 and f.info["max_steps"] == 3
    assert not all(f.info["restart_converged"])


@pytest.mark.parametrize("fit", [rs.fit_net_gd, rs.fit_net_adam])
def test_converged_fit_is_reported_converged(fit):
    X, y = _teacher()
    f = fit(X, y, rng=np.random.default_rng(1), width=1, bias=False, restarts=4, steps=20_000)
    assert f.info["converged"] is True
    assert f.info["steps"] < f.info["max_steps"]
    assert all(f.info["restart_converged"])


def test_stuck_restarts_converge_by_the_relative_decrease_test():
    """On a Set Cover instance gradient descent stalls at a non-optimal stationary point: the windowed relative
    decrease stops it (converged), at a loss well above the exact optimum."""
    rng = np.random.default_rng(3)
    sets = R.random_set_system(rng, 6, 6, 0.3)
    X, y = R.set_cover_points(sets, 6, 9 * 36)
    f = rs.fit_net_gd(X, y, rng=np.random.default_rng(2), width=1, bias=False, restarts=6, steps=50_000)
    assert f.info["converged"] is True and f.info["steps"] < 50_000
    assert f.info["rel_decrease"] is not None and f.info["rel_decrease"] <= 1e-6
