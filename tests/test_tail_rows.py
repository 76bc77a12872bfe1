"""The exact tail sampler (depth2.core.tail_rows) against brute force, and the pca_tail learner built on it.

Equivalence in law is tested on every statistic Theorem 13's PCA reads from the kept rows (their count, the
hidden coordinate z, the label y, an orthogonal coordinate, and the PCA overlap itself), by two-sample
Kolmogorov-Smirnov tests over many seeds, on the kinds of cell the sampler uses: noise-free constant pieces
(eq. 4), a noise tail in the bulk that is never drawn in practice (realizable, 1% noise), one that is
(realizable with noise variance 2 E relu^2, where bulk rows pass the threshold through their noise alone), and
a non-zero level with noise (its two noise tails have different masses).
Seeds are fixed, so each test's outcome is deterministic; the KS threshold (p > 1e-3 on every statistic) fails
for a sampler off by a few percent in any cell's mass or shape at these sizes.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from scipy.special import ndtr
from scipy.stats import ks_2samp, norm

from depth2 import learners
from depth2.core.data import DatasetSpec, Samples, get_family
from depth2.core.single_index import SingleIndexTarget
from depth2.core.tail_rows import brute_force_tail, tail_rows

D = 5
V = np.array([0.6, 0.0, 0.8, 0.0, 0.0])
CASES = [("guo2025.eq4", {"b": -1.5, "alpha": 1.0}, 0.4),
         ("guo2025.realizable", {"b": -1.5, "kappa": 0.01}, 0.4),
         ("guo2025.realizable", {"b": -1.0, "kappa": 2.0}, 0.5),
         ("shifted", {}, 0.5)]


def _target(family, params):
    if family == "shifted":  # eq. (4)'s shape with a level of 0.3 and noise: the two noise tails differ in mass
        return SingleIndexTarget(v=V, f=lambda z: np.where(z < 0, 0.3, np.maximum(z - 1.5, 0.0)), noise_var=0.25,
                                 breakpoints=(0.0, 1.5))
    return get_family(family).population(params, {"v": V})


def _mass(target, tau: float) -> float:
    """P(|y| >= tau) by quadrature over z (the brute-force probability of a kept row)."""
    s = np.sqrt(target.noise_var)

    def kept(z: float) -> float:
        f = float(target.f(np.array([z]))[0])
        if s == 0:
            return float(abs(f) >= tau)
        return float(ndtr((f - tau) / s) + ndtr((-tau - f) / s))

    pts = sorted(target.breakpoints)
    edges = [-12.0, *pts, 12.0]
    return sum(integrate.quad(lambda z: norm.pdf(z) * kept(z), a, b, limit=200)[0]
               for a, b in zip(edges[:-1], edges[1:], strict=True))


@pytest.mark.parametrize("family,params,tau", CASES)
def test_tail_rows_equal_brute_force_in_law(family, params, tau):
    t = _target(family, params)
    n, seeds = 4000, 150
    stats = {k: ([], []) for k in ("count", "z", "y", "perp")}
    u = np.array([0.8, 0.0, -0.6, 0.0, 0.0])  # a unit direction orthogonal to V
    for s in range(seeds):
        for j, (X, y) in enumerate((tail_rows(t, n, tau, np.random.default_rng(s)),
                                    brute_force_tail(t, n, tau, np.random.default_rng(10_000 + s), D))):
            stats["count"][j].append(len(y))
            stats["z"][j].extend(X @ V)
            stats["y"][j].extend(y)
            stats["perp"][j].extend(X @ u)
    for name, (a, b) in stats.items():
        assert ks_2samp(a, b).pvalue > 1e-3, name
    # the mean count matches the exact probability of a kept row (Binomial(n, p): sd of the mean ~ sqrt(np/150))
    p = _mass(t, tau)
    assert np.mean(stats["count"][0]) == pytest.approx(n * p, abs=4 * np.sqrt(n * p / seeds))
    assert np.min(np.abs(stats["y"][0])) >= tau


def test_tail_rows_keep_exactly_the_rows_above_the_threshold_at_any_n():
    t = _target("guo2025.eq4", {"b": -4.0, "alpha": 1.0})
    X, y = tail_rows(t, 10**10, 0.25, np.random.default_rng(0))
    assert np.all(np.abs(y) >= 0.25) and X.shape == (y.size, D)
    # about n P(z >= 4.25) rows, and every one of them above the hyperplane z = -b
    assert y.size == pytest.approx(1e10 * norm.sf(4.25), rel=0.05)
    np.testing.assert_allclose(y, np.maximum(X @ V - 4.0, 0.0), atol=1e-12)
    assert tail_rows(t, 0, 0.25, np.random.default_rng(0))[0].shape == (0, D)


def test_tail_rows_refuse_bad_input_and_non_constant_links():
    t = _target("guo2025.eq4", {"b": -2.0, "alpha": 1.0})
    with pytest.raises(ValueError, match="tau must be > 0"):
        tail_rows(t, 10, 0.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n must be >= 0"):
        tail_rows(t, -1, 0.5, np.random.default_rng(0))
    csq = get_family("guo2025.hermite_truncated").population({"b": -3.0, "alpha": 10.0}, {"v": V})
    with pytest.raises(ValueError, match="f constant between breakpoints"):
        tail_rows(csq, 10, 0.5, np.random.default_rng(0))


def _samples(family: str, params: dict, n: int):
    spec = DatasetSpec(family=family, n=n, d=D, replicates=1, params=params, seed_path=[7, "test", "tail"])
    return Samples(n, D, spec=spec, hidden={"v": V})


def test_pca_tail_matches_brute_force_pca_in_law_and_recovers_v():
    """pca_tail's overlap against the top eigenvector of brute-force rows with |y| >= 1/|b| (same n, same
    threshold), over 200 seeds; and at n Phi(b) = 3000, b = -4: overlap > 0.99 (1 - |cos| ~ d / rows read)."""
    params = {"b": -1.5, "alpha": 1.0}
    t = _target("guo2025.eq4", params)
    S = _samples("guo2025.eq4", params, 1500)
    fit_tail, brute = [], []
    for s in range(200):
        fit = learners.get("pca_tail")(S, rng=np.random.default_rng(s))
        fit_tail.append(abs(float(fit.params["w"] @ V)))
        X, _ = brute_force_tail(t, 1500, 1.0 / 1.5, np.random.default_rng(5000 + s), D)
        brute.append(abs(float(np.linalg.eigh(X.T @ X)[1][:, -1] @ V)))
    assert ks_2samp(fit_tail, brute).pvalue > 1e-3
    assert float(fit.params["b"]) == -1.5
    deep = _samples("guo2025.eq4", {"b": -4.0, "alpha": 1.0}, int(np.ceil(3000 / norm.cdf(-4.0))))
    fit = learners.get("pca_tail")(deep, rng=np.random.default_rng(1))
    assert abs(float(fit.params["w"] @ V)) > 0.99 and fit.info["rows_read"] > 500
