"""Trivial learners: the references every other learner must beat."""

from __future__ import annotations

import numpy as np

from depth2.core.data import as_samples
from depth2.learners.base import Fit, check_params, register


@register("zero")
def fit_zero(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """The zero function, as the ReLU with ``w = 0``, ``b = 0`` (a legal output of every ReLU learner)."""
    check_params("zero", params, {})
    S = as_samples(X, y)
    return Fit("relu_neuron", {"w": np.zeros(S.d), "b": np.array(0.0)}, info={})


@register("trivial")
def fit_trivial(X, y=None, *, rng: np.random.Generator, width: int = 1, **params) -> Fit:
    """The constant predictor E[y], estimated by the sample mean (chunked)."""
    check_params("trivial", params, {})
    S = as_samples(X, y)
    total = sum(float(yc.sum()) for _, yc in S.chunks())
    return Fit("constant", {"c": np.array(total / S.n)}, info={})
