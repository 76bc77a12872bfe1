"""safran2022 learners: convergence records (tiny budget -> unconverged; a converged fit -> converged), the
accelerated solver against the paper's GD, validation-chosen iterates, and the shared hidden layer of the
strong-net family and rf_ridge inside the pipeline (``depth2 fit``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from depth2 import learners
from depth2.artifacts import load_fits, write_dataset
from depth2.cli import main
from depth2.core.data import DatasetSpec
from depth2.learners import ball_nets as bn
from depth2.learners.base import CONVERGENCE_KEYS

D = 6
FAMILY = ("strong_net", "strong_net_linear", "strong_net_sigmoid", "strong_net_gd", "rf_ridge")


def _ball(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(seed).standard_normal((n, D))
    return X, (np.linalg.norm(X, axis=1) <= np.sqrt(D)).astype(float)


@pytest.fixture(scope="module")
def ball():
    return _ball(3000, 0)


@pytest.mark.parametrize("name", ["strong_net", "strong_net_linear", "strong_net_sigmoid", "strong_net_gd"])
def test_strong_nets_report_convergence(ball, name):
    X, y = ball
    fn = learners.get(name)
    tiny = fn(X, y, rng=np.random.default_rng(1), width=60, steps=5)
    assert set(CONVERGENCE_KEYS) <= set(tiny.info)
    assert tiny.info["converged"] is False and tiny.info["steps"] == 5 and tiny.info["max_steps"] == 5
    full = fn(X, y, rng=np.random.default_rng(1), width=60, steps=20_000)
    assert full.info["converged"] is True and full.info["steps"] < 20_000
    assert full.info["steps"] % full.info["check_every"] == 0  # stopped at a check, by its own test
    assert full.info["train_loss"] < tiny.info["train_loss"]


def test_optimization_test_alone_converges_without_validation(ball):
    """With no hold-out, the stop is the relative decrease of the best loss over a window, at most ``tol``."""
    X, y = ball
    fit = bn.fit_strong_net(X, y, rng=np.random.default_rng(2), width=40, steps=50_000, validation=0.0, tol=1e-3)
    info = fit.info
    assert info["converged"] and not info["stopped_by_validation"]
    assert 0 <= info["rel_decrease"] <= 1e-3 and info["steps"] < 50_000


@pytest.mark.parametrize("optimizer", ["adam", "gd_ls"])
def test_weak_net_reports_convergence(ball, optimizer):
    X, y = ball
    kw = {"lr": 0.01} if optimizer == "adam" else {"validation": 0.0, "tol": 1e-3}
    tiny = bn.fit_weak_net(X, y, rng=np.random.default_rng(3), width=8, steps=5, optimizer=optimizer, **kw)
    assert tiny.info["converged"] is False and tiny.info["steps"] == 5
    full = bn.fit_weak_net(X, y, rng=np.random.default_rng(3), width=8, steps=20_000, optimizer=optimizer, **kw)
    assert full.info["converged"] is True and full.info["steps"] < 20_000
    assert full.info["train_loss"] < tiny.info["train_loss"]


def test_weak_net_returns_the_iterate_chosen_on_validation(ball):
    X, y = ball
    fit = bn.fit_weak_net(X, y, rng=np.random.default_rng(4), width=8, steps=20_000, lr=0.01, trace=True, tol=0.0,
                          log_every=100)
    info = fit.info
    assert info["stopped_by_validation"] and info["best_step"] == info["steps_done"] == info["curve_step"][-1]
    assert info["steps"] >= info["best_step"] + 5 * info["check_every"]  # patience 5 checks past the best
    m = len(X) - round(0.2 * len(X))
    Xv, yv = X[m:], y[m:]
    assert np.mean((fit.predict(Xv) - yv) ** 2) == pytest.approx(info["val_loss"], rel=1e-12)
    assert np.mean((fit.predict(X[:m]) - y[:m]) ** 2) == pytest.approx(info["train_loss"], rel=1e-12)
    T = len(info["curve_step"])
    np.testing.assert_array_equal(fit.params["trace_U"][T - 1], fit.params["U"])
    assert np.all(np.isnan(fit.params["trace_U"][T:]))  # padded past the logged iterates


def test_strong_net_returns_the_iterate_chosen_on_validation(ball):
    X, y = ball
    fit = bn.fit_strong_net(X, y, rng=np.random.default_rng(5), width=200, steps=20_000, trace=True, log_every=100)
    info = fit.info
    m = len(X) - round(0.2 * len(X))
    Xt = bn.erf_features(X, fit.params["U"], fit.params["b"])
    val = np.mean((np.clip(Xt[m:] @ fit.params["w"], 0, 1) - y[m:]) ** 2)
    assert val == pytest.approx(info["val_loss"], rel=1e-12)
    assert info["curve_step"][-1] == info["best_step"] and info["rows"] == m and info["val_rows"] == len(X) - m
    T = len(info["curve_step"])
    np.testing.assert_array_equal(fit.params["trace_w"][T - 1], fit.params["w"])
    assert 0 < info["active_fraction"] < 1


def test_nesterov_beats_fixed_step_gd_at_equal_steps(ball):
    """Same features, same step 1/L_hat, same budget, no hold-out: the accelerated solver reaches a lower
    training loss (the issue's finding: 1000 GD steps leave the strong net an early-stopped linear model)."""
    X, y = ball
    kw = {"width": 200, "steps": 600, "tol": 0.0, "validation": 0.0}
    gd = bn.fit_strong_net(X, y, rng=np.random.default_rng(6), solver="gd", **kw)
    acc = bn.fit_strong_net(X, y, rng=np.random.default_rng(6), solver="nesterov", **kw)
    np.testing.assert_array_equal(gd.params["U"], acc.params["U"])
    assert acc.info["train_loss"] < 0.9 * gd.info["train_loss"]
    assert acc.info["restarts"] >= 0 and gd.info["restarts"] == 0


def test_steps_per_width_sets_the_budget(ball):
    X, y = ball
    fit = bn.fit_strong_net_gd(X, y, rng=np.random.default_rng(7), width=30, steps=1, steps_per_width=3,
                               tol=0.0, validation=0.0)
    assert fit.info["max_steps"] == 90 and fit.info["solver"] == "gd"


def test_rf_ridge_tunes_its_penalty_on_validation(ball):
    X, y = ball
    fit = bn.fit_rf_ridge(X, y, rng=np.random.default_rng(8), width=100)
    info = fit.info
    assert len(info["val_mse"]) == len(bn.RF_RIDGE_DEFAULTS["ridges"])
    assert info["ridge"] == bn.RF_RIDGE_DEFAULTS["ridges"][int(np.argmin(info["val_mse"]))]
    fixed = bn.fit_rf_ridge(X, y, rng=np.random.default_rng(8), width=100, ridge=info["ridge"])
    np.testing.assert_allclose(fixed.params["w"], fit.params["w"], rtol=1e-12)


def test_shared_rng_gives_one_hidden_layer_whatever_the_own_rng(ball):
    X, y = ball
    fits = [learners.get(name)(X, y, rng=np.random.default_rng(k), shared_rng=np.random.default_rng(99), width=20,
                               steps=10) if name != "rf_ridge" else
            learners.get(name)(X, y, rng=np.random.default_rng(k), shared_rng=np.random.default_rng(99), width=20)
            for k, name in enumerate(FAMILY)]
    for f in fits[1:]:
        np.testing.assert_array_equal(f.params["U"], fits[0].params["U"])
        np.testing.assert_array_equal(f.params["b"], fits[0].params["b"])
        assert f.info["features_id"] == fits[0].info["features_id"]
    other = bn.fit_strong_net(X, y, rng=np.random.default_rng(0), shared_rng=np.random.default_rng(98), width=20,
                              steps=10)
    assert other.info["features_id"] != fits[0].info["features_id"]


def test_pipeline_fits_share_the_hidden_layer(tmp_path):
    """``depth2 fit`` on one dataset: strong_net, strong_net_linear, strong_net_sigmoid and rf_ridge (and the GD
    series) get identical hidden layers on the same replicate, and different ones across replicates."""
    spec = DatasetSpec(family="safran2022.ball", n=600, d=4, replicates=2, params={"law": "gaussian", "lam": 1.5},
                       seed_path=[0, "safran2022", "output_ablation", "law=gaussian"])
    data = tmp_path / "data.npz"
    write_dataset(data, spec, {"law": "gaussian"}, max_stored_mb=100, sample_rows=10)
    hidden = {}
    for name in FAMILY:
        params = {"width": 12} if name == "rf_ridge" else {"width": 12, "steps": 20}
        out = tmp_path / f"{name}.npz"
        assert main(["fit", "--data", str(data), "--learner", name, "--params", json.dumps(params),
                     "--out", str(out)]) in (0, None)
        hidden[name] = load_fits(out)
    ref = hidden["strong_net"]
    for name in FAMILY[1:]:
        for r in range(2):
            np.testing.assert_array_equal(hidden[name][r].params["U"], ref[r].params["U"])
            np.testing.assert_array_equal(hidden[name][r].params["b"], ref[r].params["b"])
    assert not np.array_equal(ref[0].params["U"], ref[1].params["U"])
    weak = tmp_path / "weak.npz"
    main(["fit", "--data", str(data), "--learner", "weak_net", "--params", json.dumps({"width": 3, "steps": 5}),
          "--out", str(weak)])
    assert load_fits(weak)[0].params["U"].shape == (4, 3)  # learners without shared_stream take no shared_rng
