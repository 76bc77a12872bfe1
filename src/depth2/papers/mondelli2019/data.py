"""mondelli2019 data: ``y = sum_{i<=r} p(<w_i, x>)``, x ~ N(0, I_d), w_i iid uniform on the unit sphere.

Family ``mondelli2019.poly_net``, parameters ``r`` (units) and ``sigma`` (the activation's name in
:data:`ACTIVATIONS`): ``he3`` = He_3(z) = z^3 - 3z (no linear or even part: no shortcut), ``cube`` = z^3 (a
linear part 3z that least squares can learn) and ``he2_he3`` = He_2 + He_3 (an even part, partly visible
from ||x|| alone).

With p = sum_k h_k He_k (Hermite coefficients :func:`hermite_coefficients`) and unit w_i,
``E[y] = r h_0`` and ``Var(y) = sum_{k>=1} k! h_k^2 sum_{i,j} <w_i, w_j>^k`` (:func:`population_variance`),
because ``E[He_k(<u, x>) He_l(<v, x>)] = k! <u, v>^k 1{k = l}`` for unit u, v.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import factorial
from typing import Any

import numpy as np

from depth2.core.cubic_moments import PopulationMoments
from depth2.core.data import register_family

# Monomial coefficients (c_0, c_1, c_2, c_3) of p(z) = sum_k c_k z^k.
ACTIVATIONS: dict[str, tuple[float, float, float, float]] = {
    "he3": (0.0, -3.0, 0.0, 1.0),
    "cube": (0.0, 0.0, 0.0, 1.0),
    "he2_he3": (-1.0, -3.0, 1.0, 1.0),
}


def activation(name: str) -> np.ndarray:
    """The monomial coefficients of the activation ``name`` (see :data:`ACTIVATIONS`)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"sigma must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return np.array(ACTIVATIONS[name])


def hermite_coefficients(coef: np.ndarray) -> np.ndarray:
    """(h_0, ..., h_3) with p = sum_k h_k He_k for a cubic in monomial coefficients ``coef`` (4,):
    z^2 = He_2 + 1 and z^3 = He_3 + 3 He_1."""
    c0, c1, c2, c3 = (float(v) for v in coef)
    return np.array([c0 + c2, c1 + 3.0 * c3, c2, c3])


def population_variance(W: np.ndarray, coef: np.ndarray) -> float:
    """Var(y) for unit columns W (d, r): ``sum_{k>=1} k! h_k^2 sum_{i,j} <w_i, w_j>^k``."""
    G = W.T @ W
    h = hermite_coefficients(coef)
    return float(sum(factorial(k) * h[k] ** 2 * np.sum(G**k) for k in range(1, 4)))


def planted_weights(rng: np.random.Generator, d: int, r: int) -> np.ndarray:
    """W (d, r) with columns iid uniform on the unit sphere."""
    W = rng.standard_normal((d, r))
    return W / np.linalg.norm(W, axis=0)


@register_family("mondelli2019.poly_net")
class PolyNet:
    def hidden(self, rng, d, params: Mapping[str, Any]):
        return {"W": planted_weights(rng, d, int(params["r"]))}

    def sample(self, rng, m, d, params, hidden):
        X = rng.standard_normal((m, d))
        Z = X @ hidden["W"]
        return X, np.polynomial.polynomial.polyval(Z, activation(params["sigma"])).sum(axis=1)

    def population(self, params, hidden) -> PopulationMoments:
        """The exact order-3 moment operator of one replicate (n = infinity; unit output weights)."""
        W = np.asarray(hidden["W"], dtype=float)
        return PopulationMoments(W, np.ones(W.shape[1]), hermite_coefficients(activation(params["sigma"])))
