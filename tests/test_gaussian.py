"""Closed forms of the biased ReLU under a Gaussian against Monte Carlo (tolerance: 5 standard errors)."""

from __future__ import annotations

import numpy as np
import pytest

from depth2.core import gaussian as G
from depth2.core.hermite import hermite_he, relu_hermite_coeff

N_MC = 2_000_000


@pytest.fixture(scope="module")
def z() -> np.ndarray:
    return np.random.default_rng(12345).standard_normal(N_MC)


def _check(sample: np.ndarray, exact: float) -> None:
    se = sample.std() / np.sqrt(sample.size)
    assert abs(sample.mean() - exact) <= 5 * se + 1e-12, (sample.mean(), exact, se)


@pytest.mark.parametrize("b", [-3.0, -1.0, 0.0, 0.5, 2.0])
def test_relu_moments_match_monte_carlo(z, b):
    r = G.relu(z + b)
    _check(r, float(G.relu_mean(b)))
    _check(r**2, float(G.relu_second_moment(b)))
    _check(z * r, float(G.relu_z_moment(b)))


@pytest.mark.parametrize("mu,c", [(0.3, 0.7), (-1.5, 0.4), (2.0, 1.5)])
def test_smoothed_moments_match_monte_carlo(z, mu, c):
    r = G.relu(mu + c * z)
    m1, m2 = G.smoothed_relu_moments(np.array(mu), np.array(c))
    _check(r, float(m1))
    _check(r**2, float(m2))


def test_smoothed_moments_at_zero_width_are_the_relu():
    mu = np.array([-1.0, 0.0, 2.0])
    m1, m2 = G.smoothed_relu_moments(mu, np.zeros(3))
    np.testing.assert_allclose(m1, [0.0, 0.0, 2.0])
    np.testing.assert_allclose(m2, [0.0, 0.0, 4.0])


@pytest.mark.parametrize("k", range(6))
@pytest.mark.parametrize("b", [-3.0, -1.0, 0.0, 1.0, 3.0])
def test_hermite_coefficients_match_monte_carlo(z, k, b):
    _check(G.relu(z + b) * hermite_he(k, z), float(relu_hermite_coeff(k, b)))


def test_hermite_orthogonality_by_quadrature():
    for j in range(6):
        for k in range(6):
            val = G.gaussian_expectation(lambda t, j=j, k=k: hermite_he(j, t) * hermite_he(k, t))
            assert val == pytest.approx(float(np.prod(range(1, k + 1))) if j == k else 0.0, abs=1e-9)


def test_quadrature_with_kinks_is_exact_on_relu_moments():
    for b in (-4.0, -1.0, 0.0, 2.0):
        got = G.gaussian_expectation(lambda t, b=b: G.relu(t + b) ** 2, breakpoints=[-b])
        assert got == pytest.approx(float(G.relu_second_moment(b)), rel=1e-10)
