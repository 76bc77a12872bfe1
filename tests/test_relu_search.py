"""Local search for k-ReLU nets (net_gd, net_adam): analytic gradient, recovery of a planted ReLU, restart
selection, determinism, scale invariance of the defaults, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

from depth2.core.models import forward
from depth2.learners import relu_search as rs
from depth2.learners.base import _REGISTRY


def _planted(n: int = 500, d: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian x, y = relu(<w*, x> + b*) with |w*| = 1, b* = 0.3."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    X = rng.standard_normal((n, d))
    return X, np.maximum(X @ w + 0.3, 0.0)


def _mse(fit, X, y) -> float:
    return float(np.mean((fit.predict(X) - y) ** 2))


def test_learners_register():
    assert _REGISTRY[rs.GD_NAME] is rs.fit_net_gd and _REGISTRY[rs.ADAM_NAME] is rs.fit_net_adam


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    R, n, d, k = 3, 30, 4, 3
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    theta = [rng.standard_normal((R, k)), rng.standard_normal((R, d, k)), rng.standard_normal((R, k))]
    loss, *grads = rs.relu_net_loss_grad(X, y, *theta)
    for r in range(R):
        p = {"a": theta[0][r], "W": theta[1][r], "b": theta[2][r]}
        assert loss[r] == pytest.approx(np.mean((forward("relu_net", p, X) - y) ** 2), rel=1e-12)
    h = 1e-6
    for which in range(3):
        num = np.zeros_like(theta[which])
        for idx in np.ndindex(theta[which].shape):
            plus = [t.copy() for t in theta]
            minus = [t.copy() for t in theta]
            plus[which][idx] += h
            minus[which][idx] -= h
            r = idx[0]
            num[idx] = (rs.relu_net_loss_grad(X, y, *plus)[0][r] - rs.relu_net_loss_grad(X, y, *minus)[0][r]) / (2 * h)
        np.testing.assert_allclose(grads[which], num, rtol=1e-6, atol=1e-8)
        assert np.abs(grads[which]).max() > 1e-3  # not a vacuous comparison


def test_adam_recovers_a_planted_relu():
    X, y = _planted()
    fit = rs.fit_net_adam(X, y, rng=np.random.default_rng(1))
    assert fit.model == "relu_net" and fit.params["W"].shape == (5, 1)
    assert fit.info["best_loss"] <= 1e-4
    assert fit.info["best_loss"] < 1e-3 * np.mean(y * y)


def test_gd_recovers_a_planted_relu_monotonically():
    X, y = _planted(seed=2)
    fit = rs.fit_net_gd(X, y, rng=np.random.default_rng(3), log_every=1)
    assert fit.info["best_loss"] <= 1e-4
    assert np.all(np.diff(fit.info["curve_loss"]) <= 1e-15)  # rejected steps keep every restart non-increasing


def test_restarts_keep_the_best_and_predict_reproduces_it():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((60, 6))
    y = np.maximum(X @ rng.standard_normal((6, 3)), 0.0) @ np.array([1.0, -1.0, 0.5])
    for fn in (rs.fit_net_gd, rs.fit_net_adam):
        fit = fn(X, y, rng=np.random.default_rng(5), width=2, restarts=7, steps=300)
        losses = fit.info["restart_losses"]
        assert len(losses) == 7 and len(set(np.round(losses, 10))) > 1  # the restarts differ
        assert fit.info["best_loss"] == min(losses) == losses[fit.info["best_restart"]]
        assert _mse(fit, X, y) == fit.info["best_loss"] == fit.info["train_loss"]
        assert fit.info["curve_loss"][-1] == pytest.approx(fit.info["best_loss"], rel=1e-9)
        assert fit.info["steps"] == 300


def test_same_seed_same_fit_and_different_seed_different_fit():
    X, y = _planted(n=80, d=3, seed=6)
    f1, f2, f3 = (rs.fit_net_adam(X, y, rng=np.random.default_rng(s), width=2, restarts=3, steps=200)
                  for s in (7, 7, 8))
    for key in ("a", "W", "b"):
        np.testing.assert_array_equal(f1.params[key], f2.params[key])
    assert f1.info == f2.info
    assert not np.array_equal(f1.params["W"], f3.params["W"])


def test_defaults_are_scale_free():
    """Scaling x by 1000 and y by 1e-3 rescales the trajectory: the loss scales by 1e-6, the predictions by 1e-3."""
    X, y = _planted(n=100, d=4, seed=9)
    for fn in (rs.fit_net_gd, rs.fit_net_adam):
        f1 = fn(X, y, rng=np.random.default_rng(10), width=2, restarts=3, steps=200)
        f2 = fn(1e3 * X, 1e-3 * y, rng=np.random.default_rng(10), width=2, restarts=3, steps=200)
        np.testing.assert_allclose(np.array(f2.info["restart_losses"]), 1e-6 * np.array(f1.info["restart_losses"]),
                                   rtol=1e-6, atol=1e-18)
        np.testing.assert_allclose(f2.predict(1e3 * X), 1e-3 * f1.predict(X), rtol=1e-6, atol=1e-12)


def test_without_bias_b_stays_zero():
    X, y = _planted(n=100, d=4, seed=11)
    for fn in (rs.fit_net_gd, rs.fit_net_adam):
        fit = fn(X, y, rng=np.random.default_rng(12), width=3, restarts=2, steps=100, bias=False)
        assert fit.params["b"].shape == (3,) and np.all(fit.params["b"] == 0.0) and fit.info["bias"] is False


def test_steps_zero_returns_an_initialization():
    X, y = _planted(n=50, d=3, seed=13)
    fit = rs.fit_net_gd(X, y, rng=np.random.default_rng(0), steps=0, restarts=2)
    assert fit.info["steps"] == 0 and fit.info["curve_step"] == [0]
    assert _mse(fit, X, y) == fit.info["best_loss"]


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"width": 0}, ValueError, "width"),
    ({"restarts": 0}, ValueError, "restarts"),
    ({"steps": -1}, ValueError, "steps"),
    ({"lr": -0.1}, ValueError, "lr"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"tol": float("nan")}, ValueError, "tol"),
    ({"init_scale": 0}, ValueError, "init_scale"),
    ({"bias": "yes"}, ValueError, "bias"),
    ({"momentum": 0.9}, TypeError, "momentum"),
])
def test_bad_arguments_raise(kwargs, exc, match):
    X, y = _planted(n=20, d=2)
    with pytest.raises(exc, match=match):
        rs.fit_net_adam(X, y, rng=np.random.default_rng(0), **kwargs)


def test_bad_data_raise():
    X, y = _planted(n=20, d=2)
    with pytest.raises(ValueError, match="all zeros"):
        rs.fit_net_gd(np.zeros((5, 2)), np.ones(5), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="y must have shape"):
        rs.fit_net_gd(X, y[:-1], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        rs.fit_net_gd(X, y, rng=0)
