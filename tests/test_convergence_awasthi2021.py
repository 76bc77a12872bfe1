"""Convergence records of awasthi2021's iterative learners (issue 14): a deliberately tiny budget is reported
unconverged, a fit run to its own test converged."""

from __future__ import annotations

import numpy as np

from depth2 import learners
from depth2.core.tensor import best_refined_draw, dense_symmetric
from depth2.learners.base import CONVERGENCE_KEYS


def _net(seed: int = 4, n: int = 5000):
    rng = np.random.default_rng(seed)
    W = np.linalg.qr(rng.standard_normal((4, 2)))[0]
    a, b = np.array([1.0, -0.7]), np.array([0.3, -0.2])
    X = rng.standard_normal((n, 4))
    return X, np.maximum(X @ W + b, 0) @ a


def test_net_lbfgs_tiny_budget_is_unconverged_and_a_full_run_converged():
    X, y = _net()
    fit = learners.get("net_lbfgs")
    tiny = fit(X, y, rng=np.random.default_rng(1), width=2, max_iter=2)
    assert set(CONVERGENCE_KEYS) <= set(tiny.info)
    assert tiny.info["converged"] is False and tiny.info["steps"] == 2 and tiny.info["max_steps"] == 2
    full = fit(X, y, rng=np.random.default_rng(1), width=2, max_iter=3000)
    assert full.info["converged"] is True and full.info["steps"] < 3000
    assert full.info["rel_decrease"] is not None and full.info["grad_norm"] is not None


def test_refine_learner_reports_its_lbfgs_budget():
    X, y = _net(n=20_000)
    fit = learners.get("hermite_tensor+refine")
    tiny = fit(X, y, rng=np.random.default_rng(0), width=2, max_iter=1)
    assert tiny.info["converged"] is False and tiny.info["max_steps"] == 1
    full = fit(X, y, rng=np.random.default_rng(0), width=2, max_iter=2000)
    assert full.info["converged"] is True


def test_hermite_tensor_records_its_joint_refinement():
    """The tensor method's iterative step is the joint least-squares refinement of the kept draw."""
    rng = np.random.default_rng(3)
    V = rng.standard_normal((4, 3))
    V /= np.linalg.norm(V, axis=0)
    T3, T4 = dense_symmetric(rng.uniform(0.5, 1.5, 3), V, 3), dense_symmetric(rng.uniform(-1.5, -0.5, 3), V, 4)
    start = [(V + 0.2 * rng.standard_normal(V.shape), 1.0)]
    assert best_refined_draw(start, [T3, T4], screen_nfev=1, max_nfev=1)[2]["converged"] is False
    assert best_refined_draw(start, [T3, T4])[2]["converged"] is True
    X, y = _net(n=20_000)
    info = learners.get("hermite_tensor")(X, y, rng=np.random.default_rng(0), width=2).info
    assert set(CONVERGENCE_KEYS) <= set(info) and info["converged"] is True
