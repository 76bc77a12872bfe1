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
* ``erf_net``: ``out(erf(X U + b) w + c)``; params ``U`` (d, width), ``b`` (width,), ``w`` (width,), ``c`` () and
  ``out`` (), a float code for the output unit (:data:`ERF_NET_OUT`): 0 = ``clip01(z) = min(max(z, 0), 1)``,
  1 = ``sigmoid(z)``, 2 = ``z`` (linear). ``c`` is 0 for the clipped net (Safran & Lee's Eq. 2 has no output bias).
* ``one_layer``: ``act(X U + b) w + b0``; params ``U`` (d, width), ``b`` (width,), ``w`` (width,), ``b0`` () and
  ``act`` (), a float code for the activation (:data:`ONE_LAYER_ACT`): 0 = tanh, 1 = sigmoid, 2 = relu.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from scipy import special

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


ERF_NET_OUT = {"clip01": 0, "sigmoid": 1, "linear": 2}
ONE_LAYER_ACT = {"tanh": 0, "sigmoid": 1, "relu": 2}


def _code(p: Mapping[str, np.ndarray], key: str, codes: Mapping[str, int]) -> int:
    code = float(p[key])
    if code not in codes.values():
        raise ValueError(f"unknown {key} code {code}; known: {dict(codes)}")
    return int(code)


@register_model("erf_net")
def _erf_net(p: Mapping[str, np.ndarray], X: np.ndarray, chunk: int = 8192) -> np.ndarray:
    out = _code(p, "out", ERF_NET_OUT)
    U, b, w, c = p["U"], p["b"], p["w"], float(p["c"])
    z = np.concatenate([special.erf(X[i : i + chunk] @ U + b) @ w for i in range(0, X.shape[0], chunk)]) + c
    if out == 0:
        return np.clip(z, 0.0, 1.0)
    return special.expit(z) if out == 1 else z


@register_model("one_layer")
def _one_layer(p: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    act = _code(p, "act", ONE_LAYER_ACT)
    P = X @ p["U"] + p["b"]
    H = np.tanh(P) if act == 0 else special.expit(P) if act == 1 else relu(P)
    return H @ p["w"] + float(p["b0"])
