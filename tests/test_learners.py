"""Learners recover planted ReLUs; the registry and parameter checks fail loudly."""

from __future__ import annotations

import numpy as np
import pytest

from depth2 import learners
from depth2.core.data import DatasetSpec, Samples, generate_hidden, population_of
from depth2.core.single_index import exact_loss


def _realizable(b: float, n: int, d: int = 8, seed: int = 11) -> Samples:
    spec = DatasetSpec(family="guo2025.realizable", n=n, d=d, replicates=1, params={"b": b, "kappa": 0.01},
                       seed_path=[seed, "test", "learners", f"b={b}"])
    hid = generate_hidden(spec)
    return Samples(n, d, spec=spec, hidden={k: v[0] for k, v in hid.items()})


def test_registry_table_matches_what_modules_register():
    """`get` imports only the module the table names: the table must list every registered learner."""
    from depth2.learners import _HOME
    from depth2.learners.base import _MODULE_OF

    learners.names()  # imports every module
    assert _HOME == _MODULE_OF


def test_registry_lists_and_refuses():
    assert {"zero", "gd", "gd_pop", "sq", "sq_pca", "alg1"} <= set(learners.names())
    with pytest.raises(KeyError, match="unknown learner 'nope'"):
        learners.get("nope")
    with pytest.raises(ValueError, match="'none' is reserved"):
        learners.register("none")


@pytest.mark.parametrize("name", ["gd", "sq", "alg1"])
@pytest.mark.parametrize("b", [0.0, -1.0])
def test_planted_relu_is_recovered(name, b):
    """Tolerance: cos(w, v) >= 0.99, |b_hat - b| <= 0.3 and exact L/OPT <= 1.6 (OPT = noise / 2)."""
    S = _realizable(b, n=100_000)
    fit = learners.get(name)(S, rng=np.random.default_rng(0))
    t = population_of(S)
    w, bh = fit.params["w"], float(fit.params["b"])
    assert w @ t.v / np.linalg.norm(w) >= 0.99
    assert abs(bh - b) <= 0.3
    assert exact_loss(t, w, bh) / exact_loss(t, t.v, b) <= 1.6


def test_gd_recovers_from_plain_arrays():
    rng = np.random.default_rng(1)
    v = np.array([0.6, -0.8, 0.0])
    X = rng.standard_normal((50_000, 3))
    y = np.maximum(X @ v - 0.5, 0.0)
    fit = learners.get("gd")(X, y, rng=rng)
    np.testing.assert_allclose(fit.params["w"], v, atol=0.02)
    assert float(fit.params["b"]) == pytest.approx(-0.5, abs=0.02)


def test_population_gd_converges_from_an_aligned_start():
    S = _realizable(-1.0, n=1)
    fit = learners.get("gd_pop")(S, rng=np.random.default_rng(0), max_steps=3000)
    t = population_of(S)
    assert exact_loss(t, fit.params["w"], float(fit.params["b"])) / exact_loss(t, t.v, -1.0) <= 1.05


def test_population_gd_stop_below_decides_escape_exactly_as_the_full_run():
    """Stopping a run once its loss is <= stop_below x the zero function's changes no other run's path, and a
    stopped run's full path ends no higher (the loss only decreases): the escape flag is the same either way."""
    from depth2.core.data import get_family
    from depth2.core.single_index import BatchQuadrature, zero_loss
    from depth2.learners.single_relu import population_gd

    t = get_family("guo2025.eq4").population({"b": -4.0, "alpha": 1.0}, {"v": np.eye(10)[0]})
    rng = np.random.default_rng(5)
    W0 = rng.standard_normal((24, 10))
    W0 *= 0.01 / np.linalg.norm(W0, axis=1, keepdims=True)
    a0, c0 = W0[:, 0], np.linalg.norm(W0[:, 1:], axis=1)
    kw = {"max_steps": 2000, "tol": 1e-10, "grad_tol": 1e-10}
    full = population_gd(BatchQuadrature(t), a0, c0, np.zeros(24), **kw)
    stop = population_gd(BatchQuadrature(t), a0, c0, np.zeros(24), stop_below=0.5, **kw)
    floor = 0.5 * zero_loss(t)
    stopped = stop[3] <= floor
    assert stopped.any() and (~stopped).any()  # both kinds of run occur at b = -4
    for k in np.flatnonzero(~stopped):  # never reached the floor: the very same path
        assert [full[i][k] for i in range(4)] == [stop[i][k] for i in range(4)]
    assert np.all(full[3][stopped] <= stop[3][stopped] + 1e-15)
    np.testing.assert_array_equal(full[3] <= floor, stop[3] <= floor)
    assert all(r["converged"] for r, s in zip(stop[4], stopped, strict=True) if s)  # stopped by its test
    assert max(r["steps"] for r, s in zip(stop[4], stopped, strict=True) if s) < 2000


def test_population_gd_needs_a_generated_dataset():
    with pytest.raises(ValueError, match="exact population"):
        learners.get("gd_pop")(np.zeros((4, 2)), np.zeros(4), rng=np.random.default_rng(0))


def test_bad_learner_arguments_are_named():
    X, y = np.random.default_rng(0).standard_normal((100, 2)), np.zeros(100)
    with pytest.raises(TypeError, match="unknown parameter"):
        learners.get("gd")(X, y, rng=np.random.default_rng(0), steps=3)
    with pytest.raises(ValueError, match="width must be 1"):
        learners.get("sq")(X, y, rng=np.random.default_rng(0), width=3)
    with pytest.raises(ValueError, match="too few"):
        learners.get("sq")(X[:2], y[:2], rng=np.random.default_rng(0))


def test_trivial_learners_predict_constants():
    X = np.random.default_rng(0).standard_normal((1000, 3))
    y = 2.0 + np.zeros(1000)
    zero = learners.get("zero")(X, y, rng=np.random.default_rng(0))
    mean = learners.get("trivial")(X, y, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(zero.predict(X[:5]), np.zeros(5))
    np.testing.assert_allclose(mean.predict(X[:5]), np.full(5, 2.0))
