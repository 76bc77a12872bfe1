"""Exact ERM for small ReLU nets (depth2.learners.exact_relu): cells, per-cell QPs, branch and bound, learner."""

from __future__ import annotations

import itertools
import logging
import math

import numpy as np
import pytest
from scipy.optimize import minimize

import depth2.learners as learners
from depth2.learners.exact_relu import _group_cells, _GroupBound, _Solver, _UnitBound, count_cells, exact_relu_erm

FANO = [(0, 1, 2), (0, 3, 4), (0, 5, 6), (1, 3, 5), (1, 4, 6), (2, 3, 6), (2, 4, 5)]


def _sse(X, y, V, signs):
    r = np.maximum(X @ V, 0.0) @ signs - y
    return float(r @ r)


def _hypergraph(N, edges):
    """Reduction B: (e_v, 1) per vertex, (1_E, 0) per edge."""
    X = np.vstack([np.eye(N)] + [np.bincount(list(e), minlength=N)[None, :].astype(float) for e in edges])
    return X, np.concatenate([np.ones(N), np.zeros(len(edges))])


def _brute_one(X, y, s):
    """min over all 2^m patterns of the m points that need one (y s > 0), each by the per-cell QP (polished)."""
    sol = _Solver(X, y, np.array([float(s)]), 1e-9)
    prim = np.flatnonzero(s * y > 0)
    best = _sse(X, y, np.zeros((X.shape[1], 1)), np.array([float(s)]))
    for bits in itertools.product((0, 1), repeat=prim.size):
        act = np.full((len(y), 1), -1, dtype=np.int8)
        act[prim, 0] = bits
        L = sol.leaf(act)
        v, W = sol.polish(L, sol.solve(L)[1])
        best = min(best, v)
    return best


def _brute_full(X, y, signs):
    """min over all 2^(n k) patterns (every point patterned in every unit)."""
    n = len(y)
    k = len(signs)
    sol = _Solver(X, y, np.asarray(signs, dtype=float), 1e-9)
    best = np.inf
    for bits in itertools.product((0, 1), repeat=n * k):
        act = np.array(bits, dtype=np.int8).reshape(n, k)
        L = sol.leaf(act)
        best = min(best, sol.polish(L, sol.solve(L)[1])[0])
    return best


# ---------------------------------------------------------------- cells


@pytest.mark.parametrize("n,d", [(5, 2), (9, 2), (12, 3), (25, 3), (10, 4), (9, 5)])
def test_cell_count_general_position(n, d):
    X = np.random.default_rng(100 * n + d).standard_normal((n, d))
    assert count_cells(X) == 2 * sum(math.comb(n - 1, i) for i in range(d))


def test_cell_count_degenerate():
    rng = np.random.default_rng(1)
    assert count_cells(np.eye(6)) == 2**6  # independent normals: every sign vector
    assert count_cells(np.eye(4)[:3]) == 8  # fewer normals than dimensions
    X = rng.standard_normal((7, 3))
    base = count_cells(X)
    # repeated (also negated, rescaled) normals and zero rows add no cell
    assert count_cells(np.vstack([X, -2.0 * X[:3], np.zeros((2, 3))])) == base
    # normals in a plane of R^3 (rank 2): m distinct lines give 2m cells
    P = np.hstack([rng.standard_normal((6, 2)), np.zeros((6, 1))]) @ np.linalg.qr(rng.standard_normal((3, 3)))[0]
    assert count_cells(P) == 12
    # 3 coordinate planes + the plane x+y+z=0 in R^3: 14 cells (the orthants (+++) and (---) are not cut)
    assert count_cells(np.vstack([np.eye(3), np.ones((1, 3))])) == 14


# ---------------------------------------------------------------- one ReLU


@pytest.mark.parametrize("seed", range(6))
def test_one_relu_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, d, bias = 6 + seed % 3, 2 + seed % 2, seed >= 3
    X = rng.standard_normal((n, d))
    if bias:
        X = np.hstack([X, np.ones((n, 1))])
    y = rng.standard_normal(n)
    res = exact_relu_erm(X, y)
    brute = min(_brute_one(X, y, 1), _brute_one(X, y, -1))
    assert res.loss * n == pytest.approx(brute, rel=1e-8, abs=1e-10)
    assert _sse(X, y, res.V, res.signs) / n == pytest.approx(res.loss, rel=1e-12)
    assert not res.timed_out and res.cells <= res.cells_total


