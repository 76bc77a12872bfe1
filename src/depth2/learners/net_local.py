"""Local search on the squared loss of a depth-2 ReLU network ``f(x) = sum_i a_i relu(<w_i, x> + b_i)``.

``lbfgs_refine`` minimizes ``1/2 mean (relu(X W + b) a - y)^2`` over (a, W, b) with L-BFGS and the exact
gradient; the tensor method uses it as a polish (``hermite_tensor+refine``) and ``net_lbfgs`` runs it from
random initializations: the local-search baseline, which has no access to the moment structure.
"""

from __future__ import annotations

import numpy as np

from depth2.core.data import as_samples
from depth2.core.gaussian import relu
from depth2.learners.base import Fit, check_params, convergence, register, relative_decrease

NET_LBFGS_DEFAULTS = {"max_iter": 300, "max_rows": 100_000, "restarts": 1}
FTOL = 1e-9  # relative decrease of the (start-normalized) loss at which L-BFGS stops
GTOL = 1e-7  # largest projected gradient entry (start-normalized) at which L-BFGS stops


def net_fit(a: np.ndarray, W: np.ndarray, b: np.ndarray, info: dict) -> Fit:
    """A relu_net Fit with unit columns: a relu(<w, x> + b) = a|w| relu(<w/|w|, x> + b/|w|)."""
    norms = np.linalg.norm(W, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    return Fit("relu_net", {"a": a * norms, "W": W / norms, "b": b / norms}, info=info)


def lbfgs_refine(Xm: np.ndarray, ym: np.ndarray, a: np.ndarray, W: np.ndarray, b: np.ndarray,
                 max_iter: int, ftol: float = FTOL) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """L-BFGS on ``1/2 mean (relu(Xm W + b) a - ym)^2`` over all parameters from (a (m,), W (d, m), b (m,)).

    The objective is divided by its starting value, so that L-BFGS-B's tests are relative: it stops when
    the relative decrease of one step falls to ``ftol`` or the largest projected gradient entry to
    ``GTOL``, or after ``max_iter`` iterations (then unconverged). Returns the final (a, W, b) and
    ``{"refine_iterations", "refine_loss"}`` merged with the :func:`depth2.learners.base.convergence` record.
    """
    from scipy.optimize import minimize

    d, m = W.shape
    n = ym.shape[0]

    def unpack(theta: np.ndarray):
        return theta[:m], theta[m : m + d * m].reshape(d, m), theta[m + d * m :]

    def raw(theta: np.ndarray):
        a_, W_, b_ = unpack(theta)
        P = Xm @ W_ + b_
        H = relu(P)
        r = H @ a_ - ym
        G = (r[:, None] * (P > 0)) * a_  # dL/dP * n
        grad = np.concatenate([H.T @ r, (Xm.T @ G).ravel(), G.sum(axis=0)]) / n
        return 0.5 * float(r @ r) / n, grad

    theta0 = np.concatenate([a, W.ravel(), b])
    f0 = raw(theta0)[0]
    scale = f0 if f0 > 0 else 1.0
    history = [f0]

    def fun(theta: np.ndarray):
        f, g = raw(theta)
        return f / scale, g / scale

    res = minimize(fun, theta0, jac=True, method="L-BFGS-B", callback=lambda th: history.append(raw(th)[0]),
                   options={"maxiter": int(max_iter), "ftol": float(ftol), "gtol": GTOL})
    a2, W2, b2 = unpack(res.x)
    loss = float(res.fun) * scale
    rel = relative_decrease(history[-2], history[-1]) if len(history) >= 2 else None
    grad = float(np.max(np.abs(res.jac))) if res.jac is not None else None
    # status 0: L-BFGS-B's own test (ftol or gtol) stopped it; 1: the iteration budget ran out; 2: the line
    # search failed, which at a zero-residual optimum is floating-point precision: converged only if the
    # last relative decrease was already below ftol.
    stopped = int(res.status) == 0 or (int(res.status) == 2 and rel is not None and rel <= ftol)
    info = {"refine_iterations": int(res.nit), "refine_loss": loss}
    info.update(convergence(steps=int(res.nit), max_steps=max(int(max_iter), 1), rel_decrease=rel, tol=ftol,
                            grad_norm=grad, grad_tol=GTOL, stopped_by_test=stopped or f0 == 0.0))
    return a2, W2, b2, info


@register("net_lbfgs")
def fit_net_lbfgs(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Local-search baseline: L-BFGS on all parameters of a ``width``-unit network from random starts.

    Each start draws unit columns ``w_i`` uniformly on the sphere, ``b_i ~ N(0, 1)`` and
    ``a_i ~ N(0, 1 / width)``; ``max_iter`` L-BFGS iterations on the first ``max_rows`` rows; the start with
    the lowest training loss is kept (``restarts`` starts), with its convergence record.
    """
    p = check_params("net_lbfgs", params, NET_LBFGS_DEFAULTS)
    m = int(width)
    if m < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    S = as_samples(X, y)
    Xm, ym = S.materialize(0, min(S.n, int(p["max_rows"])))
    best = None
    for _ in range(int(p["restarts"])):
        W0 = rng.standard_normal((S.d, m))
        W0 /= np.linalg.norm(W0, axis=0)
        a, W, b, info = lbfgs_refine(Xm, ym, rng.standard_normal(m) / np.sqrt(m), W0, rng.standard_normal(m),
                                     int(p["max_iter"]))
        if best is None or info["refine_loss"] < best[3]["refine_loss"]:
            best = (a, W, b, info)
    a, W, b, info = best
    return net_fit(a, W, b, info)
