"""Learners for one biased ReLU, ``x -> relu(<w, x> + b)``, under the 1/2-squared loss (guo2025).

* ``gd``      — full-batch gradient descent on the empirical loss with an Armijo line search, from a
  small random initialization (the gradient-based, i.e. correlational-SQ, baseline).
* ``gd_pop``  — gradient descent on the *exact population* loss (:mod:`depth2.core.single_index`): the
  limit of ``gd`` with infinitely many samples, in any dimension, through three coordinates (a, c, beta).
* ``sq``      — the SQ path of Guo & Vijayaraghavan's Algorithm 1 (step 4): for each guess (beta, gamma)
  of the optimum's norm and bias, a thresholded-PCA warm start (both signs), then reweighted projected
  gradient steps on fresh samples; every iterate ``relu(<x, beta w_t> + gamma)`` is a candidate and the
  candidate with the least held-out loss is returned.
* ``sq_pca``  — the same with the PCA warm start only (no PGD steps).
* ``alg1``    — Algorithm 1's selection: the zero function, ReLU of the least-squares fit, ``gd``, and all
  ``sq`` candidates, selected on held-out data.

Every learner takes ``X`` (n, d) and ``y`` (n,), or a :class:`~depth2.core.data.Samples` stream, and
returns a :class:`~depth2.learners.Fit` of model ``relu_neuron`` with params ``w`` (d,) and ``b`` ().
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from depth2.core.data import Samples, as_samples, population_of
from depth2.core.gaussian import relu
from depth2.core.single_index import BatchQuadrature, SingleIndexTarget
from depth2.core.tail_rows import tail_rows
from depth2.learners.base import Fit, check_params, convergence, register, relative_decrease

log = logging.getLogger(__name__)

GD_DEFAULTS: dict[str, Any] = {"max_steps": 1000, "max_rows": 200_000, "init_scale": 0.01, "step0": 1.0,
                               "tol": 1e-10, "grad_tol": 1e-8, "method": "lbfgs"}
GD_POP_DEFAULTS: dict[str, Any] = {"max_steps": 3000, "init_scale": 0.01, "step0": 1.0, "max_move": 0.05,
                                   "tol": 1e-10, "grad_tol": 1e-10, "stop_below": 0.0, "line_search": False}
SQ_DEFAULTS: dict[str, Any] = {
    "rho": 0.5,  # reweighting strength (the paper's Theorem 7 value)
    "lam": 0.9,  # warm-start overlap the truncation level assumes (Theorem 7)
    "eta": 0.01,  # PGD step, as an angle: w <- normalize(w + eta v_t / |v_t|) (see the config schema)
    "steps": 100,  # PGD iterations T, each on fresh rows (many cheap steps; see the config schema)
    "keep": 11,  # evenly spaced iterates (0 and T included) that become candidates
    "tol": 0.5,  # convergence: over the last half of the path the direction moved <= tol x the most it could
    "bias_min": -5.0,
    "bias_max": 1.0,
    "bias_step": 0.25,  # grid of bias guesses gamma
    "scales": [0.5, 1.0, 2.0],  # grid of norm guesses beta
    "split": [0.35, 0.35, 0.30],  # fractions of rows for PCA, PGD, validation
}


def _check_single(name: str, width: int) -> None:
    if int(width) != 1:
        raise ValueError(f"learner {name!r} fits one neuron: width must be 1, got {width}")


def _relu_fit(w: np.ndarray, b: float, info: dict) -> Fit:
    return Fit("relu_neuron", {"w": np.asarray(w, dtype=float), "b": np.array(float(b))}, info=info)


def _random_direction(rng: np.random.Generator, d: int) -> np.ndarray:
    u = rng.standard_normal(d)
    return u / np.linalg.norm(u)


# ---------------------------------------------------------------------------------------------------
# Empirical gradient descent
# ---------------------------------------------------------------------------------------------------


def gd_relu(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, *, max_steps: int, step0: float = 1.0,
    tol: float = 0.0, grad_tol: float = 0.0,
) -> tuple[np.ndarray, float, list[float], dict[str, Any]]:
    """Full-batch GD on L(w, b) = 1/2 mean (relu(Xw + b) - y)^2 with Armijo backtracking, to its own test.

    The step doubles after each accepted step and halves until the sufficient-decrease condition
    ``L(new) <= L - step |grad|^2 / 2`` holds, so a step costs about one pass over the data. GD stops when
    the relative decrease of the loss over one step falls to ``tol``, the gradient norm to ``grad_tol``, the
    line search finds no decrease (a stationary point to line-search precision), or after ``max_steps``.
    Returns the final (w, b), the loss after every step and the convergence record
    (:func:`depth2.learners.base.convergence`).
    """
    n = y.shape[0]

    def loss_grad(w: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        p = X @ w + b
        r = relu(p) - y
        gr = np.where(p > 0, r, 0.0)
        return 0.5 * float(r @ r) / n, X.T @ gr / n, float(gr.sum()) / n

    L, gw, gb = loss_grad(w, b)
    curve = [L]
    step = float(step0)
    rel, stationary = None, False
    for _ in range(int(max_steps)):
        g2 = float(gw @ gw) + gb * gb
        if g2 <= grad_tol * grad_tol or g2 <= 1e-30:
            break
        while step > 1e-14:
            wn, bn = w - step * gw, b - step * gb
            Ln, gwn, gbn = loss_grad(wn, bn)
            if Ln <= L - 0.5 * step * g2:
                break
            step *= 0.5
        else:
            stationary = True
            break
        rel = relative_decrease(L, Ln)
        w, b, L, gw, gb = wn, bn, Ln, gwn, gbn
        curve.append(L)
        step *= 2.0
        if rel <= tol:
            break
    gnorm = float(np.sqrt(float(gw @ gw) + gb * gb))
    conv = convergence(steps=len(curve) - 1, max_steps=max(int(max_steps), 1), rel_decrease=rel, tol=tol,
                       grad_norm=gnorm, grad_tol=grad_tol,
                       stopped_by_test=True if stationary else None)
    return w, b, curve, conv


def lbfgs_relu(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, *, max_steps: int, tol: float, grad_tol: float,
) -> tuple[np.ndarray, float, list[float], dict[str, Any]]:
    """The same empirical loss minimized by L-BFGS (scipy), a gradient method: it reads only the loss and its
    gradient, so it is a CSQ-type learner like plain GD, and it converges in far fewer passes (GD with
    Armijo steps used its whole 1000-step budget at b = -3 in the pilots). Stops at scipy's own tests
    (relative loss decrease ``tol``, projected gradient ``grad_tol``, both on the loss divided by the zero
    function's, so that they do not depend on the labels' scale) or after ``max_steps`` iterations."""
    from scipy.optimize import minimize

    n, d = X.shape
    curve: list[float] = []
    scale = max(0.5 * float(y @ y) / n, 1e-300)  # the zero function's loss: tolerances become scale-free

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p = X @ theta[:d] + theta[d]
        r = relu(p) - y
        gr = np.where(p > 0, r, 0.0)
        return 0.5 * float(r @ r) / n / scale, np.concatenate([X.T @ gr / n, [gr.sum() / n]]) / scale

    def record(theta: np.ndarray) -> None:
        curve.append(fun(theta)[0])

    theta0 = np.concatenate([w, [b]])
    curve.append(fun(theta0)[0])
    res = minimize(fun, theta0, jac=True, method="L-BFGS-B", callback=record,
                   options={"maxiter": int(max_steps), "ftol": tol, "gtol": grad_tol, "maxcor": 20})
    g = fun(res.x)[1]
    rel = relative_decrease(curve[-2], curve[-1]) if len(curve) >= 2 else None
    conv = convergence(steps=int(res.nit), max_steps=max(int(max_steps), 1), rel_decrease=rel, tol=tol,
                       grad_norm=float(np.linalg.norm(g)), grad_tol=grad_tol,
                       stopped_by_test=bool(res.success) and int(res.nit) < int(max_steps))
    return res.x[:d], float(res.x[d]), [c * scale for c in curve], conv


def _run_gd(X: np.ndarray, y: np.ndarray, w0: np.ndarray, p: dict) -> tuple[np.ndarray, float, list[float], dict]:
    if p["method"] == "lbfgs":
        return lbfgs_relu(X, y, w0, 0.0, max_steps=int(p["max_steps"]), tol=float(p["tol"]),
                          grad_tol=float(p["grad_tol"]))
    if p["method"] != "armijo":
        raise ValueError(f"gd method must be 'lbfgs' or 'armijo', got {p['method']!r}")
    return gd_relu(X, y, w0, 0.0, max_steps=int(p["max_steps"]), step0=float(p["step0"]), tol=float(p["tol"]),
                   grad_tol=float(p["grad_tol"]))


@register("gd")
def fit_gd(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Gradient-based minimization of the empirical loss of one ReLU from ``w0 = init_scale * (random unit)``,
    ``b0 = 0``: L-BFGS (``method='lbfgs'``, default) or Armijo gradient descent (``method='armijo'``).

    Parameters (defaults in ``GD_DEFAULTS``): ``method``, ``max_steps``, ``max_rows`` (GD reads the first
    ``max_rows`` rows into memory: every step is a full pass), ``init_scale``, ``step0`` (Armijo's first trial
    step), ``tol`` and ``grad_tol`` (the convergence tests; ``Fit.info`` carries the record).
    """
    _check_single("gd", width)
    p = check_params("gd", params, GD_DEFAULTS)
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    w0 = float(p["init_scale"]) * _random_direction(rng, S.d)
    w, b, curve, conv = _run_gd(Xm, ym, w0, p)
    log.info("gd (%s): %d steps on %d rows, final empirical loss %.4g, converged %s", p["method"], len(curve) - 1,
             ym.shape[0], curve[-1], conv["converged"])
    return _relu_fit(w, b, {**conv, "rows": int(ym.shape[0]), "loss_curve": _thin(curve)})


