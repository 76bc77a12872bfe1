"""Hermite moment operators against dense tensors, decompositions on planted tensors, and the
``hermite_tensor`` learner on a planted network (awasthi2021 engines)."""

from __future__ import annotations

import numpy as np
import pytest

from depth2 import learners
from depth2.core.moments import HermiteMoments
from depth2.core.tensor import contract_matrix, dense_symmetric, jennrich, match_components, power_iteration


def _dense_hermite(X: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """E[r He_3(x)] and E[r He_4(x)] as dense arrays, straight from the definition (small d only)."""
    n, d = X.shape
    eye = np.eye(d)
    M1 = X.T @ r / n
    M2 = (X * r[:, None]).T @ X / n
    M3 = np.einsum("n,na,nb,nc->abc", r, X, X, X) / n
    M4 = np.einsum("n,na,nb,nc,nd->abcd", r, X, X, X, X) / n
    T3 = M3 - (np.einsum("a,bc->abc", M1, eye) + np.einsum("b,ac->abc", M1, eye) + np.einsum("c,ab->abc", M1, eye))
    pairs = sum(np.einsum(spec, M2, eye) for spec in
                ("ab,cd->abcd", "ac,bd->abcd", "ad,bc->abcd", "bc,ad->abcd", "bd,ac->abcd", "cd,ab->abcd"))
    deltas = sum(np.einsum(spec, eye, eye) for spec in ("ab,cd->abcd", "ac,bd->abcd", "ad,bc->abcd"))
    return T3, M4 - pairs + r.mean() * deltas


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 4))
    y = np.maximum(X @ np.array([0.5, -1.0, 0.3, 0.2]) - 0.4, 0.0) + 0.1 * rng.standard_normal(3000)
    H = HermiteMoments(X, y, residualize=True)
    r = H.residual_labels()
    return H, _dense_hermite(X, r), rng


def test_operator_contractions_equal_dense_contractions(small):
    H, (T3, T4), rng = small
    g, h = rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_allclose(H.t3_matrix(g), contract_matrix(T3, g), atol=1e-12)
    np.testing.assert_allclose(H.t4_matrix(g, h), contract_matrix(T4, g, h), atol=1e-12)
    u = rng.standard_normal(4)
    assert H.t_all(u, 3) == pytest.approx(float(contract_matrix(T3, u) @ u @ u), abs=1e-10)
    assert H.t_all(u, 4) == pytest.approx(float(contract_matrix(T4, u, u) @ u @ u), abs=1e-10)


