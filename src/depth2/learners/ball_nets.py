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

Solvers and stopping (issue 18: 1000 GD steps at ``1/L_hat`` left the clip inactive on 99.7% of rows, an
early-stopped linear model). ``solver = "nesterov"`` (default) runs Nesterov's accelerated gradient at the same
step with gradient-based adaptive restart; ``solver = "gd"`` (``strong_net_gd``) the paper's fixed-step GD, with a
budget that can grow with the width (``steps_per_width``). Both stop on their own convergence test: the relative
decrease of the best training loss over ``check_every`` steps at most ``tol``, or, with a validation split
(default 20% of the rows), ``patience`` checks without a validation improvement; the iterate returned is the
checked one with the lowest validation loss. ``Fit.info`` carries the convergence record
(:func:`depth2.learners.base.convergence`) and ``active_fraction``.

Shared features: the strong-net family and ``rf_ridge`` draw ``(U, b, w0)`` from ``shared_rng`` when given
(``depth2 fit`` passes one from the dataset's stream ``("shared", SHARED_FEATURES)``, which does not depend on the
learner's name, for every learner with the attribute ``shared_stream``), so that at one point and seed they
stand on one hidden layer; ``info["features_id"]`` fingerprints it.

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
  readout plus bias in closed form: ridge on centred features, penalty ``ridge * mean_j Var(xt_j)`` on ``w`` only,
  ``ridge`` chosen from a grid on a validation split by default.

Weak net, Eq. (1): ``act(X U + b) w + b0`` (``weak_net``), act in tanh / sigmoid / relu, all of ``U, b, w, b0``
trained by full-batch Adam (default), GD or line-search GD on the same mean squared error, with the same stopping
tests and validation-chosen iterate as the strong net. Glorot (Xavier) normal initialization for ``U``
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

import hashlib
from collections.abc import Callable

import numpy as np
from scipy import linalg, special
from scipy.sparse.linalg import LinearOperator, eigsh

from depth2.core.data import as_samples
from depth2.core.models import ERF_NET_OUT, ONE_LAYER_ACT
from depth2.learners.base import Fit, check_params, convergence, register, relative_decrease

STRONG_DEFAULTS = {"solver": "nesterov", "steps": 5000, "steps_per_width": 0, "tol": 1e-4, "check_every": 100,
                   "validation": 0.2, "patience": 5, "step_scale": 1.0, "max_rows": 20_000, "log_every": 50,
                   "trace": False}
RF_RIDGE_DEFAULTS = {"ridge": None, "ridges": (1e-8, 1e-6, 1e-4, 1e-2, 1.0), "validation": 0.2, "max_rows": 20_000}
SHARED_FEATURES = "erf_features"  # seed stream of the frozen hidden layer shared by the strong-net family
WEAK_DEFAULTS = {"match_strong": False, "act": "tanh", "optimizer": "adam", "lr": None, "steps": 5000,
                 "max_rows": 20_000, "log_every": 50, "power_iters": 100, "armijo": 0.5, "trace": False, "tol": 1e-4,
                 "check_every": 100, "validation": 0.2, "patience": 5}
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


class _StopRule:
    """The stopping tests of the readout solver and of the weak net (one rule, so that both families stop alike).

    Every ``check_every`` steps and at the budget's last step ``max_steps``: (i) optimization: the best training
    loss fell by a relative ``tol`` or less since the previous check; (ii) validation (when rows are held out):
    the validation loss has not improved on its best for ``patience`` checks. Either sets ``stopped``, the second
    also ``by_val``; ``rel`` is the last relative decrease (None before the second check) for the convergence
    record and ``best_val`` the best validation loss."""

    def __init__(self, tol: float, patience: int, check_every: int, max_steps: int) -> None:
        self.tol, self.patience, self.check_every, self.max_steps = tol, patience, check_every, max_steps
        self.best = self.best_prev = np.inf
        self.best_val, self.since = np.inf, 0
        self.rel: float | None = None
        self.stopped = self.by_val = False

    def train(self, t: int, loss: float) -> bool:
        """Record step ``t``'s training loss and, on a check step, run test (i); True on a check step (where the
        caller runs :meth:`validate` when it holds out rows)."""
        self.best = min(self.best, loss)
        if t == 0:
            self.best_prev = self.best
        check = t % self.check_every == 0 or t == self.max_steps
        if check and t > 0:
            self.rel = relative_decrease(self.best_prev, self.best)
            self.best_prev = self.best
            self.stopped = self.rel <= self.tol
        return check

    def validate(self, vloss: float) -> bool:
        """Test (ii) with this check's validation loss; True when it is a new best (the caller keeps the iterate)."""
        if vloss < self.best_val:
            self.best_val, self.since = vloss, 0
            return True
        self.since += 1
        self.by_val = self.since >= self.patience
        self.stopped = self.stopped or self.by_val
        return False


def _readout_solve(Xt, y, theta, out, *, eta, solver, max_steps, tol, check_every, patience, log_every, train_c,
                   val=None, snaps=None):
    """Minimize the readout loss over ``theta`` (``w``, or ``[w, c]`` when ``train_c``) from ``theta``.

    ``solver = "gd"``: the paper's fixed-step gradient descent ``theta <- theta - eta grad F(theta)``.
    ``solver = "nesterov"``: Nesterov's accelerated gradient with the same step and gradient-based adaptive
    restart (O'Donoghue and Candes 2015): ``y_t = theta_t + k/(k + 3) (theta_t - theta_{t-1})``,
    ``theta_{t+1} = y_t - eta grad F(y_t)``, and the momentum counter ``k`` is reset to 0 whenever
    ``grad F(y_t) . (theta_{t+1} - theta_t) > 0`` (the step went against the momentum).

    The iterate of step ``t`` is the point where the loss and gradient are evaluated (``theta_t`` for GD,
    ``y_t`` for Nesterov). Every ``check_every`` steps two stopping tests run: (i) optimization: the relative
    decrease of the best training loss over the window is at most ``tol``; (ii) validation (when ``val =
    (Xt_val, y_val)`` is given): the validation loss has not improved on its best for ``patience`` checks. Either
    stops the run as converged; ``max_steps`` is the budget. The returned model is the checked iterate with the
    lowest validation loss (the last iterate without validation); the logged curve and trace end at it."""
    n, r = Xt.shape
    spans = _spans(n, r)
    g = np.zeros(r)
    curve_step, curve_loss, snap_list = [], [], []
    x_prev = theta.copy()
    point = theta.copy()
    k, restarts = 0, 0
    stop = _StopRule(tol, patience, check_every, max_steps)
    best_val_step, best_val_point, best_val_loss = 0, theta.copy(), np.nan
    gnorm, t = np.nan, 0
    for t in range(max_steps + 1):
        w, c = (point[:r], float(point[r])) if train_c else (point, 0.0)
        loss, g, gc = readout_loss_grad(Xt, y, w, c, out, spans, g)
        grad = np.append(g, gc) if train_c else g
        gnorm = float(np.sqrt(grad @ grad))
        if stop.train(t, loss) and val is not None:
            if stop.validate(readout_loss_grad(val[0], val[1], w, c, out)[0]):
                best_val_step, best_val_point, best_val_loss = t, point.copy(), loss
        if t % log_every == 0 or t == max_steps or stop.stopped:
            curve_step.append(t)
            curve_loss.append(loss)
            if snaps is not None:
                snap_list.append(point.copy())
        if stop.stopped or t == max_steps:
            break
        x_new = point - eta * grad
        if solver == "gd":
            point = x_new
            continue
        if grad @ (x_new - theta) > 0:  # adaptive restart: drop the momentum
            k, restarts = 0, restarts + 1
            x_prev = x_new
        else:
            k += 1
            x_prev = theta
        theta = x_new
        point = theta + (k / (k + 3.0)) * (theta - x_prev)
    final_loss = loss
    if val is not None:  # return the iterate chosen on validation; the path shown ends there
        keep = [i for i, s in enumerate(curve_step) if s < best_val_step]
        curve_step = [curve_step[i] for i in keep] + [best_val_step]
        curve_loss = [curve_loss[i] for i in keep] + [best_val_loss]
        snap_list = [snap_list[i] for i in keep if snaps is not None] + [best_val_point]
        point, final_loss = best_val_point, best_val_loss
    if snaps is not None:
        snaps.extend(snap_list)
    conv = convergence(steps=t, max_steps=max(max_steps, 1), rel_decrease=stop.rel, tol=tol, grad_norm=gnorm,
                       stopped_by_test=bool(stop.stopped))
    info = {"curve_step": curve_step, "curve_loss": curve_loss, "train_loss": float(final_loss),
            "restarts": restarts, "solver": solver, "tol": tol, "check_every": check_every,
            "stopped_by_validation": bool(stop.by_val), **conv}
    if val is not None:
        info.update({"best_step": int(best_val_step), "val_loss": float(stop.best_val)})
    return point, info


def _fit_strong(name: str, out: str, X, y, rng, width, params, shared_rng=None) -> Fit:
    p = check_params(name, params, STRONG_DEFAULTS)
    r = _int_param(name, "width", width, 1)
    solver = _choice_param(name, "solver", p["solver"], {"gd", "nesterov"})
    steps = _int_param(name, "steps", p["steps"], 0)
    per_width = _int_param(name, "steps_per_width", p["steps_per_width"], 0)
    max_steps = max(steps, per_width * r)
    check_every = _int_param(name, "check_every", p["check_every"], 1)
    tol = _float_param(name, "tol", p["tol"], allow_zero=True)
    log_every = _int_param(name, "log_every", p["log_every"], 1)
    max_rows = _int_param(name, "max_rows", p["max_rows"], 1)
    step_scale = _float_param(name, "step_scale", p["step_scale"])
    patience = _int_param(name, "patience", p["patience"], 1)
    frac = _float_param(name, "validation", p["validation"], allow_zero=True)
    if frac >= 1:
        raise ValueError(f"{name}: parameter 'validation' must lie in [0, 1), got {frac!r}")
    if not isinstance(p["trace"], bool):
        raise ValueError(f"{name}: parameter 'trace' must be true or false, got {p['trace']!r}")
    snaps: list | None = [] if p["trace"] else None
    Xm, ym = _rows(X, y, max_rows)
    U, b, w = draw_hidden(rng if shared_rng is None else shared_rng, Xm.shape[1], r)
    Xt = erf_features(Xm, U, b)
    val = None
    if frac > 0:  # the last rows are held out to choose the iterate (rows are i.i.d.)
        m = Xm.shape[0] - max(1, int(round(frac * Xm.shape[0])))
        val, Xt, ym = (Xt[m:], ym[m:]), Xt[:m], ym[:m]
    train_c = out == "linear"
    L_hat = 2.0 * gram_lambda_max(Xt, with_bias=train_c)
    L_step = L_hat * (SIGMOID_GN_SCALE if out == "sigmoid" else 1.0)
    eta = step_scale / L_step
    theta = np.append(w, 0.0) if train_c else w.copy()
    theta, info = _readout_solve(Xt, ym, theta, out, eta=eta, solver=solver, max_steps=max_steps, tol=tol,
                                 check_every=check_every, patience=patience, log_every=log_every, train_c=train_c,
                                 val=val, snaps=snaps)
    w, c = (theta[:r], float(theta[r])) if train_c else (theta, 0.0)
    info.update({"L_hat": L_hat, "L_step": L_step, "step": eta, "rows": int(Xt.shape[0]),
                 "val_rows": 0 if val is None else len(val[1]), "width": r,
                 "trainable_params": r + int(train_c), "total_params": (Xm.shape[1] + 2) * r + int(train_c),
                 "output": out, "features_id": features_id(U, b)})
    z = Xt @ w + c
    info["active_fraction"] = float(np.mean((z > 0) & (z < 1)))  # rows where the clip does not engage
    params_out = {"U": U, "b": b, "w": w, "c": np.array(float(c)), "out": np.array(float(ERF_NET_OUT[out]))}
    if snaps is not None:  # the readout at every logged step, for test error along the path
        S = _pad_trace(np.array(snaps), _trace_length(max_steps, log_every))
        params_out["trace_w"] = S[:, :r]
        params_out["trace_c"] = S[:, r] if train_c else np.where(np.isnan(S[:, 0]), np.nan, 0.0)
    return Fit("erf_net", params_out, info=info)


def _trace_length(max_steps: int, log_every: int) -> int:
    """The most logged iterates a run can have (every ``log_every`` steps, the last step and a stop): traces are
    padded to it with NaN so that the replicates of a fit stack into one array."""
    return max_steps // log_every + 3


def _pad_trace(arr: np.ndarray, length: int) -> np.ndarray:
    out = np.full((length, *arr.shape[1:]), np.nan)
    out[: len(arr)] = arr
    return out


def features_id(U: np.ndarray, b: np.ndarray) -> str:
    """A short fingerprint of the frozen hidden layer (equal for learners that share their features)."""
    return hashlib.sha1(np.ascontiguousarray(U).tobytes() + np.ascontiguousarray(b).tobytes()).hexdigest()[:16]


def _shared(fn):
    fn.shared_stream = SHARED_FEATURES  # depth2 fit passes shared_rng from this stream (not the learner's name)
    return fn


@register("strong_net")
@_shared
def fit_strong_net(X, y=None, *, rng: np.random.Generator, width: int = 1,
                   shared_rng: np.random.Generator | None = None, **params) -> Fit:
    """Safran & Lee's Eq. (2) net: frozen Assumption-7 erf layer, clipped output, ``w`` trained (module docstring).

    Params: ``solver`` ("nesterov": accelerated with adaptive restart, default; "gd": the paper's fixed step),
    ``steps`` (5000, the step budget), ``steps_per_width`` (0; the budget is ``max(steps, steps_per_width *
    width)``), ``tol`` (1e-4) and ``check_every`` (100): stop once the best loss fell by a relative ``tol`` or
    less over the last ``check_every`` steps, ``step_scale`` (1.0; step ``step_scale / L_hat``), ``max_rows``
    (20_000), ``log_every`` (50), ``trace`` (False: True stores ``w`` and ``c`` at every logged step as
    ``trace_w`` (T, r) and ``trace_c`` (T,)). The hidden layer (and ``w``'s start) is drawn from ``shared_rng``
    when given (``depth2 fit`` passes the stream ``shared_stream``, common to ``strong_net``,
    ``strong_net_sigmoid``, ``strong_net_linear`` and ``rf_ridge``), else from ``rng``. ``info``: the convergence
    record, ``curve_step``/``curve_loss`` (training MSE), ``L_hat``, ``step``, ``train_loss``, ``restarts``,
    ``active_fraction`` (rows with ``0 < w . xt < 1`` at the end), ``features_id``, ``total_params``.
    """
    return _fit_strong("strong_net", "clip01", X, y, rng, width, params, shared_rng)


@register("strong_net_gd")
@_shared
def fit_strong_net_gd(X, y=None, *, rng: np.random.Generator, width: int = 1,
                      shared_rng: np.random.Generator | None = None, **params) -> Fit:
    """``strong_net`` with the paper's solver: fixed-step GD at ``step_scale / L_hat`` (``solver`` is "gd")."""
    return _fit_strong("strong_net_gd", "clip01", X, y, rng, width, {**params, "solver": "gd"}, shared_rng)


@register("strong_net_sigmoid")
@_shared
def fit_strong_net_sigmoid(X, y=None, *, rng: np.random.Generator, width: int = 1,
                           shared_rng: np.random.Generator | None = None, **params) -> Fit:
    """As ``strong_net`` with a sigmoid output unit; step ``step_scale / (L_hat / 16)`` (module docstring)."""
    return _fit_strong("strong_net_sigmoid", "sigmoid", X, y, rng, width, params, shared_rng)


@register("strong_net_linear")
@_shared
def fit_strong_net_linear(X, y=None, *, rng: np.random.Generator, width: int = 1,
                          shared_rng: np.random.Generator | None = None, **params) -> Fit:
    """As ``strong_net`` with a linear output plus bias ``c``, both trained (closed form: ``rf_ridge``)."""
    return _fit_strong("strong_net_linear", "linear", X, y, rng, width, params, shared_rng)


def _ridge_path(Xt: np.ndarray, y: np.ndarray, lams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge readouts with bias for every penalty in ``lams``: ``(W (r, k), c (k,), mean_var)``; one
    eigendecomposition of the centred Gram matrix serves all penalties."""
    n, r = Xt.shape
    mu, ybar = Xt.mean(axis=0), float(y.mean())
    Xc = Xt - mu
    G = Xc.T @ Xc / n
    rhs = Xc.T @ (y - ybar) / n
    evals, V = linalg.eigh(G)
    evals = np.maximum(evals, 0.0)
    proj = V.T @ rhs
    W = np.empty((r, len(lams)))
    for j, lam in enumerate(lams):
        den = evals + lam
        inv = np.divide(1.0, den, out=np.zeros_like(den), where=den > 1e-12 * max(evals[-1], 1e-300))
        W[:, j] = V @ (proj * inv)  # lam = 0 on a singular G: the minimum-norm least-squares solution
    return W, ybar - mu @ W, float(np.trace(G)) / r


@register("rf_ridge")
@_shared
def fit_rf_ridge(X, y=None, *, rng: np.random.Generator, width: int = 1,
                 shared_rng: np.random.Generator | None = None, **params) -> Fit:
    """Frozen Assumption-7 erf features (the ``strong_net`` draw) with a closed-form ridge readout plus bias.

    Minimizes ``(1/n) |Xt w + c - y|^2 + lam |w|^2`` with ``lam = ridge * mean_j Var(xt_j)``. ``ridge`` None
    (default) tunes it: each of ``ridges`` is fitted on the first ``1 - validation`` of the rows and scored on the
    rest; the best is refitted on all rows. A number fixes it (0: least squares, minimum-norm if singular).
    ``info``: ``ridge`` (chosen), ``ridge_abs``, ``mean_feature_var``, ``val_mse`` (per candidate),
    ``train_loss``, ``features_id``.
    """
    name = "rf_ridge"
    p = check_params(name, params, RF_RIDGE_DEFAULTS)
    r = _int_param(name, "width", width, 1)
    ridge = None if p["ridge"] is None else _float_param(name, "ridge", p["ridge"], allow_zero=True)
    grid = [_float_param(name, "ridges", v, allow_zero=True) for v in np.atleast_1d(p["ridges"]).tolist()]
    frac = _float_param(name, "validation", p["validation"])
    if frac >= 1 or not grid:
        raise ValueError(f"{name}: parameter 'validation' must lie in (0, 1) and 'ridges' be non-empty")
    Xm, ym = _rows(X, y, _int_param(name, "max_rows", p["max_rows"], 1))
    n = Xm.shape[0]
    U, b, _ = draw_hidden(rng if shared_rng is None else shared_rng, Xm.shape[1], r)
    Xt = erf_features(Xm, U, b)
    info: dict = {}
    if ridge is None:
        m = n - max(1, int(round(frac * n)))
        mean_var = float(np.mean(np.var(Xt[:m], axis=0)))
        W, C, _ = _ridge_path(Xt[:m], ym[:m], [g * mean_var for g in grid])
        val = np.mean((Xt[m:] @ W + C - ym[m:, None]) ** 2, axis=0)
        ridge = grid[int(np.argmin(val))]
        info["val_mse"] = [float(v) for v in val]
    W, C, mean_var = _ridge_path(Xt, ym, [ridge * float(np.mean(np.var(Xt, axis=0)))])
    w, c = W[:, 0], float(C[0])
    res = Xt @ w + c - ym
    info.update({"ridge": ridge, "ridge_abs": ridge * mean_var, "mean_feature_var": mean_var,
                 "train_loss": float(res @ res) / n, "rows": n, "width": r, "trainable_params": r + 1,
                 "total_params": (Xm.shape[1] + 2) * r + 1, "features_id": features_id(U, b)})
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
    "relu"), ``optimizer`` ("adam" | "gd" | "gd_ls"), ``lr`` (None: ``1 / L0`` for GD and the first trial step
    of ``gd_ls``, 1e-3 for Adam), ``steps`` (5000, the budget), ``tol`` (1e-4) and ``check_every`` (100): stop once
    the best training loss fell by a relative ``tol`` or less over ``check_every`` steps, ``validation`` (0.2: the
    last rows held out; 0 trains on all) and ``patience`` (5 checks without a validation improvement stop the run;
    the validation-best checked iterate is returned), ``max_rows`` (20_000), ``log_every`` (50), ``power_iters``
    (100), ``armijo`` (0.5, the sufficient-decrease constant ``c`` of ``gd_ls``), ``trace`` (False: True stores
    the parameters at every logged step as ``trace_U`` (T, d, r), ``trace_b`` (T, r), ``trace_w`` (T, r),
    ``trace_b0`` (T,), NaN-padded past the logged iterates, so that test error can be measured along the path).

    ``gd_ls`` is gradient descent with a backtracking (Armijo) line search: each step tries ``1.5`` times the
    previous accepted step and halves it until ``F(theta - eta g) <= F(theta) - c eta |g|^2``. Summing that
    inequality gives ``sum_t eta_t |g_t|^2 <= F(theta_0) / c`` and, by Cauchy-Schwarz,

        |theta_T - theta_0| <= sum_t eta_t |g_t| <= sqrt(F(theta_0) sum_t eta_t / c),

    the movement bound of Safran & Lee's Theorem 3 with the measured steps (for a constant step ``eta < 2 / L`` the
    descent lemma gives ``c = 1 - eta L / 2`` and the paper's ``sqrt(T eta F(theta_0) / (1 - eta L / 2))``).

    ``info``: ``curve_step``/``curve_loss``/``curve_distance`` (``|theta_t - theta_0|``)/``curve_eta_sum``
    (``sum_{s < t} eta_s``, GD variants), ``F0``, ``armijo``, ``lr``, ``L0`` (GD default only), ``diverged``,
    ``steps_done`` (the returned iterate), ``backtracks`` (``gd_ls``: rejected trial steps), ``train_loss``, the
    convergence record (:func:`depth2.learners.base.convergence`), ``best_step`` and ``val_loss`` (with a
    validation split), ``stopped_by_validation``, ``trainable_params``/``total_params``.
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
    tol = _float_param(name, "tol", p["tol"], allow_zero=True)
    check_every = _int_param(name, "check_every", p["check_every"], 1)
    patience = _int_param(name, "patience", p["patience"], 1)
    frac = _float_param(name, "validation", p["validation"], allow_zero=True)
    if frac >= 1:
        raise ValueError(f"{name}: parameter 'validation' must lie in [0, 1), got {frac!r}")
    Xm, ym = _rows(X, y, _int_param(name, "max_rows", p["max_rows"], 1))
    Xv = yv = None
    if frac > 0:  # the last rows are held out to choose the iterate (rows are i.i.d.)
        m = Xm.shape[0] - max(1, int(round(frac * Xm.shape[0])))
        Xm, ym, Xv, yv = Xm[:m], ym[:m], Xm[m:], ym[m:]
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
    (beta1, beta2), log = ADAM_BETAS, {"step": [], "loss": [], "dist": [], "eta": [], "snap": []}
    diverged, t, eta_sum, eta, backtracks = False, 0, 0.0, lr, 0
    stop = _StopRule(tol, patience, check_every, steps)
    chosen: dict | None = None  # the iterate chosen on validation, with its logged values

    def record(step, th, loss_, esum):
        return {"step": step, "loss": loss_, "dist": _distance(th, theta0),
                "eta": esum if opt != "adam" else float("nan"), "snap": [a.copy() for a in th] if trace else None}

    with np.errstate(over="ignore", invalid="ignore"):
        loss, grads = one_layer_loss_grad(Xm, ym, theta, act)
        F0 = loss
        for t in range(steps + 1):
            if not np.isfinite(loss):
                diverged, theta, loss, t = True, prev, prev_loss, t - 1
                break
            if stop.train(t, loss) and Xv is not None:
                if stop.validate(_one_layer_forward(Xv, yv, theta, act)[0]):
                    chosen = record(t, theta, loss, eta_sum)
                    chosen["theta"] = [a.copy() for a in theta]
            if t % log_every == 0 or t == steps or stop.stopped:
                for key, v in record(t, theta, loss, eta_sum).items():
                    log[key].append(v)
            if t == steps or stop.stopped:
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
    if diverged and (not log["step"] or log["step"][-1] != t):
        for key, v in record(t, theta, loss, eta_sum).items():
            log[key].append(v)
    with np.errstate(over="ignore", invalid="ignore"):
        gnorm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    conv = convergence(steps=max(t, 0), max_steps=max(steps, 1), rel_decrease=stop.rel, tol=tol, grad_norm=gnorm,
                       stopped_by_test=bool(stop.stopped) and not diverged)
    steps_done = t
    if chosen is not None:  # return the iterate chosen on validation; the logged path ends there
        keep = [i for i, s_ in enumerate(log["step"]) if s_ < chosen["step"]]
        for key in log:
            log[key] = [log[key][i] for i in keep] + [chosen[key]]
        theta, loss, steps_done = chosen["theta"], chosen["loss"], chosen["step"]
        info.update({"best_step": int(chosen["step"]), "val_loss": float(stop.best_val)})
    U, b, w, b0 = theta
    info.update({"curve_step": log["step"], "curve_loss": log["loss"], "curve_distance": log["dist"],
                 "curve_eta_sum": log["eta"], "F0": float(F0), "armijo": armijo, "lr": lr, "diverged": diverged,
                 "steps_done": int(steps_done), "train_loss": float(loss), "optimizer": opt, "act": act,
                 "rows": int(Xm.shape[0]), "val_rows": 0 if Xv is None else int(Xv.shape[0]), "width": r,
                 "trainable_params": (d + 2) * r + 1, "total_params": (d + 2) * r + 1,
                 "stopped_by_validation": bool(stop.by_val), "tol": tol, "check_every": check_every, **conv})
    if opt == "gd_ls":
        info["backtracks"] = backtracks
    params_out = {"U": U, "b": b, "w": w, "b0": np.array(float(b0)), "act": np.array(float(ONE_LAYER_ACT[act]))}
    if trace:
        snaps, length = log["snap"], _trace_length(steps, log_every)
        for j, key in enumerate(("trace_U", "trace_b", "trace_w", "trace_b0")):
            params_out[key] = _pad_trace(np.array([snap[j] for snap in snaps]), length)
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