def _thin(curve: list[float], keep: int = 50) -> list[float]:
    """At most ``keep`` points of a curve (first and last included), for the fit's info."""
    idx = np.unique(np.linspace(0, len(curve) - 1, min(keep, len(curve))).astype(int))
    return [float(curve[i]) for i in idx]


# ---------------------------------------------------------------------------------------------------
# Exact population gradient descent
# ---------------------------------------------------------------------------------------------------


def population_gd(
    quad: BatchQuadrature, a: np.ndarray, c: np.ndarray, beta: np.ndarray, *, max_steps: int, step0: float = 1.0,
    max_move: float = 0.05, tol: float = 0.0, grad_tol: float = 0.0, stop_below: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Exact population GD of many candidates at once in the coordinates (a, c, beta), each to its own test.

    Each candidate has its own Armijo step (doubled after acceptance, halved until sufficient
    decrease), capped so that one step moves the parameters by at most ``max_move``: the iterates then
    follow the gradient flow instead of leaping across the dead region of the ReLU. ``c`` is kept
    non-negative (a sign flip of the orthogonal part is a reflection). A candidate stops when its relative
    loss decrease over one step falls to ``tol``, its gradient norm to ``grad_tol``, or the line search finds
    no decrease (stationary to line-search precision); the others go on, up to ``max_steps``.
    Returns final (a, c, beta), the final losses and one convergence record per candidate, with its
    ``escape_step``: the first step at which its loss fell to half the zero function's (-1: never), the escape
    time from the trivial solution near which every run starts (half the *initial* loss would not do: at very
    negative b the small initial ReLU's own loss dominates, and shrinking its bias halves it in one step).
    With ``stop_below > 0`` a candidate also stops
    (by that test) once its loss is at most ``stop_below`` times the zero function's: whether it escaped the
    trivial solution is then decided (the loss only decreases), and the slow descent that follows in the escaped
    basin (tens of thousands of steps at b = -4) is skipped.
    """
    a, c, beta = (np.array(v, dtype=float) for v in (a, c, beta))
    K = a.shape[0]
    step = np.full(K, float(step0))
    L = quad.loss(a, c, beta)
    active = np.ones(K, dtype=bool)
    by_test = np.zeros(K, dtype=bool)
    steps = np.zeros(K, dtype=np.int64)
    zero = float(quad.loss(np.zeros(1), np.zeros(1), np.zeros(1))[0])  # the zero function's loss
    floor = float(stop_below) * zero
    escape = np.full(K, -1, dtype=np.int64)  # first step with loss <= half the zero function's (-1: never)
    rel = np.full(K, np.nan)
    gnorm = np.full(K, np.nan)
    for _ in range(int(max_steps)):
        idx = np.flatnonzero(active)  # only candidates still moving cost anything
        if idx.size == 0:
            break
        ga, gc, gb = quad.gradient(a[idx], c[idx], beta[idx])
        g2 = ga * ga + gc * gc + gb * gb
        gnorm[idx] = np.sqrt(g2)
        flat = (g2 <= grad_tol * grad_tol) | (g2 <= 1e-30)
        by_test[idx[flat]] = True
        active[idx[flat]] = False
        keep = ~flat
        idx, ga, gc, gb, g2 = idx[keep], ga[keep], gc[keep], gb[keep], g2[keep]
        if idx.size == 0:
            break
        st = np.minimum(step[idx], max_move / np.sqrt(np.maximum(g2, 1e-300)))
        done = np.zeros(idx.size, dtype=bool)
        for _ in range(60):
            todo = np.flatnonzero(~done & (st > 1e-14))
            if todo.size == 0:
                break
            j = idx[todo]
            ta = a[j] - st[todo] * ga[todo]
            tc = np.abs(c[j] - st[todo] * gc[todo])
            tb = beta[j] - st[todo] * gb[todo]
            tL = quad.loss(ta, tc, tb)
            ok = tL <= L[j] - 0.5 * st[todo] * g2[todo]
            acc = j[ok]
            rel[acc] = (L[acc] - tL[ok]) / np.maximum(np.abs(L[acc]), 1e-300)
            a[acc], c[acc], beta[acc], L[acc] = ta[ok], tc[ok], tb[ok], tL[ok]
            steps[acc] += 1
            first = acc[(escape[acc] < 0) & (L[acc] <= 0.5 * zero)]
            escape[first] = steps[first]
            if floor > 0:
                low = acc[L[acc] <= floor]
                by_test[low] = True
                active[low] = False
            done[todo[ok]] = True
            st[todo[~ok]] *= 0.5
        step[idx] = np.where(done, 2.0 * st, st)
        stuck = idx[~done]  # no decrease possible: stationary (to line-search precision)
        small = idx[done & (rel[idx] <= tol)]
        for j in (stuck, small):
            by_test[j] = True
            active[j] = False
    records = [{**convergence(steps=int(steps[k]), max_steps=max(int(max_steps), 1),
                              rel_decrease=None if np.isnan(rel[k]) else float(rel[k]), tol=tol,
                              grad_norm=None if np.isnan(gnorm[k]) else float(gnorm[k]), grad_tol=grad_tol,
                              stopped_by_test=bool(by_test[k])), "escape_step": int(escape[k])} for k in range(K)]
    return a, c, beta, L, records


def csq_line_search(quad: BatchQuadrature, a: np.ndarray, c: np.ndarray, beta: np.ndarray, L: np.ndarray,
                    chunk: int = 4096) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A CSQ line search along each run's final direction ``u = (a, c) / |(a, c)|``: the exact loss of
    ``relu(s <u, x> + gamma)`` over ``s`` of either sign (|s| 121 log-spaced in [0.05, 20]) and biases ``gamma`` (-8 to
    3, step 0.05); the best candidate replaces the run's end point where its loss is lower. Each loss is E y^2 - 2 E[y
    relu(.)] + E relu(.)^2, one correlational query per candidate, so GD followed by this search is still a CSQ
    algorithm (a stronger one: it refits the norm and bias that GD at a small init leaves near 0)."""
    a, c, beta, L = (np.array(v, dtype=float) for v in (a, c, beta, L))
    norms = np.geomspace(0.05, 20.0, 121)
    s, g = (v.ravel() for v in np.meshgrid(np.concatenate([-norms, norms]), np.arange(-8.0, 3.0 + 1e-9, 0.05),
                                            indexing="ij"))
    for k in np.flatnonzero(np.hypot(a, c) > 0):
        ua, uc = a[k] / np.hypot(a[k], c[k]), c[k] / np.hypot(a[k], c[k])
        Lk = np.concatenate([quad.loss(s[i:i + chunk] * ua, np.abs(s[i:i + chunk] * uc), g[i:i + chunk])
                             for i in range(0, s.size, chunk)])
        if Lk[j := int(np.argmin(Lk))] < L[k]:
            a[k], c[k], beta[k], L[k] = s[j] * ua, abs(s[j] * uc), g[j], Lk[j]
    return a, c, beta, L


def gd_pop_batch(samples: list[Samples], rngs: list[np.random.Generator], *, width: int = 1, **params) -> list[Fit]:
    """``gd_pop`` on several replicates of one dataset at once (they share the target law up to ``v``)."""
    _check_single("gd_pop", width)
    p = check_params("gd_pop", params, GD_POP_DEFAULTS)
    targets: list[SingleIndexTarget] = [population_of(S) for S in samples]
    quad = BatchQuadrature(targets[0])  # the law of (<v, x>, y) is the same for every replicate
    w0 = np.stack([float(p["init_scale"]) * _random_direction(r, S.d) for r, S in zip(rngs, samples, strict=True)])
    a0 = np.array([w @ t.v for w, t in zip(w0, targets, strict=True)])
    perp = [w - a * t.v for w, a, t in zip(w0, a0, targets, strict=True)]
    c0 = np.array([np.linalg.norm(u) for u in perp])
    a, c, beta, L, records = population_gd(quad, a0, c0, np.zeros(len(samples)), max_steps=int(p["max_steps"]),
                                           step0=float(p["step0"]), max_move=float(p["max_move"]),
                                           tol=float(p["tol"]), grad_tol=float(p["grad_tol"]),
                                           stop_below=float(p["stop_below"]))
    if p["line_search"]:  # off by default (a robustness variant's stronger CSQ competitor)
        a, c, beta, L = csq_line_search(quad, a, c, beta, L)
    fits = []
    for k, t in enumerate(targets):
        u = perp[k] / c0[k] if c0[k] > 0 else np.zeros_like(t.v)
        w = a[k] * t.v + c[k] * u
        fits.append(_relu_fit(w, beta[k], {"initial_overlap": float(a0[k] / np.hypot(a0[k], c0[k])),
                                            "population_loss": float(L[k]), **records[k]}))
    log.info("gd_pop: %d inits, median final loss %.4g", len(fits), float(np.median(L)))
    return fits


@register("gd_pop")
def fit_gd_pop(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Gradient descent on the exact population loss from ``w0 = init_scale * (random unit)``, ``b0 = 0``.

    Needs a generated dataset (the exact law of (x, y)); the rows themselves are not read. The descent
    runs in the coordinates (a, c, beta) of :mod:`depth2.core.single_index`, exact for any ``d``.
    """
    return gd_pop_batch([as_samples(X, y)], [rng], width=width, **params)[0]


fit_gd_pop.batch = gd_pop_batch  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------
# The SQ algorithm (Algorithm 1, step 4)
# ---------------------------------------------------------------------------------------------------


def _split_rows(n: int, split: list[float]) -> tuple[int, int]:
    if len(split) != 3 or min(split) <= 0:
        raise ValueError(f"split must be three positive fractions (PCA, PGD, validation), got {split}")
    fr = np.asarray(split, dtype=float) / float(np.sum(split))
    n1 = int(round(n * fr[0]))
    n2 = n1 + int(round(n * fr[1]))
    if n1 < 1 or n2 - n1 < 1 or n - n2 < 1:
        raise ValueError(f"n = {n} rows are too few to split {split} into PCA, PGD and validation parts")
    return n1, n2


def _guesses(p: dict) -> tuple[np.ndarray, np.ndarray]:
    step = float(p["bias_step"])
    if step <= 0:
        raise ValueError(f"bias_step must be > 0, got {step}")
    gammas = np.arange(float(p["bias_min"]), float(p["bias_max"]) + 0.5 * step, step)
    betas = np.asarray(p["scales"], dtype=float)
    if betas.size == 0 or np.any(betas <= 0):
        raise ValueError(f"scales must be a non-empty list of positive norms, got {p['scales']}")
    B, G = np.meshgrid(betas, gammas, indexing="ij")
    return B.ravel(), G.ravel()


def pca_thresholds(betas: np.ndarray, gammas: np.ndarray) -> np.ndarray:
    """The label threshold of each guess's thresholded PCA, |y| >= beta * tau -> (G,): with ``b' = gamma / beta``
    the paper's ``tau = 1 / |b'|``; we use ``1 / max(|b'|, 1)`` so that guesses with |b'| < 1 (where the paper
    uses other candidates) still get a finite threshold."""
    betas, gammas = np.asarray(betas, dtype=float), np.asarray(gammas, dtype=float)
    return betas / np.maximum(np.abs(gammas / betas), 1.0)


def pca_warm_starts(
    S: Samples, stop: int, betas: np.ndarray, gammas: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Top eigenvector of mean[x x^T 1{|y'| >= tau}] for each guess, on rows [0, stop) -> (d, G).

    With ``y' = y / beta`` the threshold is :func:`pca_thresholds`. A guess whose threshold no row passes gets a
    random direction.
    """
    thresh = pca_thresholds(betas, gammas)  # |y| >= beta * tau
    G, d = betas.size, S.d
    M = np.zeros((G, d, d))
    counts = np.zeros(G, dtype=np.int64)
    for Xc, yc in S.chunks(0, stop):
        ay = np.abs(yc)
        low = ay >= thresh.min()
        if not low.any():
            continue
        Xl, al = Xc[low], ay[low]
        for g in range(G):
            sel = al >= thresh[g]
            if sel.any():
                Xs = Xl[sel]
                M[g] += Xs.T @ Xs
                counts[g] += int(sel.sum())
    W = np.empty((d, G))
    for g in range(G):
        if counts[g] == 0:
            W[:, g] = _random_direction(rng, d)
        else:
            _, vecs = np.linalg.eigh(M[g])
            W[:, g] = vecs[:, -1]
    return W


def kept_iterates(T: int, keep: int) -> np.ndarray:
    """The iterates that become candidates: ``keep`` evenly spaced steps in 0..T, 0 and T included."""
    if T <= 0:
        return np.array([0])
    return np.unique(np.round(np.linspace(0, T, max(2, min(int(keep), T + 1)))).astype(int))


def reweighted_pgd(
    S: Samples, start: int, stop: int, W: np.ndarray, betas: np.ndarray, gammas: np.ndarray, p: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reweighted projected gradient steps on fresh rows -> (kept iterates (len(kept), d, K), kept step indices,
    drift (K,)).

    Step t reads its own slice of rows [start, stop) and computes, for each direction w (columns of W),
    ``v_t = (I - w w^T) mean[f y' x 1{<x, w> >= btil}]`` with ``f = exp(rho |b'| <x, w> - rho^2 b'^2 / 2)``
    and ``btil = (rho + lam - lam^2 rho) |b'|``; then ``w <- normalize(w + eta v_t / |v_t|)``. The iterates at
    :func:`kept_iterates` (``keep`` of the T + 1) are returned; the paper keeps every t. ``drift`` is each
    path's convergence statistic: the angle between its iterates at T // 2 and T over the most the fixed
    step allows in between, (T - T // 2) eta. A path still travelling towards its fixed point has drift
    near 1; one diffusing around it (the noise floor of fresh-sample steps) about 1 / sqrt(T / 2).
    """
    rho, lam, eta, T = float(p["rho"]), float(p["lam"]), float(p["eta"]), int(p["steps"])
    kept = kept_iterates(T, int(p.get("keep", T + 1)))
    bp = np.abs(gammas / betas)
    btil = (rho + lam - lam * lam * rho) * bp
    shift, inv_beta = 0.5 * (rho * bp) ** 2, 1.0 / betas
    rows = max(64, 262_144 // W.shape[1])
    traj = [W.copy()]
    if T <= 0:
        return np.stack(traj), kept, np.zeros(W.shape[1])
    edges = np.linspace(start, stop, T + 1).astype(int)
    half = W.copy()
    for t in range(T):
        if t == T // 2:
            half = W.copy()
        V = np.zeros_like(W)
        m = 0
        for Xc, yc in S.chunks(edges[t], edges[t + 1]):
            for s in range(0, Xc.shape[0], rows):  # ~2 MB work arrays: elementwise passes stay in cache
                Xs, ys = Xc[s : s + rows], yc[s : s + rows]
                P = Xs @ W
                E = P * (rho * bp)
                E -= shift
                np.exp(E, out=E)
                E *= P >= btil
                E *= ys[:, None] * inv_beta
                V += Xs.T @ E
            m += yc.shape[0]
        V /= max(m, 1)
        V -= W * np.sum(W * V, axis=0)
        norms = np.linalg.norm(V, axis=0)
        move = norms > 0
        W = W.copy()
        W[:, move] += eta * V[:, move] / norms[move]
        W /= np.linalg.norm(W, axis=0)
        if t + 1 in kept:
            traj.append(W.copy())
    moved = np.arccos(np.clip(np.sum(half * W, axis=0), -1.0, 1.0))
    return np.stack(traj), kept, moved / ((T - T // 2) * np.arctan(eta))  # one step turns by atan(eta)


def validation_losses(S: Samples, start: int, stop: int, Wc: np.ndarray, bc: np.ndarray) -> np.ndarray:
    """Empirical 1/2-squared loss of each candidate relu(X Wc + bc) on rows [start, stop) -> (K,).

    Works on row blocks whose (rows x K) work array stays near 2 MB, so the elementwise passes run in
    cache rather than at memory bandwidth (measured 3x faster than 32 MB blocks at K ~ 1000).
    """
    K = Wc.shape[1]
    total = np.zeros(K)
    rows = max(64, 262_144 // max(K, 1))
    buf = np.empty((rows, K))
    m = 0
    for Xc, yc in S.chunks(start, stop):
        for s in range(0, Xc.shape[0], rows):
            Xs, ys = Xc[s : s + rows], yc[s : s + rows]
            P = buf[: ys.shape[0]]
            np.matmul(Xs, Wc, out=P)
            P += bc
            np.maximum(P, 0.0, out=P)
            P -= ys[:, None]
            np.square(P, out=P)
            total += P.sum(axis=0)
            m += ys.shape[0]
    return 0.5 * total / max(m, 1)


def sq_candidates(S: Samples, rng: np.random.Generator, p: dict) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """All step-4 candidates: (W (d, K), b (K,), meta) with meta naming each candidate's guess and step.

    Candidate ``t * K0 + k`` is kept iterate ``t`` of direction ``k`` (K0 = 2 signs x guesses)."""
    n1, n2 = _split_rows(S.n, p["split"])
    betas, gammas = _guesses(p)
    W0 = pca_warm_starts(S, n1, betas, gammas, rng)
    Wdir = np.concatenate([W0, -W0], axis=1)  # PCA cannot tell the sign: try both
    B2, G2 = np.concatenate([betas, betas]), np.concatenate([gammas, gammas])
    traj, kept, drift = reweighted_pgd(S, n1, n2, Wdir, B2, G2, p)  # (len(kept), d, K0)
    T1, d, K0 = traj.shape
    Wc = (traj * B2[None, None, :]).transpose(1, 0, 2).reshape(d, T1 * K0)
    bc = np.tile(G2, T1)
    meta = [{"t": int(kept[t]), "guess": k, "beta": float(B2[k]), "gamma": float(G2[k]),
             "sign": 1 if k < K0 // 2 else -1, "drift": float(drift[k])} for t in range(T1) for k in range(K0)]
    log.info("sq: %d guesses x 2 signs x %d kept iterates = %d candidates", betas.size, T1, Wc.shape[1])
    return Wc, bc, meta


def _guess_record(Wc: np.ndarray, bc: np.ndarray, meta: list[dict]) -> dict[str, Any]:
    """Each guess's last kept direction (unit) with its (beta, gamma, sign): the metrics score the candidate
    at the true guess exactly, which separates direction error from selection error."""
    last = max(m.get("t", -1) for m in meta)
    idx = [i for i, m in enumerate(meta) if m.get("t") == last and "guess" in m]
    W = Wc[:, idx] / np.array([meta[i]["beta"] for i in idx])
    return {"guess_w": W.T.tolist(), "guess_beta": [meta[i]["beta"] for i in idx],
            "guess_gamma": [meta[i]["gamma"] for i in idx]}


def _sq_convergence(meta: list[dict], k: int, p: dict) -> dict[str, Any]:
    """Convergence of the PGD path the selection picked (the paper's PGD runs a fixed T; this is its test).

    The path has converged when, over the last half of its T steps, its direction moved at most ``tol`` times
    the most the fixed angle step allows (``drift``, :func:`reweighted_pgd`): it diffuses around its fixed
    point instead of still travelling. ``rel_decrease`` carries that ratio. Reading the direction, not the
    held-out loss, keeps the test free of the validation split's noise."""
    T = int(p["steps"])
    if T <= 0 or "drift" not in meta[k]:
        return {}
    drift = float(meta[k]["drift"])
    return convergence(steps=T, max_steps=T, rel_decrease=drift, tol=float(p["tol"]))


def _select(S: Samples, start: int, Wc: np.ndarray, bc: np.ndarray, meta: list[dict], p: dict
            ) -> tuple[Fit, np.ndarray]:
    """The candidate with the least held-out loss on rows [start, n), and every candidate's held-out loss."""
    losses = validation_losses(S, start, S.n, Wc, bc)
    k = int(np.argmin(losses))
    info = {**meta[k], "validation_loss": float(losses[k]), "candidates": int(Wc.shape[1]),
            "validation_rows": int(S.n - start), **_sq_convergence(meta, k, p)}
    if "guess" in meta[k]:
        g = meta[k]["guess"]
        info["pgd_converged"] = info.get("converged")
        info.update(_guess_record(Wc, bc, meta))
        del info["guess"]
        info["guess_index"] = int(g)
    return _relu_fit(Wc[:, k], bc[k], info), losses


def _fit_sq(name: str, X, y, rng, width, params, pgd: bool) -> Fit:
    _check_single(name, width)
    p = check_params(name, params, SQ_DEFAULTS)
    if not pgd:
        p["steps"] = 0
    S = as_samples(X, y)
    Wc, bc, meta = sq_candidates(S, rng, p)
    _, n2 = _split_rows(S.n, p["split"])
    return _select(S, n2, Wc, bc, meta, p)[0]


@register("sq")
def fit_sq(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """The SQ path of Algorithm 1: thresholded PCA + reweighted PGD per (norm, bias) guess, held-out selection.

    Parameters (defaults in ``SQ_DEFAULTS``): ``rho``, ``lam``, ``eta``, ``steps`` (T), ``keep`` (kept
    iterates per guess), ``tol`` (convergence test of the selected PGD path), the bias grid
    ``bias_min``/``bias_max``/``bias_step``, the norm grid ``scales`` and the row ``split``. The output's
    bias is the selected guess, never fitted (as in the paper). ``Fit.info`` carries the convergence record
    of the selected guess's PGD path and every guess's last direction (``guess_w``) for the diagnostic.
    """
    return _fit_sq("sq", X, y, rng, width, params, pgd=True)


@register("sq_pca")
def fit_sq_pca(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``sq`` with the PCA warm start only (``steps`` is ignored; not iterative: no convergence record)."""
    return _fit_sq("sq_pca", X, y, rng, width, params, pgd=False)


@register("pca_tail")
def fit_pca_tail(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Theorem 13's thresholded PCA at the true guess, on the exact tail stream: the top eigenvector of
    ``sum x x^T 1{|y| >= tau}`` over the dataset's ``n`` rows, ``tau = 1 / max(|b|, 1)`` (:func:`pca_thresholds`
    at the guess beta = 1, gamma = b, as in ``sq``).

    A diagnostic of the PCA step, not a learner of ``b``: it reads the planted bias from the dataset's law, as
    Theorem 13 assumes the right guess. Only the rows with ``|y| >= tau`` enter the sum, so they are drawn by
    :func:`depth2.core.tail_rows.tail_rows`, exactly in law as among ``n`` brute-force rows (tested), at a cost
    of about ``n Phi(b)`` rows whatever ``n``: b = -5 at n Phi(b) = 1e4 (n = 3.5e10) takes milliseconds. The
    returned bias is the planted one; the sign of the eigenvector is arbitrary (score ``|<w, v>|``).
    """
    _check_single("pca_tail", width)
    check_params("pca_tail", params, {})
    S = as_samples(X, y)
    target = population_of(S)
    if target.planted is None:
        raise ValueError("pca_tail needs a family with a planted ReLU (its true guess)")
    b = float(target.planted[1])
    Xt, _ = tail_rows(target, S.n, float(pca_thresholds(1.0, b)), rng)
    w = _random_direction(rng, S.d) if Xt.shape[0] == 0 else np.linalg.eigh(Xt.T @ Xt)[1][:, -1]
    log.info("pca_tail: %d of %d rows above the threshold", Xt.shape[0], S.n)
    return _relu_fit(w, b, {"rows_read": int(Xt.shape[0])})


def least_squares(S: Samples, stop: int) -> tuple[np.ndarray, float]:
    """Ordinary least squares y ~ <w, x> + c on rows [0, stop), by chunked normal equations."""
    d = S.d
    A = np.zeros((d + 1, d + 1))
    r = np.zeros(d + 1)
    for Xc, yc in S.chunks(0, stop):
        Z = np.hstack([Xc, np.ones((Xc.shape[0], 1))])
        A += Z.T @ Z
        r += Z.T @ yc
    sol = np.linalg.lstsq(A, r, rcond=None)[0]
    return sol[:d], float(sol[d])


@register("alg1")
def fit_alg1(X, y=None, *, rng: np.random.Generator, width: int = 1, gd: dict | None = None,
             **params) -> Fit:
    """Algorithm 1: select, on held-out rows, among the zero function, relu(least squares), ``gd`` and ``sq``.

    ``params`` are ``sq``'s; ``gd`` (a dict) overrides ``GD_DEFAULTS`` for the GD candidate, which is trained
    on the PCA and PGD rows only.
    """
    _check_single("alg1", width)
    p = check_params("alg1", params, SQ_DEFAULTS)
    pg = check_params("gd", gd or {}, GD_DEFAULTS)
    S = as_samples(X, y)
    n1, n2 = _split_rows(S.n, p["split"])
    Wc, bc, meta = sq_candidates(S, rng, p)
    meta = [{**m, "source": "sq"} for m in meta]
    w_ls, c_ls = least_squares(S, n2)
    Xg, yg = S.materialize(0, min(n2, int(pg["max_rows"])))
    w_gd, b_gd, curve, gd_conv = _run_gd(Xg, yg, float(pg["init_scale"]) * _random_direction(rng, S.d), pg)
    extra_W = np.stack([np.zeros(S.d), w_ls, w_gd], axis=1)
    extra_b = np.array([0.0, c_ls, b_gd])
    meta += [{"source": "zero"}, {"source": "least_squares"}, {"source": "gd", "gd_steps": len(curve) - 1}]
    fit, all_losses = _select(S, n2, np.hstack([Wc, extra_W]), np.concatenate([bc, extra_b]), meta, p)
    # Algorithm 1 converged when both of its iterative parts did: the selected guess's PGD path (or, when the
    # selection picked a non-sq candidate, the best sq candidate's path) and the GD candidate.
    if fit.info.get("source") != "sq":
        losses = all_losses[: Wc.shape[1]]
        pgd = _sq_convergence(meta, int(np.argmin(losses)), p)
        fit.info["pgd_converged"] = pgd.get("converged")
        fit.info.update(_guess_record(Wc, bc, meta))
    else:
        pgd = {key: fit.info.get(key) for key in ("converged", "steps", "max_steps", "rel_decrease")}
    both = bool(pgd.get("converged", True)) and bool(gd_conv["converged"])
    rels = [r for r in (pgd.get("rel_decrease"), gd_conv["rel_decrease"]) if r is not None]
    fit.info.update(convergence(steps=int(pgd.get("steps") or 0) + gd_conv["steps"],
                                max_steps=int(pgd.get("max_steps") or 0) + gd_conv["max_steps"],
                                rel_decrease=max(rels) if rels else None, tol=float(p["tol"]),
                                grad_norm=gd_conv["grad_norm"], stopped_by_test=both))
    fit.info["gd_converged"] = bool(gd_conv["converged"])
    return fit
