"""Baselines for polynomial-activation networks (mondelli2019): ``y = sum_{i<=r} p(<w_i, x>)``, ``x ~ N(0, I_d)``.

The claim under test is that for ``d^1.5 << r << d^2`` no poly-time *proper* learner beats the constant
predictor ``E[y]``. These learners calibrate that claim:

* ``ols`` — least squares on ``(1, x)``. For ``p = z^3`` the labels have a large linear component
  (``E[z^3 z] = 3``), so a linear shortcut "learns" without learning the network; for ``p = He_3`` it
  explains nothing. It is the control that keeps a linear shortcut from passing as learning.
* ``norm_only`` — least squares on the powers ``(|x|^2 / d)^k``, ``k = 0..degree``: the best predictor from
  ``|x|`` alone within that family (for an odd ``p`` it explains nothing, since ``E[y | |x|] = E[y]``).
* ``cubic_ridge`` — ridge on all ``C(d+3, 3)`` monomials of degree <= 3: the improper control, which
  succeeds once ``n`` exceeds the feature count (~``d^3 / 6``). Small ``d`` only.
* ``student_gd`` — the proper ``r``-unit network ``sum_i a_i p(<w_i, x>) + c`` trained by Adam from a random
  start, with the columns of ``W`` kept on the unit sphere.

Every statistic of ``ols``, ``norm_only`` and ``cubic_ridge`` is accumulated over row chunks of the
``Samples`` stream (memory independent of ``n``); ``student_gd`` trains on the first ``max_rows`` rows.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg
from scipy.linalg import blas

from depth2.core.data import Samples, as_samples
from depth2.core.models import cubic_features
from depth2.learners.base import Fit, check_params, convergence, register

HE3 = (0.0, -3.0, 0.0, 1.0)  # He_3(z) = z^3 - 3 z, monomial coefficients (lowest degree first)

OLS_DEFAULTS: dict = {}
NORM_ONLY_DEFAULTS = {"degree": 3}
CUBIC_RIDGE_DEFAULTS = {"ridge": 1e-3, "max_features": 6000}
STUDENT_GD_DEFAULTS = {"coef": HE3, "steps": 2000, "batch": 4096, "lr": 1e-2, "max_rows": 100_000,
                       "log_every": 50, "init_scale": 0.1, "precision": "float64", "restarts": 1,
                       "tol": 1e-3}

_FEATURE_BLOCK_BYTES = 32 * 2**20  # cubic features are built in row blocks of at most this many bytes


# ----------------------------------------------------------------------------------------------------------
# chunked moments
# ----------------------------------------------------------------------------------------------------------


def _centered_moments(S: Samples) -> tuple[int, np.ndarray, float, np.ndarray, np.ndarray, float]:
    """One pass over ``S``: ``n``, the means of x and y and the centered co-moments
    ``Cxx = sum (x - mx)(x - mx)^T``, ``Cxy = sum (x - mx)(y - my)``, ``Syy = sum (y - my)^2``.

    Chunks are merged with the pairwise update of Chan, Golub & LeVeque (exact in exact arithmetic, free of
    the cancellation of ``sum x x^T - n mx mx^T`` when the means are large).
    """
    d = S.d
    n, mx, my = 0, np.zeros(d), 0.0
    Cxx, Cxy, Syy = np.zeros((d, d)), np.zeros(d), 0.0
    for Xc, yc in S.chunks():
        m = yc.shape[0]
        if m == 0:
            continue
        mxc, myc = Xc.mean(axis=0), float(yc.mean())
        Xd, yd = Xc - mxc, yc - myc
        dx, dy = mxc - mx, myc - my
        f = n * m / (n + m)
        Cxx += Xd.T @ Xd + f * np.outer(dx, dx)
        Cxy += Xd.T @ yd + f * dx * dy
        Syy += float(yd @ yd) + f * dy * dy
        mx = mx + dx * (m / (n + m))
        my += dy * m / (n + m)
        n += m
    return n, mx, my, Cxx, Cxy, Syy


def _solve_psd(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A^+ b`` for a symmetric PSD ``A``: Cholesky when it is positive definite, else minimum-norm lstsq."""
    try:
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), b)
    except np.linalg.LinAlgError:
        return scipy.linalg.lstsq(A, b)[0]


