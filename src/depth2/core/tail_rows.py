"""Exact sampler of the rows a thresholded statistic reads: the draws with ``|y| >= tau`` among ``n`` i.i.d. rows.

For a single-index target ``y = f(z) + sigma e`` with ``z = <v, x>``, ``x ~ N(0, I_d)`` and ``e ~ N(0, 1)``
independent, a statistic such as Theorem 13's ``sum_i x_i x_i^T 1{|y_i| >= tau}`` reads only the rows with
``|y| >= tau``. At a very negative bias these are a few thousand rows among ``n ~ 1e8-1e10``. This module draws
exactly those rows, with the law they have among ``n`` brute-force rows, at a cost proportional to their number
(plus the rows above the last breakpoint of ``f``, about ``n Phi(b)``).

Construction (an exact identity in law, not an approximation). Let ``c`` be the largest breakpoint of ``f``
and ``I_1, ..., I_K`` the intervals between breakpoints below ``c``, on each of which ``f`` is a constant
``f_k`` (checked; a link that is not piecewise constant below ``c`` is refused). The line splits into cells:

* ``A_k = {z in I_k, |f_k + sigma e| >= tau}`` with probability ``p_k = P(z in I_k) a_k``, where
  ``a_k = Phi((-tau - f_k) / sigma) + Phi((f_k - tau) / sigma)`` (``a_k = 1{|f_k| >= tau}`` when ``sigma = 0``);
* ``T = {z >= c}`` with probability ``Phi(-c)``;
* the rest (rows below ``c`` with ``|y| < tau``), which the statistic never reads.

Among ``n`` i.i.d. rows the cell counts are Multinomial(n; p_1, ..., p_K, Phi(-c), rest), and given the
counts the rows of each cell are i.i.d. from the cell's conditional law. In ``A_k``: ``z`` from N(0, 1)
truncated to ``I_k`` and, independently, ``e`` from N(0, 1) conditioned on ``|f_k + sigma e| >= tau`` (its two
tails, chosen with probabilities proportional to their masses); in ``T``: ``z`` from N(0, 1) truncated to
``[c, inf)`` and ``e ~ N(0, 1)``, keeping the rows with ``|y| >= tau``, as brute force would. Finally
``x = z v + (g - <g, v> v)`` with ``g ~ N(0, I_d)``, which has the law of ``x`` given ``<v, x> = z``. Every
truncated draw is an inverse-CDF draw on the tail side (``z = -ndtri(u Phi(-lo))`` above ``lo``), so tails out
to ``z ~ 8`` keep full relative precision.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr, ndtri

from depth2.core.single_index import SingleIndexTarget


def _truncated_normal(rng: np.random.Generator, lo: float, hi: float, size: int) -> np.ndarray:
    """``size`` draws of N(0, 1) conditioned on [lo, hi) (lo may be -inf, hi +inf), by the inverse CDF on the
    side of the interval that lies in a tail, so that far tails keep their relative precision."""
    u = rng.random(size)
    if lo >= 0.0:  # upper side: z = -ndtri(Phi(-z)), Phi(-z) uniform on (Phi(-hi), Phi(-lo)]
        s_lo, s_hi = float(ndtr(-lo)), float(ndtr(-hi))
        return -ndtri(s_hi + u * (s_lo - s_hi))
    c_lo, c_hi = float(ndtr(lo)), float(ndtr(hi))
    return ndtri(c_lo + u * (c_hi - c_lo))


def _constant_pieces(target: SingleIndexTarget) -> tuple[float, list[tuple[float, float, float]]]:
    """(c, [(lo, hi, f_k)]): the last breakpoint and the constant value of ``f`` on each interval below it."""
    if not target.breakpoints:
        raise ValueError("the tail sampler needs a target with breakpoints (f constant below the last one)")
    cuts = sorted(float(t) for t in target.breakpoints)
    edges = [-math.inf, *cuts]
    pieces = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        probe_lo = hi - 30.0 if lo == -math.inf else lo
        probe = np.linspace(probe_lo, hi, 41)[:-1]  # [lo, hi): f is evaluated where it holds
        vals = np.asarray(target.f(probe), dtype=float)
        if np.ptp(vals) > 1e-12 * max(1.0, float(np.max(np.abs(vals)))):
            raise ValueError(f"the tail sampler needs f constant between breakpoints below {cuts[-1]:g}; "
                             f"on [{lo:g}, {hi:g}) it ranges over {vals.min():.3g}..{vals.max():.3g}")
        pieces.append((lo, hi, float(vals[0])))
    return cuts[-1], pieces


def _acceptance(f_k: float, tau: float, sigma: float) -> tuple[float, float, float]:
    """(P(|f_k + sigma e| >= tau), P(upper tail), P(lower tail)) for e ~ N(0, 1)."""
    if sigma == 0.0:
        up, low = float(f_k >= tau), float(f_k <= -tau)
        return up + low, up, low
    up, low = float(ndtr((f_k - tau) / sigma)), float(ndtr((-tau - f_k) / sigma))
    return up + low, up, low


def tail_rows(target: SingleIndexTarget, n: int, tau: float, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray]:
    """The rows with ``|y| >= tau`` among ``n`` i.i.d. rows of ``target``, drawn exactly (module docstring).

    Parameters
    ----------
    target : SingleIndexTarget
        ``f`` constant on every interval between breakpoints below its last breakpoint.
    n : int
        Number of brute-force rows the sample stands for (any size: only counts are drawn for the others).
    tau : float
        Threshold on ``|y|`` (> 0).
    rng : numpy Generator

    Returns
    -------
    X : ndarray (K, d), y : ndarray (K,)
        The rows with ``|y| >= tau``, in no particular order; ``K`` is random, about ``n P(|y| >= tau)``.
    """
    if int(n) < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not tau > 0:
        raise ValueError(f"tau must be > 0, got {tau}")
    v = np.asarray(target.v, dtype=float)
    sigma = math.sqrt(float(target.noise_var))
    cut, pieces = _constant_pieces(target)
    acc = [_acceptance(f_k, tau, sigma) for _, _, f_k in pieces]
    probs = [(float(ndtr(hi) - ndtr(lo)) if lo > -math.inf else float(ndtr(hi))) * a for (lo, hi, _), (a, _, _)
             in zip(pieces, acc, strict=True)]
    probs.append(float(ndtr(-cut)))
    rest = max(0.0, 1.0 - float(np.sum(probs)))
    counts = rng.multinomial(int(n), [*probs, rest])
    z_parts, y_parts = [], []
    for (lo, hi, f_k), (a, up, _), k in zip(pieces, acc, counts[:-2], strict=True):
        if k == 0:
            continue
        z_parts.append(_truncated_normal(rng, lo, hi, int(k)))
        if sigma == 0.0:
            y_parts.append(np.full(int(k), f_k))
            continue
        upper = rng.random(int(k)) < up / a  # which tail of e, in proportion to its mass
        e = np.empty(int(k))
        e[upper] = _truncated_normal(rng, (tau - f_k) / sigma, math.inf, int(upper.sum()))
        e[~upper] = _truncated_normal(rng, -math.inf, (-tau - f_k) / sigma, int((~upper).sum()))
        y_parts.append(f_k + sigma * e)
    k_top = int(counts[-2])
    z_top = _truncated_normal(rng, cut, math.inf, k_top)
    y_top = np.asarray(target.f(z_top), dtype=float) + sigma * rng.standard_normal(k_top)
    keep = np.abs(y_top) >= tau
    z_parts.append(z_top[keep])
    y_parts.append(y_top[keep])
    z, y = np.concatenate(z_parts), np.concatenate(y_parts)
    g = rng.standard_normal((z.size, v.size))
    X = g - np.outer(g @ v, v) + np.outer(z, v)
    return X, y


def brute_force_tail(target: SingleIndexTarget, n: int, tau: float, rng: np.random.Generator, d: int,
                     chunk: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """The same rows by brute force: ``n`` rows drawn chunk by chunk, kept where ``|y| >= tau`` (the reference
    the sampler is tested and benchmarked against)."""
    sigma = math.sqrt(float(target.noise_var))
    v = np.asarray(target.v, dtype=float)
    Xs, ys = [], []
    for start in range(0, int(n), chunk):
        m = min(chunk, int(n) - start)
        X = rng.standard_normal((m, d))
        y = np.asarray(target.f(X @ v), dtype=float)
        if sigma > 0:
            y = y + sigma * rng.standard_normal(m)
        keep = np.abs(y) >= tau
        Xs.append(X[keep])
        ys.append(y[keep])
    return (np.concatenate(Xs) if Xs else np.empty((0, d))), (np.concatenate(ys) if ys else np.empty(0))
