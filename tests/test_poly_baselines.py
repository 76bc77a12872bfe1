"""Baselines for polynomial networks (mondelli2019): planted recovery, the linear-shortcut caveat, chunking."""

from __future__ import annotations

import numpy as np
import pytest

import depth2.learners.poly_baselines as pb
from depth2.core.data import DatasetSpec, Samples, as_samples, register_family
from depth2.core.models import cubic_features

LEARNERS = {"ols": pb.fit_ols, "norm_only": pb.fit_norm_only, "cubic_ridge": pb.fit_cubic_ridge,
            "student_gd": pb.fit_student_gd}
Z3 = (0.0, 0.0, 0.0, 1.0)


def _unit_columns(rng: np.random.Generator, d: int, r: int) -> np.ndarray:
    W = rng.standard_normal((d, r))
    return W / np.linalg.norm(W, axis=0)


def _net_labels(X: np.ndarray, W: np.ndarray, coef=pb.HE3) -> np.ndarray:
    return np.polynomial.polynomial.polyval(X @ W, np.asarray(coef, dtype=float)).sum(axis=1)


def _r2(fit, X: np.ndarray, y: np.ndarray) -> float:
    return 1.0 - float(np.mean((fit.predict(X) - y) ** 2)) / float(y.var())


class _PolyNetFamily:
    """A test family: y = sum_i p(<w_i, x>), x ~ N(0, I_d); params r and coef."""

    def hidden(self, rng, d, params):
        return {"W": _unit_columns(rng, d, int(params["r"]))}

    def sample(self, rng, m, d, params, hidden):
        X = rng.standard_normal((m, d))
        return X, _net_labels(X, hidden["W"], params["coef"])


try:
    register_family("polytest.net")(_PolyNetFamily)
except ValueError:  # already registered (module imported twice)
    pass


def _stream(n: int, d: int, r: int, block_rows: int, coef=pb.HE3) -> Samples:
    spec = DatasetSpec(family="polytest.net", n=n, d=d, replicates=1, params={"r": r, "coef": list(coef)},
                       seed_path=[5, "test", "poly_baselines"], block_rows=block_rows)
    hidden = {"W": _PolyNetFamily().hidden(spec.rng(0, "hidden"), d, spec.params)["W"]}
    return Samples(n, d, spec=spec, hidden=hidden)


def test_ols_recovers_planted_linear():
    """Tolerance: |w_hat - w|_inf <= 1e-2 and |c_hat - c| <= 1e-2 at n = 2e4, d = 10, noise sd 0.1."""
    rng = np.random.default_rng(0)
    w, c = rng.standard_normal(10), 0.7
    X = rng.standard_normal((20_000, 10)) + 0.5  # non-centered inputs exercise the intercept
    y = X @ w + c + 0.1 * rng.standard_normal(20_000)
    fit = pb.fit_ols(X, y, rng=rng)
    assert fit.model == "linear"
    np.testing.assert_allclose(fit.params["w"], w, atol=1e-2)
    assert float(fit.params["c"]) == pytest.approx(c, abs=1e-2)
    assert fit.info["train_r2"] > 0.99


def test_norm_only_recovers_planted_radial_polynomial():
    """y = sum_k beta_k (|x|^2/d)^k + noise(sd 0.01), d = 10, n = 2e4: |beta_hat - beta|_inf <= 0.05 and the
    fitted function is within 1e-3 sd(y) (RMS) of the planted one on fresh rows."""
    rng = np.random.default_rng(1)
    d, beta = 10, np.array([0.5, -1.0, 2.0, 0.7])
    X = rng.standard_normal((20_000, d))
    s = np.sum(X * X, axis=1) / d
    y = np.polynomial.polynomial.polyval(s, beta) + 0.01 * rng.standard_normal(20_000)
    fit = pb.fit_norm_only(X, y, rng=rng)
    assert fit.model == "radial_poly" and fit.params["beta"].shape == (4,)
    np.testing.assert_allclose(fit.params["beta"], beta, atol=0.05)
    Xt = rng.standard_normal((5_000, d))
    truth = np.polynomial.polynomial.polyval(np.sum(Xt * Xt, axis=1) / d, beta)
    assert np.sqrt(np.mean((fit.predict(Xt) - truth) ** 2)) <= 1e-3 * y.std()
    assert fit.info["basis_roundoff"] < 1e-10


