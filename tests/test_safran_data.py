"""safran2022 data: norm laws (KS against the exact CDFs), uniform directions, labels, the Eldan-Shamir mass,
input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from depth2.core.data import DatasetSpec, Samples, generate_hidden, get_family
from depth2.papers.safran2022 import data as D

N_KS = 100_000
CASES = [(law, d) for law in D.LAWS for d in (5, 10)]


def _rng(*keys: int) -> np.random.Generator:
    return np.random.default_rng([2022, *keys])


@pytest.fixture(scope="module")
def draws() -> dict[tuple[str, int], np.ndarray]:
    return {(law, d): D.sample_x(_rng(i, d), N_KS, d, law) for i, (law, d) in enumerate(CASES)}


@pytest.mark.parametrize(("law", "d"), CASES)
def test_norm_matches_exact_cdf_ks(draws, law, d):
    X = draws[(law, d)]
    assert X.shape == (N_KS, d) and X.dtype == np.float64
    res = stats.kstest(np.linalg.norm(X, axis=1), lambda t: D.norm_cdf(law, t, d))
    assert res.pvalue > 1e-3, (law, d, res)


@pytest.mark.parametrize(("law", "d"), CASES)
def test_directions_are_uniform(draws, law, d):
    X = draws[(law, d)]
    U = X / np.linalg.norm(X, axis=1, keepdims=True)
    n = U.shape[0]
    se_mean = math.sqrt(1 / d / n)
    assert np.all(np.abs(U.mean(axis=0)) < 5 * se_mean)
    M = U.T @ U / n
    se_diag = math.sqrt((3 / (d * (d + 2)) - 1 / d**2) / n)
    se_off = math.sqrt(1 / (d * (d + 2)) / n)
    dev = np.abs(M - np.eye(d) / d)
    assert np.all(np.diag(dev) < 5 * se_diag)
    assert np.all(dev[~np.eye(d, dtype=bool)] < 5 * se_off)


def test_sphere_sum_norm_is_at_most_two(draws):
    for d in (5, 10):
        assert np.linalg.norm(draws[("sphere_sum", d)], axis=1).max() <= 2 + 1e-12


@pytest.mark.parametrize("law", D.LAWS)
def test_family_labels_are_the_ball_indicator(law):
    fam = get_family("safran2022.ball")
    params = {"law": law, "lam": 1.35}
    hid = fam.hidden(_rng(7), 10, params)
    assert float(hid["lam"]) == 1.35
    X, y = fam.sample(_rng(8), 5000, 10, params, hid)
    assert X.shape == (5000, 10) and y.shape == (5000,) and y.dtype == np.float64
    np.testing.assert_array_equal(y, (np.linalg.norm(X, axis=1) <= 1.35).astype(float))
    assert 0 < y.mean() < 1
    assert float(fam.hidden(_rng(7), 10, {"law": law})["lam"]) == D.DEFAULT_LAM


def test_family_streams_through_dataset_spec():
    spec = DatasetSpec(
        family="safran2022.ball",
        n=3000,
        d=6,
        replicates=2,
        params={"law": "sphere_sum"},
        seed_path=[1, "safran2022", "exp", "pt"],
        block_rows=1024,
    )
    hid = generate_hidden(spec)
    S = Samples(spec.n, spec.d, spec=spec, replicate=1, hidden={k: v[1] for k, v in hid.items()})
    X, y = S.materialize()
    X2, _ = S.materialize(100, 2000)
    np.testing.assert_array_equal(X[100:2000], X2)
    np.testing.assert_array_equal(y, (np.linalg.norm(X, axis=1) <= 1.5).astype(float))


def test_eldan_shamir_density_integrates_to_one():
    for d in (5, 10):
        grid, tail = D.eldan_shamir_mass(d)
        assert abs(grid + tail - 1) < 1e-3
        # independent: adaptive quadrature on [0, 20] plus the K / t tail
        _, _, K = D.es_constants(d)
        body = sum(integrate.quad(D.eldan_shamir_norm_pdf, a, a + 1, args=(d,), limit=200)[0] for a in range(20))
        assert abs(body + K / 20 - 1) < 1e-3
        assert abs(float(D.eldan_shamir_mu_cdf(20.0, d)) - body) < 1e-4


def test_eldan_shamir_mass_within_two_at_d10():
    d = 10
    mu_quad = sum(
        integrate.quad(D.eldan_shamir_norm_pdf, a, a + 0.5, args=(d,), limit=200)[0] for a in np.arange(0, 2, 0.5)
    )
    # the digest's 0.91 is the Bessel component mu_d alone
    assert abs(float(D.eldan_shamir_mu_cdf(2.0, d)) - 0.91) < 0.005
    assert abs(float(D.eldan_shamir_mu_cdf(2.0, d)) - mu_quad) < 1e-5
    # the mixture D_d = 0.5 mu_d + 0.5 N(0, I/d): ~0.955, checked against the independent integral
    mix = float(D.norm_cdf("eldan_shamir", 2.0, d))
    assert abs(mix - (0.5 * mu_quad + 0.5 * stats.chi(d).cdf(2 * math.sqrt(d)))) < 1e-5
    assert abs(mix - 0.955) < 0.002
    # asymptotic tail P(|x| > t) ~ K / t under mu_d
    _, _, K = D.es_constants(d)
    assert abs(K - 0.176) < 1e-3
    assert abs(1 - float(D.eldan_shamir_mu_cdf(10.0, d)) - K / 10) < 1e-3


def test_closed_forms_and_helpers():
    t = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(
        D.norm_cdf("cauchy", t, 3),
        [0, 0, 2 / np.pi * np.arctan(0.5), 0.5, 2 / np.pi * np.arctan(2), 2 / np.pi * np.arctan(3)],
    )
    np.testing.assert_allclose(D.norm_cdf("uniform_norm", t, 3), [0, 0, 0.2, 0.4, 0.8, 1.0])
    assert D.norm_cdf("sphere_sum", 2.0, 7) == 1.0 and D.norm_cdf("sphere_sum", -0.5, 7) == 0.0
    assert abs(float(D.norm_cdf("sphere_sum", math.sqrt(2), 7)) - 0.5) < 1e-12  # <x1, x2> symmetric about 0
    for law in D.LAWS:
        c = D.norm_cdf(law, np.linspace(0, 50, 2001), 10)
        assert np.all(np.diff(c) >= 0) and c[0] == 0
    assert D.trivial_risk("uniform_norm", 1.25, 4) == pytest.approx(0.25)
    lo, hi = D.hard_band(10)
    assert lo == pytest.approx(math.sqrt(2 - 1 / math.sqrt(10))) and hi == pytest.approx(math.sqrt(2))
    for d in (4, 10, 100):  # D'_d is non-trivial across the band
        assert all(0.2 < D.trivial_risk("sphere_sum", lam, d) <= 0.25 for lam in D.hard_band(d))


def test_bad_inputs_name_the_argument():
    fam = get_family("safran2022.ball")
    with pytest.raises(ValueError, match="law must be one of.*'cauchy'"):
        D.norm_cdf("normal", 1.0, 5)
    with pytest.raises(ValueError, match="law must be one of"):
        fam.hidden(_rng(0), 5, {"law": "ball"})
    with pytest.raises(ValueError, match="params must name law"):
        fam.hidden(_rng(0), 5, {"lam": 1.0})
    for lam in (0.0, -1.0, float("nan"), "x"):
        with pytest.raises(ValueError, match="lam must be a positive"):
            fam.hidden(_rng(0), 5, {"law": "cauchy", "lam": lam})
    with pytest.raises(ValueError, match="lam must be a positive"):
        D.trivial_risk("cauchy", 0.0, 5)
    for d in (1, 0, 2.5):
        with pytest.raises(ValueError, match="d must be an integer >= 2"):
            D.hard_band(d)
        with pytest.raises(ValueError, match="d must be an integer >= 2"):
            D.sample_x(_rng(0), 10, d, "gaussian")
    with pytest.raises(ValueError, match="d must be an integer >= 2"):
        fam.hidden(_rng(0), 1, {"law": "gaussian"})
