"""Local search for k-ReLU networks: full-batch gradient descent (``net_gd``) and Adam (``net_adam``) from random
starts, all restarts trained at once as a batch.

Model and loss. ``f(x) = sum_{j<k} a_j relu(<w_j, x> + b_j)`` (``k = width``; ``b = 0`` and untrained when
``bias=False``), fitted to the mean squared loss

    L(a, W, b) = (1/n) sum_i (f(x_i) - y_i)^2.

With ``P = X W + b`` (n, k), ``H = relu(P)``, ``r = H a - y`` and ``g = (2/n) r``, the gradient is

    dL/da = H^T g,   dL/dW = X^T G,   dL/db = 1^T G,   G = 1{P > 0} * (g a^T)   (n, k),

(the subgradient 0 at the kink ``P = 0``). :func:`relu_net_loss_grad` evaluates it for ``R`` restarts at once on
arrays with a leading restart axis, ``(R, n, k)`` intermediates, two batched GEMMs per evaluation.

Scale-free defaults. Training runs on ``x' = x / s_x`` and ``y' = y / s_y`` with ``s_x^2 = mean_i |x_i|^2 / d``
and ``s_y^2 = mean_i y_i^2`` (1 if all labels are 0). The model class is invariant under this change
(``s_y a' relu(<w', x / s_x> + b') = (s_y a') relu(<w' / s_x, x> + b')``) and ``L = s_y^2 L'``, so the defaults
below behave the same on data of any scale; ``lr``, ``tol`` and ``init_scale`` are read in these units. Each
start draws ``W' ~ N(0, init_scale^2 / d)`` entrywise (so ``<w'_j, x'>`` has mean square ``init_scale^2`` over the
data), ``b' ~ N(0, init_scale^2)`` (when ``bias``) and ``a' ~ N(0, 1 / k)``, in that order, for all restarts at once.

* ``net_gd``: gradient descent with a per-restart step. The first step is ``lr``, by default ``1 / L_hat`` with
  ``L_hat = 2 lambda_max(Z'^T Z' / n)``, ``Z' = [X', 1]`` (``X'`` without bias): the curvature of the loss in one
  unit's input weights ``(w_j, b_j)`` when ``|a_j| = 1`` and all its inputs are active, i.e. the data's
  second-moment matrix. Since the actual curvature changes along the path (it scales with ``a_j^2``), a step that
  does not decrease the loss is rejected and the step halved; an accepted step multiplies it by 1.1. The training
  loss of every restart is therefore non-increasing.
* ``net_adam``: Adam (betas 0.9, 0.999, eps 1e-8) with step ``lr`` (default 0.01 in the scaled units), decayed by
  a cosine schedule from ``lr`` to ``lr / 100`` over ``steps`` (so the last iterates settle instead of hovering at
  the step size's scale).

A restart stops (is frozen) when its scaled loss ``L'`` or its scaled gradient norm falls to ``tol``, or when its
loss decreased by a relative ``rtol`` or less over the last ``window`` steps (``(L_{t-window} - L_t) / L_{t-window}``:
a stationary point, typically a local minimum or a plateau where the gradient no longer moves it); the loop ends
when all restarts have stopped or after ``steps`` steps (the budget). The fit is *converged* (the convergence
record of :func:`depth2.learners.base.convergence` in ``info``: ``converged``, ``steps``, ``max_steps``,
``rel_decrease`` = the largest last windowed relative decrease over the restarts not stopped by the loss or
gradient test, ``grad_norm`` = the largest final
scaled gradient norm) when every restart was stopped by one of these tests before the budget ran out;
``restart_converged`` lists it per restart. The restart with the least final training loss is
returned. ``info``: ``restart_losses`` (every restart's final training loss, original units, list),
``best_loss``/``train_loss``, ``best_restart``, ``steps`` (iterations run), ``lr`` (first/base step, scaled
units), ``x_scale``, ``y_scale``, ``curve_step``/``curve_loss`` (the best restart's loss every ``log_every``
steps), ``optimizer``, ``rows``, ``width``, ``bias``, ``restarts``. Memory: a few ``R * n * k`` float64 arrays.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from depth2.core.data import as_samples
from depth2.core.models import forward
from depth2.learners.base import Fit, check_params, convergence, register

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {"bias": True, "restarts": 10, "steps": 2000, "lr": None, "init_scale": 1.0,
                            "tol": 1e-12, "rtol": 1e-6, "window": 100, "max_rows": 100_000, "log_every": 100}
ADAM_LR, ADAM_BETAS, ADAM_EPS, ADAM_FINAL_FRACTION = 1e-2, (0.9, 0.999), 1e-8, 1e-2
GD_GROW, GD_SHRINK = 1.1, 0.5
GD_NAME, ADAM_NAME = "net_gd", "net_adam"


# ---------------------------------------------------------------- loss and gradient


def relu_net_loss_grad(X: np.ndarray, y: np.ndarray, a: np.ndarray, W: np.ndarray, b: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean squared loss of ``R`` networks and its gradient (module docstring).

    Parameters
    ----------
    X : ndarray (n, d)
    y : ndarray (n,)
    a : ndarray (R, k)
        Output weights.
    W : ndarray (R, d, k)
        Input weights, one column per unit.
    b : ndarray (R, k)
        Biases.

    Returns
    -------
    loss : ndarray (R,)
        ``(1/n) sum_i (sum_j a_j relu(<w_j, x_i> + b_j) - y_i)^2`` per network.
    grad_a, grad_W, grad_b : ndarray (R, k), (R, d, k), (R, k)
    """
    n = X.shape[0]
    P = np.matmul(X, W)  # (R, n, k)
    P += b[:, None, :]
    H = np.maximum(P, 0.0)
    res = np.matmul(H, a[:, :, None])[..., 0]
    res -= y
    loss = np.einsum("rn,rn->r", res, res) / n
    g = (2.0 / n) * res
    grad_a = np.matmul(g[:, None, :], H)[:, 0, :]
    G = (P > 0.0) * g[:, :, None]
    G *= a[:, None, :]
    grad_W = np.matmul(X.T, G)
    return loss, grad_a, grad_W, G.sum(axis=1)