def test_norm_only_high_dimension_is_well_conditioned():
    """At d = 400 the raw powers of |x|^2/d are nearly collinear; the fit still matches a quadratic target."""
    rng = np.random.default_rng(2)
    d = 400
    X = rng.standard_normal((4_000, d))
    s = np.sum(X * X, axis=1) / d
    y = 3.0 * (s - 1.0) ** 2 - (s - 1.0) + 0.001 * rng.standard_normal(4_000)
    fit = pb.fit_norm_only(X, y, rng=rng, degree=2)
    assert fit.info["train_r2"] > 0.999
    assert _r2(fit, X, y) > 0.999  # through the stored beta and the model's forward map


def test_cubic_ridge_fits_planted_cubic_and_refuses_large_d():
    """Planted cubic polynomial (56 random coefficients), d = 5, n = 5000, no noise: test MSE <= 1e-3 Var(y)."""
    rng = np.random.default_rng(3)
    theta = rng.standard_normal(pb.cubic_feature_count(5))
    X, Xt = rng.standard_normal((5_000, 5)), rng.standard_normal((5_000, 5))
    y, yt = cubic_features(X) @ theta, cubic_features(Xt) @ theta
    fit = pb.fit_cubic_ridge(X, y, rng=rng)
    assert fit.model == "cubic_poly" and fit.params["theta"].shape == theta.shape
    assert np.mean((fit.predict(Xt) - yt) ** 2) <= 1e-3 * yt.var()
    with pytest.raises(ValueError, match=r"d = 40 .*12341 cubic features"):
        pb.fit_cubic_ridge(np.zeros((10, 40)), np.zeros(10), rng=rng)


def test_cubic_ridge_learns_the_network_when_n_exceeds_the_features():
    """The improper control: y = sum_{i<=20} He_3(<w_i, x>) is a cubic polynomial; d = 8 (165 features)."""
    rng = np.random.default_rng(4)
    W = _unit_columns(rng, 8, 20)
    X, Xt = rng.standard_normal((3_000, 8)), rng.standard_normal((3_000, 8))
    fit = pb.fit_cubic_ridge(X, _net_labels(X, W), rng=rng, ridge=1e-6)
    assert _r2(fit, Xt, _net_labels(Xt, W)) >= 0.999


def test_poly_net_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((200, 4)), rng.standard_normal(200)
    a, W, c, coef = rng.standard_normal(3), rng.standard_normal((4, 3)), 0.3, np.array([0.2, -3.0, 0.5, 1.0])
    L, ga, gW, gc = pb.poly_net_loss_grad(X, y, a, W, c, coef)
    h = 1e-6

    def loss(a_, W_, c_):
        return pb.poly_net_loss_grad(X, y, a_, W_, c_, coef)[0]

    num_a = [(loss(a + h * e, W, c) - loss(a - h * e, W, c)) / (2 * h) for e in np.eye(3)]
    num_W = [(loss(a, W + h * E, c) - loss(a, W - h * E, c)) / (2 * h) for E in np.eye(12).reshape(12, 4, 3)]
    np.testing.assert_allclose(ga, num_a, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gW.ravel(), num_W, rtol=1e-6, atol=1e-6)
    assert gc == pytest.approx((loss(a, W, c + h) - loss(a, W, c - h)) / (2 * h), rel=1e-6)
    r = np.polynomial.polynomial.polyval(X @ W, coef) @ a + c - y
    assert L == pytest.approx(0.5 * np.mean(r**2), rel=1e-12)


def test_student_gd_recovers_planted_he3_network():
    """r = 2, d = 5, n = 2e4, 600 Adam steps (batch 1024): test risk / Var(y) <= 0.1, W on the sphere.

    Proper training is non-convex: from one random start this configuration reaches the planted network for
    most but not all (planted, start) pairs (measured: see the learner's report); the seeds here are fixed.
    """
    rng = np.random.default_rng(6)
    W = _unit_columns(rng, 5, 2)
    X, Xt = rng.standard_normal((20_000, 5)), rng.standard_normal((20_000, 5))
    y, yt = _net_labels(X, W), _net_labels(Xt, W)
    fit = pb.fit_student_gd(X, y, rng=np.random.default_rng(7), width=2, steps=600, batch=1024)
    assert fit.model == "poly_net"
    np.testing.assert_allclose(np.linalg.norm(fit.params["W"], axis=0), 1.0, atol=1e-12)
    np.testing.assert_array_equal(fit.params["coef"], pb.HE3)
    assert np.mean((fit.predict(Xt) - yt) ** 2) <= 0.1 * yt.var()
    curve = np.array(fit.info["curve"])
    assert curve[:, 0].tolist() == list(range(50, 601, 50))
    assert curve[-1, 1] < 0.1 * curve[0, 1]
    assert fit.info["train_mse"] <= 0.1 * fit.info["var_y"] < fit.info["train_mse_init"]


