"""Depth-2 networks on ball targets (Safran & Lee 2022): the "strong" erf net with a frozen hidden layer and
the "weak" one-hidden-layer net trained end to end.

Strong net, Eq. (2): ``N(x) = clip01(sum_j w_j erf(<u_j, x> + b_j))``, ``clip01(z) = min(max(z, 0), 1)``, no
output bias. The hidden layer is drawn once per Assumption 7, ``u_j ~ N(0, I_d / 4)``, ``b_j ~ N(0, 1/4)``,
``w ~ N(0, I_r / r^2)``, and frozen; only ``w`` is trained, by full-batch gradient descent on Eq. (6)

    F(w) = (1/n) sum_i (clip01(w . xt_i) - y_i)^2,   xt_i = erf(U^T x_i + b),
    grad F(w) = (2/n) sum_i (clip01(w . xt_i) - y_i) 1{0 < w . xt_i < 1} xt_i,

with step ``step_scale / L_hat`` and ``L_hat = 2 lambda_max(Xt^T Xt / n)``, the smoothness constant of the
unclipped quadratic ``(1/n) |Xt w - y|^2``. ``F`` itself is not smooth (its gradient jumps where some
``w . xt_i`` crosses 0 or 1, so no global Lipschitz constant exists; ``L_hat`` bounds the gradient's local
Lipschitz constant almost everywhere). What ``L_hat`` does give, for labels ``y_i in [0, 1]``, is the
descent-lemma upper bound: each ``phi_i(z) = (clip01(z) - y_i)^2`` is piecewise quadratic with curvature 0 or 2 and
only concave kinks (the one-sided slopes drop at 0 and at 1), and the gradient above uses slope 0 at the kinks, a
supergradient there; hence ``phi_i(z') <= phi_i(z) + phi_i'(z)(z' - z) + (z' - z)^2`` for all ``z, z'`` and

    F(w - eta g) <= F(w) - eta (1 - eta L_hat / 2) |g|^2.

So GD with ``step_scale <= 1`` never increases the training loss (exact arithmetic, ``y in [0, 1]``); the tests
check this on the logged curve.

Output variants (separate learners, same frozen features and code):

* ``strong_net_sigmoid``: ``sigmoid(w . xt)`` (``c = 0``, only ``w`` trained), squared loss, exact gradient
  ``(2/n) sum_i (s_i - y_i) s_i (1 - s_i) xt_i``. Step ``step_scale / (L_hat / 16)``: ``1/16`` is the sigmoid's
  largest slope squared, i.e. the Gauss-Newton part of the curvature. It is not a rigorous bound: with labels in
  {0, 1} the loss's second derivative in ``z`` is ``2 s^2 (1 - s)(2 - 3 s) <= 2 * 0.07704`` (at s = 0.3856), i.e.
  ``1.233`` times the Gauss-Newton value ``2/16``; the step is therefore ``1.233 / L`` with ``L`` the true
  smoothness constant, still below ``2 / L``, so the descent inequality above keeps the loss non-increasing.
* ``strong_net_linear``: ``w . xt + c`` with an output bias ``c`` (init 0), both trained by GD on the squared loss
  with step ``step_scale / L_hat`` for the design ``[Xt, 1]`` (exact smoothness constant). The problem has a closed
  form (``rf_ridge``); GD is kept so that the curve is comparable step for step with the clipped net.
* ``rf_ridge``: the same frozen features (the same draw: same generator calls in the same order) with a linear
  readout plus bias in closed form: ridge on centred features, penalty ``ridge * mean_j Var(xt_j)`` on ``w`` only.

Weak net, Eq. (1): ``act(X U + b) w + b0`` (``weak_net``), act in tanh / sigmoid / relu, all of ``U, b, w, b0``
trained by full-batch GD (or Adam) on the same mean squared error. Glorot (Xavier) normal initialization for ``U``
(variance ``2 / (d + r)``) and ``w`` (variance ``2 / (r + 1)``), ``b = 0``, ``b0 = 0``. The default GD step is
``1 / L0``, ``L0`` the top eigenvalue of the Gauss-Newton matrix ``(2/n) J^T J`` at initialization (``J`` the
n x p Jacobian of the outputs), estimated by ``power_iters`` power iterations (an estimate from below). It is the
prototype's rule, not a guaranteed-descent step: the Hessian's residual term is ignored and the curvature changes
along the path. A non-finite loss stops training; the last iterate with a finite loss is returned and
``info["diverged"]`` is True. Adam uses ``lr`` (default 1e-3), betas (0.9, 0.999), eps 1e-8.

Trainable parameter counts: weak width ``r`` has ``(d + 2) r + 1``; the strong net of width ``r'`` has ``r'``
(:func:`weak_width_for` matches them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import linalg, special
from scipy.sparse.linalg import LinearOperator, eigsh

from depth2.core.data import as_samples
from depth2.core.models import ERF_NET_OUT, ONE_LAYER_ACT
from depth2.learners.base import Fit, check_params, register

STRONG_DEFAULTS = {"steps": 2000, "step_scale": 1.0, "max_rows": 20_000, "log_every": 50, "trace": False}
RF_RIDGE_DEFAULTS = {"ridge": 1e-6, "max_rows": 20_000}
WEAK_DEFAULTS = {"match_strong": False, "act": "tanh", "optimizer": "gd", "lr": None, "steps": 2000, "max_rows": 20_000,
                 "log_every": 50, "power_iters": 100, "armijo": 0.5, "trace": False}
SIGMOID_GN_SCALE = 1.0 / 16.0  # max sigmoid'(z)^2
ADAM_LR, ADAM_BETAS, ADAM_EPS = 1e-3, (0.9, 0.999), 1e-8
_CACHE_BYTES = 1_500_000  # row block of Xt kept in cache between the two GEMVs of a GD step
_DENSE_EIG_DIM = 256


# ---------------------------------------------------------------- parameter checks


def _int_param(learner: str, name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{learner}: parameter {name!r} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _float_param(learner: str, name: str, value, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, int | float | np.floating | np.integer) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{learner}: parameter {name!r} must be a finite number {bound}, got {value!r}")
    return float(value)


def _choice_param(learner: str, name: str, value, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{learner}: parameter {name!r} must be one of {sorted(allowed)}, got {value!r}")
    return value


def _rows(X, y, max_rows: int) -> tuple[np.ndarray, np.ndarray]:
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, max_rows))
    return np.asarray(Xm, dtype=float), np.asarray(ym, dtype=float)


def weak_width_for(strong_params: int, d: int) -> int:
    """Width ``r`` of the weak net (``(d + 2) r + 1`` trainable parameters) nearest to ``strong_params`` trainable
    parameters (the strong net of width ``r'`` trains ``r'``); at least 1, ties rounded down."""
    P, d = int(strong_params), int(d)
    if P < 1 or d < 1:
        raise ValueError(f"strong_params and d must be >= 1, got {strong_params}, {d}")
    q, rem = divmod(P - 1, d + 2)
    return max(1, q + (1 if 2 * rem > d + 2 else 0))


# ---------------------------------------------------------------- frozen erf features


def draw_hidden(rng: np.random.Generator, d: int, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Assumption 7: ``U`` (d, r) with columns ``~ N(0, I_d / 4)``, ``b ~ N(0, I_r / 4)``, ``w ~ N(0, I_r / r^2)``
    (drawn in this order)."""
    U = 0.5 * rng.standard_normal((d, r))
    b = 0.5 * rng.standard_normal(r)
    w = rng.standard_normal(r) / r
    return U, b, w