# ----------------------------------------------------------------------------------------------------------
# ols
# ----------------------------------------------------------------------------------------------------------


@register("ols")
def fit_ols(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Ordinary least squares ``y ~ c + <w, x>`` by chunked (centered) normal equations.

    ``w = Cxx^{-1} Cxy`` on the centered co-moments (minimum-norm solution if ``Cxx`` is singular) and
    ``c = mean(y) - <mean(x), w>``. ``width`` is ignored. ``info``: ``n``, ``train_r2``.
    """
    check_params("ols", params, OLS_DEFAULTS)
    S = as_samples(X, y)
    n, mx, my, Cxx, Cxy, Syy = _centered_moments(S)
    w = _solve_psd(Cxx, Cxy)
    rss = max(Syy - float(Cxy @ w), 0.0)
    r2 = float(1.0 - rss / Syy) if Syy > 0 else 0.0
    return Fit("linear", {"w": w, "c": np.array(my - float(mx @ w))}, info={"n": n, "train_r2": r2})


# ----------------------------------------------------------------------------------------------------------
# norm_only
# ----------------------------------------------------------------------------------------------------------


@register("norm_only")
def fit_norm_only(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Least squares of ``y`` on ``s^k``, ``k = 0..degree``, with ``s = |x|^2 / d``: the best polynomial
    predictor of degree ``degree`` in ``s`` (default 3) from the norm of ``x`` alone.

    Basis: under ``x ~ N(0, I_d)``, ``s`` concentrates at 1 with standard deviation ``h = sqrt(2 / d)``, so the
    raw powers ``s^k`` are nearly collinear (Gram condition number ~ ``h^{-2 degree}``). The normal equations
    are therefore accumulated and solved in the standardized variable ``t = (s - 1) / h`` (whose powers are
    well conditioned; least squares is invariant to this fixed affine change of basis, so no second pass is
    needed), and the solution is re-expanded exactly into the model's basis ``beta`` over ``s^k``.

    The re-expansion multiplies coefficients by up to ``binom(K, k) h^{-K}``, so evaluating ``polyval(s, beta)``
    loses roughly ``eps * sum |beta_k|`` in absolute terms: negligible for ``degree <= 4`` at ``d <= 10^3``, but
    keep the degree small. ``info["basis_roundoff"]`` is the largest gap, relative to the label standard
    deviation, between the two bases' predictions on a grid of ``s`` in ``1 +- 5 h``. ``width`` is ignored.
    """
    p = check_params("norm_only", params, NORM_ONLY_DEFAULTS)
    K = int(p["degree"])
    if K < 0 or K != p["degree"]:
        raise ValueError(f"norm_only: degree must be a non-negative integer, got {p['degree']!r}")
    S = as_samples(X, y)
    h = math.sqrt(2.0 / S.d)
    G, b = np.zeros((K + 1, K + 1)), np.zeros(K + 1)
    n, ysum, yy = 0, 0.0, 0.0
    for Xc, yc in S.chunks():
        t = (np.einsum("ij,ij->i", Xc, Xc) / S.d - 1.0) / h
        V = np.vander(t, K + 1, increasing=True)
        G += V.T @ V
        b += V.T @ yc
        n += yc.shape[0]
        ysum += float(yc.sum())
        yy += float(yc @ yc)
    g = _solve_psd(G / n, b / n)
    # f(s) = sum_k g_k ((s - 1) / h)^k, re-expanded in powers of s
    P = np.polynomial.Polynomial
    beta = P(g)(P([-1.0 / h, 1.0 / h])).coef
    beta = np.concatenate([beta, np.zeros(K + 1 - beta.size)])
    var_y = max(yy / n - (ysum / n) ** 2, 0.0)
    rss = max(yy / n - 2.0 * float(g @ b) / n + float(g @ (G / n) @ g), 0.0)
    grid = 1.0 + h * np.linspace(-5.0, 5.0, 101)
    gap = np.abs(np.polynomial.polynomial.polyval(grid, beta) - np.polynomial.polynomial.polyval((grid - 1.0) / h, g))
    sd = math.sqrt(var_y) if var_y > 0 else 1.0
    info = {"n": n, "train_r2": float(1.0 - rss / var_y) if var_y > 0 else 0.0,
            "basis_roundoff": float(gap.max()) / sd}
    return Fit("radial_poly", {"beta": beta}, info=info)


# ----------------------------------------------------------------------------------------------------------
# cubic_ridge
# ----------------------------------------------------------------------------------------------------------


def cubic_feature_count(d: int) -> int:
    """Number of monomials of degree <= 3 in ``d`` variables: ``C(d + 3, 3)``."""
    return math.comb(int(d) + 3, 3)


@register("cubic_ridge")
def fit_cubic_ridge(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Ridge regression on all monomials of degree <= 3 (:func:`depth2.core.models.cubic_features`).

    Solves ``(G + lam D) theta = F^T y / n`` with ``G = F^T F / n`` accumulated over row blocks (BLAS ``syrk``)
    and ``D`` the identity with the intercept's entry zeroed (the constant feature is not penalized). The
    penalty is relative: ``lam = ridge * trace(G) / p``, i.e. ``ridge`` times the mean diagonal of ``G`` (the
    mean second moment of a feature), so ``ridge`` is dimensionless (the fit is unchanged when y is rescaled,
    and ``lam`` follows the feature scale as ``d`` grows). Solved by Cholesky. ``width`` is ignored.

    Raises
    ------
    ValueError
        If the feature count ``C(d + 3, 3)`` exceeds ``max_features`` (default 6000, i.e. ``d <= 31``):
        the Gram matrix is ``p x p`` and its accumulation costs ``n p^2`` flops.
    """
    p = check_params("cubic_ridge", params, CUBIC_RIDGE_DEFAULTS)
    ridge = float(p["ridge"])
    if not ridge >= 0.0:
        raise ValueError(f"cubic_ridge: ridge must be >= 0, got {p['ridge']!r}")
    S = as_samples(X, y)
    nf = cubic_feature_count(S.d)
    if nf > int(p["max_features"]):
        raise ValueError(f"cubic_ridge: d = {S.d} gives C(d+3, 3) = {nf} cubic features, more than "
                         f"max_features = {int(p['max_features'])}; this control is for small d")
    rows = max(1, _FEATURE_BLOCK_BYTES // (8 * nf))
    G = np.zeros((nf, nf), order="F")
    b = np.zeros(nf)
    n, yy = 0, 0.0
    for Xc, yc in S.chunks():
        for s in range(0, yc.shape[0], rows):
            F = cubic_features(Xc[s : s + rows])
            yb = yc[s : s + rows]
            # F is C-contiguous (m, nf), so F.T is Fortran (nf, m): syrk with trans=0 gives F^T F (upper)
            G = blas.dsyrk(1.0, F.T, beta=1.0, c=G, trans=0, lower=0, overwrite_c=1)
            b += F.T @ yb
            yy += float(yb @ yb)
            n += yb.shape[0]
    G = np.triu(G)
    G = (G + np.triu(G, 1).T) / n
    b /= n
    lam = ridge * float(np.trace(G)) / nf
    A = G.copy()
    A[np.arange(1, nf), np.arange(1, nf)] += lam
    try:
        theta = scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), b)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"cubic_ridge: the regularized Gram matrix ({nf} features, n = {n}) is not positive "
                         f"definite; use ridge > 0") from err
    var_y = yy / n - b[0] ** 2  # b[0] = mean(y): the constant feature is first
    mse = max(yy / n - 2.0 * float(theta @ b) + float(theta @ G @ theta), 0.0)
    info = {"n": n, "features": nf, "lambda": lam, "train_r2": float(1.0 - mse / var_y) if var_y > 0 else 0.0}
    return Fit("cubic_poly", {"theta": theta}, info=info)


# ----------------------------------------------------------------------------------------------------------
# student_gd
# ----------------------------------------------------------------------------------------------------------


def gaussian_poly_moments(coef: np.ndarray) -> tuple[float, float]:
    """``(E p(G), E p(G)^2)`` for ``G ~ N(0, 1)`` and ``p(z) = sum_k coef[k] z^k`` (exact)."""
    coef = np.asarray(coef, dtype=float)

    def mom(k: int) -> float:  # E G^k = (k - 1)!! for even k, 0 for odd k
        return 0.0 if k % 2 else float(math.prod(range(k - 1, 0, -2)))

    sq = np.polynomial.polynomial.polymul(coef, coef)
    return (sum(c * mom(k) for k, c in enumerate(coef)), sum(c * mom(k) for k, c in enumerate(sq)))


def _horner(coef: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """``sum_k coef[k] Z^k`` elementwise (in-place Horner; ``coef`` has at least one entry)."""
    out = np.full_like(Z, coef[-1])
    for ck in coef[-2::-1]:
        out *= Z
        out += ck
    return out


def poly_net_loss_grad(X: np.ndarray, y: np.ndarray, a: np.ndarray, W: np.ndarray, c: float,
                       coef: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Half mean squared error of ``f = p(X W) a + c`` and its exact gradient, computed in ``X.dtype``.

    Returns ``(L, dL/da, dL/dW, dL/dc)`` (float64) with ``L = 1/2 mean (f - y)^2``, ``Z = X W``, ``r = f - y``:
    ``dL/da = p(Z)^T r / n``, ``dL/dW = X^T (r p'(Z) diag(a)) / n``, ``dL/dc = mean r``.
    """
    dt = X.dtype
    coef = np.asarray(coef, dtype=float)
    dcoef = np.polynomial.polynomial.polyder(coef) if coef.size > 1 else np.zeros(1)
    a = np.asarray(a, dtype=dt)
    n = y.shape[0]
    Z = X @ np.asarray(W, dtype=dt)
    P = _horner(coef.astype(dt), Z)
    r = P @ a
    r += float(c)
    r -= y.astype(dt, copy=False)
    D = _horner(dcoef.astype(dt), Z)
    D *= r[:, None]
    D *= a
    ga = (P.T @ r).astype(float) / n
    gW = (X.T @ D).astype(float) / n
    r64 = r.astype(float)
    return 0.5 * float(r64 @ r64) / n, ga, gW, float(r64.sum()) / n


def _lr_schedule(t: int, steps: int, lr: float) -> float:
    """Linear warm-up over the first ``min(50, steps // 10)`` steps, then cosine decay to ``lr / 100``."""
    warm = max(1, min(50, steps // 10))
    cos = 0.5 * (1.0 + math.cos(math.pi * t / max(steps, 1)))
    return lr * min(1.0, (t + 1) / warm) * (0.01 + 0.99 * cos)


def _net_mse(X: np.ndarray, y: np.ndarray, a: np.ndarray, W: np.ndarray, c: float, coef: np.ndarray,
             chunk: int = 8192) -> float:
    tot = 0.0
    for s in range(0, y.shape[0], chunk):
        r = _horner(coef, X[s : s + chunk] @ W) @ a + c - y[s : s + chunk]
        tot += float(r @ r)
    return tot / y.shape[0]


def _train_student(Xm: np.ndarray, ym: np.ndarray, m: int, coef: np.ndarray, p: dict, batch: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float, dict]:
    """One Adam run of :func:`fit_student_gd` from a fresh random start; returns (a, W, c, info)."""
    n, d = Xm.shape
    steps, log_every, lr = int(p["steps"]), max(1, int(p["log_every"])), float(p["lr"])
    mean_p, sq_p = gaussian_poly_moments(coef)
    sd_p = math.sqrt(max(sq_p - mean_p**2, 0.0)) or 1.0
    sd_y = float(ym.std()) or 1.0
    a_unit = sd_y / (math.sqrt(m) * sd_p)  # the size of a planted output weight
    W = rng.standard_normal((d, m))
    W /= np.linalg.norm(W, axis=0)
    a = np.full(m, float(p["init_scale"]) * a_unit)
    c = float(ym.mean())
    unit = {"a": a_unit, "W": 1.0 / math.sqrt(d), "c": sd_y}
    mom = {"a": np.zeros(m), "W": np.zeros((d, m)), "c": 0.0}
    vel = {"a": np.zeros(m), "W": np.zeros((d, m)), "c": 0.0}
    b1, b2, eps = 0.9, 0.999, 1e-8

    info = {"train_mse_init": _net_mse(Xm, ym, a, W, c, coef), "a_init": float(a[0])}
    work = np.dtype(p["precision"])
    Xw, yw = Xm.astype(work, copy=False), ym.astype(work, copy=False)  # the working-precision copy
    curve: list[list[float]] = []
    window, perm, pos = [], np.arange(n), n
    for t in range(steps):
        if batch == n:
            Xb, yb = Xw, yw
        else:
            if pos + batch > n:
                perm, pos = rng.permutation(n), 0
            idx = perm[pos : pos + batch]
            pos += batch
            Xb, yb = np.take(Xw, idx, axis=0), np.take(yw, idx)
        loss, ga, gW, gc = poly_net_loss_grad(Xb, yb, a, W, c, coef)
        window.append(2.0 * loss)
        gW -= W * np.sum(W * gW, axis=0)  # tangent space of the sphere, column by column
        step = _lr_schedule(t, steps, lr)
        k = t + 1
        corr = math.sqrt(1.0 - b2**k) / (1.0 - b1**k)
        for name, g in (("a", ga), ("W", gW), ("c", gc)):
            mom[name] = b1 * mom[name] + (1.0 - b1) * g
            vel[name] = b2 * vel[name] + (1.0 - b2) * g * g
        a = a - step * unit["a"] * corr * mom["a"] / (np.sqrt(vel["a"]) + eps)
        W = W - step * unit["W"] * corr * mom["W"] / (np.sqrt(vel["W"]) + eps)
        c = float(c - step * unit["c"] * corr * mom["c"] / (math.sqrt(vel["c"]) + eps))
        W /= np.linalg.norm(W, axis=0)  # retraction onto the sphere
        if k % log_every == 0 or k == steps:
            curve.append([k, float(np.mean(window))])
            window = []
    W = W / np.linalg.norm(W, axis=0)
    info.update(curve=curve, train_mse=_net_mse(Xm, ym, a, W, c, coef))
    return a, W, c, info


def student_convergence(curve: list, steps: int, tol: float, var_y: float) -> dict:
    """The :func:`depth2.learners.base.convergence` record of a student run: Adam's fixed schedule runs all
    ``steps``; the fit counts as converged when the mean training loss of the last ``log_every`` window fell
    by at most ``tol`` from the window before, relative to ``Var(y)`` (the loss of the constant predictor: the
    loss has flattened by the end of the schedule; relative to the loss itself a fit near zero loss would
    never count)."""
    rel = None
    if len(curve) >= 2:
        prev, last = float(curve[-2][1]), float(curve[-1][1])
        rel = (prev - last) / max(float(var_y), 1e-300)
    return convergence(steps=steps, max_steps=max(1, steps), rel_decrease=rel, tol=tol)


@register("student_gd")
def fit_student_gd(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """The proper student ``f(x) = sum_{i<=width} a_i p(<w_i, x>) + c``, ``p`` from ``coef``, trained by Adam.

    Data: the first ``max_rows`` rows (default 100_000), in memory. Loss: ``1/2 mean (f - y)^2`` on minibatches
    of ``batch`` rows (default 4096) drawn without replacement from a fresh permutation each epoch;
    ``batch <= 0``, ``None`` or ``>= rows`` means full batch. Gradient: exact (:func:`poly_net_loss_grad`),
    evaluated in ``precision`` (default ``"float64"``, the project's convention; ``"float32"`` is about 1.7x
    faster; parameters, Adam state and the reported losses are float64 either way).

    Initialization: ``w_i`` uniform on the unit sphere; ``a_i = init_scale * sd(y) / (sqrt(width) sd_p)`` for
    every ``i`` (default ``init_scale = 0.1``), with ``sd_p^2 = Var p(G)``, ``G ~ N(0, 1)`` (exact), so that
    ``sd(y) / (sqrt(width) sd_p)`` is the size of a planted output weight (1 for ``y = sum_i p(<w_i, x>)``)
    and the initial network, for near-orthogonal ``w_i``, has variance ``init_scale^2 Var(y)``: the start is
    close to the constant predictor and the training curve starts near ``Var(y)``; ``c = mean(y)``. (Small
    starts converge more often than ``init_scale = 1``. Measured at r = 2, d = 5, n = 2e4, 600 steps: 24 of
    30 starts reach the planted network, the rest stop with one dead unit; ``restarts = 2``, which keeps the
    start with the lowest final training loss, succeeds 28 of 30 times.)

    Constraint: ``p`` is not homogeneous, so a unit's scale cannot be moved into ``a_i``; the columns of ``W``
    are instead kept on the unit sphere throughout: each step projects the ``W`` gradient onto the tangent
    space of the sphere (column by column), takes the Adam step and retracts by renormalizing the columns.

    Optimizer: Adam (0.9, 0.999, 1e-8) with peak rate ``lr`` (default 1e-2) in natural units per parameter
    group, since Adam's steps are scale-free per coordinate: ``lr / sqrt(d)`` per coordinate of ``W`` (about
    ``lr`` radians per column), ``lr * sd(y) / (sqrt(width) sd_p)`` for ``a`` and ``lr * sd(y)`` for ``c``.
    Schedule (:func:`_lr_schedule`): linear warm-up over ``min(50, steps / 10)`` steps, then cosine decay to
    ``lr / 100`` at ``steps`` (default 2000).

    ``info``: ``curve`` = ``[[step, mse], ...]`` with the mean minibatch MSE of each window of ``log_every``
    steps (default 50), ``train_mse_init`` and ``train_mse`` (on all training rows), ``var_y``, ``rows``,
    ``batch``, ``a_init`` of the kept start, ``restart_train_mse`` (every start's final loss), and the
    convergence record (:func:`student_convergence`, tolerance ``tol``, default 1e-3).
    """
    p = check_params("student_gd", params, STUDENT_GD_DEFAULTS)
    m = int(width)
    if m < 1:
        raise ValueError(f"student_gd: width must be >= 1, got {width}")
    coef = np.asarray(p["coef"], dtype=float).ravel()
    if coef.size < 2 or not np.isfinite(coef).all() or not np.any(coef[1:]):
        raise ValueError(f"student_gd: coef must be finite with a non-constant polynomial, got {p['coef']!r}")
    if int(p["steps"]) < 0 or int(p["restarts"]) < 1:
        raise ValueError(f"student_gd: need steps >= 0 and restarts >= 1, got {p['steps']}, {p['restarts']}")
    if p["precision"] not in ("float32", "float64"):
        raise ValueError(f"student_gd: precision must be 'float32' or 'float64', got {p['precision']!r}")
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    Xm, ym = np.ascontiguousarray(Xm, dtype=float), np.asarray(ym, dtype=float)
    n = Xm.shape[0]
    batch = p["batch"]
    batch = n if batch is None or int(batch) <= 0 or int(batch) >= n else int(batch)
    runs = [_train_student(Xm, ym, m, coef, p, batch, rng) for _ in range(int(p["restarts"]))]
    a, W, c, info = min(runs, key=lambda run: run[3]["train_mse"])
    info.update(var_y=float(ym.var()), rows=n, batch=batch,
                restart_train_mse=[run[3]["train_mse"] for run in runs])
    info.update(student_convergence(info["curve"], int(p["steps"]), float(p["tol"]), info["var_y"]))
    return Fit("poly_net", {"a": a, "W": W, "coef": coef.copy(), "c": np.array(c)}, info=info)
