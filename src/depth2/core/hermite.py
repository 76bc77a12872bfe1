"""Probabilists' Hermite polynomials and the Hermite coefficients of a biased ReLU.

``He_0 = 1``, ``He_1 = z``, ``He_{k+1}(z) = z He_k(z) - k He_{k-1}(z)``; orthogonal under N(0, 1) with
``E He_j He_k = k! [j = k]``, so ``f = sum_k <f, He_k> He_k / k!`` with ``<f, He_k> = E f(z) He_k(z)``.

The biased ReLU ``relu(z + b)`` has coefficients ``c_k(b) = E relu(z + b) He_k(z)``:
``c_0 = b Phi(b) + phi(b)``, ``c_1 = Phi(b)`` and ``c_k = (-1)^k He_{k-2}(b) phi(b)`` for ``k >= 2``
(integrate by parts twice: ``He_k phi = (-1)^k phi^{(k)}``).
"""

from __future__ import annotations

import numpy as np

from depth2.core.gaussian import Phi, phi


def hermite_he(k: int, z: np.ndarray | float) -> np.ndarray:
    """He_k(z), vectorized in ``z``, by the three-term recurrence (``k >= 0``)."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    z = np.asarray(z, dtype=float)
    prev, cur = np.zeros_like(z), np.ones_like(z)
    for j in range(k):
        prev, cur = cur, z * cur - j * prev
    return cur


def relu_hermite_coeff(k: int, b: np.ndarray | float) -> np.ndarray:
    """c_k(b) = E[relu(z + b) He_k(z)], z ~ N(0, 1), closed form, vectorized in ``b``."""
    b = np.asarray(b, dtype=float)
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    if k == 0:
        return b * Phi(b) + phi(b)
    if k == 1:
        return Phi(b)
    return (-1) ** k * hermite_he(k - 2, b) * phi(b)