# ---------------------------------------------------------------- parameter checks


def _int(learner: str, name: str, value: Any, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        raise ValueError(f"{learner}: parameter {name!r} must be an integer >= {lo}, got {value!r}")
    return int(value)


def _real(learner: str, name: str, value: Any, *, allow_zero: bool) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{learner}: parameter {name!r} must be a finite number {'>= 0' if allow_zero else '> 0'}"
                         f", got {value!r}")
    return float(value)


# ---------------------------------------------------------------- training


def _second_moment_lmax(Xs: np.ndarray, bias: bool) -> float:
    Z = np.hstack([Xs, np.ones((Xs.shape[0], 1))]) if bias else Xs
    return float(np.linalg.eigvalsh(Z.T @ Z / Z.shape[0])[-1])


def _pack(a: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(a (R, k), W (R, d, k), b (R, k)) -> theta (R, k + d k + k)``."""
    return np.concatenate([a, W.reshape(W.shape[0], -1), b], axis=1)


def _unpack(theta: np.ndarray, d: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views ``a (R, k), W (R, d, k), b (R, k)`` of ``theta``."""
    return theta[:, :k], theta[:, k : k + d * k].reshape(-1, d, k), theta[:, k + d * k :]


def _loss_grad_packed(X: np.ndarray, y: np.ndarray, theta: np.ndarray, d: int, k: int,
                      bias: bool) -> tuple[np.ndarray, np.ndarray]:
    """Loss (R,) and packed gradient (R, p); the bias block is zeroed when ``bias`` is False (b stays 0)."""
    loss, ga, gW, gb = relu_net_loss_grad(X, y, *_unpack(theta, d, k))
    if not bias:
        gb = np.zeros_like(gb)
    return loss, _pack(ga, gW, gb)


def _fit(name: str, optimizer: str, X: Any, y: Any, rng: np.random.Generator, width: Any,
         params: dict[str, Any]) -> Fit:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name}: rng must be a numpy.random.Generator, got {type(rng).__name__}")
    p = check_params(name, params, DEFAULTS)
    k = _int(name, "width", width, 1)
    R = _int(name, "restarts", p["restarts"], 1)
    steps = _int(name, "steps", p["steps"], 0)
    log_every = _int(name, "log_every", p["log_every"], 1)
    max_rows = _int(name, "max_rows", p["max_rows"], 1)
    init_scale = _real(name, "init_scale", p["init_scale"], allow_zero=False)
    tol = _real(name, "tol", p["tol"], allow_zero=True)
    rtol = _real(name, "rtol", p["rtol"], allow_zero=True)
    window = _int(name, "window", p["window"], 1)
    lr = None if p["lr"] is None else _real(name, "lr", p["lr"], allow_zero=False)
    bias = p["bias"]
    if not isinstance(bias, bool | np.bool_):
        raise ValueError(f"{name}: parameter 'bias' must be True or False, got {bias!r}")
    bias = bool(bias)

    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, max_rows))
    Xm, ym = np.asarray(Xm, dtype=float), np.asarray(ym, dtype=float)
    n, d = Xm.shape
    sx = float(np.sqrt(np.mean(np.einsum("nd,nd->n", Xm, Xm)) / d))
    if not sx > 0:
        raise ValueError(f"{name}: X is all zeros; the inputs must not all vanish")
    sy = float(np.sqrt(np.mean(ym * ym))) or 1.0
    Xs, ys = Xm / sx, ym / sy

    W = rng.standard_normal((R, d, k)) * (init_scale / np.sqrt(d))
    b = rng.standard_normal((R, k)) * init_scale if bias else np.zeros((R, k))
    a = rng.standard_normal((R, k)) / np.sqrt(k)

    theta = _pack(a, W, b)
    loss, grad = _loss_grad_packed(Xs, ys, theta, d, k, bias)
    active = (loss > tol) & (np.linalg.norm(grad, axis=1) > tol)
    stopped = ~active  # stopped by a convergence test (not by the budget)
    curve_step, curve = [0], [loss.copy()]
    ref_loss = loss.copy()  # the loss `window` steps ago (per restart), for the relative-decrease test
    rel_dec = np.full(R, np.nan)

    if optimizer == "gd":
        base_lr = lr if lr is not None else 1.0 / (2.0 * _second_moment_lmax(Xs, bias))
        step = np.full(R, base_lr)
    else:
        base_lr = lr if lr is not None else ADAM_LR
        m1, m2 = np.zeros_like(theta), np.zeros_like(theta)
    beta1, beta2 = ADAM_BETAS
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            if not active.any():
                t -= 1
                break
            live = active[:, None]
            if optimizer == "gd":
                trial = theta - np.where(live, step[:, None] * grad, 0.0)
                t_loss, t_grad = _loss_grad_packed(Xs, ys, trial, d, k, bias)
                ok = active & np.isfinite(t_loss) & (t_loss <= loss)
                theta = np.where(ok[:, None], trial, theta)
                grad = np.where(ok[:, None], t_grad, grad)
                loss = np.where(ok, t_loss, loss)
                step = np.where(ok, step * GD_GROW, np.where(active, step * GD_SHRINK, step))
            else:
                eta = base_lr * (ADAM_FINAL_FRACTION + (1 - ADAM_FINAL_FRACTION) * 0.5
                                 * (1 + np.cos(np.pi * (t - 1) / max(steps - 1, 1))))
                m1 *= beta1
                m1 += (1 - beta1) * grad
                m2 *= beta2
                m2 += (1 - beta2) * grad * grad
                upd = m1 / (1 - beta1**t)
                upd /= np.sqrt(m2 / (1 - beta2**t)) + ADAM_EPS
                upd *= live  # frozen restarts keep their parameters (their moments no longer matter)
                theta -= eta * upd
                new_loss, grad = _loss_grad_packed(Xs, ys, theta, d, k, bias)
                loss = np.where(active, new_loss, loss)
            done = active & np.isfinite(loss) & ((loss <= tol) | (np.linalg.norm(grad, axis=1) <= tol))
            rel_dec = np.where(done, np.nan, rel_dec)  # stopped by the loss or gradient test: no window reading
            if t % window == 0:
                rel_dec = np.where(active, (ref_loss - loss) / np.maximum(np.abs(ref_loss), 1e-300), rel_dec)
                done |= active & np.isfinite(loss) & (rel_dec <= rtol)
                ref_loss = loss.copy()
            stopped |= done
            active &= np.isfinite(loss) & ~done
            if t % log_every == 0 or t == steps:
                curve_step.append(t)
                curve.append(loss.copy())

    a, W, b = _unpack(theta, d, k)
    fits = [{"a": sy * a[r], "W": W[r] / sx, "b": b[r].copy()} for r in range(R)]
    finals = np.array([np.mean((forward("relu_net", f, Xm) - ym) ** 2) for f in fits])
    if not np.isfinite(finals).any():
        raise FloatingPointError(f"{name}: every restart diverged (non-finite loss); pass a smaller 'lr'")
    best = int(np.nanargmin(np.where(np.isfinite(finals), finals, np.inf)))
    if curve_step[-1] != t:
        curve_step.append(t)
        curve.append(loss.copy())
    info = {"restart_losses": [float(v) for v in finals], "best_loss": float(finals[best]),
            "train_loss": float(finals[best]), "best_restart": best, "steps": int(t), "lr": float(base_lr),
            "x_scale": sx, "y_scale": sy, "curve_step": curve_step,
            "curve_loss": [float(c[best] * sy * sy) for c in curve], "optimizer": optimizer, "rows": int(n),
            "width": k, "bias": bias, "restarts": R, "restart_converged": [bool(v) for v in stopped]}
    gnorm = np.linalg.norm(grad, axis=1)
    info.update(convergence(steps=int(t), max_steps=max(steps, 1), rel_decrease=float(np.nanmax(rel_dec))
                            if np.isfinite(rel_dec).any() else None, tol=rtol,
                            grad_norm=float(np.max(gnorm)) if np.isfinite(gnorm).all() else None,
                            stopped_by_test=bool(stopped.all())))
    log.info("%s: width %d, %d restarts, %d steps on %d rows; best loss %.4g (restart %d), median %.4g",
             name, k, R, t, n, info["best_loss"], best, float(np.median(finals)))
    return Fit("relu_net", fits[best], info=info)