def test_student_gd_full_batch_restarts_keep_the_best_start():
    rng = np.random.default_rng(9)
    X = rng.standard_normal((2_000, 4))
    y = _net_labels(X, _unit_columns(rng, 4, 3))
    fit = pb.fit_student_gd(X, y, rng=rng, width=3, steps=60, batch=0, restarts=3, log_every=20)
    assert fit.info["batch"] == 2_000 and len(fit.info["curve"]) == 3
    assert len(fit.info["restart_train_mse"]) == 3
    assert fit.info["train_mse"] == min(fit.info["restart_train_mse"])
    assert fit.info["train_mse"] == pytest.approx(np.mean((fit.predict(X) - y) ** 2), rel=1e-9)


def test_linear_shortcut_caveat():
    """d = 10, r = 20, n = 5e4. For p = z^3 the labels have a linear part (E[z^3 z] = 3, R^2 ~ 9/15), so OLS
    'learns'; for p = He_3 (orthogonal to every linear function) OLS and the norm-only predictor explain
    nothing: R^2 <= 0.02, in sample and on fresh rows."""
    rng = np.random.default_rng(8)
    W = _unit_columns(rng, 10, 20)
    X, Xt = rng.standard_normal((50_000, 10)), rng.standard_normal((20_000, 10))
    cube = pb.fit_ols(X, _net_labels(X, W, Z3), rng=rng)
    assert _r2(cube, Xt, _net_labels(Xt, W, Z3)) >= 0.4
    y, yt = _net_labels(X, W), _net_labels(Xt, W)
    for fit in (pb.fit_ols(X, y, rng=rng), pb.fit_norm_only(X, y, rng=rng)):
        assert fit.info["train_r2"] <= 0.02
        assert _r2(fit, Xt, yt) <= 0.02


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_unknown_parameters_are_named(name):
    X, y = np.random.default_rng(0).standard_normal((50, 3)), np.zeros(50)
    with pytest.raises(TypeError, match=rf"learner '{name}' got unknown parameter\(s\) \['bogus'\]"):
        LEARNERS[name](X, y, rng=np.random.default_rng(0), bogus=1)


def test_learners_register_under_their_names():
    from depth2.learners.base import _REGISTRY

    for name, fn in LEARNERS.items():
        assert _REGISTRY[name] is fn


def test_student_gd_refuses_bad_width_and_coef():
    X, y = np.zeros((10, 3)), np.zeros(10)
    with pytest.raises(ValueError, match="width must be >= 1"):
        pb.fit_student_gd(X, y, rng=np.random.default_rng(0), width=0)
    with pytest.raises(ValueError, match="non-constant polynomial"):
        pb.fit_student_gd(X, y, rng=np.random.default_rng(0), coef=(1.0,))


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_chunked_stream_equals_in_memory(name):
    """A generated stream in blocks of 997 rows, the same rows as arrays (one chunk), and the arrays read in
    chunks of 613 rows give the same fit (student_gd: identical; the others up to summation order)."""
    S = _stream(n=6_000, d=5, r=3, block_rows=997)
    X, y = S.materialize()
    A = as_samples(X, y)
    A.block_rows = 613  # stored arrays are read in chunks of block_rows rows
    kw = {"steps": 100, "batch": 512} if name == "student_gd" else {}
    fits = [LEARNERS[name](src, *rest, rng=np.random.default_rng(0), width=3, **kw)
            for src, *rest in ((S,), (X, y), (A,))]
    for fit in fits[1:]:
        assert fit.model == fits[0].model
        for key, val in fits[0].params.items():
            if name == "student_gd":
                np.testing.assert_array_equal(fit.params[key], val)
            else:
                np.testing.assert_allclose(fit.params[key], val, rtol=1e-9, atol=1e-12)