@pytest.mark.parametrize("seed", [11, 12])
def test_no_local_optimum_beats_exact(seed):
    rng = np.random.default_rng(seed)
    n, d = 9, 3
    X = np.hstack([rng.standard_normal((n, d - 1)), np.ones((n, 1))])
    y = np.maximum(X @ rng.standard_normal(d), 0.0) + 0.5 * rng.standard_normal(n)
    exact = exact_relu_erm(X, y).loss * n
    found = []
    for _ in range(30):
        for s in (1.0, -1.0):
            def f(w, s=s):
                return float(np.sum((s * np.maximum(X @ w, 0.0) - y) ** 2))
            found.append(minimize(f, 2.0 * rng.standard_normal(d), method="Powell").fun)
    assert min(found) >= exact - 1e-9
    assert min(found) <= exact + 1e-3  # and the restarts do reach it (the bound is not vacuous)


def test_planted_relu_is_recovered():
    rng = np.random.default_rng(3)
    n, d = 30, 3
    X = rng.standard_normal((n, d))
    w, b = rng.standard_normal(d), 0.3
    y = np.maximum(X @ w + b, 0.0)
    fit = learners.get("exact")(X, y, rng=np.random.default_rng(0), signs=[1])
    assert fit.info["loss"] <= 1e-10
    assert np.allclose(fit.predict(X), y, atol=1e-5)
    Xt = rng.standard_normal((200, d))  # the active points span R^4: the teacher itself is recovered
    assert np.allclose(fit.predict(Xt), np.maximum(Xt @ w + b, 0.0), atol=1e-4)


# ---------------------------------------------------------------- k units


@pytest.mark.parametrize("seed", [0, 1])
def test_two_units_every_sign_vector_matches_brute_force(seed):
    rng = np.random.default_rng(20 + seed)
    n = 4
    X = np.hstack([rng.standard_normal((n, 1)), np.ones((n, 1))])
    y = np.maximum(X @ rng.standard_normal((2, 2)), 0.0) @ np.array([1.0, -1.0]) + 0.3 * rng.standard_normal(n)
    results = {}
    for signs in ([1, 1], [1, -1], [-1, -1], [-1, 1]):
        res = exact_relu_erm(X, y, width=2, signs=signs)
        assert np.array_equal(res.signs, signs)
        brute = _brute_full(X, y, np.sort(np.array(signs, float))[::-1])  # the solver wants + units first
        assert res.loss * n == pytest.approx(brute, rel=1e-7, abs=1e-9)
        results[tuple(signs)] = res.loss
    assert results[(1, -1)] == pytest.approx(results[(-1, 1)], rel=1e-9, abs=1e-12)
    free = exact_relu_erm(X, y, width=2)
    assert free.loss == pytest.approx(min(results.values()), rel=1e-9, abs=1e-12)


def test_hypergraph_two_colouring():
    # 2-colourable (colours {0,1,2} / {3,4,5}; every edge meets both): zero loss with signs (+,+)
    X, y = _hypergraph(6, [(0, 1, 3), (0, 4, 5), (1, 2, 5), (2, 3, 4), (0, 2, 4)])
    res = exact_relu_erm(X, y, width=2, signs=[1, 1])
    assert res.loss <= 1e-10
    colour = np.argmax(res.V, axis=1)  # a unit with positive weight on v colours v properly
    for e in [(0, 1, 3), (0, 4, 5), (1, 2, 5), (2, 3, 4), (0, 2, 4)]:
        assert len(set(colour[list(e)])) == 2
    # Fano plane: not 2-colourable, OPT = 1 in sum units (1/14 mean); the digest's 1.000
    X, y = _hypergraph(7, FANO)
    res = exact_relu_erm(X, y, width=2, signs=[1, 1])
    assert res.loss * len(y) == pytest.approx(1.0, abs=1e-8)
    assert res.pruned > 0 and res.cells + res.pruned <= res.cells_total


def test_graph_three_colouring_k3():
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 0)]  # 3-colourable
    X = np.vstack([np.eye(5)] + [np.eye(5)[u] + np.eye(5)[v] for u, v in edges])
    y = np.concatenate([np.ones(5), np.zeros(len(edges))])
    res = exact_relu_erm(X, y, width=3, signs=[1, 1, 1])
    assert res.loss <= 1e-10


