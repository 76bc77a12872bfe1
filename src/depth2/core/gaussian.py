"""Closed forms for a biased ReLU under a standard Gaussian, and 1-D Gaussian quadrature.

Notation: ``z ~ N(0, 1)``, ``phi`` and ``Phi`` its density and distribution function.

* ``E relu(z + b)          = b Phi(b) + phi(b)``
* ``E relu(z + b)^2        = (b^2 + 1) Phi(b) + b phi(b)``
* ``E z relu(z + b)        = Phi(b)``
* For ``g ~ N(0, 1)`` independent of ``z`` and ``mu = a z + beta``, ``t = mu / c`` (``c > 0``):
  ``E_g relu(mu + c g)   = mu Phi(t) + c phi(t)``  and
  ``E_g relu(mu + c g)^2 = (mu^2 + c^2) Phi(t) + mu c phi(t)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from scipy import special

SQRT2 = np.sqrt(2.0)


def phi(x: np.ndarray | float) -> np.ndarray:
    """Standard normal density."""
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def Phi(x: np.ndarray | float) -> np.ndarray:  # noqa: N802 - the standard name
    """Standard normal distribution function (accurate in the lower tail)."""
    return special.ndtr(np.asarray(x, dtype=float))


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0), elementwise."""
    return np.maximum(x, 0.0)


def relu_mean(b: np.ndarray | float) -> np.ndarray:
    """E relu(z + b) for z ~ N(0, 1), vectorized in ``b``."""
    b = np.asarray(b, dtype=float)
    return b * Phi(b) + phi(b)


def relu_second_moment(b: np.ndarray | float) -> np.ndarray:
    """E relu(z + b)^2 for z ~ N(0, 1), vectorized in ``b``."""
    b = np.asarray(b, dtype=float)
    return (b * b + 1.0) * Phi(b) + b * phi(b)


def relu_z_moment(b: np.ndarray | float) -> np.ndarray:
    """E z relu(z + b) for z ~ N(0, 1) (Stein's identity: E relu'(z + b) = Phi(b))."""
    return Phi(b)


def smoothed_relu_moments(mu: np.ndarray, c: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """First and second moments of relu(mu + c g) over g ~ N(0, 1).

    Parameters
    ----------
    mu : array
        The mean of the pre-activation (any shape).
    c : array or float
        Its standard deviation, broadcastable to ``mu``, ``c >= 0``. ``c = 0`` gives relu(mu), relu(mu)^2.

    Returns
    -------
    (m1, m2) : arrays of the broadcast shape.
    """
    mu = np.asarray(mu, dtype=float)
    c = np.asarray(c, dtype=float)
    safe_c = np.where(c > 0, c, 1.0)
    # |t| > 40: Phi(t) is exactly 0 or 1 and phi(t) underflows; clipping avoids overflow warnings only.
    t = np.clip(mu / safe_c, -40.0, 40.0)
    pt, dt = Phi(t), phi(t)
    m1 = np.where(c > 0, mu * pt + c * dt, relu(mu))
    m2 = np.where(c > 0, (mu * mu + c * c) * pt + mu * c * dt, relu(mu) ** 2)
    return m1, m2


@functools.lru_cache(maxsize=8)
def _leggauss(order: int) -> tuple[np.ndarray, np.ndarray]:
    # An eigenproblem per call otherwise; OPT's Nelder-Mead asks for thousands of grids (a third of its time).
    x, w = np.polynomial.legendre.leggauss(order)
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def gauss_legendre_grid(
    breakpoints: Sequence[float] = (), lo: float = -12.0, hi: float = 12.0, width: float = 0.5, order: int = 24
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights integrating ``h(z) phi(z) dz`` over [lo, hi] by composite Gauss-Legendre.

    The interval is cut at every breakpoint (kinks or jumps of the integrand: the quadrature is then
    exact to machine precision on each smooth piece) and into pieces no wider than ``width``.
    The Gaussian weight is folded into the returned weights, so ``sum(w * h(z)) ~ E h(z)``.
    The mass beyond |z| = 12 is below 1e-32 and is dropped.
    """
    cuts = sorted({lo, hi, *(float(p) for p in breakpoints if lo < p < hi)})
    x0, w0 = _leggauss(order)
    nodes, weights = [], []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        pieces = max(1, int(np.ceil((b - a) / width)))
        edges = np.linspace(a, b, pieces + 1)
        half = 0.5 * np.diff(edges)[:, None]
        mid = 0.5 * (edges[:-1] + edges[1:])[:, None]
        nodes.append((mid + half * x0[None, :]).ravel())
        weights.append((half * w0[None, :]).ravel())
    z = np.concatenate(nodes)
    w = np.concatenate(weights) * phi(z)
    return z, w


def gaussian_expectation(h: Callable[[np.ndarray], np.ndarray], breakpoints: Sequence[float] = ()) -> float:
    """E h(z) for z ~ N(0, 1) by :func:`gauss_legendre_grid` (``h`` vectorized over its argument)."""
    z, w = gauss_legendre_grid(breakpoints)
    return float(np.sum(w * h(z)))