def test_residualized_t2_and_labels_equal_their_brute_force_formulas():
    """T2 = mean (y - T0 - <T1, x>)(x x^T - I) and y_r = y - T0 - <T1, x> - (x^T T2 x - tr T2) / 2, row by row;
    chunked and cached (a second call returns the same labels)."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((5000, 3))
    y = np.maximum(X @ np.array([0.5, -1.0, 0.3]) + 0.7, 0.0)
    from depth2.core.data import Samples

    H = HermiteMoments(Samples(5000, 3, arrays=(X, y)), residualize=True)
    T0, T1 = y.mean(), X.T @ y / 5000
    e = y - T0 - X @ T1
    T2 = np.einsum("n,na,nb->ab", e, X, X) / 5000 - e.mean() * np.eye(3)
    np.testing.assert_allclose(H.T2, T2, atol=1e-12)
    r = y - T0 - X @ T1 - 0.5 * (np.einsum("na,ab,nb->n", X, T2, X) - np.trace(T2))
    np.testing.assert_allclose(H.residual_labels(), r, atol=1e-12)
    np.testing.assert_array_equal(H.residual_labels(), H.residual_labels())


def test_projected_moments_equal_dense_projection(small):
    H, (T3, T4), rng = small
    U = np.linalg.qr(rng.standard_normal((4, 2)))[0]
    P3, P4 = H.projected(U)
    np.testing.assert_allclose(P3, np.einsum("abc,ai,bj,ck->ijk", T3, U, U, U), atol=1e-12)
    np.testing.assert_allclose(P4, np.einsum("abcd,ai,bj,ck,dl->ijkl", T4, U, U, U, U), atol=1e-12)


def test_jennrich_recovers_a_planted_nonorthogonal_tensor_exactly():
    rng = np.random.default_rng(1)
    V = rng.standard_normal((5, 5))
    V /= np.linalg.norm(V, axis=0)
    T = dense_symmetric(rng.uniform(0.5, 2.0, 5) * rng.choice([-1, 1], 5), V, 3)
    V_hat, _ = jennrich(lambda g: contract_matrix(T, g), 5, rng)
    _, cos = match_components(V_hat, V)
    np.testing.assert_allclose(np.abs(cos), 1.0, atol=1e-9)


def test_power_iteration_recovers_orthogonal_components_exactly():
    rng = np.random.default_rng(2)
    V = np.linalg.qr(rng.standard_normal((6, 6)))[0][:, :3]
    lam = np.array([3.0, 2.0, 1.0])
    lam_hat, V_hat = power_iteration(dense_symmetric(lam, V, 3), 3, rng)
    perm, cos = match_components(V_hat, V)
    np.testing.assert_allclose(np.abs(cos), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.abs(lam_hat[perm]), lam, atol=1e-9)


@pytest.fixture(scope="module")
def planted_net():
    """(d, m) = (8, 4), b ~ U[-1, 1], |a| in [0.5, 1.5], n = 2e5, and a test set."""
    rng = np.random.default_rng(5)
    d, m, n = 8, 4, 200_000
    W = rng.standard_normal((d, m))
    W /= np.linalg.norm(W, axis=0)
    b = rng.uniform(-1, 1, m)
    a = rng.choice([-1, 1], m) * rng.uniform(0.5, 1.5, m)
    X, Xt = rng.standard_normal((n, d)), rng.standard_normal((50_000, d))
    return (a, W, b), (X, np.maximum(X @ W + b, 0) @ a), (Xt, np.maximum(Xt @ W + b, 0) @ a)


def test_hermite_tensor_recovers_a_planted_network(planted_net):
    """Tolerance: matched cos >= 0.98, |b err| <= 0.5, |a err| <= 0.5, test MSE <= 5% of Var(y)."""
    (a, W, b), (X, y), (Xt, yt) = planted_net
    fit = learners.get("hermite_tensor")(X, y, rng=np.random.default_rng(0), width=4)
    assert fit.params["W"].shape == (8, 4)
    np.testing.assert_allclose(np.linalg.norm(fit.params["W"], axis=0), 1.0)
    perm, cos = match_components(fit.params["W"], W)
    assert np.all(cos >= 0.98)  # signed: the sign is resolved, not only the direction
    assert np.max(np.abs(fit.params["b"][perm] - b)) <= 0.5
    assert np.max(np.abs(fit.params["a"][perm] - a)) <= 0.5
    assert np.mean((fit.predict(Xt) - yt) ** 2) <= 0.05 * yt.var()


def test_refinement_recovers_the_planted_network_to_high_accuracy(planted_net):
    """Tolerance: matched cos >= 0.999, |b err|, |a err| <= 0.02, test MSE <= 1e-4 Var(y)."""
    (a, W, b), (X, y), (Xt, yt) = planted_net
    fit = learners.get("hermite_tensor+refine")(X, y, rng=np.random.default_rng(0), width=4, max_rows=50_000)
    perm, cos = match_components(fit.params["W"], W)
    assert np.all(cos >= 0.999)
    assert np.max(np.abs(fit.params["b"][perm] - b)) <= 0.02
    assert np.max(np.abs(fit.params["a"][perm] - a)) <= 0.02
    assert np.mean((fit.predict(Xt) - yt) ** 2) <= 1e-4 * yt.var()


def test_hermite_tensor_refuses_bad_width_and_empty_tensor_choice():
    X, y = np.random.default_rng(0).standard_normal((500, 3)), np.zeros(500)
    with pytest.raises(ValueError, match="width must be in"):
        learners.get("hermite_tensor")(X, y, rng=np.random.default_rng(0), width=5)
    with pytest.raises(ValueError, match="use_t3"):
        learners.get("hermite_tensor")(X, y, rng=np.random.default_rng(0), width=2, use_t3=False, use_t4=False)


def test_joint_refine_recovers_exact_components_from_a_perturbed_start():
    rng = np.random.default_rng(3)
    V = rng.standard_normal((5, 4))
    V /= np.linalg.norm(V, axis=0)
    l3, l4 = rng.uniform(0.5, 1.5, 4), rng.uniform(-1.5, -0.5, 4)
    T3, T4 = dense_symmetric(l3, V, 3), dense_symmetric(l4, V, 4)
    from depth2.core.tensor import joint_refine

    V_hat, (w3, w4) = joint_refine(V + 0.1 * rng.standard_normal(V.shape), [T3, T4])
    perm, cos = match_components(V_hat, V)
    np.testing.assert_allclose(np.abs(cos), 1.0, atol=1e-8)
    sign = np.sign(cos)
    np.testing.assert_allclose(w3[perm] * sign**3, l3, atol=1e-7)
    np.testing.assert_allclose(w4[perm], l4, atol=1e-7)


def test_analytic_jacobian_matches_finite_differences():
    from depth2.core.tensor import _sym_jacobian

    rng = np.random.default_rng(4)
    V, lam = rng.standard_normal((3, 2)), rng.standard_normal(2)
    for k in (3, 4):
        J = _sym_jacobian(V, lam, k)
        h = 1e-6
        for idx in range(V.size):
            E = np.zeros(V.size)
            E[idx] = h
            fd = (dense_symmetric(lam, V + E.reshape(V.shape), k) - dense_symmetric(lam, V - E.reshape(V.shape), k))
            np.testing.assert_allclose(J[:, idx], fd.ravel() / (2 * h), atol=1e-7)


def test_jacobian_at_distinct_entries_equals_the_dense_jacobians_rows():
    """joint_refine's shortcut (rows at the distinct entries only) against the full m^k Jacobian."""
    from depth2.core.tensor import _design_at, _distinct_entries, _distinct_tuples, _jacobian_at, _sym_jacobian

    rng = np.random.default_rng(5)
    V, lam = rng.standard_normal((4, 3)), rng.standard_normal(3)
    for k in (3, 4):
        idx, _ = _distinct_entries(4, k)
        tup = _distinct_tuples(4, k)
        np.testing.assert_array_equal(np.ravel_multi_index(tup.T, (4,) * k), idx)
        np.testing.assert_allclose(_jacobian_at(V, lam, tup), _sym_jacobian(V, lam, k)[idx], atol=1e-13)
        dense = np.stack([dense_symmetric(np.array([1.0]), V[:, [i]], k).ravel() for i in range(3)], axis=1)
        np.testing.assert_allclose(_design_at(V, tup), dense[idx], atol=1e-13)


