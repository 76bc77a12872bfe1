"""mondelli2019: the risk identities on planted data, and each claim predicate on constructed tables where it
must pass and where it must fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from depth2.claims import NOT_SUPPORTED, SUPPORTED
from depth2.papers.mondelli2019 import claims as C
from depth2.papers.mondelli2019.data import (
    ACTIVATIONS,
    activation,
    hermite_coefficients,
    planted_weights,
    population_variance,
)

BOUNDS = {"recovery_cos": 0.9, "var_tol": 0.05, "shortcut_tol": 0.02, "barrier_ratio": 1.0, "low_risk": 0.5}


@pytest.mark.parametrize("sigma", sorted(ACTIVATIONS))
def test_population_variance_matches_monte_carlo(sigma):
    """Var(y) identity within 4 standard errors of the MC variance (n = 2e5, d = 12, r = 30)."""
    rng = np.random.default_rng(1)
    W = planted_weights(rng, 12, 30)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), 1.0)
    coef = activation(sigma)
    y = np.polynomial.polynomial.polyval(rng.standard_normal((200_000, 12)) @ W, coef).sum(axis=1)
    c = y - y.mean()
    se = np.sqrt((np.mean(c**4) - np.mean(c**2) ** 2) / y.size)
    assert abs(y.var() - population_variance(W, coef)) < 4 * se
    assert abs(y.mean() - 30 * hermite_coefficients(coef)[0]) < 4 * y.std() / np.sqrt(y.size)


def test_he3_has_no_linear_or_even_part_and_cube_has_a_linear_one():
    np.testing.assert_allclose(hermite_coefficients(activation("he3")), [0, 0, 0, 1])
    np.testing.assert_allclose(hermite_coefficients(activation("cube")), [0, 3, 0, 1])
    with pytest.raises(ValueError, match="sigma must be one of"):
        activation("tanh")


def _identities(var_ratio: float, shortcut_risk: float) -> pd.DataFrame:
    rows = []
    for r in (50, 200):
        for rep in range(3):
            for ln in ("trivial", "norm_only", "ols"):
                rows.append({"sigma": "he3", "r": r, "replicate": rep, "learner": ln,
                             "var_ratio": var_ratio * (1 + 0.003 * (rep - 1)),
                             "rel_risk": 1.0 if ln == "trivial" else shortcut_risk * (1 + 0.002 * (rep - 1))})
    return pd.DataFrame(rows)


def test_variance_identity_passes_and_fails():
    assert C.variance_identity({"identities": _identities(1.0, 1.0)}, BOUNDS).verdict == SUPPORTED
    assert C.variance_identity({"identities": _identities(1.3, 1.0)}, BOUNDS).verdict == NOT_SUPPORTED


def test_no_shortcut_passes_and_fails():
    assert C.no_shortcut({"identities": _identities(1.0, 1.001)}, BOUNDS).verdict == SUPPORTED
    assert C.no_shortcut({"identities": _identities(1.0, 0.6)}, BOUNDS).verdict == NOT_SUPPORTED


def _barrier(easy_risk: float, hard_risk: float, hard_recovered: float = 0.0) -> pd.DataFrame:
    rows = []
    for d in (20, 50):
        for ratio, risk, rec in ((0.05, easy_risk, 1.0), (0.5, 0.8, 0.3), (1.0, hard_risk, hard_recovered)):
            for rep in range(3):
                for ln in ("tensor_power", "tensor_spectral"):
                    rows.append({"d": d, "ratio": ratio, "r": round(ratio * d**1.5), "replicate": rep, "learner": ln,
                                 "rel_risk": risk * (1 + 0.005 * rep) + (0.01 if ln == "tensor_spectral" else 0),
                                 "frac_recovered": rec})
    return pd.DataFrame(rows)


def test_barrier_passes_and_fails():
    assert C.barrier({"barrier": _barrier(0.01, 1.05)}, BOUNDS).verdict == SUPPORTED
    assert C.barrier({"barrier": _barrier(0.01, 0.2, 1.0)}, BOUNDS).verdict == NOT_SUPPORTED


def test_weights_vs_risk_passes_and_fails():
    good = _barrier(0.01, 1.05)
    assert C.weights_vs_risk({"barrier": good}, BOUNDS).verdict == SUPPORTED
    bad = good.copy()
    bad.loc[bad["ratio"] == 1.0, "rel_risk"] = 0.1  # low risk with nothing recovered
    assert C.weights_vs_risk({"barrier": bad}, BOUNDS).verdict == NOT_SUPPORTED
    # above the generic rank (d = 20, r = 89 > C(22, 3) / 20 = 77) weights are not identifiable: not counted
    assert C.weights_vs_risk({"barrier": bad[bad["d"] == 20]}, BOUNDS).verdict == SUPPORTED


def _cubic(large_n_risk: float) -> pd.DataFrame:
    rows = []
    for r in (5, 50):
        for q, risk in ((0.25, 3.0), (0.5, 1.5), (1, 0.9), (4, large_n_risk), (8, large_n_risk / 2)):
            rows += [{"r": r, "n_over_features": q, "replicate": rep, "learner": "cubic_ridge",
                      "rel_risk": risk * (1 + 0.01 * rep)} for rep in range(3)]
    return pd.DataFrame(rows)


def test_cubic_control_passes_and_fails():
    assert C.cubic_control({"cubic_control": _cubic(0.01)}, BOUNDS).verdict == SUPPORTED
    assert C.cubic_control({"cubic_control": _cubic(0.6)}, BOUNDS).verdict == NOT_SUPPORTED


def _student(slope: float) -> pd.DataFrame:
    rows = []
    for d in (30, 60):
        for ratio in (0.05, 0.1, 0.2, 0.4):
            rows += [{"d": d, "ratio": ratio, "replicate": rep, "learner": "student_gd",
                      "rel_risk": 0.5 + slope * np.log(ratio / 0.1) + 0.01 * rep} for rep in range(3)]
    return pd.DataFrame(rows)


def test_student_trend_passes_and_fails():
    assert C.student_trend({"student": _student(0.2)}, BOUNDS).verdict == SUPPORTED
    assert C.student_trend({"student": _student(-0.2)}, BOUNDS).verdict == NOT_SUPPORTED