def test_leaf_bounds_never_exceed_the_leaf_optimum():
    """The count + per-unit bound and the group bound are lower bounds of every leaf's exact value."""
    rng = np.random.default_rng(9)
    N, k = 5, 3
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (0, 4), (1, 3)]
    X = np.vstack([np.eye(N)] + [np.eye(N)[u] + np.eye(N)[v] for u, v in edges])
    y = np.concatenate([np.ones(N), np.zeros(len(edges))]) + 0.3 * rng.standard_normal(N + len(edges))
    prim = np.flatnonzero(y > 0)
    cells = _group_cells(X, prim)
    ub = _UnitBound(X, y, 1.0, prim, cells, 1e-9)
    gb = _GroupBound(X, y, 1.0, prim, k, 1e-9)
    assert gb.ok
    T = np.sort(rng.integers(0, len(cells), size=(60, k)), axis=1)
    A = cells[T]
    count = float(np.sum(y[y < 0] ** 2)) + (~A.any(axis=1)).astype(float) @ (y[prim] ** 2)
    lower_u, lower_g = count + ub.block(T), gb.block(A)
    sol = _Solver(X, y, np.ones(k), 1e-9)
    gaps = []
    for t in range(len(T)):
        act = np.full((len(y), k), -1, dtype=np.int8)
        act[prim] = A[t].T
        L = sol.leaf(act)
        val = sol.polish(L, sol.solve(L)[1])[0]
        assert lower_u[t] <= val + 1e-9 and lower_g[t] <= val + 1e-9
        gaps.append(val - max(lower_u[t], lower_g[t]))
    assert min(gaps) < 1e-6 < max(gaps)  # tight on some leaves, not on all: the bounds do work


# ---------------------------------------------------------------- budget, learner, logging, errors


def test_time_budget_stops_cleanly():
    rng = np.random.default_rng(5)
    n = 120
    X = np.hstack([rng.standard_normal((n, 4)), np.ones((n, 1))])
    y = rng.standard_normal(n)
    res = exact_relu_erm(X, y, width=2, time_budget=0.3)
    assert res.timed_out
    assert np.isfinite(res.loss) and res.loss <= float(y @ y) / n + 1e-12
    assert _sse(X, y, res.V, res.signs) / n == pytest.approx(res.loss, rel=1e-12)
    assert res.seconds < 5.0


def test_learner_predict_reproduces_loss_and_ignores_rng(caplog):
    rng = np.random.default_rng(8)
    n = 12
    X = rng.standard_normal((n, 2))
    y = np.abs(X[:, 0]) + 0.1 * rng.standard_normal(n)
    fit_fn = learners.get("exact")
    with caplog.at_level(logging.INFO, logger="depth2.learners.exact_relu"):
        fit = fit_fn(X, y, rng=np.random.default_rng(1), width=2, signs=[1, 1])
    assert any("exact" in r.getMessage() for r in caplog.records)
    assert fit.model == "relu_net"
    assert fit.params["W"].shape == (2, 2) and fit.params["b"].shape == (2,) and fit.params["a"].shape == (2,)
    mse = float(np.mean((fit.predict(X) - y) ** 2))
    assert mse == pytest.approx(fit.info["loss"], rel=1e-10, abs=1e-14)
    assert fit.info["loss"] < 0.05  # |x_1| = relu(x_1) + relu(-x_1)
    again = fit_fn(X, y, rng=np.random.default_rng(99), width=2, signs=[1, 1])
    assert np.array_equal(again.params["W"], fit.params["W"])
    nob = fit_fn(X, y, rng=np.random.default_rng(1), width=1, bias=False)
    assert np.all(nob.params["b"] == 0.0)
    assert float(np.mean((nob.predict(X) - y) ** 2)) == pytest.approx(nob.info["loss"], rel=1e-10)


@pytest.mark.parametrize("kwargs,match", [
    ({"width": 0}, "width"),
    ({"width": 2.5}, "width"),
    ({"width": 2, "signs": [1]}, "signs"),
    ({"signs": [0]}, "signs"),
    ({"time_budget": -1.0}, "time_budget"),
    ({"time_budget": float("nan")}, "time_budget"),
    ({"tol": 0.0}, "tol"),
    ({"tol": 0.5}, "tol"),
])
def test_bad_arguments_raise(kwargs, match):
    X, y = np.ones((4, 2)), np.ones(4)
    with pytest.raises(ValueError, match=match):
        exact_relu_erm(X, y, **kwargs)


def test_bad_data_and_unknown_parameters_raise():
    X, y = np.ones((4, 2)), np.ones(4)
    with pytest.raises(ValueError, match="X"):
        exact_relu_erm(np.ones(4), y)
    with pytest.raises(ValueError, match="y"):
        exact_relu_erm(X, np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        exact_relu_erm(np.where(X > 0, np.nan, X), y)
    with pytest.raises(ValueError, match="X"):
        count_cells(np.ones(3))
    fit_fn = learners.get("exact")
    with pytest.raises(TypeError, match="unknown parameter"):
        fit_fn(X, y, rng=np.random.default_rng(0), steps=10)
    with pytest.raises(ValueError, match="bias"):
        fit_fn(X, y, rng=np.random.default_rng(0), bias="yes")