@register(GD_NAME)
def fit_net_gd(X: Any, y: Any = None, *, rng: np.random.Generator, width: int = 1, **params: Any) -> Fit:
    """Full-batch gradient descent on all of ``(a, W, b)`` of a ``width``-unit ReLU net from ``restarts`` random
    starts (module docstring); the start with the least training loss is returned as a ``relu_net`` Fit.

    Params (defaults): ``bias`` (True), ``restarts`` (10), ``steps`` (2000), ``lr`` (None: ``1 / L_hat``, the
    inverse curvature of the data's second moment, in scaled units; adapted per restart), ``init_scale`` (1.0),
    ``tol`` (1e-12, on the scaled loss and gradient norm), ``rtol`` (1e-6) and ``window`` (100): the relative
    decrease of the loss over ``window`` steps below which a restart counts as converged, ``max_rows`` (100_000),
    ``log_every`` (100).
    """
    return _fit(GD_NAME, "gd", X, y, rng, width, params)


@register(ADAM_NAME)
def fit_net_adam(X: Any, y: Any = None, *, rng: np.random.Generator, width: int = 1, **params: Any) -> Fit:
    """Adam on all of ``(a, W, b)`` of a ``width``-unit ReLU net from ``restarts`` random starts (module
    docstring); the start with the least training loss is returned as a ``relu_net`` Fit.

    Params as :func:`fit_net_gd`, except ``lr`` (None: 0.01 in scaled units, cosine-decayed to 1e-4).
    """
    return _fit(ADAM_NAME, "adam", X, y, rng, width, params)