def test_zero_bias_method_recovers_a_bias_free_network():
    """Planted b = 0 (its own model): matched cos >= 0.98, b = 0 exactly, |a err| <= 0.3."""
    rng = np.random.default_rng(3)
    d, m, n = 6, 3, 200_000
    W = np.linalg.qr(rng.standard_normal((d, m)))[0]
    a = np.array([1.0, -0.8, 1.2])
    X = rng.standard_normal((n, d))
    y = np.maximum(X @ W, 0) @ a
    fit = learners.get("hermite_tensor_zero_bias")(X, y, rng=np.random.default_rng(0), width=m)
    perm, cos = match_components(fit.params["W"], W)
    assert np.all(cos >= 0.98)
    assert np.all(fit.params["b"] == 0.0)
    assert np.max(np.abs(fit.params["a"][perm] - a)) <= 0.3


def test_net_lbfgs_reaches_a_planted_networks_loss_floor_and_keeps_the_best_start():
    """Local search on a realizable (d=4, m=2) problem: the kept start's training loss is the lowest of its
    restarts and, from a start at the planted parameters, L-BFGS stays there (loss <= 1e-12)."""
    from depth2.learners.net_local import lbfgs_refine

    rng = np.random.default_rng(4)
    W = np.linalg.qr(rng.standard_normal((4, 2)))[0]
    a, b = np.array([1.0, -0.7]), np.array([0.3, -0.2])
    X = rng.standard_normal((5000, 4))
    y = np.maximum(X @ W + b, 0) @ a
    _, _, _, info = lbfgs_refine(X, y, a, W, b, max_iter=20)
    assert info["refine_loss"] <= 1e-12
    fit = learners.get("net_lbfgs")
    one = fit(X, y, rng=np.random.default_rng(9), width=2, max_iter=100)
    best = fit(X, y, rng=np.random.default_rng(9), width=2, max_iter=100, restarts=3)
    # the first of the three starts is the single start's (same generator): keeping the best cannot lose
    assert best.info["refine_loss"] <= one.info["refine_loss"]
    assert best.info["refine_loss"] <= 0.5 * 0.5 * np.mean(y**2)  # beats the zero predictor by 2x at least
    np.testing.assert_allclose(np.linalg.norm(best.params["W"], axis=0), 1.0)
