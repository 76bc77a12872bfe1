"""Forward maps of the model classes a :class:`~depth2.learners.Fit` can hold.

Each model is a pure function ``forward(params, X) -> (n,)`` registered by name; a fitted model is
``(name, params)``, so it is stored as plain arrays and predicted without pickling code.

* ``relu_neuron``: ``relu(X w + b)``; params ``w`` (d,), ``b`` ().
* ``relu_net``: ``relu(X W + b) a``; params ``a`` (width,), ``W`` (d, width), ``b`` (width,).
* ``constant``: ``c``; params ``c`` ().
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
