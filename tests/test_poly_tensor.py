"""The implicit order-3 Hermite moment (CubicMoments) against its dense array, and the tensor learners
tensor_jennrich / tensor_power / tensor_spectral on planted ``sum_i He_3(<w_i, x>)`` networks (mondelli2019)."""

from __future__ import annotations

import numpy as np
import pytest

import depth2.learners.poly_tensor  # noqa: F401  (registers the learners)
from depth2.core.cubic_moments import CubicMoments
from depth2.core.data import DatasetSpec, Samples, generate_hidden, register_family
from depth2.core.tensor import dense_symmetric, match_components
from depth2.learners.base import _REGISTRY
from depth2.learners.poly_tensor import fit_output_layer, he3_coefficient, joint_refine

LEARNERS = ("tensor_jennrich", "tensor_power", "tensor_spectral")


def _planted(rng: np.random.Generator, n: int, d: int, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    W = rng.standard_normal((d, r))
    W /= np.linalg.norm(W, axis=0)
    X = rng.standard_normal((n, d))
    Z = X @ W
    return X, (Z**3 - 3 * Z).sum(axis=1), W


@pytest.fixture(scope="module")
def small_moments():
    """d = 6 data whose labels have parts of every degree 0-3, so that no contraction is trivially zero."""
    rng = np.random.default_rng(11)
    n, d = 3000, 6
    X = rng.standard_normal((n, d))
    y = 0.5 + X[:, 0] + X[:, 1] ** 2 + X[:, 2] * X[:, 3] * X[:, 4] + np.sin(X @ rng.standard_normal(d))
    return X, y, rng


@pytest.mark.parametrize("residualize", [None, 1, 2])
def test_contractions_equal_dense_contractions(small_moments, residualize):
    X, y, rng = small_moments
    cm = CubicMoments(X, y, residualize=residualize, chunk_rows=700)  # several blocks, one partial
    T = cm.dense()
    d = T.shape[0]
    assert np.allclose(T, T.transpose(1, 0, 2)) and np.allclose(T, T.transpose(2, 1, 0))
    U = rng.standard_normal((d, 4))
    V = rng.standard_normal((d, d, 3))  # not symmetric: contract_pairs must use V as given
    tol = {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(cm.vectors(U), np.einsum("abc,bk,ck->ak", T, U, U), **tol)
    np.testing.assert_allclose(cm.vectors(U[:, 0]), np.einsum("abc,b,c->a", T, U[:, 0], U[:, 0]), **tol)
    np.testing.assert_allclose(cm.scalars(U), np.einsum("abc,ak,bk,ck->k", T, U, U, U), **tol)
    np.testing.assert_allclose(cm.matrix(U[:, 1]), T @ U[:, 1], **tol)
    np.testing.assert_allclose(cm.matrices(U), np.einsum("abc,ck->kab", T, U), **tol)
    np.testing.assert_allclose(cm.contract_pairs(V), np.einsum("abc,abk->ck", T, V), **tol)
    np.testing.assert_allclose(cm.contract_pairs(V[:, :, 0]), np.einsum("abc,ab->c", T, V[:, :, 0]), **tol)


def test_dense_is_the_hermite_moment_of_the_residual_labels(small_moments):
    """dense() = mean r He_3(x) with r = y - T0 - <T1, x>, written out from the definition of He_3."""
    X, y, _ = small_moments
    n, d = X.shape
    r = y - y.mean() - X @ (X.T @ y / n)
    eye = np.eye(d)
    He = (np.einsum("na,nb,nc->nabc", X, X, X) - np.einsum("na,bc->nabc", X, eye)
          - np.einsum("nb,ac->nabc", X, eye) - np.einsum("nc,ab->nabc", X, eye))
    np.testing.assert_allclose(CubicMoments(X, y).dense(), np.einsum("n,nabc->abc", r, He) / n, rtol=1e-10,
                               atol=1e-12)


def test_flattening_operator_equals_explicit_matrix():
    """M(V) = T3(., ., c(V)), c_j = <T_j, V>, equals sum_j vec(T_j) vec(T_j)^T applied to vec(V) (d = 5)."""
    rng = np.random.default_rng(5)
    X, y, _ = _planted(rng, 4000, 5, 3)
    cm = CubicMoments(X, y)
    T = cm.dense()
    d = T.shape[0]
    M = sum(np.outer(T[:, :, j].ravel(), T[:, :, j].ravel()) for j in range(d))  # (d^2, d^2)
    V = rng.standard_normal((d, d, 2))
    expected = np.stack([(M @ V[:, :, k].ravel()).reshape(d, d) for k in range(2)], axis=2)
    np.testing.assert_allclose(cm.flattening_apply(V), expected, rtol=1e-10, atol=1e-12)


@register_family("test_poly_tensor.he3_net")
class _He3Net:
    """A generated (not stored) stream of planted He_3 networks, to exercise block-by-block regeneration."""

    def hidden(self, rng, d, params):
        W = rng.standard_normal((d, int(params["r"])))
        return {"W": W / np.linalg.norm(W, axis=0)}

    def sample(self, rng, m, d, params, hidden):
        X = rng.standard_normal((m, d))
        Z = X @ hidden["W"]
        return X, (Z**3 - 3 * Z).sum(axis=1)


def test_generated_stream_matches_materialized_rows():
    """A stream regenerated block by block (cache off: every pass regenerates) gives the same contractions
    as its rows held in memory, and the learners accept it."""
    spec = DatasetSpec("test_poly_tensor.he3_net", n=5000, d=6, replicates=1, params={"r": 2},
                       seed_path=[3, "test", "stream", "p0"], block_rows=700)
    S = Samples(spec.n, spec.d, spec=spec, hidden={k: v[0] for k, v in generate_hidden(spec).items()})
    streamed = CubicMoments(S, cache_bytes=0, chunk_rows=300)
    held = CubicMoments(*S.materialize())
    U = np.random.default_rng(0).standard_normal((6, 3))
    np.testing.assert_allclose(streamed.vectors(U), held.vectors(U), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(streamed.matrices(U), held.matrices(U), rtol=1e-10, atol=1e-12)
    assert streamed.passes == 4  # moments, residual labels, vectors, matrices
    fit = _REGISTRY["tensor_spectral"](S, rng=np.random.default_rng(0), width=2, cache_mb=0)
    assert fit.params["W"].shape == (6, 2)


def test_dense_refuses_large_d():
    X = np.random.default_rng(0).standard_normal((50, 41))
    with pytest.raises(ValueError, match="d = 41"):
        CubicMoments(X, X[:, 0]).dense()


def test_t3_of_planted_he3_is_six_sum_of_cubes():
    """Statistical check: |T3_hat - 6 sum_i w_i^(x)3|_F / |6 sum_i w_i^(x)3|_F < 0.1 at d = 6, r = 3, n = 2e5
    (the expected relative error is about 0.02)."""
    X, y, W = _planted(np.random.default_rng(2), 200_000, 6, 3)
    T_true = dense_symmetric(np.full(3, 6.0), W, 3)
    err = np.linalg.norm(CubicMoments(X, y).dense() - T_true) / np.linalg.norm(T_true)
    assert err < 0.1


def test_joint_refine_recovers_exact_components():
    """On a noiseless tensor (dense stand-in for CubicMoments) the refinement converges to the components
    (up to the small bias of its weight ridge, ~1e-4 in cos here)."""
    rng = np.random.default_rng(4)
    d, r = 10, 5
    W = rng.standard_normal((d, r))
    W /= np.linalg.norm(W, axis=0)
    T = dense_symmetric(np.array([6.0, 5.0, 4.0, 3.0, 2.0]), W, 3)

    class Dense:
        def vectors(self, U):
            return np.einsum("abc,bk,ck->ak", T, U, U)

        def scalars(self, U):
            return np.einsum("abc,ak,bk,ck->k", T, U, U, U)

    V, lam, info = joint_refine(Dense(), W + 0.15 * rng.standard_normal((d, r)), 200)
    np.testing.assert_allclose(np.sum(V * W, axis=0), 1.0, atol=1e-3)  # oriented: T(v, v, v) > 0
    np.testing.assert_allclose(lam, [6.0, 5.0, 4.0, 3.0, 2.0], rtol=1e-2)
    assert info["refine_evaluations"] <= 200


def test_he3_coefficient_and_output_layer():
    assert he3_coefficient((0.0, -3.0, 0.0, 1.0)) == pytest.approx(1.0)
    assert he3_coefficient((1.0, 2.0, 0.5, -2.0)) == pytest.approx(-2.0)
    assert he3_coefficient((0.0, 0.0, 0.0, 0.0, 0.0, 1.0)) == pytest.approx(10.0)  # z^5 = He5 + 10 He3 + 15 He1
    rng = np.random.default_rng(6)
    X, _, W = _planted(rng, 5000, 8, 3)
    coef = np.array([0.2, -3.0, 0.5, 1.0])
    y = np.polynomial.polynomial.polyval(X @ W, coef) @ np.array([1.0, -2.0, 0.5]) + 0.7
    from depth2.core.data import as_samples

    a, c = fit_output_layer(as_samples(X, y), W, coef, max_rows=3000, ridge=1e-12)
    np.testing.assert_allclose(a, [1.0, -2.0, 0.5], atol=1e-8)
    assert c == pytest.approx(0.7, abs=1e-8)


@pytest.fixture(scope="module")
def planted_12():
    rng = np.random.default_rng(12)
    X, y, W = _planted(rng, 100_000, 12, 6)
    Xt, yt, _ = (lambda Xt: (Xt, ((Xt @ W) ** 3 - 3 * (Xt @ W)).sum(axis=1), None))(rng.standard_normal((20_000, 12)))
    return X, y, W, Xt, yt


@pytest.mark.parametrize("name", LEARNERS)
def test_learner_recovers_planted_weights(planted_12, name):
    """d = 12, r = 6, n = 1e5: every planted w_i matched (Hungarian) with signed cos >= 0.95 (the sign is
    resolved), and test risk / Var(y) <= 0.1 on 2e4 fresh rows."""
    X, y, W, Xt, yt = planted_12
    fit = _REGISTRY[name](X, y, rng=np.random.default_rng(0), width=6)
    assert fit.model == "poly_net"
    P = fit.params
    assert P["W"].shape == (12, 6) and P["a"].shape == (6,) and np.shape(P["c"]) == ()
    np.testing.assert_allclose(np.linalg.norm(P["W"], axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(P["coef"], [0.0, -3.0, 0.0, 1.0])
    _, cos = match_components(P["W"], W)
    assert np.all(cos >= 0.95), cos
    risk = np.mean((fit.predict(Xt) - yt) ** 2) / np.var(yt)
    assert risk <= 0.1, risk


def test_power_runs_past_d_and_without_refinement():
    """tensor_power accepts width > d (the overcomplete regime) and refine_iters = 0 (the ablation)."""
    X, y, W = _planted(np.random.default_rng(8), 20_000, 6, 8)
    fit = _REGISTRY["tensor_power"](X, y, rng=np.random.default_rng(1), width=8, refine_iters=0)
    assert fit.params["W"].shape == (6, 8)
    assert fit.info["refine_evaluations"] == 0 and fit.info["repaired"] == []
    assert np.all(np.isfinite(fit.predict(X[:100])))


@pytest.mark.parametrize("name", ["tensor_jennrich", "tensor_spectral"])
def test_width_above_d_is_refused(name):
    X, y, _ = _planted(np.random.default_rng(3), 500, 12, 2)
    with pytest.raises(ValueError, match=r"width = 13 exceeds d = 12"):
        _REGISTRY[name](X, y, rng=np.random.default_rng(0), width=13)


@pytest.mark.parametrize("name", LEARNERS)
def test_bad_parameters_are_named(name):
    X, y, _ = _planted(np.random.default_rng(3), 500, 6, 2)
    fit = _REGISTRY[name]
    with pytest.raises(TypeError, match="bogus"):
        fit(X, y, rng=np.random.default_rng(0), width=2, bogus=1)
    with pytest.raises(ValueError, match="coef"):
        fit(X, y, rng=np.random.default_rng(0), width=2, coef=(0.0, 1.0, 1.0))  # no He_3 part
    with pytest.raises(ValueError, match="residualize"):
        fit(X, y, rng=np.random.default_rng(0), width=2, residualize=3)
    with pytest.raises(ValueError, match="width"):
        fit(X, y, rng=np.random.default_rng(0), width=0)


def test_bad_init_and_shapes_are_named():
    X, y, _ = _planted(np.random.default_rng(3), 500, 6, 2)
    with pytest.raises(ValueError, match="init"):
        _REGISTRY["tensor_power"](X, y, rng=np.random.default_rng(0), width=2, init="spectral")
    cm = CubicMoments(X, y)
    with pytest.raises(ValueError, match="U must have shape"):
        cm.vectors(np.ones((5, 2)))
    with pytest.raises(ValueError, match="V must have shape"):
        cm.contract_pairs(np.ones((6, 5, 2)))


# ---------------------------------------------------------------------------- the population operator (n = infinity)
def _population(d: int = 7, r: int = 5, seed: int = 4):
    from depth2.core.cubic_moments import PopulationMoments

    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d, r))
    W /= np.linalg.norm(W, axis=0)
    a = rng.uniform(0.5, 1.5, r)
    return PopulationMoments(W, a, np.array([0.0, 0.0, 0.0, 1.0])), W, a, rng


def test_population_operator_equals_its_dense_tensor_brute_force():
    """Every contraction of PopulationMoments against the same contraction of the dense 6 sum a_i w_i^(x)3."""
    pm, W, a, rng = _population()
    T = dense_symmetric(6.0 * a, W, 3)
    np.testing.assert_allclose(pm.dense(), T, atol=1e-12)
    U, G = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    V = rng.standard_normal((7, 7, 2))
    np.testing.assert_allclose(pm.vectors(U), np.einsum("abc,bk,ck->ak", T, U, U), atol=1e-10)
    np.testing.assert_allclose(pm.scalars(U), np.einsum("abc,ak,bk,ck->k", T, U, U, U), atol=1e-10)
    np.testing.assert_allclose(pm.matrices(G), np.einsum("abc,ck->kab", T, G), atol=1e-10)
    np.testing.assert_allclose(pm.contract_pairs(V), np.einsum("abc,abk->ck", T, V), atol=1e-10)
    np.testing.assert_allclose(pm.flattening_apply(V), np.einsum("abc,dec,dek->abk", T, T, V), atol=1e-9)


def test_population_operator_matches_cubic_moments_on_many_rows():
    """CubicMoments of 4e5 sampled rows agrees with the population operator within its sampling noise
    (relative Frobenius error of T3(., ., g) and of T3(., u, u) below 5%)."""
    pm, W, a, rng = _population(d=6, r=4, seed=9)
    X = rng.standard_normal((400_000, 6))
    Z = X @ W
    cm = CubicMoments(X, (Z**3 - 3 * Z) @ a)
    U, g = rng.standard_normal((6, 3)), rng.standard_normal(6)
    for got, want in ((cm.vectors(U), pm.vectors(U)), (cm.matrix(g), pm.matrix(g)), (cm.dense(), pm.dense())):
        assert np.linalg.norm(got - want) < 0.05 * np.linalg.norm(want)


def test_population_covariance_matches_monte_carlo():
    """Cov(p(<v, x>), p(<v', x>)) and Cov(p(<v, x>), y) from the identity against 4e5 rows (He_2 + He_3 data
    and z^3 features, so that degrees 1-3 all enter)."""
    from depth2.core.cubic_moments import PopulationMoments

    rng = np.random.default_rng(5)
    d, r = 5, 3
    W = _unit(rng.standard_normal((d, r)))
    V = _unit(rng.standard_normal((d, 2)))
    pm = PopulationMoments(W, np.ones(r), np.array([0.0, 0.0, 1.0, 1.0]))  # He_2 + He_3
    cov_ff, cov_fy, ey, ep = pm.covariance(V, np.polynomial.hermite_e.poly2herme([0, 0, 0, 1.0]))  # z^3
    X = rng.standard_normal((400_000, d))
    Zw, Zv = X @ W, X @ V
    y = (Zw**2 - 1 + Zw**3 - 3 * Zw).sum(axis=1)
    F = Zv**3
    emp = np.cov(np.column_stack([F, y]).T)
    np.testing.assert_allclose(cov_ff, emp[:2, :2], rtol=0.05, atol=0.1)
    np.testing.assert_allclose(cov_fy, emp[:2, 2], rtol=0.05, atol=0.1)
    assert ey == 0.0 and ep == 0.0


def _unit(M):
    return M / np.linalg.norm(M, axis=0)


def _population_samples(d: int, r: int, n: int = 20_000, seed: int = 3):
    import depth2.papers.mondelli2019.data  # noqa: F401  (registers the family)

    spec = DatasetSpec("mondelli2019.poly_net", n, d, 1, {"r": r, "sigma": "he3"}, [seed, "test", "pop"])
    hid = generate_hidden(spec)
    return Samples(n, d, spec=spec, replicate=0, hidden={k: v[0] for k, v in hid.items()}), hid["W"][0]


def test_population_learner_recovers_overcomplete_weights_and_its_output_layer_matches_the_rows():
    """tensor_power at n = infinity (population = true), d = 10, r = 15 > d: every weight recovered, and the exact
    output layer equals least squares on 2e4 rows to within sampling noise (REFINE_RIDGE shrinks the weights
    slightly, so the components stop a little short of cos = 1)."""
    S, W = _population_samples(10, 15)
    fit = _REGISTRY["tensor_power"](S, rng=np.random.default_rng(0), width=15, population=True)
    assert fit.info["population"] and fit.info["converged"]
    _, cos = match_components(fit.params["W"], W)
    assert np.all(cos >= 0.95), cos
    a_rows, c_rows = fit_output_layer(S, fit.params["W"], fit.params["coef"])
    np.testing.assert_allclose(fit.params["a"], a_rows, atol=0.05)
    assert abs(float(fit.params["c"]) - c_rows) < 0.2


def test_population_needs_a_generated_dataset():
    X, y, _ = _planted(np.random.default_rng(2), 500, 6, 2)
    with pytest.raises(ValueError, match="exact population"):
        _REGISTRY["tensor_power"](X, y, rng=np.random.default_rng(0), width=2, population=True)
