"""guo2025 data families: single-index targets ``y = f(<v, x>) + xi`` with ``x ~ N(0, I_d)``.

* ``guo2025.eq4`` — the paper's eq. (4) lifted to d dimensions along a hidden unit ``v``:
  ``f(z) = relu(z + b)`` for ``z >= 0`` and ``sqrt(2 OPTn)`` for ``z < 0``, with the robust
  ``OPTn = E relu(z + b)^2 / (200 alpha)`` of our digest (the paper's ``Phi(b) / (100 alpha b^2)`` is
  undefined at ``b = 0``). Under the 1/2-loss the planted ReLU loses ``OPTn / 2``, so the zero function
  has ``L(0) / OPT = 200 alpha + 1`` at every ``b``.
* ``guo2025.realizable`` — the control: ``f(z) = relu(z + b)`` plus Gaussian noise of variance
  ``kappa E relu(z + b)^2``; ``OPT = kappa E relu(z + b)^2 / 2``.
* ``guo2025.hermite_truncated`` — the CSQ instance of the paper's Appendix G: ``g = relu(z + b)`` with
  its Hermite degrees ``0..t_e`` removed, ``t_e = max{t : sum_{k<=t} c_k(b)^2 / k! <= eps / alpha}`` and
  ``eps = E g^2 / 3``. (The paper hides ``v`` among 2^{d^c} near-orthogonal directions; a single run draws
  one uniformly at random, which is the same distribution for a learner that does not know it.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from depth2.core.data import register_family
from depth2.core.gaussian import relu, relu_second_moment
from depth2.core.hermite import hermite_he, relu_hermite_coeff
from depth2.core.single_index import SingleIndexTarget


def _unit_vector(rng: np.random.Generator, d: int) -> np.ndarray:
    v = rng.standard_normal(d)
    return v / np.linalg.norm(v)


def eq4_opt_nominal(b: float, alpha: float) -> float:
    """OPTn = E relu(z + b)^2 / (200 alpha): the label level below the hyperplane is sqrt(2 OPTn)."""
    return float(relu_second_moment(b)) / (200.0 * alpha)


def truncation_order(b: float, alpha: float) -> int:
    """t_e = max{t : sum_{k<=t} c_k(b)^2 / k! <= eps / alpha}, eps = E relu(z + b)^2 / 3 (-1 if none)."""
    budget = float(relu_second_moment(b)) / 3.0 / alpha
    total, t = 0.0, -1
    for k in range(0, 60):
        total += float(relu_hermite_coeff(k, b)) ** 2 / math.factorial(k)
        if total > budget:
            break
        t = k
    return t


class _SingleIndexFamily:
    """Shared sampling for families of the form y = f(<v, x>) + noise."""

    def target(self, params: Mapping[str, Any], v: np.ndarray) -> SingleIndexTarget:  # pragma: no cover
        raise NotImplementedError

    def hidden(self, rng: np.random.Generator, d: int, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
        return {"v": _unit_vector(rng, d)}

    def sample(self, rng, m, d, params, hidden):
        target = self.target(params, hidden["v"])
        X = rng.standard_normal((m, d))
        y = target.f(X @ target.v)
        if target.noise_var > 0:
            y = y + math.sqrt(target.noise_var) * rng.standard_normal(m)
        return X, y

    def population(self, params: Mapping[str, Any], hidden: Mapping[str, np.ndarray]) -> SingleIndexTarget:
        """The exact law of (x, y) for one replicate (used by exact losses and population GD)."""
        return self.target(params, np.asarray(hidden["v"], dtype=float))


@register_family("guo2025.eq4")
class Eq4(_SingleIndexFamily):
    def target(self, params, v):
        b, alpha = float(params["b"]), float(params.get("alpha", 1.0))
        level = math.sqrt(2.0 * eq4_opt_nominal(b, alpha))

        def f(z: np.ndarray) -> np.ndarray:
            return np.where(z >= 0.0, relu(z + b), level)

        return SingleIndexTarget(v=v, f=f, breakpoints=(0.0, -b), planted=(v, b))


@register_family("guo2025.realizable")
class Realizable(_SingleIndexFamily):
    def target(self, params, v):
        b, kappa = float(params["b"]), float(params.get("kappa", 0.01))

        def f(z: np.ndarray) -> np.ndarray:
            return relu(z + b)

        return SingleIndexTarget(
            v=v, f=f, noise_var=kappa * float(relu_second_moment(b)), breakpoints=(-b,), planted=(v, b)
        )


@register_family("guo2025.hermite_truncated")
class HermiteTruncated(_SingleIndexFamily):
    def target(self, params, v):
        b, alpha = float(params["b"]), float(params.get("alpha", 1.0))
        t_e = truncation_order(b, alpha)
        coeffs = [float(relu_hermite_coeff(k, b)) / math.factorial(k) for k in range(t_e + 1)]

        def f(z: np.ndarray) -> np.ndarray:
            out = relu(z + b)
            for k, ck in enumerate(coeffs):
                out = out - ck * hermite_he(k, z)
            return out

        return SingleIndexTarget(v=v, f=f, breakpoints=(-b,), planted=(v, b))

