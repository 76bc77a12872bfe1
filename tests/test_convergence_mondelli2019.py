"""Convergence records (depth2.learners.base.convergence) of the mondelli2019 learners: a deliberately tiny
budget is reported unconverged, a fit that meets its own test converged; the metrics rows carry them."""

from __future__ import annotations

import numpy as np
import pytest

import depth2.learners.poly_baselines as pb
import depth2.learners.poly_tensor  # noqa: F401  (registers the learners)
import depth2.papers.mondelli2019.data  # noqa: F401  (registers the family)
from depth2.core.data import DatasetSpec, Samples, generate_hidden
from depth2.learners.base import _REGISTRY, CONVERGENCE_KEYS


def _samples(d: int, r: int, n: int = 20_000, seed: int = 1) -> Samples:
    spec = DatasetSpec("mondelli2019.poly_net", n, d, 1, {"r": r, "sigma": "he3"}, [seed, "conv"])
    hid = generate_hidden(spec)
    return Samples(n, d, spec=spec, replicate=0, hidden={k: v[0] for k, v in hid.items()})


@pytest.mark.parametrize("population", [True, False])
@pytest.mark.parametrize("name", ["tensor_power", "tensor_jennrich", "tensor_spectral"])
def test_refinement_to_tolerance_converges_and_a_tiny_budget_does_not(name, population):
    S = _samples(8, 6 if name != "tensor_power" else 10)
    width = 6 if name != "tensor_power" else 10
    fit = _REGISTRY[name](S, rng=np.random.default_rng(0), width=width, population=population)
    assert set(CONVERGENCE_KEYS) <= set(fit.info)
    assert fit.info["converged"] and fit.info["steps"] < fit.info["max_steps"]
    assert fit.info["rel_decrease"] is not None and fit.info["rel_decrease"] <= 1e-8
    tiny = _REGISTRY[name](S, rng=np.random.default_rng(0), width=width, population=population, refine_iters=3,
                           repair_rounds=0)
    assert not tiny.info["converged"] and tiny.info["max_steps"] == 3


def test_power_only_records_the_power_iteration():
    S = _samples(8, 4)
    loose = _REGISTRY["tensor_power_only"](S, rng=np.random.default_rng(0), width=4, population=True, iters=500,
                                           tol=1e-6)
    assert loose.info["converged"] and loose.info["refine_evaluations"] == 0
    tiny = _REGISTRY["tensor_power_only"](S, rng=np.random.default_rng(0), width=4, population=True, iters=1)
    assert not tiny.info["converged"] and tiny.info["max_steps"] == len(tiny.info["search_steps"])


def test_student_gd_records_convergence():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((5, 2))
    W /= np.linalg.norm(W, axis=0)
    X = rng.standard_normal((20_000, 5))
    Z = X @ W
    y = (Z**3 - 3 * Z).sum(axis=1)
    fit = pb.fit_student_gd(X, y, rng=np.random.default_rng(7), width=2, steps=600, batch=1024)
    assert fit.info["converged"] and fit.info["steps"] == 600 and fit.info["rel_decrease"] <= 1e-3
    tiny = pb.fit_student_gd(X, y, rng=np.random.default_rng(7), width=2, steps=20, batch=1024, log_every=5)
    assert not tiny.info["converged"] and tiny.info["rel_decrease"] > 1e-3
    none = pb.fit_student_gd(X, y, rng=np.random.default_rng(7), width=2, steps=0)
    assert not none.info["converged"] and none.info["rel_decrease"] is None
