"""The :class:`Fit` type returned by every learner."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from depth2.core.models import forward


@dataclass
class Fit:
    """A fitted model.

    Attributes
    ----------
    model : str
        The forward map (see :mod:`depth2.core.models`), e.g. ``"relu_neuron"``.
    params : dict of str -> ndarray
        Learned parameters with fixed names: ``w`` (d,), ``b`` () for one neuron; ``a`` (width,),
        ``W`` (d, width), ``b`` (width,) for a network.
    info : dict
        JSON-able diagnostics (training curve, selected candidate, ...); never used by ``predict``.
    """

    model: str
    params: dict[str, np.ndarray]
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions on the rows of ``X`` (n, d) -> (n,)."""
        return forward(self.model, self.params, X)


class Learner(Protocol):
    """``fit(X, y=None, *, rng, **params) -> Fit``; ``X`` an (n, d) array or a ``Samples`` stream."""

    def __call__(self, X: Any, y: Any = None, *, rng: np.random.Generator, **params: Any) -> Fit: ...


def check_params(name: str, given: Mapping[str, Any], allowed: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``given`` over the defaults ``allowed``; refuse unknown names, naming the allowed ones."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(f"learner {name!r} got unknown parameter(s) {unknown}; allowed: {sorted(allowed)}")
    return {**allowed, **given}


_REGISTRY: dict[str, Learner] = {}
_MODULE_OF: dict[str, str] = {}


def register(name: str) -> Callable[[Learner], Learner]:
    """Decorator registering ``fn`` as learner ``name`` (names are unique)."""

    if name == "none":  # reserved by depth2.artifacts.NO_LEARNER for points evaluated on their data alone
        raise ValueError("'none' is reserved and cannot be a learner name")

    def deco(fn: Learner) -> Learner:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"learner {name!r} is registered twice")
        _REGISTRY[name] = fn
        _MODULE_OF[name] = fn.__module__
        return fn

    return deco
