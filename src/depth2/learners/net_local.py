"""Local search on the squared loss of a depth-2 ReLU network ``f(x) = sum_i a_i relu(<w_i, x> + b_i)``.

``lbfgs_refine`` minimizes ``1/2 mean (relu(X W + b) a - y)^2`` over (a, W, b) with L-BFGS and the exact
gradient; the tensor method uses it as a polish (``hermite_tensor+refine``) and ``net_lbfgs`` runs it from
random initializations: the local-search baseline, which has no access to the moment structure.
"""

from __future__ import annotations

import numpy as np

from depth2.core.data import as_samples
from depth2.core.gaussian import relu
from depth2.learners.base import Fit, check_params, register

NET_LBFGS_DEFAULTS = {"max_iter": 300, "max_rows": 100_000, "restarts": 1}


def net_fit(a: np.ndarray, W: np.ndarray, b: np.ndarray, info: dict) -> Fit:
    """A relu_net Fit with unit columns: a relu(<w, x> + b) = a|w| relu(<w/|w|, x> + b/|w|)."""
    norms = np.linalg.norm(W, axis=0)
    norms = np.where(norms > 0, norms, 1.0)
    return Fit("relu_net", {"a": a * norms, "W": W / norms, "b": b / norms}, info=info)


def lbfgs_refine(Xm: np.ndarray, ym: np.ndarray, a: np.ndarray, W: np.ndarray, b: np.ndarray,
                 max_iter: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """L-BFGS on ``1/2 mean (relu(Xm W + b) a - ym)^2`` over all parameters from (a (m,), W (d, m), b (m,)).

    Returns the final (a, W, b) and ``{"refine_iterations", "refine_loss"}``.
    """
    from scipy.optimize import minimize

    d, m = W.shape
    n = ym.shape[0]

    def unpack(theta: np.ndarray):
        return theta[:m], theta[m : m + d * m].reshape(d, m), theta[m + d * m :]

    def fun(theta: np.ndarray):
        a_, W_, b_ = unpack(theta)
        P = Xm @ W_ + b_
        H = relu(P)
        r = H @ a_ - ym
        G = (r[:, None] * (P > 0)) * a_  # dL/dP * n
        grad = np.concatenate([H.T @ r, (Xm.T @ G).ravel(), G.sum(axis=0)]) / n
        return 0.5 * float(r @ r) / n, grad

    res = minimize(fun, np.concatenate([a, W.ravel(), b]), jac=True, method="L-BFGS-B",
                   options={"maxiter": int(max_iter)})
    a2, W2, b2 = unpack(res.x)
    return a2, W2, b2, {"refine_iterations": int(res.nit), "refine_loss": float(res.fun)}


@register("net_lbfgs")
def fit_net_lbfgs(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """Local-search baseline: L-BFGS on all parameters of a ``width``-unit network from random starts.

    Each start draws unit columns ``w_i`` uniformly on the sphere, ``b_i ~ N(0, 1)`` and
    ``a_i ~ N(0, 1 / width)``; ``max_iter`` L-BFGS iterations on the first ``max_rows`` rows; the start with
    the lowest training loss is kept (``restarts`` starts).
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
