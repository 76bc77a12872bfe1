"""Learners for depth-2 ReLU networks ``f(x) = sum_i a_i relu(<w_i, x> + b_i)`` from Hermite moments
(Awasthi, Tang & Vijayaraghavan, NeurIPS 2021; our reconstruction of the full-rank algorithm).

``hermite_tensor``:

1. ``T0, T1`` from the data, then ``T2`` from the labels less their degree 0-1 parts (``y - T0 - <T1, x>``:
   the same population value, much less noise); the subspace ``U`` = top-``width`` eigenvectors of ``T2`` by
   |eigenvalue| (``T2 = sum_i a_i phi(b_i) w_i w_i^T``).
2. ``T3`` and ``T4`` restricted to ``U`` (m^3 and m^4 numbers, contracted against residualized labels;
   never a d^3 array). ``c_3(b) = -b phi(b)`` vanishes at b = 0 and ``c_4(b) = (b^2 - 1) phi(b)`` at b = +-1,
   so the contraction ``M(g) = T3(., ., g) + T4(., ., g, g)`` sees every neuron.
3. Jennrich on ``M(g) P2^{-1}`` (P2 = the projected T2) for ``draws`` random g; every draw's directions
   are refined by joint least squares on the projected T3 and T4 (Jennrich is exact only without noise),
   and the draw with the lowest relative tensor residual is kept (:func:`depth2.core.tensor.best_refined_draw`):
   the eigen-gap says how separated a draw's spectrum is, not how well it fits.
4. For the kept unit directions ``v_i`` (signs arbitrary), least-squares weights on the projected tensors:
   ``l2 = a_i phi(b_i)`` (T2), ``l3 = -s_i a_i b_i phi(b_i)`` (T3), where ``s_i = +-1`` is the unknown sign
   of ``v_i``; so ``rho_i = l3 / l2 = -s_i b_i`` and ``|a_i| phi(b_i)`` are sign-free, and the sign only decides
   between relu(z) and relu(-z) = relu(z) - z, a linear difference: the signs are the pattern whose degree
   0-1 parts ``sum a_i (c_0(b_i), c_1(b_i) w_i)`` are closest to the data's ``(T0, T1)`` (:func:`choose_signs`;
   a joint residual, not a per-neuron read through ``pinv`` of the columns). (``l4 / l2 = b_i^2 - 1`` is
   recorded as a sign-free cross-check.)
5. ``a`` is refit by least squares on the features ``relu(X W + b)`` (``refit_a``; else ``l2 / phi(b)``).

The convergence record (:func:`depth2.learners.base.convergence`) is the joint refinement's of the kept draw
(``hermite_tensor+refine``: its L-BFGS polish's).

``hermite_tensor_zero_bias`` is the baseline that assumes every b_i = 0 (T2 and T4 only).

``hermite_tensor+refine`` then minimizes the empirical squared loss over all of (a, W, b) by L-BFGS from
that start. Both return ``relu_net`` fits with ``W`` of unit columns.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from depth2.core.data import as_samples
from depth2.core.gaussian import Phi, phi, relu
from depth2.core.moments import HermiteMoments
from depth2.core.tensor import best_refined_draw, jennrich_candidates, symmetric_weights
from depth2.learners.base import Fit, check_params, convergence, register
from depth2.learners.net_local import lbfgs_refine, net_fit

log = logging.getLogger(__name__)

HT_DEFAULTS: dict[str, Any] = {"draws": 8, "use_t3": True, "use_t4": True, "refit_a": True, "max_rows": 500_000}
REFINE_DEFAULTS: dict[str, Any] = {**HT_DEFAULTS, "max_iter": 300}
SCREEN_NFEV = 30  # joint_refine's budget per Jennrich draw when ranking the draws by tensor residual
REFINE_NFEV = 300  # joint_refine's budget for the kept draw (pilot seed 101: 1 of 18 d = 20 fits ran out at 100)
EXHAUSTIVE_SIGNS = 12  # widths up to this try all 2^m sign patterns; wider ones flip greedily


def _sign_residuals(masks: np.ndarray, W: np.ndarray, rho: np.ndarray, a: np.ndarray, T0: float,
                    T1: np.ndarray) -> np.ndarray:
    """Squared L2 distance of the degree 0-1 parts, |T0 - sum_i a_i c_0(b_i)|^2 + |T1 - sum_i a_i c_1(b_i)
    w_i|^2, for each sign pattern (rows of ``masks``, True where s_i = -1; w_i = s_i W[:, i], b_i = -s_i rho_i)."""
    s = np.where(masks, -1.0, 1.0)
    b = -s * rho[None, :]
    c0 = (a[None, :] * (b * Phi(b) + phi(b))).sum(axis=1)
    mu = s * a[None, :] * Phi(b)  # coefficient of the column W[:, i] in T1
    return (T0 - c0) ** 2 + np.sum((T1[None, :] - mu @ W.T) ** 2, axis=1)


def choose_signs(W: np.ndarray, rho: np.ndarray, a: np.ndarray, T0: float, T1: np.ndarray,
                 start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The sign s_i of each recovered unit direction W[:, i] (neuron ``a_i relu(s_i <W_i, x> - s_i rho_i)``,
    with the sign-free ``a_i = l2_i / phi(rho_i)`` and ``rho_i = -s_i b_i`` from the tensors).

    The tensors of order >= 2 fix each neuron up to relu(z) versus relu(-z) = relu(z) - z: flipping s_i
    changes only the degree 0-1 parts of the network, by a_i (b_i, w_i) — a change of the size of a_i
    whatever the bias (relu(z) and relu(-z) differ by all of z). So the signs are the pattern whose degree
    0-1 parts (c_0 = b Phi(b) + phi(b), c_1 = Phi(b)) are closest to the data's (T0, T1) — a joint residual,
    not a per-neuron read through ``pinv`` of the recovered columns, which spreads one bad (collapsed)
    column to every neuron (issue 16). All 2^m patterns for m <= EXHAUSTIVE_SIGNS, else single flips from
    ``start`` while the residual falls. Returns (signs, residual).
    """
    m = W.shape[1]
    if m <= EXHAUSTIVE_SIGNS:
        masks = ((np.arange(2**m)[:, None] >> np.arange(m)[None, :]) & 1).astype(bool)
        res = _sign_residuals(masks, W, rho, a, T0, T1)
        best = int(np.argmin(res))
        return np.where(masks[best], -1.0, 1.0), float(res[best])
    mask = np.zeros(m, dtype=bool) if start is None else np.asarray(start) < 0
    cur = float(_sign_residuals(mask[None], W, rho, a, T0, T1)[0])
    while True:
        trial = np.repeat(mask[None], m, axis=0)
        trial[np.arange(m), np.arange(m)] ^= True
        res = _sign_residuals(trial, W, rho, a, T0, T1)
        j = int(np.argmin(res))
        if res[j] >= cur:
            break
        mask, cur = trial[j], float(res[j])
    return np.where(mask, -1.0, 1.0), cur