def erf_features(X: np.ndarray, U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``erf(X U + b)`` (n, r), computed in place."""
    P = X @ U
    P += b
    return special.erf(P, out=P)


def _spans(n: int, r: int) -> list[tuple[int, int]]:
    rows = max(16, _CACHE_BYTES // (8 * max(r, 1)))
    return [(s, min(s + rows, n)) for s in range(0, n, rows)]


def gram_lambda_max(Xt: np.ndarray, with_bias: bool = False) -> float:
    """``lambda_max(D^T D / n)`` for ``D = Xt`` or ``[Xt, 1]``: dense for small widths, else Lanczos (tol 1e-10)."""
    n, r = Xt.shape
    p = r + int(with_bias)
    if p <= _DENSE_EIG_DIM:
        D = np.hstack([Xt, np.ones((n, 1))]) if with_bias else Xt
        return float(linalg.eigvalsh(D.T @ D / n, subset_by_index=[p - 1, p - 1])[0])

    def matvec(v: np.ndarray) -> np.ndarray:
        v = np.ravel(v)
        u = Xt @ v[:r]
        if with_bias:
            u += v[r]
            return np.concatenate([Xt.T @ u, [u.sum()]]) / n
        return Xt.T @ u / n

    op = LinearOperator((p, p), matvec=matvec, dtype=float)
    return float(eigsh(op, k=1, which="LA", v0=np.ones(p), tol=1e-10, return_eigenvectors=False)[0])


# ---------------------------------------------------------------- readout heads: (z, y) -> (sum sq, dSSE/dz)


def _head_clip01(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    res = np.clip(z, 0.0, 1.0) - y
    sse = float(res @ res)
    res *= 2.0
    res[(z <= 0.0) | (z >= 1.0)] = 0.0
    return sse, res


def _head_sigmoid(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    s = special.expit(z)
    res = s - y
    sse = float(res @ res)
    return sse, 2.0 * res * s * (1.0 - s)


def _head_linear(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    res = z - y
    return float(res @ res), 2.0 * res


_HEADS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]] = {
    "clip01": _head_clip01, "sigmoid": _head_sigmoid, "linear": _head_linear}


def readout_loss_grad(Xt: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, out: str,
                      spans: list[tuple[int, int]] | None = None, g: np.ndarray | None = None
                      ) -> tuple[float, np.ndarray, float]:
    """``F = (1/n) sum_i (out(xt_i . w + c) - y_i)^2`` and its gradient in ``(w, c)`` (the clipped head uses slope
    ``1{0 < z < 1}``). Each row block is read once for both GEMVs (it stays in cache)."""
    n, r = Xt.shape
    head = _HEADS[out]
    spans = _spans(n, r) if spans is None else spans
    g = np.zeros(r) if g is None else g
    g.fill(0.0)
    sse = gc = 0.0
    for s, e in spans:
        Xc = Xt[s:e]
        z = Xc @ w
        if c:
            z += c
        part, gz = head(z, y[s:e])
        sse += part
        gc += float(gz.sum())
        g += Xc.T @ gz
    g /= n
    return sse / n, g, gc / n


def _readout_gd(Xt, y, w, c, out, *, eta, steps, log_every, train_c, snaps=None):
    n, r = Xt.shape
    spans = _spans(n, r)
    g = np.zeros(r)
    curve_step, curve_loss = [], []
    for t in range(steps + 1):
        loss, g, gc = readout_loss_grad(Xt, y, w, c, out, spans, g)
        if t % log_every == 0 or t == steps:
            curve_step.append(t)
            curve_loss.append(loss)
            if snaps is not None:
                snaps.append((w.copy(), c))
        if t == steps:
            break
        w -= eta * g
        if train_c:
            c -= eta * gc
    return w, c, {"curve_step": curve_step, "curve_loss": curve_loss, "train_loss": curve_loss[-1]}


def _fit_strong(name: str, out: str, X, y, rng, width, params) -> Fit:
    p = check_params(name, params, STRONG_DEFAULTS)
    r = _int_param(name, "width", width, 1)
    steps = _int_param(name, "steps", p["steps"], 0)
    log_every = _int_param(name, "log_every", p["log_every"], 1)
    max_rows = _int_param(name, "max_rows", p["max_rows"], 1)
    step_scale = _float_param(name, "step_scale", p["step_scale"])
    if not isinstance(p["trace"], bool):
        raise ValueError(f"{name}: parameter 'trace' must be true or false, got {p['trace']!r}")
    snaps: list | None = [] if p["trace"] else None
    Xm, ym = _rows(X, y, max_rows)
    U, b, w = draw_hidden(rng, Xm.shape[1], r)
    Xt = erf_features(Xm, U, b)
    train_c = out == "linear"
    L_hat = 2.0 * gram_lambda_max(Xt, with_bias=train_c)
    L_step = L_hat * (SIGMOID_GN_SCALE if out == "sigmoid" else 1.0)
    eta = step_scale / L_step
    w, c, info = _readout_gd(Xt, ym, w, 0.0, out, eta=eta, steps=steps, log_every=log_every, train_c=train_c,
                             snaps=snaps)
    info.update({"L_hat": L_hat, "L_step": L_step, "step": eta, "steps": steps, "rows": int(Xm.shape[0]),
                 "width": r, "trainable_params": r + int(train_c), "output": out})
    if out == "clip01":
        z = Xt @ w
        info["active_fraction"] = float(np.mean((z > 0) & (z < 1)))
    params_out = {"U": U, "b": b, "w": w, "c": np.array(float(c)), "out": np.array(float(ERF_NET_OUT[out]))}
    if snaps is not None:  # the readout at every logged step, for test error along the GD path
        params_out["trace_w"] = np.array([sw for sw, _ in snaps])
        params_out["trace_c"] = np.array([float(sc) for _, sc in snaps])
    return Fit("erf_net", params_out, info=info)


@register("strong_net")
def fit_strong_net(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Safran & Lee's Eq. (2) net: frozen Assumption-7 erf layer, clipped output, ``w`` by GD (module docstring).

    Params: ``steps`` (2000), ``step_scale`` (1.0; step ``step_scale / L_hat``), ``max_rows`` (20_000),
    ``log_every`` (50), ``trace`` (False: True stores ``w`` and ``c`` at every logged step as ``trace_w`` (T, r)
    and ``trace_c`` (T,)). ``info``: ``curve_step``/``curve_loss`` (training MSE), ``L_hat``, ``step``,
    ``train_loss``, ``active_fraction`` (rows with ``0 < w . xt < 1`` at the end).
    """
    return _fit_strong("strong_net", "clip01", X, y, rng, width, params)


@register("strong_net_sigmoid")
def fit_strong_net_sigmoid(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """As ``strong_net`` with a sigmoid output unit; step ``step_scale / (L_hat / 16)`` (module docstring)."""
    return _fit_strong("strong_net_sigmoid", "sigmoid", X, y, rng, width, params)


@register("strong_net_linear")
def fit_strong_net_linear(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """As ``strong_net`` with a linear output plus bias ``c``, both trained by GD (closed form: ``rf_ridge``)."""
    return _fit_strong("strong_net_linear", "linear", X, y, rng, width, params)


@register("rf_ridge")
def fit_rf_ridge(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Frozen Assumption-7 erf features (the ``strong_net`` draw) with a closed-form ridge readout plus bias.

    Minimizes ``(1/n) |Xt w + c - y|^2 + lam |w|^2`` with ``lam = ridge * mean_j Var(xt_j)`` (``ridge`` default
    1e-6; 0 gives least squares, minimum-norm if singular). ``info``: ``ridge_abs``, ``mean_feature_var``,
    ``train_loss``.
    """
    name = "rf_ridge"
    p = check_params(name, params, RF_RIDGE_DEFAULTS)
    r = _int_param(name, "width", width, 1)
    ridge = _float_param(name, "ridge", p["ridge"], allow_zero=True)
    Xm, ym = _rows(X, y, _int_param(name, "max_rows", p["max_rows"], 1))
    n = Xm.shape[0]
    U, b, _ = draw_hidden(rng, Xm.shape[1], r)
    Xt = erf_features(Xm, U, b)
    mu, ybar = Xt.mean(axis=0), float(ym.mean())
    Xt -= mu
    G = Xt.T @ Xt / n
    rhs = Xt.T @ (ym - ybar) / n
    mean_var = float(np.trace(G)) / r
    lam = ridge * mean_var
    try:
        w = linalg.solve(G + lam * np.eye(r), rhs, assume_a="pos")
    except (linalg.LinAlgError, ValueError):
        w = linalg.lstsq(Xt, ym - ybar)[0]
    c = ybar - float(mu @ w)
    res = Xt @ w - (ym - ybar)
    info = {"ridge_abs": lam, "mean_feature_var": mean_var, "train_loss": float(res @ res) / n, "rows": n,
            "width": r, "trainable_params": r + 1}
    params_out = {"U": U, "b": b, "w": w, "c": np.array(c), "out": np.array(float(ERF_NET_OUT["linear"]))}
    return Fit("erf_net", params_out, info=info)


# ---------------------------------------------------------------- weak net: act(X U + b) w + b0, all trained


def _activate(P: np.ndarray, act: str) -> tuple[np.ndarray, np.ndarray]:
    """``act(P)`` and ``act'(P)``.

    tanh is computed as ``2 / (1 + exp(-2 p)) - 1``: numpy's ``exp`` is vectorized and its ``tanh`` is not,
    and the activation was two thirds of a weak net's GD time (a py-spy profile). The absolute error against
    ``np.tanh`` is below 1e-15 (``exp`` overflows to inf for p < -354, giving exactly -1)."""
    if act == "tanh":
        H = np.multiply(P, -2.0)
        with np.errstate(over="ignore"):
            np.exp(H, out=H)
        H += 1.0
        np.divide(2.0, H, out=H)
        H -= 1.0
        dH = np.multiply(H, H)
        np.subtract(1.0, dH, out=dH)
        return H, dH
    if act == "sigmoid":
        H = special.expit(P)
        return H, H * (1.0 - H)
    return np.maximum(P, 0.0), (P > 0).astype(float)


def _one_layer_forward(X: np.ndarray, y: np.ndarray, theta: list[np.ndarray], act: str
                       ) -> tuple[float, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The loss ``F(theta)`` and what its gradient needs: ``(H, act'(P), residuals)``."""
    U, b, w, b0 = theta
    P = X @ U
    P += b
    H, dH = _activate(P, act)
    res = H @ w + float(b0) - y
    return float(res @ res) / X.shape[0], (H, dH, res)


def _one_layer_backward(X: np.ndarray, theta: list[np.ndarray], cache: tuple[np.ndarray, np.ndarray, np.ndarray]
                        ) -> list[np.ndarray]:
    """The gradient of ``F`` at ``theta`` from its forward pass (overwrites the cached ``act'(P)``)."""
    H, dH, res = cache
    gf = (2.0 / X.shape[0]) * res
    dH *= gf[:, None]
    dH *= theta[2]
    return [X.T @ dH, dH.sum(axis=0), H.T @ gf, np.array(gf.sum())]


def one_layer_loss_grad(X: np.ndarray, y: np.ndarray, theta: list[np.ndarray], act: str
                        ) -> tuple[float, list[np.ndarray]]:
    """``F = (1/n) |act(X U + b) w + b0 - y|^2`` and its gradient, ``theta = [U, b, w, b0]``."""
    loss, cache = _one_layer_forward(X, y, theta, act)
    return loss, _one_layer_backward(X, theta, cache)


def gauss_newton_lambda_max(X: np.ndarray, theta: list[np.ndarray], act: str, iters: int,
                            rng: np.random.Generator) -> float:
    """Top eigenvalue of ``(2/n) J^T J`` (``J`` the Jacobian of the outputs in ``theta``) by power iteration."""
    U, b, w, _ = theta
    n = X.shape[0]
    P = X @ U
    P += b
    H, dH = _activate(P, act)
    v = [rng.standard_normal(t.shape) for t in theta]
    lam = 0.0
    for _ in range(iters):
        nv = np.sqrt(sum(float(np.sum(t * t)) for t in v))
        v = [t / nv for t in v]
        Jv = H @ v[2] + float(v[3]) + (dH * (X @ v[0] + v[1])) @ w
        u = (2.0 / n) * Jv
        G = dH * u[:, None] * w
        v = [X.T @ G, G.sum(axis=0), H.T @ u, np.array(u.sum())]
        lam = np.sqrt(sum(float(np.sum(t * t)) for t in v))
    return float(lam)


def _distance(theta: list[np.ndarray], theta0: list[np.ndarray]) -> float:
    return float(np.sqrt(sum(float(np.sum((a - a0) ** 2)) for a, a0 in zip(theta, theta0, strict=True))))


def _step(theta: list[np.ndarray], grads: list[np.ndarray], eta: float) -> list[np.ndarray]:
    return [a - eta * g for a, g in zip(theta, grads, strict=True)]


def _backtrack(X, y, theta, loss, grads, act, eta, c):
    """One Armijo step: the largest ``eta * 2^-j`` with ``F(theta - eta g) <= F(theta) - c eta |g|^2``.

    Returns ``(theta', loss', grads', eta_accepted, trials)``; ``eta' = 0`` (no move) when 60 halvings fail, which
    only happens at a stationary point or through rounding."""
    g2 = sum(float(np.sum(g * g)) for g in grads)
    for trial in range(1, 61):
        cand = _step(theta, grads, eta)
        closs, cache = _one_layer_forward(X, y, cand, act)  # a rejected trial needs no gradient
        if np.isfinite(closs) and closs <= loss - c * eta * g2:
            return cand, closs, _one_layer_backward(X, cand, cache), eta, trial
        eta *= 0.5
    return theta, loss, grads, 0.0, 60


@register("weak_net")
def fit_weak_net(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Safran & Lee's Eq. (1) net ``act(X U + b) w + b0``, all parameters trained (module docstring).

    Params: ``match_strong`` (False; True reads ``width`` as a strong net's width and trains the weak width
    with the same number of trainable parameters, :func:`weak_width_for`), ``act`` ("tanh" | "sigmoid" |
    "relu"), ``optimizer`` ("gd" | "gd_ls" | "adam"), ``lr`` (None: ``1 / L0`` for GD and the first trial step
    of ``gd_ls``, 1e-3 for Adam), ``steps`` (2000), ``max_rows`` (20_000), ``log_every`` (50), ``power_iters``
    (100), ``armijo`` (0.5, the sufficient-decrease constant ``c`` of ``gd_ls``), ``trace`` (False: True stores
    the parameters at every logged step as ``trace_U`` (T, d, r), ``trace_b`` (T, r), ``trace_w`` (T, r),
    ``trace_b0`` (T,), NaN after a divergence, so that test error can be measured along the path).

    ``gd_ls`` is gradient descent with a backtracking (Armijo) line search: each step tries ``1.5`` times the
    previous accepted step and halves it until ``F(theta - eta g) <= F(theta) - c eta |g|^2``. Summing that
    inequality gives ``sum_t eta_t |g_t|^2 <= F(theta_0) / c`` and, by Cauchy-Schwarz,

        |theta_T - theta_0| <= sum_t eta_t |g_t| <= sqrt(F(theta_0) sum_t eta_t / c),

    the movement bound of Safran & Lee's Theorem 3 with the measured steps (for a constant step ``eta < 2 / L`` the
    descent lemma gives ``c = 1 - eta L / 2`` and the paper's ``sqrt(T eta F(theta_0) / (1 - eta L / 2))``).

    ``info``: ``curve_step``/``curve_loss``/``curve_distance`` (``|theta_t - theta_0|``)/``curve_eta_sum``
    (``sum_{s < t} eta_s``, GD variants), ``F0``, ``armijo``, ``lr``, ``L0`` (GD default only), ``diverged``,
    ``steps_done`` (the returned iterate), ``backtracks`` (``gd_ls``: rejected trial steps), ``train_loss``.
    """
    name = "weak_net"
    p = check_params(name, params, WEAK_DEFAULTS)
    r = _int_param(name, "width", width, 1)
    if p["match_strong"]:  # ``width`` is a strong net's: take the width with as many trainable parameters
        r = weak_width_for(r, as_samples(X, y).d)
    act = _choice_param(name, "act", p["act"], ONE_LAYER_ACT)
    opt = _choice_param(name, "optimizer", p["optimizer"], {"gd", "gd_ls", "adam"})
    steps = _int_param(name, "steps", p["steps"], 0)
    log_every = _int_param(name, "log_every", p["log_every"], 1)
    power_iters = _int_param(name, "power_iters", p["power_iters"], 1)
    armijo = _float_param(name, "armijo", p["armijo"])
    if armijo >= 1:
        raise ValueError(f"{name}: parameter 'armijo' must lie in (0, 1), got {armijo!r}")
    trace = p["trace"]
    if not isinstance(trace, bool):
        raise ValueError(f"{name}: parameter 'trace' must be true or false, got {trace!r}")
    lr = None if p["lr"] is None else _float_param(name, "lr", p["lr"])
    Xm, ym = _rows(X, y, _int_param(name, "max_rows", p["max_rows"], 1))
    d = Xm.shape[1]
    theta = [np.sqrt(2.0 / (d + r)) * rng.standard_normal((d, r)), np.zeros(r),
             np.sqrt(2.0 / (r + 1)) * rng.standard_normal(r), np.array(0.0)]
    info: dict = {}
    if lr is None:
        if opt in ("gd", "gd_ls"):
            info["L0"] = gauss_newton_lambda_max(Xm, theta, act, power_iters, rng)
            lr = 1.0 / info["L0"]
        else:
            lr = ADAM_LR
    theta0 = [t.copy() for t in theta]
    prev, prev_loss = theta0, np.nan
    m1 = [np.zeros_like(t) for t in theta]
    m2 = [np.zeros_like(t) for t in theta]
    (beta1, beta2), curve_step, curve_loss, curve_dist, curve_eta = ADAM_BETAS, [], [], [], []
    logged = sorted(set(range(0, steps + 1, log_every)) | {steps})
    snaps: list[list[np.ndarray]] = []
    diverged, t, eta_sum, eta, backtracks = False, 0, 0.0, lr, 0
    with np.errstate(over="ignore", invalid="ignore"):
        loss, grads = one_layer_loss_grad(Xm, ym, theta, act)
        F0 = loss
        for t in range(steps + 1):
            if not np.isfinite(loss):
                diverged, theta, loss, t = True, prev, prev_loss, t - 1
                break
            if t % log_every == 0 or t == steps:
                curve_step.append(t)
                curve_loss.append(loss)
                curve_dist.append(_distance(theta, theta0))
                curve_eta.append(eta_sum if opt != "adam" else float("nan"))
                if trace:
                    snaps.append([a.copy() for a in theta])
            if t == steps:
                break
            prev, prev_loss = theta, loss
            if opt == "gd":
                theta = _step(theta, grads, lr)
                eta_sum += lr
            elif opt == "gd_ls":
                theta, loss, grads, eta_acc, trials = _backtrack(Xm, ym, theta, loss, grads, act, 1.5 * eta, armijo)
                backtracks += trials - 1
                eta = eta_acc if eta_acc > 0 else eta
                eta_sum += eta_acc
                continue
            else:
                k = t + 1
                theta = [a.copy() for a in theta]
                for a, g, m, v in zip(theta, grads, m1, m2, strict=True):
                    m *= beta1
                    m += (1 - beta1) * g
                    v *= beta2
                    v += (1 - beta2) * g * g
                    a -= lr * (m / (1 - beta1**k)) / (np.sqrt(v / (1 - beta2**k)) + ADAM_EPS)
            loss, grads = one_layer_loss_grad(Xm, ym, theta, act)
    U, b, w, b0 = theta
    info.update({"curve_step": curve_step, "curve_loss": curve_loss, "curve_distance": curve_dist,
                 "curve_eta_sum": curve_eta, "F0": float(F0), "armijo": armijo, "lr": lr, "diverged": diverged,
                 "steps_done": t, "train_loss": float(loss), "optimizer": opt, "act": act, "rows": int(Xm.shape[0]),
                 "width": r, "trainable_params": (d + 2) * r + 1})
    if opt == "gd_ls":
        info["backtracks"] = backtracks
    params_out = {"U": U, "b": b, "w": w, "b0": np.array(float(b0)), "act": np.array(float(ONE_LAYER_ACT[act]))}
    if trace:
        T = len(logged)
        shapes = {"trace_U": (d, r), "trace_b": (r,), "trace_w": (r,), "trace_b0": ()}
        for j, (key, shape) in enumerate(shapes.items()):
            arr = np.full((T, *shape), np.nan)
            for i, snap in enumerate(snaps):
                arr[i] = snap[j]
            params_out[key] = arr
    return Fit("one_layer", params_out, info=info)


@register("weak_net_sigmoid")
def fit_weak_net_sigmoid(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``weak_net`` with the sigmoid activation."""
    return fit_weak_net(X, y, rng=rng, width=width, **{**params, "act": "sigmoid"})


@register("weak_net_relu")
def fit_weak_net_relu(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``weak_net`` with the ReLU activation."""
    return fit_weak_net(X, y, rng=rng, width=width, **{**params, "act": "relu"})


@register("weak_net_adam")
def fit_weak_net_adam(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """``weak_net`` trained by Adam (tanh unless ``act`` says otherwise)."""
    return fit_weak_net(X, y, rng=rng, width=width, **{**params, "optimizer": "adam"})
