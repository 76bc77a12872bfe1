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
from depth2.learners.base import Fit, check_params, register

log = logging.getLogger(__name__)

GD_DEFAULTS: dict[str, Any] = {"max_steps": 200, "max_rows": 200_000, "init_scale": 0.01, "step0": 1.0}
GD_POP_DEFAULTS: dict[str, Any] = {"max_steps": 3000, "init_scale": 0.01, "step0": 1.0, "max_move": 0.05}
SQ_DEFAULTS: dict[str, Any] = {
    "rho": 0.5,  # reweighting strength (the paper's Theorem 7 value)
    "lam": 0.9,  # warm-start overlap the truncation level assumes (Theorem 7)
    "eta": 0.02,  # PGD step, as an angle: w <- normalize(w + eta v_t / |v_t|) (see the config schema)
    "steps": 4,  # PGD iterations T, each on fresh rows
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
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, *, max_steps: int, step0: float = 1.0
) -> tuple[np.ndarray, float, list[float]]:
    """Full-batch GD on L(w, b) = 1/2 mean (relu(Xw + b) - y)^2 with Armijo backtracking.

    The step doubles after each accepted step and halves until the sufficient-decrease condition
    ``L(new) <= L - step |grad|^2 / 2`` holds, so a step costs about one pass over the data.
    Returns the final (w, b) and the loss after every step.
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
    for _ in range(int(max_steps)):
        g2 = float(gw @ gw) + gb * gb
        if g2 <= 1e-30:
            break
        while step > 1e-14:
            wn, bn = w - step * gw, b - step * gb
            Ln, gwn, gbn = loss_grad(wn, bn)
            if Ln <= L - 0.5 * step * g2:
                break
            step *= 0.5
        else:
            break
        w, b, L, gw, gb = wn, bn, Ln, gwn, gbn
        curve.append(L)
        step *= 2.0
    return w, b, curve


@register("gd")
def fit_gd(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Gradient descent on the empirical loss of one ReLU from ``w0 = init_scale * (random unit)``, ``b0 = 0``.

    Parameters (defaults in ``GD_DEFAULTS``): ``max_steps``, ``max_rows`` (GD reads the first ``max_rows``
    rows into memory: every step is a full pass), ``init_scale``, ``step0`` (first trial step).
    """
    _check_single("gd", width)
    p = check_params("gd", params, GD_DEFAULTS)
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    w0 = float(p["init_scale"]) * _random_direction(rng, S.d)
    w, b, curve = gd_relu(Xm, ym, w0, 0.0, max_steps=int(p["max_steps"]), step0=float(p["step0"]))
    log.info("gd: %d steps on %d rows, final empirical loss %.4g", len(curve) - 1, ym.shape[0], curve[-1])
    return _relu_fit(w, b, {"steps": len(curve) - 1, "rows": int(ym.shape[0]), "loss_curve": _thin(curve)})


def _thin(curve: list[float], keep: int = 50) -> list[float]:
    """At most ``keep`` points of a curve (first and last included), for the fit's info."""
    idx = np.unique(np.linspace(0, len(curve) - 1, min(keep, len(curve))).astype(int))
    return [float(curve[i]) for i in idx]


# ---------------------------------------------------------------------------------------------------
# Exact population gradient descent
# ---------------------------------------------------------------------------------------------------


