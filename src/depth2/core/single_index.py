"""Exact population quantities of one ReLU against a single-index target, in any dimension.

The data are ``x ~ N(0, I_d)`` and ``y = f(<v, x>) + xi`` with unit ``v`` and independent noise ``xi`` of
variance ``s2``. A candidate ``relu(<w, x> + beta)`` is described by ``a = <w, v>`` and
``c = |w - a v|``: with ``z = <v, x>`` and an independent ``g ~ N(0, 1)``, ``<w, x> = a z + c g``. So

``L(w, beta) = 1/2 E[(y - relu(<w,x> + beta))^2]
             = 1/2 E_z[(f(z) - m1)^2 + m2 - m1^2] + s2 / 2``,

with ``m1, m2`` the moments of ``relu(mu + c g)``, ``mu = a z + beta`` (:func:`smoothed_relu_moments`), an
exact 1-D integral computed by composite Gauss-Legendre quadrature cut at the kinks. The gradient in
``(a, c, beta)`` is (with ``t = mu / c``)

``dL/da = E_z[z (m1 - f Phi(t))]``, ``dL/dc = E_z[c Phi(t) - f phi(t)]``, ``dL/dbeta = E_z[m1 - f Phi(t)]``,

so population gradient descent on ``w`` in R^d stays in the plane of ``v`` and the initial orthogonal
part, whatever ``d``: the dimension enters only through the initial overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from depth2.core.gaussian import Phi, gauss_legendre_grid, phi, smoothed_relu_moments


@dataclass(frozen=True)
class SingleIndexTarget:
    """``y = f(<v, x>) + xi`` with ``Var(xi) = noise_var``.

    Attributes
    ----------
    v : ndarray (d,)
        Unit hidden direction.
    f : callable
        Vectorized target link ``z -> f(z)``.
    noise_var : float
    breakpoints : tuple of float
        Points where ``f`` has a kink or jump (quadrature is cut there).
    planted : tuple (w, b)
        The planted ReLU (a reference candidate), in the coordinates of ``x``.
    """

    v: np.ndarray
    f: Callable[[np.ndarray], np.ndarray]
    noise_var: float = 0.0
    breakpoints: tuple[float, ...] = ()
    planted: tuple[np.ndarray, float] | None = field(default=None)

    def coordinates(self, w: np.ndarray) -> tuple[float, float]:
        """(a, c) = (<w, v>, |w - <w, v> v|) for a candidate weight ``w`` (d,)."""
        w = np.asarray(w, dtype=float)
        a = float(w @ self.v)
        return a, float(np.linalg.norm(w - a * self.v))


def loss_ac(target: SingleIndexTarget, a: float, c: float, beta: float) -> float:
    """Exact 1/2-squared loss of the candidate with coordinates (a, c, beta); see the module docstring."""
    bps = list(target.breakpoints)
    if a != 0.0:
        kink = -beta / a
        bps.append(kink)
        if c > 0.0:  # the smoothed kink has width ~ c / |a|: resolve it
            spread = c / abs(a)
            bps.extend(kink + s * spread for s in (-8.0, -2.0, 2.0, 8.0))
    z, wq = gauss_legendre_grid(bps, width=0.25, order=24)
    m1, m2 = smoothed_relu_moments(a * z + beta, c)
    fz = target.f(z)
    return 0.5 * float(np.sum(wq * ((fz - m1) ** 2 + (m2 - m1 * m1)))) + 0.5 * target.noise_var


def exact_loss(target: SingleIndexTarget, w: np.ndarray, b: float) -> float:
    """Exact population loss 1/2 E (y - relu(<w, x> + b))^2 of the candidate (w, b)."""
    a, c = target.coordinates(w)
    return loss_ac(target, a, c, float(b))


def zero_loss(target: SingleIndexTarget) -> float:
    """Loss of the zero function, 1/2 E y^2."""
    z, wq = gauss_legendre_grid(target.breakpoints)
    return 0.5 * float(np.sum(wq * target.f(z) ** 2)) + 0.5 * target.noise_var


class BatchQuadrature:
    """Loss and gradient of many candidates at once on one shared quadrature grid.

    Used by population gradient descent, which steps many random initializations together. The grid is
    finer than :func:`loss_ac`'s (pieces of ``width``) because the candidates' kinks are not cut out.
    """

    def __init__(self, target: SingleIndexTarget, width: float = 1.0, order: int = 16,
                 extra_breakpoints: Sequence[float] = ()) -> None:
        self.target = target
        self.z, self.w = gauss_legendre_grid([*target.breakpoints, *extra_breakpoints], width=width, order=order)
        self.fz = target.f(self.z)

    def loss(self, a: np.ndarray, c: np.ndarray, beta: np.ndarray) -> np.ndarray:
        """Loss of each candidate (arrays of shape (K,)) -> (K,)."""
        mu = a[:, None] * self.z[None, :] + beta[:, None]
        m1, m2 = smoothed_relu_moments(mu, c[:, None])
        integrand = (self.fz - m1) ** 2 + (m2 - m1 * m1)
        return 0.5 * integrand @ self.w + 0.5 * self.target.noise_var

    def gradient(self, a: np.ndarray, c: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, ...]:
        """(dL/da, dL/dc, dL/dbeta) of each candidate, arrays of shape (K,)."""
        mu = a[:, None] * self.z[None, :] + beta[:, None]
        cc = np.maximum(c, 1e-300)[:, None]
        t = np.clip(mu / cc, -40.0, 40.0)  # beyond, Phi and phi are exactly 0/1 and 0
        pt, dt = Phi(t), phi(t)
        m1 = mu * pt + cc * dt
        resid = m1 - self.fz * pt
        ga = resid @ (self.w * self.z)
        gc = (cc * pt - self.fz * dt) @ self.w
        gb = resid @ self.w
        return ga, gc, gb


def optimal_loss(target: SingleIndexTarget, starts: int = 6) -> float:
    """OPT: the least exact loss over all ReLUs, by Nelder-Mead in (a, c, beta) from several starts.

    Starts from the planted ReLU and from perturbations of it; the result is never above the planted
    loss (which is returned when no start improves on it).
    """
    from scipy.optimize import minimize

    w0, b0 = target.planted if target.planted is not None else (target.v, 0.0)
    a0, _ = target.coordinates(w0)
    best = exact_loss(target, w0, b0)

    def obj(x: np.ndarray) -> float:
        return loss_ac(target, float(x[0]), abs(float(x[1])), float(x[2]))

    for k in range(starts):
        x0 = np.array([a0 * (1.0 + 0.1 * k), 0.05 * k, b0 + 0.25 * (k % 3 - 1)])
        res = minimize(obj, x0, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-14, "maxiter": 2000})
        best = min(best, float(res.fun))
    return best


def direction_correlation(target: SingleIndexTarget) -> float:
    """``E[y <v, x>] = E[z f(z)]`` (the noise is independent and centred): the component along ``v`` of
    ``E[x y]``, the correlation that a gradient step from ``w ~ 0`` reads. Exact 1-D quadrature cut at the
    target's breakpoints."""
    z, wq = gauss_legendre_grid(target.breakpoints)
    return float(np.sum(wq * z * target.f(z)))
