"""Proper learning of one ReLU by random projection and exact ERM (``project_exact``; goel2021, issue 19).

The second proper arm beside :mod:`depth2.learners.project_grid`: the same Gaussian projection to ``m`` dimensions
(``m = ceil(c_m / eps)`` realizable, ``ceil(c_m / eps^2)`` agnostic, :func:`~depth2.learners.project_grid.default_m`),
then, instead of a grid over the projected unit ball, the EXACT least-squares single ReLU on the projected rows
(:func:`~depth2.learners.exact_relu.exact_relu_erm`, signs free). OUR construction, not the paper's: it shows the
other way a proper learner can pay for accuracy. The exact solver enumerates the cells of the central arrangement
of the patterned rows in ``R^{m'}`` (``m' = m + bias``), at most

    cells(r, m') = 2 sum_{i < m'} C(r - 1, i)    (r hyperplanes in general position),

so its work is polynomial in the rows but of degree ``m' - 1 ~ 1/eps``: at fixed work the rows it can afford fall
like ``max_cells^{1/(m'-1)}``. The learner therefore keeps the largest ``r <= n`` rows (uniform, without
replacement) with ``cells(r, m') <= max_cells`` (:func:`affordable_rows`), a bound that counts every row as
patterned (the solver patterns only the rows of one label sign, so the count it meets is lower).

Steps, for data ``X`` (n, d), ``y`` (n,):

1. ``P`` (m, d) with i.i.d. ``N(0, 1/m)`` entries (from ``shared_rng`` when given: ``depth2 fit`` passes the
   stream ``project_grid`` draws its ``P`` from, so both proper arms search the same projection; else ``rng``; or
   ``projection``), then the row subsample (``rng``, only if rows are dropped).
2. ``s = max(1, max_i |x_i|)`` over the kept rows, ``z = P x / s`` (``(P x / s, 1) / sqrt(2)`` with ``bias``), as in
   ``project_grid``, so both arms see the same projected geometry.
3. ``(v, sign) = exact_relu_erm(Z, y, width=1)``; output ``W = P^T v[:m] / s`` (``/ sqrt(2)``, ``b = v[m] / sqrt(2)``
   with ``bias``), ``a = sign``: ``a relu(<W, x> + b) = sign relu(<v, z>)`` exactly.

``info``: ``m``, ``rows``, ``cells`` (QPs solved), ``cells_total`` (leaves of the search), ``cells_bound``
(``cells(rows, m')``), ``exact_work`` (``cells_total x rows``: the grid arm's work is candidates x rows),
``train_loss``, ``seconds``, ``timed_out``, ``eps``, ``regime``, ``bias``, ``input_scale``.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np

from depth2.core.data import Samples, as_samples
from depth2.learners.base import Fit, check_params, register
from depth2.learners.exact_relu import exact_relu_erm
from depth2.learners.project_grid import (
    PROJECTION_STREAM,
    REGIMES,
    _err,
    _int,
    _real,
    _take_rows,
    default_m,
    draw_projection,
    given_projection,
    project_rows,
)

log = logging.getLogger(__name__)

NAME = "project_exact"
DEFAULTS: dict[str, Any] = {
    "eps": 0.2,
    "m": None,
    "c_m": 0.9,
    "regime": "realizable",
    "max_cells": 20_000,
    "bias": False,
    "projection": None,
    "time_budget": None,
}


def cells_bound(rows: int, dim: int) -> int:
    """``2 sum_{i < dim} C(rows - 1, i)``: the most cells a central arrangement of ``rows`` hyperplanes has in
    ``R^dim`` (attained in general position); 0 for no rows."""
    if rows <= 0:
        return 0
    return 2 * sum(math.comb(rows - 1, i) for i in range(dim))


def affordable_rows(n: int, dim: int, max_cells: int) -> int:
    """The largest ``r <= n`` with ``cells_bound(r, dim) <= max_cells`` (at least 1). Bisection: the bound
    increases with ``r``."""
    if cells_bound(n, dim) <= max_cells:
        return n
    lo, hi = 1, n  # cells_bound(lo) <= max_cells (2 <= max_cells is checked by the caller) < cells_bound(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cells_bound(mid, dim) <= max_cells:
            lo = mid
        else:
            hi = mid
    return lo


@register(NAME)
def fit_project_exact(X: np.ndarray | Samples, y: np.ndarray | None = None, *, rng: np.random.Generator,
                      width: int = 1, shared_rng: np.random.Generator | None = None, **params: Any) -> Fit:
    """One ReLU by Gaussian projection to ``m`` dimensions and exact ERM on the rows it can afford (module docstring).

    Parameters
    ----------
    X : ndarray (n, d) or Samples
    y : ndarray (n,), optional
    rng : numpy.random.Generator
        Draws ``P`` (unless ``shared_rng`` is given), then the row subsample.
    width : int
        Must be 1 (the exact solver's cost is (cells)^k; width 2 is out of reach at these sizes).
    shared_rng : numpy.random.Generator, optional
        Draws ``P`` when given (the stream ``PROJECTION_STREAM`` that ``project_grid`` shares).
    **params
        ``eps`` (0.2; in (0, 1]), ``m`` (None: ``default_m``; int >= 1), ``c_m`` (0.9; > 0), ``regime``
        ("realizable" | "agnostic"), ``max_cells`` (2e4; int >= 2: the arrangement bound the kept rows may reach),
        ``bias`` (False), ``projection`` (None | (m, d) array), ``time_budget`` (None | seconds, passed to the solver).

    Returns
    -------
    Fit
        ``relu_net`` with ``a`` (1,) in {-1, +1}, ``W`` (d, 1), ``b`` (1,).
    """
    t0 = time.perf_counter()
    p = check_params(NAME, params, DEFAULTS)
    _int("width", width, 1, 1)
    eps = _real("eps", p["eps"], 0.0, 1.0)
    c_m = _real("c_m", p["c_m"], 0.0)
    regime = p["regime"]
    if regime not in REGIMES:
        raise _err("regime", f"one of {list(REGIMES)}", regime)
    max_cells = _int("max_cells", p["max_cells"], 2)
    if not isinstance(p["bias"], bool | np.bool_):
        raise _err("bias", "True or False", p["bias"])
    bias = bool(p["bias"])
    budget = None if p["time_budget"] is None else _real("time_budget", p["time_budget"], 0.0)

    S = as_samples(X, y)
    d = S.d
    P, m = given_projection(p["projection"], p["m"], d, lambda: default_m(eps, 1, c_m, regime))
    if P is None:
        P = draw_projection(rng if shared_rng is None else shared_rng, m, d)
    dim = m + int(bias)
    rows = affordable_rows(S.n, dim, max_cells)
    Xm, ym = _take_rows(S, rows, rng)
    Z, scale = project_rows(Xm, P, bias)
    log.info("%s: eps=%g m=%d: %d of %d rows (arrangement bound %d <= %d cells)", NAME, eps, m, rows, S.n,
             cells_bound(rows, dim), max_cells)
    res = exact_relu_erm(Z, ym, width=1, time_budget=budget)
    v = res.V[:, 0]
    W = (P.T @ v[:m] / scale)[:, None]
    b = np.zeros(1)
    if bias:
        W /= math.sqrt(2.0)
        b = np.array([v[m] / math.sqrt(2.0)])
    fit = Fit("relu_net", {"a": res.signs.astype(float), "W": W, "b": b})
    total = int(res.cells_total) if res.cells_total is not None else int(res.cells)
    fit.info = {"m": int(m), "rows": int(rows), "cells": int(res.cells), "cells_total": total,
                "cells_bound": cells_bound(rows, dim), "exact_work": float(total) * rows,
                "train_loss": float(res.loss), "seconds": time.perf_counter() - t0, "timed_out": bool(res.timed_out),
                "eps": eps, "regime": regime, "c_m": c_m, "bias": bias, "input_scale": scale, "width": 1}
    return fit


fit_project_exact.shared_stream = PROJECTION_STREAM  # type: ignore[attr-defined]
