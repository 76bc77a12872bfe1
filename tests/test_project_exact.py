"""The projection + exact-ERM proper learner (``project_exact``): the arrangement bound and the rows it affords,
equality with the exact solver on the projected rows, planted recovery, determinism and argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from depth2.learners import get
from depth2.learners import project_exact as pe
from depth2.learners.exact_relu import count_cells, exact_relu_erm

FIT = pe.fit_project_exact


def _teacher(n: int, d: int, seed: int, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    X = rng.standard_normal((n, d))
    return X, np.maximum(X @ w, 0.0) + noise * rng.standard_normal(n), w


def test_cells_bound_is_the_general_position_count_and_bounds_the_solver():
    assert pe.cells_bound(0, 3) == 0
    assert pe.cells_bound(5, 1) == 2 and pe.cells_bound(5, 2) == 10  # lines through the origin: 2 r sectors
    assert pe.cells_bound(4, 4) == 16 and pe.cells_bound(4, 6) == 16  # r <= dim: all 2^r sign vectors
    rng = np.random.default_rng(0)
    for r, dim in ((7, 2), (9, 3), (12, 3), (8, 4)):
        Xs = rng.standard_normal((r, dim))  # general position almost surely: the bound is attained
        assert count_cells(Xs) == pe.cells_bound(r, dim)


@pytest.mark.parametrize("dim,max_cells", [(2, 100), (3, 20_000), (4, 20_000), (6, 20_000), (3, 2)])
def test_affordable_rows_is_the_largest_count_within_the_budget(dim, max_cells):
    r = pe.affordable_rows(1000, dim, max_cells)
    assert 1 <= r <= 1000
    assert pe.cells_bound(r, dim) <= max_cells or r == 1
    if r < 1000:
        assert pe.cells_bound(r + 1, dim) > max_cells
    assert pe.affordable_rows(5, 2, 10**6) == 5  # everything fits: all rows


def test_equals_the_exact_solver_on_the_projected_rows():
    # With a given projection and rows the budget keeps whole, the learner is exact ERM on z = P x / s: the same
    # optimum (the solver's MSE), and its output, mapped back, predicts the same values on the rows.
    X, y, _ = _teacher(60, 8, seed=1, noise=0.1)
    P = np.random.default_rng(2).standard_normal((3, 8)) / math.sqrt(3)
    fit = FIT(X, y, rng=np.random.default_rng(3), projection=P, max_cells=10**6)
    assert fit.info["rows"] == 60 and fit.info["m"] == 3
    s = max(1.0, float(np.sqrt(np.max(np.sum(X * X, axis=1)))))
    res = exact_relu_erm(X @ P.T / s, y, width=1)
    assert fit.info["train_loss"] == pytest.approx(res.loss, rel=1e-9, abs=1e-12)
    pred = fit.predict(X)
    assert float(np.mean((pred - y) ** 2)) == pytest.approx(res.loss, rel=1e-9, abs=1e-12)


def test_recovers_a_planted_relu_when_the_projection_keeps_it():
    # Realizable teacher in R^3, projection = identity (m = d): exact ERM returns the teacher (loss 0, cos 1)
    # within the solver's tolerance; with a bias coordinate the bias is recovered too.
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 3))
    w, b0 = np.array([0.6, -0.8, 0.0]), 0.3
    y = np.maximum(X @ w + b0, 0.0)
    fit = FIT(X, y, rng=np.random.default_rng(5), projection=np.eye(3), bias=True, max_cells=10**6)
    assert fit.info["train_loss"] <= 1e-10
    W, b = fit.params["W"][:, 0], float(fit.params["b"][0])
    assert float(fit.params["a"][0]) == 1.0
    assert np.allclose(W, w, atol=1e-5) and b == pytest.approx(b0, abs=1e-5)


def test_keeps_the_rows_the_budget_affords_and_is_deterministic():
    X, y, _ = _teacher(500, 20, seed=6)
    a = get("project_exact")(X, y, rng=np.random.default_rng(7), eps=0.3, max_cells=5000)  # m = 3
    b = get("project_exact")(X, y, rng=np.random.default_rng(7), eps=0.3, max_cells=5000)
    assert a.info["m"] == 3 and a.info["rows"] == pe.affordable_rows(500, 3, 5000) < 500
    assert a.info["cells_total"] <= a.info["cells_bound"] <= 5000
    assert np.array_equal(a.params["W"], b.params["W"]) and a.info["rows"] == b.info["rows"]


@pytest.mark.parametrize("kw,match", [({"eps": 0.0}, "eps"), ({"regime": "exact"}, "regime"),
                                       ({"max_cells": 1}, "max_cells"), ({"bias": "yes"}, "bias"),
                                       ({"projection": np.ones((2, 3))}, "projection"), ({"width": 2}, "width"),
                                       ({"projection": np.ones((2, 5)), "m": 3}, "'m'")])
def test_bad_arguments_name_the_argument(kw, match):
    X, y, _ = _teacher(20, 5, seed=8)
    with pytest.raises(ValueError, match=match):
        FIT(X, y, rng=np.random.default_rng(0), **kw)
    with pytest.raises(TypeError):
        FIT(X, y, rng=np.random.default_rng(0), steps=3)


def test_both_proper_arms_search_the_same_projection_from_the_shared_stream():
    # depth2 fit hands both learners a generator of the stream PROJECTION_STREAM: the same P, so the arms differ
    # only in their search. With m = 2 and all rows kept, exact ERM over the projected single ReLUs (signs free)
    # fits at least as well as the grid, whose candidates a relu(<u, z>) are single ReLUs of the same projection.
    from depth2.learners import project_grid as pg

    X, y, _ = _teacher(300, 12, seed=9, noise=0.05)
    assert pe.fit_project_exact.shared_stream == pg.fit_project_grid.shared_stream == pg.PROJECTION_STREAM
    grid = pg.fit_project_grid(X, y, rng=np.random.default_rng(1), shared_rng=np.random.default_rng(42), eps=0.45)
    exact = FIT(X, y, rng=np.random.default_rng(2), shared_rng=np.random.default_rng(42), eps=0.45,
                max_cells=10**6)
    assert grid.info["m"] == exact.info["m"] == 2 and exact.info["rows"] == grid.info["rows"] == 300
    P = np.random.default_rng(42).standard_normal((2, 12)) / np.sqrt(2)
    # the outputs live in the row space of the shared P
    for W in (grid.params["W"][:, 0], exact.params["W"][:, 0]):
        coef = np.linalg.lstsq(P.T, W, rcond=None)[0]
        assert np.allclose(P.T @ coef, W, atol=1e-10)
    assert exact.info["train_loss"] <= grid.info["train_loss"] + 1e-9