def population_gd(
    quad: BatchQuadrature, a: np.ndarray, c: np.ndarray, beta: np.ndarray, *, max_steps: int, step0: float = 1.0,
    max_move: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact population GD of many candidates at once in the coordinates (a, c, beta).

    Each candidate has its own Armijo step (doubled after acceptance, halved until sufficient
    decrease), capped so that one step moves the parameters by at most ``max_move``: the iterates then
    follow the gradient flow instead of leaping across the dead region of the ReLU. ``c`` is kept
    non-negative (a sign flip of the orthogonal part is a reflection).
    Returns final (a, c, beta) and the final losses.
    """
    a, c, beta = (np.array(v, dtype=float) for v in (a, c, beta))
    K = a.shape[0]
    step = np.full(K, float(step0))
    L = quad.loss(a, c, beta)
    active = np.ones(K, dtype=bool)
    for _ in range(int(max_steps)):
        idx = np.flatnonzero(active)  # only candidates still moving cost anything
        if idx.size == 0:
            break
        ga, gc, gb = quad.gradient(a[idx], c[idx], beta[idx])
        g2 = ga * ga + gc * gc + gb * gb
        st = np.minimum(step[idx], max_move / np.sqrt(np.maximum(g2, 1e-300)))
        done = np.zeros(idx.size, dtype=bool)
        for _ in range(60):
            todo = np.flatnonzero(~done & (st > 1e-14) & (g2 > 1e-30))
            if todo.size == 0:
                break
            j = idx[todo]
            ta = a[j] - st[todo] * ga[todo]
            tc = np.abs(c[j] - st[todo] * gc[todo])
            tb = beta[j] - st[todo] * gb[todo]
            tL = quad.loss(ta, tc, tb)
            ok = tL <= L[j] - 0.5 * st[todo] * g2[todo]
            acc = j[ok]
            a[acc], c[acc], beta[acc], L[acc] = ta[ok], tc[ok], tb[ok], tL[ok]
            done[todo[ok]] = True
            st[todo[~ok]] *= 0.5
        step[idx] = np.where(done, 2.0 * st, st)
        active[idx[~done]] = False  # no decrease possible: stationary (to line-search precision)
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
    a, c, beta, L = population_gd(quad, a0, c0, np.zeros(len(samples)), max_steps=int(p["max_steps"]),
                                  step0=float(p["step0"]), max_move=float(p["max_move"]))
    fits = []
    for k, t in enumerate(targets):
        u = perp[k] / c0[k] if c0[k] > 0 else np.zeros_like(t.v)
        w = a[k] * t.v + c[k] * u
        fits.append(_relu_fit(w, beta[k], {"initial_overlap": float(a0[k] / np.hypot(a0[k], c0[k])),
                                            "population_loss": float(L[k])}))
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


def pca_warm_starts(
    S: Samples, stop: int, betas: np.ndarray, gammas: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Top eigenvector of mean[x x^T 1{|y'| >= tau}] for each guess, on rows [0, stop) -> (d, G).

    With ``y' = y / beta`` and ``b' = gamma / beta`` the paper's threshold is ``tau = 1 / |b'|``; we use
    ``1 / max(|b'|, 1)`` so that guesses with |b'| < 1 (where the paper uses other candidates) still get a
    finite threshold. A guess whose threshold no row passes gets a random direction.
    """
    bprime = np.abs(gammas / betas)
    thresh = betas / np.maximum(bprime, 1.0)  # |y| >= beta * tau
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


def reweighted_pgd(
    S: Samples, start: int, stop: int, W: np.ndarray, betas: np.ndarray, gammas: np.ndarray, p: dict
) -> np.ndarray:
    """Reweighted projected gradient steps on fresh rows; returns every iterate, shape (T + 1, d, K).

    Step t reads its own slice of rows [start, stop) and computes, for each direction w (columns of W),
    ``v_t = (I - w w^T) mean[f y' x 1{<x, w> >= btil}]`` with ``f = exp(rho |b'| <x, w> - rho^2 b'^2 / 2)``
    and ``btil = (rho + lam - lam^2 rho) |b'|``; then ``w <- normalize(w + eta v_t / |v_t|)``.
    """
    rho, lam, eta, T = float(p["rho"]), float(p["lam"]), float(p["eta"]), int(p["steps"])
    bp = np.abs(gammas / betas)
    btil = (rho + lam - lam * lam * rho) * bp
    shift, inv_beta = 0.5 * (rho * bp) ** 2, 1.0 / betas
    rows = max(64, 262_144 // W.shape[1])
    traj = [W.copy()]
    if T <= 0:
        return np.stack(traj)
    edges = np.linspace(start, stop, T + 1).astype(int)
    for t in range(T):
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
        traj.append(W.copy())
    return np.stack(traj)


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
    """All step-4 candidates: (W (d, K), b (K,), meta) with meta naming each candidate's guess and step."""
    n1, n2 = _split_rows(S.n, p["split"])
    betas, gammas = _guesses(p)
    W0 = pca_warm_starts(S, n1, betas, gammas, rng)
    Wdir = np.concatenate([W0, -W0], axis=1)  # PCA cannot tell the sign: try both
    B2, G2 = np.concatenate([betas, betas]), np.concatenate([gammas, gammas])
    traj = reweighted_pgd(S, n1, n2, Wdir, B2, G2, p)  # (T+1, d, K0)
    T1, d, K0 = traj.shape
    Wc = (traj * B2[None, None, :]).transpose(1, 0, 2).reshape(d, T1 * K0)
    bc = np.tile(G2, T1)
    meta = [{"t": t, "beta": float(B2[k]), "gamma": float(G2[k]), "sign": 1 if k < K0 // 2 else -1}
            for t in range(T1) for k in range(K0)]
    log.info("sq: %d guesses x 2 signs x %d iterates = %d candidates", betas.size, T1, Wc.shape[1])
    return Wc, bc, meta


def _select(S: Samples, start: int, Wc: np.ndarray, bc: np.ndarray, meta: list[dict]) -> Fit:
    losses = validation_losses(S, start, S.n, Wc, bc)
    k = int(np.argmin(losses))
    info = {**meta[k], "validation_loss": float(losses[k]), "candidates": int(Wc.shape[1])}
    return _relu_fit(Wc[:, k], bc[k], info)


def _fit_sq(name: str, X, y, rng, width, params, pgd: bool) -> Fit:
    _check_single(name, width)
    p = check_params(name, params, SQ_DEFAULTS)
    if not pgd:
        p["steps"] = 0
    S = as_samples(X, y)
    Wc, bc, meta = sq_candidates(S, rng, p)
    _, n2 = _split_rows(S.n, p["split"])
    return _select(S, n2, Wc, bc, meta)


@register("sq")
def fit_sq(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """The SQ path of Algorithm 1: thresholded PCA + reweighted PGD per (norm, bias) guess, held-out selection.

    Parameters (defaults in ``SQ_DEFAULTS``): ``rho``, ``lam``, ``eta``, ``steps`` (T), the bias grid
    ``bias_min``/``bias_max``/``bias_step``, the norm grid ``scales`` and the row ``split``. The output's
    bias is the selected guess, never fitted (as in the paper).
    """
    return _fit_sq("sq", X, y, rng, width, params, pgd=True)


@register("sq_pca")
def fit_sq_pca(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``sq`` with the PCA warm start only (``steps`` is ignored)."""
    return _fit_sq("sq_pca", X, y, rng, width, params, pgd=False)


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
    w_gd, b_gd, curve = gd_relu(Xg, yg, float(pg["init_scale"]) * _random_direction(rng, S.d), 0.0,
                                max_steps=int(pg["max_steps"]), step0=float(pg["step0"]))
    extra_W = np.stack([np.zeros(S.d), w_ls, w_gd], axis=1)
    extra_b = np.array([0.0, c_ls, b_gd])
    meta += [{"source": "zero"}, {"source": "least_squares"}, {"source": "gd", "steps": len(curve) - 1}]
    return _select(S, n2, np.hstack([Wc, extra_W]), np.concatenate([bc, extra_b]), meta)
