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


CONVERGENCE_KEYS = ("converged", "steps", "max_steps", "rel_decrease", "grad_norm")


def convergence(*, steps: int, max_steps: int, rel_decrease: float | None, tol: float,
                grad_norm: float | None = None, grad_tol: float | None = None,
                stopped_by_test: bool | None = None) -> dict[str, Any]:
    """The convergence record every iterative learner puts into ``Fit.info`` (keys :data:`CONVERGENCE_KEYS`).

    A fit is converged when its own test stopped it: the last relative decrease of the objective
    ``(f_{t-1} - f_t) / max(|f_{t-1}|, tiny)`` fell to ``tol`` or below, or the gradient norm to ``grad_tol``,
    before the step budget ran out. ``stopped_by_test`` overrides that reading for learners whose test is
    something else (an optimizer's own flag, a tensor residual); a fit that used its whole budget without
    meeting its test is unconverged, however small its last step was, unless ``stopped_by_test`` says so.

    Parameters
    ----------
    steps, max_steps : int
        Steps (iterations, epochs, evaluations) used, and the budget.
    rel_decrease : float or None
        The last relative decrease of the objective (None where there is none, e.g. zero steps).
    tol : float
        The learner's tolerance on ``rel_decrease``.
    grad_norm, grad_tol : float or None
        The final gradient norm and its tolerance, where the learner has a gradient.
    """
    if max_steps < 1 or steps < 0:
        raise ValueError(f"convergence needs max_steps >= 1 and steps >= 0, got {steps} of {max_steps}")
    if stopped_by_test is None:
        by_decrease = rel_decrease is not None and np.isfinite(rel_decrease) and rel_decrease <= tol
        by_grad = grad_norm is not None and grad_tol is not None and grad_norm <= grad_tol
        stopped_by_test = bool(by_decrease or by_grad)
    return {"converged": bool(stopped_by_test), "steps": int(steps), "max_steps": int(max_steps),
            "rel_decrease": None if rel_decrease is None else float(rel_decrease),
            "grad_norm": None if grad_norm is None else float(grad_norm)}


def relative_decrease(previous: float, current: float) -> float:
    """``(previous - current) / max(|previous|, 1e-300)``: the convergence tests' measure of progress."""
    return float((previous - current) / max(abs(previous), 1e-300))
