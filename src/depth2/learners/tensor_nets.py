"""Learners for depth-2 ReLU networks ``f(x) = sum_i a_i relu(<w_i, x> + b_i)`` from Hermite moments
(Awasthi, Tang & Vijayaraghavan, NeurIPS 2021; our reconstruction of the full-rank algorithm).

``hermite_tensor``:

1. ``T0, T1, T2`` from the data; the subspace ``U`` = top-``width`` eigenvectors of ``T2`` by |eigenvalue|
   (``T2 = sum_i a_i phi(b_i) w_i w_i^T``).
2. ``T3`` and ``T4`` restricted to ``U`` (m^3 and m^4 numbers, contracted against residualized labels;
   never a d^3 array). ``c_3(b) = -b phi(b)`` vanishes at b = 0 and ``c_4(b) = (b^2 - 1) phi(b)`` at b = +-1,
   so the contraction ``M(g) = T3(., ., g) + T4(., ., g, g)`` sees every neuron.
3. Jennrich on ``M(g1), M(g2)`` gives the directions ``W_hat = U V`` up to sign, then a joint
   least-squares refinement of V on the projected T3 and T4 (Jennrich is exact only without noise).
4. With ``u_i`` the rows of ``pinv(W_hat)``: ``l2 = T2(u_i, u_i) = a_i phi(b_i)`` and
   ``l3 = T3(u_i, u_i, u_i) = -s a_i b_i phi(b_i)``, where ``s = +-1`` is the unknown sign of ``w_hat_i``; so
   ``b_i = -s l3 / l2`` and ``a_i = l2 / phi(b_i)``, and ``s`` is the sign that matches the first moment
   ``<u_i, T1> = s a_i Phi(b_i)``. (``l4 / l2 = b_i^2 - 1`` is recorded as a sign-free cross-check.)
5. Optionally ``a`` is refit by least squares on the features ``relu(X W + b)``.

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
from depth2.core.tensor import jennrich, joint_refine
from depth2.learners.base import Fit, check_params, register
from depth2.learners.net_local import lbfgs_refine, net_fit

log = logging.getLogger(__name__)

HT_DEFAULTS: dict[str, Any] = {"draws": 8, "use_t3": True, "use_t4": True, "refit_a": True, "max_rows": 500_000}
REFINE_DEFAULTS: dict[str, Any] = {**HT_DEFAULTS, "max_iter": 300}


def hermite_tensor_parameters(X, y=None, *, width: int, rng: np.random.Generator, draws: int = 8,
                              use_t3: bool = True, use_t4: bool = True,
                              zero_bias: bool = False) -> tuple[np.ndarray, ...]:
    """Steps 1-4 of the algorithm: (a, W, b, info) from Hermite moments (see the module docstring).

    ``zero_bias`` is the bias-free model's method (every b_i = 0, so c_3 = 0 and only T4 carries the
    directions): b = 0, ``a_i = l2 / phi(0)`` and the sign from ``<u_i, T1> = s a_i / 2``.
    """
    if not (use_t3 or use_t4):
        raise ValueError("at least one of use_t3 and use_t4 must be true")
    H = HermiteMoments(X, y, residualize=True)
    m = int(width)
    if not 1 <= m <= H.d:
        raise ValueError(f"width must be in [1, d = {H.d}] for the full-rank algorithm, got {width}")
    evals, evecs = np.linalg.eigh(H.T2)
    U = evecs[:, np.argsort(-np.abs(evals))[:m]]
    P3, P4 = H.projected(U)

    def contract(g: np.ndarray) -> np.ndarray:
        # Raw sum, no per-tensor normalization: where one tensor carries no signal (every b_i at its
        # roots), dividing by its norm would blow its sampling noise up to the signal's scale.
        out = np.zeros((m, m))
        if use_t3:
            out += P3 @ g
        if use_t4:
            out += (P4 @ g) @ g
        return out

    V, score = jennrich(contract, m, rng, draws=draws)
    # Jennrich is exact only on noiseless tensors: polish the directions on the projected tensors
    V, _ = joint_refine(V, [P for P, use in ((P3, use_t3), (P4, use_t4)) if use])
    W_hat = U @ V
    Q = np.linalg.pinv(V).T  # columns: coordinates in U of the rows u_i of pinv(W_hat)
    l2 = np.einsum("ai,ab,bi->i", Q, U.T @ H.T2 @ U, Q)
    l3 = np.einsum("abc,ai,bi,ci->i", P3, Q, Q, Q)
    l4 = np.einsum("abcd,ai,bi,ci,di->i", P4, Q, Q, Q, Q)
    t1 = (U @ Q).T @ H.T1
    rho = l3 / l2  # = -s b
    a, b, sign = np.empty(m), np.empty(m), np.empty(m)
    for i in range(m if not zero_bias else 0):
        best = None
        for s in (1.0, -1.0):
            bi = float(np.clip(-s * rho[i], -8.0, 8.0))  # beyond |b| = 8, phi(b) underflows relative to noise
            ai = float(l2[i] / phi(bi))
            err = abs(s * ai * float(Phi(bi)) - t1[i])
            if best is None or err < best[0]:
                best = (err, s, ai, bi)
        _, sign[i], a[i], b[i] = best
    if zero_bias:
        b[:] = 0.0
        a[:] = l2 / phi(0.0)
        sign[:] = np.where(t1 * a >= 0, 1.0, -1.0)
    # l4 / l2 = b^2 - 1 is a sign-free cross-check of |b| (recorded, not used: it is the noisier estimate)
    info = {"jennrich_score": float(score), "eigen_T2": [float(v) for v in np.sort(np.abs(evals))[::-1][: m + 1]],
            "abs_b_from_t4": [float(v) for v in np.sqrt(np.maximum(l4 / l2 + 1.0, 0.0))]}
    return a, W_hat * sign, b, info


def _least_squares_a(Xm: np.ndarray, ym: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    F = relu(Xm @ W + b)
    return np.linalg.lstsq(F, ym, rcond=None)[0]


@register("hermite_tensor")
def fit_hermite_tensor(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Hermite-moment tensor method for a depth-2 ReLU network of ``width`` units (full rank, width <= d).

    Parameters (``HT_DEFAULTS``): ``draws`` (Jennrich draws), ``use_t3``/``use_t4`` (which tensors; the
    T3-only and T4-only ablations), ``refit_a`` (least-squares refit of the output layer on at most
    ``max_rows`` rows).
    """
    p = check_params("hermite_tensor", params, HT_DEFAULTS)
    S = as_samples(X, y)
    a, W, b, info = hermite_tensor_parameters(S, width=width, rng=rng, draws=int(p["draws"]),
                                              use_t3=bool(p["use_t3"]), use_t4=bool(p["use_t4"]))
    if p["refit_a"]:
        Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
        a = _least_squares_a(Xm, ym, W, b)
    return net_fit(a, W, b, info)


@register("hermite_tensor+refine")
def fit_hermite_tensor_refine(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``hermite_tensor`` followed by L-BFGS on all parameters (``max_iter`` iterations, ``max_rows`` rows)."""
    p = check_params("hermite_tensor+refine", params, REFINE_DEFAULTS)
    S = as_samples(X, y)
    a, W, b, info = hermite_tensor_parameters(S, width=width, rng=rng, draws=int(p["draws"]),
                                              use_t3=bool(p["use_t3"]), use_t4=bool(p["use_t4"]))
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    if p["refit_a"]:
        a = _least_squares_a(Xm, ym, W, b)
    a, W, b, more = lbfgs_refine(Xm, ym, a, W, b, int(p["max_iter"]))
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
    S = as_samples(X, y)
    a, W, b, info = hermite_tensor_parameters(S, width=width, rng=rng, draws=int(p["draws"]), use_t3=False,
                                              use_t4=True, zero_bias=True)
    if p["refit_a"]:
        Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
        a = _least_squares_a(Xm, ym, W, b)
    return net_fit(a, W, b, info)