def _least_squares_a(Xm: np.ndarray, ym: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    F = relu(Xm @ W + b)
    return np.linalg.lstsq(F, ym, rcond=None)[0]


def hermite_tensor_parameters(X, y=None, *, width: int, rng: np.random.Generator, draws: int = 8,
                              use_t3: bool = True, use_t4: bool = True, zero_bias: bool = False,
                              max_rows: int = 500_000) -> tuple[np.ndarray, ...]:
    """Steps 1-4 of the algorithm: (a, W, b, info) from Hermite moments (see the module docstring).

    ``zero_bias`` is the bias-free model's method (every b_i = 0, so c_3 = 0 and only T4 carries the
    directions): b = 0 and the signs and ``a`` from the same least-squares step. ``a`` is the output layer
    of the sign step's least-squares refit on the first ``max_rows`` rows.
    """
    if not (use_t3 or use_t4):
        raise ValueError("at least one of use_t3 and use_t4 must be true")
    S = as_samples(X, y)
    H = HermiteMoments(S, residualize=True)
    m = int(width)
    if not 1 <= m <= H.d:
        raise ValueError(f"width must be in [1, d = {H.d}] for the full-rank algorithm, got {width}")
    evals, evecs = np.linalg.eigh(H.T2)
    U = evecs[:, np.argsort(-np.abs(evals))[:m]]
    P3, P4 = H.projected(U)
    P2 = U.T @ H.T2 @ U
    used = [P for P, use in ((P3, use_t3), (P4, use_t4)) if use]

    def contract(g: np.ndarray) -> np.ndarray:
        # Raw sum, no per-tensor normalization: where one tensor carries no signal (every b_i at its
        # roots), dividing by its norm would blow its sampling noise up to the signal's scale.
        out = np.zeros((m, m))
        if use_t3:
            out += P3 @ g
        if use_t4:
            out += (P4 @ g) @ g
        return out

    # Jennrich is exact only on noiseless tensors: every draw is polished on the projected tensors, and the
    # draw whose polished components fit them best (lowest relative residual) is kept; the eigen-gap
    # score says how separated a draw's spectrum is, not how well it fits (issue 16).
    # The second Jennrich matrix is the projected T2 (weights a_i phi(b_i), never 0), not a second random
    # contraction: a neuron a tensor does not see (b at a root of c_3 or c_4) then gets the eigenvalue 0 and
    # cannot spoil the others (pilot seeds 401-405: T4-only at b = 0, 0.73 -> 0.80 recovered; the full
    # method unchanged or better). Two contractions only if T2 is singular in U.
    try:
        candidates = jennrich_candidates(contract, m, rng, draws=draws, reference=P2)
    except np.linalg.LinAlgError:
        candidates = jennrich_candidates(contract, m, rng, draws=draws)
    V, _, rec = best_refined_draw(candidates, used, screen_nfev=SCREEN_NFEV, max_nfev=REFINE_NFEV)
    W_hat = U @ V
    l2, l3, l4 = (symmetric_weights(V, P) for P in (P2, P3, P4))  # l2 = a phi(b), l3 = -s a b phi(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(l2 != 0, l3 / l2, 0.0)  # = -s b for the direction s w
    rho = np.clip(np.nan_to_num(rho), -8.0, 8.0)  # beyond |b| = 8, phi(b) underflows relative to noise
    if zero_bias:
        rho = np.zeros(m)
    a_mom = l2 / phi(rho)  # sign-free: phi is even
    t1 = W_hat.T @ H.T1  # per-neuron guess of the signs (greedy start only): <v_i, T1> ~ s a_i Phi(b_i)
    sign, sign_res = choose_signs(W_hat, rho, a_mom, H.T0, H.T1, start=np.where(t1 * a_mom < 0, -1.0, 1.0))
    b = -sign * rho
    Xm, ym = S.materialize(0, min(S.n, int(max_rows)))
    a = _least_squares_a(Xm, ym, W_hat * sign, b)
    # l4 / l2 = b^2 - 1 is a sign-free cross-check of |b| (recorded, not used: it is the noisier estimate)
    info = {"jennrich_score": rec["eigen_score"], "tensor_residual": rec["tensor_residual"], "draw": rec["draw"],
            "eigen_T2": [float(v) for v in np.sort(np.abs(evals))[::-1][: m + 1]],
            "abs_b_from_t4": [float(v) for v in np.sqrt(np.maximum(l4 / l2 + 1.0, 0.0))],
            "sign_residual": sign_res, "a_from_moments": [float(v) for v in a_mom]}
    info.update(convergence(steps=rec["nfev"], max_steps=rec["max_nfev"], rel_decrease=None, tol=0.0,
                            stopped_by_test=rec["converged"]))
    return a, W_hat * sign, b, info


@register("hermite_tensor")
def fit_hermite_tensor(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Hermite-moment tensor method for a depth-2 ReLU network of ``width`` units (full rank, width <= d).

    Parameters (``HT_DEFAULTS``): ``draws`` (Jennrich draws), ``use_t3``/``use_t4`` (which tensors; the
    T3-only and T4-only ablations), ``refit_a`` (least-squares refit of the output layer on at most
    ``max_rows`` rows).
    """
    p = check_params("hermite_tensor", params, HT_DEFAULTS)
    a, W, b, info = hermite_tensor_parameters(X, y, width=width, rng=rng, draws=int(p["draws"]),
                                              use_t3=bool(p["use_t3"]), use_t4=bool(p["use_t4"]),
                                              max_rows=int(p["max_rows"]))
    if not p["refit_a"]:
        a = np.asarray(info["a_from_moments"])
    return net_fit(a, W, b, info)


@register("hermite_tensor+refine")
def fit_hermite_tensor_refine(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``hermite_tensor`` followed by L-BFGS on all parameters (``max_iter`` iterations, ``max_rows`` rows)."""
    p = check_params("hermite_tensor+refine", params, REFINE_DEFAULTS)
    S = as_samples(X, y)
    a, W, b, info = hermite_tensor_parameters(S, width=width, rng=rng, draws=int(p["draws"]),
                                              use_t3=bool(p["use_t3"]), use_t4=bool(p["use_t4"]),
                                              max_rows=int(p["max_rows"]))
    if not p["refit_a"]:
        a = np.asarray(info["a_from_moments"])
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    a, W, b, more = lbfgs_refine(Xm, ym, a, W, b, int(p["max_iter"]))
    # the convergence record is the refinement's (the iterative step whose budget the config sets)
    return net_fit(a, W, b, {**info, **more})


@register("hermite_tensor_t3")
def fit_hermite_tensor_t3(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Ablation: ``hermite_tensor`` with T3 only (blind to neurons with b = 0, where c_3 vanishes)."""
    return fit_hermite_tensor(X, y, rng=rng, width=width, **{**params, "use_t3": True, "use_t4": False})


@register("hermite_tensor_t4")
def fit_hermite_tensor_t4(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Ablation: ``hermite_tensor`` with T4 only (blind to neurons with b = +-1, where c_4 vanishes)."""
    return fit_hermite_tensor(X, y, rng=rng, width=width, **{**params, "use_t3": False, "use_t4": True})


@register("hermite_tensor_zero_bias")
def fit_hermite_tensor_zero_bias(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Baseline: the tensor method of a bias-free network (T2 and T4 only, every b_i = 0, ``a`` refit by
    least squares), applied to data whose neurons have biases."""
    p = check_params("hermite_tensor_zero_bias", params, HT_DEFAULTS)
    a, W, b, info = hermite_tensor_parameters(X, y, width=width, rng=rng, draws=int(p["draws"]), use_t3=False,
                                              use_t4=True, zero_bias=True, max_rows=int(p["max_rows"]))
    if not p["refit_a"]:
        a = np.asarray(info["a_from_moments"])
    return net_fit(a, W, b, info)
