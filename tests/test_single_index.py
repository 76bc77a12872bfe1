"""Exact population losses of a ReLU against the guo2025 families: formulas, Monte Carlo, gradients."""

from __future__ import annotations

import numpy as np
import pytest

from depth2.core.data import get_family
from depth2.core.gaussian import relu, relu_second_moment
from depth2.core.single_index import BatchQuadrature, exact_loss, optimal_loss, zero_loss
from depth2.papers.guo2025.data import eq4_opt_nominal, truncation_order


def _target(family: str, b: float, d: int = 6, seed: int = 0, **params):
    v = np.random.default_rng(seed).standard_normal(d)
    v /= np.linalg.norm(v)
    return get_family(family).population({"b": b, **params}, {"v": v})


@pytest.mark.parametrize("b", [0.0, -1.0, -2.5, -4.0])
def test_eq4_planted_loss_is_half_opt_nominal_and_zero_ratio_is_201(b):
    t = _target("guo2025.eq4", b, alpha=1.0)
    planted = exact_loss(t, t.v, b)
    assert planted == pytest.approx(eq4_opt_nominal(b, 1.0) / 2, rel=1e-9)
    assert zero_loss(t) / planted == pytest.approx(201.0, rel=1e-9)


def test_eq4_planted_relu_is_optimal():
    for b in (-1.0, -3.0):
        t = _target("guo2025.eq4", b, alpha=1.0)
        assert optimal_loss(t) == pytest.approx(exact_loss(t, t.v, b), rel=1e-6)


def test_realizable_opt_is_half_the_noise():
    t = _target("guo2025.realizable", -2.0, kappa=0.01)
    assert exact_loss(t, t.v, -2.0) == pytest.approx(0.005 * float(relu_second_moment(-2.0)), rel=1e-10)


@pytest.mark.parametrize("family", ["guo2025.eq4", "guo2025.realizable", "guo2025.hermite_truncated"])
def test_exact_loss_matches_monte_carlo_for_an_off_target_candidate(family):
    t = _target(family, -1.5, d=5, alpha=1.0, kappa=0.05)
    rng = np.random.default_rng(3)
    w = 0.8 * t.v + 0.5 * rng.standard_normal(5) / np.sqrt(5)
    X, y = get_family(family).sample(rng, 1_000_000, 5, {"b": -1.5, "alpha": 1.0, "kappa": 0.05}, {"v": t.v})
    losses = 0.5 * (y - relu(X @ w - 1.2)) ** 2
    se = losses.std() / np.sqrt(losses.size)
    assert abs(losses.mean() - exact_loss(t, w, -1.2)) <= 5 * se


def test_truncation_orders_match_the_digest():
    assert [truncation_order(b, 1.0) for b in (-3, -4, -5)] == [3, 5, 8]
    assert [truncation_order(b, 10.0) for b in (-3, -4, -5)] == [1, 3, 5]


def test_hermite_truncated_target_has_no_low_degree_part():
    t = _target("guo2025.hermite_truncated", -3.0, alpha=1.0)
    from depth2.core.gaussian import gaussian_expectation
    from depth2.core.hermite import hermite_he

    for k in range(truncation_order(-3.0, 1.0) + 1):
        assert abs(gaussian_expectation(lambda z, k=k: t.f(z) * hermite_he(k, z), [3.0])) < 1e-10


def test_population_gradient_matches_finite_differences():
    t = _target("guo2025.eq4", -2.0, alpha=1.0)
    q = BatchQuadrature(t, width=0.05, order=24)
    a, c, beta = np.array([0.7]), np.array([0.4]), np.array([-1.1])
    ga, gc, gb = q.gradient(a, c, beta)
    h = 1e-6
    for g, da, dc, db in ((ga, h, 0, 0), (gc, 0, h, 0), (gb, 0, 0, h)):
        fd = (q.loss(a + da, c + dc, beta + db) - q.loss(a - da, c - dc, beta - db)) / (2 * h)
        assert g[0] == pytest.approx(fd[0], rel=1e-5, abs=1e-10)
