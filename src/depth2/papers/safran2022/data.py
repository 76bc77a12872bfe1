"""safran2022 data: radial laws on R^d and the ball indicator target.

Family ``safran2022.ball``: rows ``x`` in R^d from a radial law, label ``y = 1{|x| <= lam}`` (float).

Parameters:

* ``law`` (required), one of

  - ``"cauchy"``: ``|x| = |C|`` with C standard Cauchy (the paper's heavy-tailed example of Asm. 6);
  - ``"uniform_norm"``: ``|x| ~ U[0, 2.5]``;
  - ``"gaussian"``: ``x ~ N(0, (s^2 / d) I_d)`` with ``s = 1.5`` (:data:`GAUSS_RMS`; ``|x| ~ s chi_d / sqrt d``), so
    that ``E|x|^2 = 1.5^2`` in every dimension: a light-tailed control whose norm concentrates at the default ball
    radius. (Unscaled, ``N(0, I_d)`` puts almost no mass in a ball of radius <= 2 once d >= 10: the task
    degenerates to predicting 0, with trivial MSE 6e-3 at d = 10 and 1e-13 at d = 40.);
  - ``"sphere_sum"``: D'_d of Eq. (5), ``x = x1 + x2`` with x1, x2 iid uniform on S^{d-1}, so
    ``|x|^2 = 2 + 2 <x1, x2> = 4 B``, ``B ~ Beta((d-1)/2, (d-1)/2)``, and ``|x| <= 2``;
  - ``"eldan_shamir"``: D_d of Eq. (4), the mixture ``0.5 mu_d + 0.5 N(0, I_d / d)`` where mu_d has density
    ``(R_d / |x|)^d J_{d/2}(k |x|)^2``, ``k = 2 pi a sqrt(d) R_d``, ``R_d = Gamma(d/2 + 1)^(1/d) / sqrt(pi)``.
    Its norm has density ``(d / t) J_{d/2}(k t)^2`` on (0, inf), which integrates to 1 for every k.
    **a is a constant the paper leaves unstated (Eldan-Shamir's "a >= 1"); a = 1 is our choice**
    (:data:`ES_A`). The norm is sampled by inverse CDF: the CDF is integrated (trapezoid) on a grid of
    step 2e-4 over [0, 400] (computed once per d and cached), and beyond 400 the tail is the asymptotic
    ``P(|x| > t) = K / t``, ``K = sqrt(d) / (2 pi^2 a R_d)`` (from ``J_nu(z)^2 ~ 1 / (pi z)`` on average). The
    grid part is rescaled by a factor within ~1e-6 of 1 so that it meets the tail exactly at 400
    (:func:`eldan_shamir_mass` reports the unscaled masses);

* ``lam`` (default 1.5): the radius of the ball, > 0.

Every law except ``sphere_sum`` draws ``x = direction * norm`` with the direction uniform on S^{d-1} (a
normalized Gaussian vector) independent of the norm; ``sphere_sum`` adds two such directions literally (its
law is rotation invariant, so its direction is uniform and independent of its norm too). The planted
"parameter" is only the radius: ``hidden = {"lam": array(lam)}``.

Pure helpers: :func:`norm_cdf` (exact CDF of ``|x|``), :func:`trivial_risk` (MSE of the best constant
predictor, ``p (1 - p)``), :func:`hard_band` (the radii where D'_d is hard, Thm 5), :func:`sample_x`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import special

from depth2.core.data import register_family

LAWS = ("cauchy", "uniform_norm", "sphere_sum", "eldan_shamir", "gaussian")
DEFAULT_LAM = 1.5
UNIFORM_NORM_MAX = 2.5
GAUSS_RMS = 1.5  # root-mean-square norm of the gaussian law in every dimension
# Eldan-Shamir's constant a: unstated in the paper; a = 1 is OUR choice.
ES_A = 1.0
# inverse-CDF grid of the mu_d norm: [0, ES_T] with ES_N steps (step 2e-4)
ES_T = 400.0
ES_N = 2_000_000


# ----------------------------------------------------------------------------------------------- validation
def _check_law(law: Any) -> str:
    if law not in LAWS:
        raise ValueError(f"law must be one of {', '.join(repr(s) for s in LAWS)}; got {law!r}")
    return str(law)


def _check_lam(lam: Any) -> float:
    try:
        val = float(lam)
    except (TypeError, ValueError) as err:
        raise ValueError(f"lam must be a positive finite number, got {lam!r}") from err
    if not (math.isfinite(val) and val > 0):
        raise ValueError(f"lam must be a positive finite number (lam > 0), got {lam!r}")
    return val


def _check_d(d: Any) -> int:
    if isinstance(d, bool) or not isinstance(d, int | np.integer) or int(d) < 2:
        raise ValueError(f"d must be an integer >= 2, got {d!r}")
    return int(d)


# ----------------------------------------------------------------------------------- Eldan-Shamir mu_d norm
def es_constants(d: int) -> tuple[float, float, float]:
    """``(R_d, k, K)`` of mu_d for dimension ``d`` (with a = :data:`ES_A`)."""
    d = _check_d(d)
    R = math.exp(math.lgamma(d / 2 + 1) / d) / math.sqrt(math.pi)
    k = 2 * math.pi * ES_A * math.sqrt(d) * R
    K = math.sqrt(d) / (2 * math.pi**2 * ES_A * R)
    return R, k, K


def eldan_shamir_norm_pdf(t: np.ndarray | float, d: int) -> np.ndarray:
    """Density of ``|x|`` under mu_d (the Bessel component of D_d): ``(d / t) J_{d/2}(k t)^2``, 0 at t <= 0."""
    d = _check_d(d)
    _, k, _ = es_constants(d)
    t = np.asarray(t, dtype=float)
    safe = np.where(t > 0, t, 1.0)
    return np.where(t > 0, d / safe * special.jv(d / 2, k * safe) ** 2, 0.0)


@functools.lru_cache(maxsize=4)
def _es_grid(d: int) -> tuple[np.ndarray, float, float]:
    """Cumulative mu_d norm mass on the grid ``i * ES_T / ES_N`` (rescaled to end at ``1 - K / ES_T``),
    the unscaled grid mass and K. Read-only; cached per d."""
    _, _, K = es_constants(d)
    h = ES_T / ES_N
    f = eldan_shamir_norm_pdf(np.arange(ES_N + 1) * h, d)
    C = np.empty(ES_N + 1)
    C[0] = 0.0
    np.cumsum(0.5 * h * (f[1:] + f[:-1]), out=C[1:])
    grid_mass = float(C[-1])
    C *= (1.0 - K / ES_T) / grid_mass
    C.setflags(write=False)
    return C, grid_mass, K


def eldan_shamir_mass(d: int) -> tuple[float, float]:
    """``(grid mass on [0, 400], tail mass K / 400)`` of the mu_d norm, before rescaling; they sum to ~1."""
    d = _check_d(d)
    _, grid_mass, K = _es_grid(d)
    return grid_mass, K / ES_T


def eldan_shamir_mu_cdf(t: np.ndarray | float, d: int) -> np.ndarray:
    """CDF of ``|x|`` under mu_d: the (rescaled) grid integral up to 400, ``1 - K / t`` beyond."""
    d = _check_d(d)
    C, _, K = _es_grid(d)
    t = np.asarray(t, dtype=float)
    h = ES_T / ES_N
    s = np.clip(t, 0.0, ES_T) / h
    i = np.minimum(np.floor(s).astype(np.int64), ES_N - 1)
    inside = C[i] + (s - i) * (C[i + 1] - C[i])
    tail = 1.0 - K / np.where(t > ES_T, t, ES_T)
    return np.where(t > ES_T, tail, inside)


def eldan_shamir_mu_ppf(u: np.ndarray, d: int) -> np.ndarray:
    """Inverse of :func:`eldan_shamir_mu_cdf` for ``u`` in [0, 1)."""
    d = _check_d(d)
    C, _, K = _es_grid(d)
    u = np.asarray(u, dtype=float)
    h = ES_T / ES_N
    in_grid = u < C[-1]
    ug = np.where(in_grid, u, 0.0)
    i = np.clip(np.searchsorted(C, ug, side="right") - 1, 0, ES_N - 1)  # C[i] <= u < C[i + 1]
    width = C[i + 1] - C[i]
    frac = np.where(width > 0, (ug - C[i]) / np.where(width > 0, width, 1.0), 0.0)
    t_grid = (i + frac) * h
    t_tail = K / np.maximum(1.0 - u, 1e-300)
    return np.where(in_grid, t_grid, t_tail)


# ------------------------------------------------------------------------------------------- pure functions
def _chi_cdf(x: np.ndarray, d: int) -> np.ndarray:
    """CDF of the chi distribution with d degrees of freedom: ``P(d / 2, x^2 / 2)`` (regularized lower incomplete
    gamma; scipy.special rather than scipy.stats, whose import costs every job about a second)."""
    return special.gammainc(d / 2, np.square(x) / 2)


def norm_cdf(law: str, t: np.ndarray | float, d: int) -> np.ndarray:
    """Exact CDF ``P(|x| <= t)`` of the norm under ``law`` in dimension ``d`` (vectorized in ``t``)."""
    law, d = _check_law(law), _check_d(d)
    t = np.asarray(t, dtype=float)
    tp = np.maximum(t, 0.0)
    if law == "cauchy":
        out = (2 / np.pi) * np.arctan(tp)
    elif law == "uniform_norm":
        out = np.clip(tp / UNIFORM_NORM_MAX, 0.0, 1.0)
    elif law == "gaussian":
        out = _chi_cdf(np.sqrt(d) * tp / GAUSS_RMS, d)
    elif law == "sphere_sum":
        a = (d - 1) / 2
        out = special.betainc(a, a, np.minimum(tp**2 / 4, 1.0))  # Beta(a, a) CDF
    else:  # eldan_shamir
        out = 0.5 * eldan_shamir_mu_cdf(tp, d) + 0.5 * _chi_cdf(np.sqrt(d) * tp, d)
    return np.where(t > 0, out, 0.0)


def trivial_risk(law: str, lam: float, d: int) -> float:
    """MSE of the best constant predictor of ``y = 1{|x| <= lam}``: ``p (1 - p)``, ``p = P(|x| <= lam)``."""
    lam = _check_lam(lam)
    p = float(norm_cdf(law, lam, d))
    return p * (1 - p)


def hard_band(d: int) -> tuple[float, float]:
    """The radii ``(sqrt(2 - 1/sqrt d), sqrt 2)`` where D'_d's target is hard (Thm 5: |x|^2 thresholds in
    [2 - 1/sqrt d, 2])."""
    d = _check_d(d)
    return math.sqrt(2 - 1 / math.sqrt(d)), math.sqrt(2)


def _unit_rows(rng: np.random.Generator, m: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    G = rng.standard_normal((m, d))
    r = np.linalg.norm(G, axis=1)
    return G / r[:, None], r


def sample_x(rng: np.random.Generator, m: int, d: int, law: str) -> np.ndarray:
    """``m`` rows of ``law`` in R^d, shape (m, d), float64."""
    law, d = _check_law(law), _check_d(d)
    if law == "sphere_sum":
        x1, _ = _unit_rows(rng, m, d)
        x2, _ = _unit_rows(rng, m, d)
        return x1 + x2
    U, rg = _unit_rows(rng, m, d)
    if law == "gaussian":
        r = rg * (GAUSS_RMS / math.sqrt(d))
    elif law == "cauchy":
        r = np.abs(rng.standard_cauchy(m))
    elif law == "uniform_norm":
        r = rng.uniform(0.0, UNIFORM_NORM_MAX, m)
    else:  # eldan_shamir: component mu_d w.p. 1/2, else N(0, I_d / d) (norm chi_d / sqrt d)
        pick_mu = rng.random(m) < 0.5
        r_mu = eldan_shamir_mu_ppf(rng.random(m), d)
        r = np.where(pick_mu, r_mu, rg / math.sqrt(d))
    return U * r[:, None]


def _law_of(params: Mapping[str, Any]) -> str:
    if "law" not in params:
        raise ValueError(f"params must name law, one of {', '.join(repr(s) for s in LAWS)}")
    return _check_law(params["law"])


@register_family("safran2022.ball")
class Ball:
    def hidden(self, rng, d, params):
        _law_of(params)
        _check_d(d)
        return {"lam": np.array(_check_lam(params.get("lam", DEFAULT_LAM)))}

    def sample(self, rng, m, d, params, hidden):
        lam = _check_lam(np.asarray(hidden["lam"]).item())
        X = sample_x(rng, int(m), d, _law_of(params))
        y = (np.linalg.norm(X, axis=1) <= lam).astype(float)
        return X, y
