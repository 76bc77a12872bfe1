"""Forward maps of the model classes a :class:`~depth2.learners.Fit` can hold.

Each model is a pure function ``forward(params, X) -> (n,)`` registered by name; a fitted model is
``(name, params)``, so it is stored as plain arrays and predicted without pickling code.

* ``relu_neuron``: ``relu(X w + b)``; params ``w`` (d,), ``b`` ().
* ``relu_net``: ``relu(X W + b) a``; params ``a`` (width,), ``W`` (d, width), ``b`` (width,).
* ``constant``: ``c``; params ``c`` ().
* ``poly_net``: ``sum_i a_i p(<w_i, x>) + c`` with the polynomial ``p(z) = sum_k coef[k] z^k``; params ``a``
  (width,), ``W`` (d, width), ``coef`` (degree + 1,), ``c`` ().
* ``linear``: ``X w + c``; params ``w`` (d,), ``c`` ().
* ``radial_poly``: ``sum_k beta[k] (|x|^2 / d)^k``, a function of the norm only; params ``beta`` (K + 1,).
* ``cubic_poly``: ``c + X w + sum_{j<=k} Q[j, k] x_j x_k + sum_{j<=k<=l} C[j, k, l] x_j x_k x_l`` stored as one
  coefficient vector ``theta`` over the monomials of degree <= 3 in :func:`cubic_features` order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from depth2.core.gaussian import relu

Forward = Callable[[Mapping[str, np.ndarray], np.ndarray], np.ndarray]
_MODELS: dict[str, Forward] = {}


def register_model(name: str) -> Callable[[Forward], Forward]:
    """Decorator registering a forward map under ``name``."""

    def deco(fn: Forward) -> Forward:
        _MODELS[name] = fn
        return fn

    return deco


def forward(model: str, params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Evaluate the model ``model`` with ``params`` on the rows of ``X`` (n, d)."""
    try:
        fn = _MODELS[model]
    except KeyError:
        raise KeyError(f"unknown model {model!r}; known: {', '.join(sorted(_MODELS))}") from None
    return fn(params, np.asarray(X, dtype=float))


@register_model("relu_neuron")
def _relu_neuron(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return relu(X @ p["w"] + p["b"])


@register_model("relu_net")
def _relu_net(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return relu(X @ p["W"] + p["b"]) @ p["a"]


@register_model("constant")
def _constant(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return np.full(X.shape[0], float(p["c"]))


@register_model("poly_net")
def _poly_net(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    Z = X @ p["W"]
    return np.polynomial.polynomial.polyval(Z, np.asarray(p["coef"], dtype=float)) @ p["a"] + float(p["c"])


@register_model("linear")
def _linear(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    return X @ p["w"] + float(p["c"])


@register_model("radial_poly")
def _radial_poly(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    s = np.sum(X * X, axis=1) / X.shape[1]
    return np.polynomial.polynomial.polyval(s, np.asarray(p["beta"], dtype=float))


def cubic_features(X: np.ndarray) -> np.ndarray:
    """All monomials of degree <= 3 of the rows of X (n, d) -> (n, C(d + 3, 3)): 1, x_j, x_j x_k (j <= k),
    x_j x_k x_l (j <= k <= l), in that order."""
    n, d = X.shape
    j2, k2 = np.triu_indices(d)
    quad = X[:, j2] * X[:, k2]
    idx = [(j, k, m) for j in range(d) for k in range(j, d) for m in range(k, d)]
    j3, k3, l3 = (np.array(t, dtype=int) for t in zip(*idx, strict=True)) if idx else (np.zeros(0, int),) * 3
    cub = X[:, j3] * X[:, k3] * X[:, l3]
    return np.hstack([np.ones((n, 1)), X, quad, cub])


@register_model("cubic_poly")
def _cubic_poly(p: Mapping[str, np.ndarray], X: np.ndarray, chunk: int = 4096) -> np.ndarray:
    theta = np.asarray(p["theta"], dtype=float)
    return np.concatenate([cubic_features(X[i : i + chunk]) @ theta for i in range(0, X.shape[0], chunk)])
