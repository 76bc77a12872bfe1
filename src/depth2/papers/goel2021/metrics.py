"""goel2021 metrics: exact optima on the reduction instances, solver cost, local-search success, and the proper
learner's time and excess loss.

Which rows a fit gives is read from what it is (its ``info``): an ``exact`` / ``exact_bias`` fit gives its training
loss as a mean and as a sum (the reductions' statements are about sums), its cell count and time; on Set Cover also
the proven lower bounds (bias-free and, with the origin gadget, with a bias) and the summed loss of the biased ReLU
that fits the instance without the gadget (:func:`reductions.bias_free_fit_with_bias`: 0 up to rounding; both NaN
where ``M <= 1``, which only ``m_scan`` reaches); on the teacher data the positive-label count ``n'``, the number
``n''`` of distinct hyperplanes among them (normals parallel within the solver's tolerance merged) and the
arrangement count ``2 sum_{i<d} C(n'' - 1, i)``; a local-search fit gives one row per restart, scored against the
instance's known optimum; a ``project_grid`` or ``poly_kernel`` fit gives its time, work and excess test loss over
the teacher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.learners.base import Fit
from depth2.learners.exact_relu import _distinct
from depth2.papers.goel2021 import reductions as R

TEST_ROWS = 20_000
REALIZABLE_TOL = 1e-8  # a summed loss at most this counts as 0 (the QP solver is exact to ~1e-12)


def _instance(dataset: Any, r: int) -> dict[str, np.ndarray]:
    return {k: v[r] for k, v in dataset.hidden.items()}


def known_optimum(family: str, hidden: Mapping[str, np.ndarray], d: int, width: int, n: int) -> float:
    """The optimal mean training loss of ``width`` bias-free ReLUs where it is known without the exact solver:
    reduction A by its own exact method (:func:`reductions.set_cover_relu_opt`, one NNLS per small set of
    negative sets; one ReLU), a colouring instance that is ``width``-colourable (0, by the witness), a noiseless
    teacher (0). NaN otherwise."""
    if family == "goel2021.set_cover":
        if width != 1:
            return float("nan")
        A = np.asarray(hidden["incidence"]) > 0.5
        opt, _ = R.set_cover_relu_opt([tuple(np.flatnonzero(a)) for a in A], A.shape[1], float(hidden["M"]))
        return opt / n
    if family == "goel2021.colouring":
        edges = np.asarray(hidden["edges"]).astype(np.int64)
        return 0.0 if R.is_k_colourable(edges, d, width) is not None else float("nan")
    return 0.0


def _cost_fit_work(info: Mapping[str, Any], n: int) -> float | None:
    """The work of a project_grid experiment fit, None for other fits: grid candidates x rows (project_grid),
    arrangement cells x rows (project_exact, ``exact_work``), kernel flops and the solve (poly_kernel,
    ``kernel_work``)."""
    if "grid_points" in info:
        return float(info["grid_points"]) * int(info.get("rows", n))
    for key in ("exact_work", "kernel_work"):
        if key in info:
            return float(info[key])
    return None


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """Metrics rows of one learner at one point (see the module docstring)."""
    spec = dataset.spec
    rows = []
    for r, fit in enumerate(fits):
        X, y = dataset.replicate(r).materialize()
        hid = _instance(dataset, r)
        info = fit.info
        loss = float(np.mean((fit.predict(X) - y) ** 2))
        base = {**dataset.labels, "n": spec.n, "d": spec.d, "replicate": r}
        if "restart_losses" in info:
            width = int(info.get("width", 1))
            target = known_optimum(spec.family, hid, spec.d, width, spec.n)
            tol = float(bounds["success_tol"])
            conv = info.get("restart_converged", [None] * len(info["restart_losses"]))
            for j, lj in enumerate(info["restart_losses"]):
                rows.append({**base, "restart": j, "loss": float(lj), "target": target,
                             "success": bool(lj <= target + tol) if np.isfinite(target) else np.nan,
                             "restart_converged": conv[j]})
            continue
        work = _cost_fit_work(info, spec.n)
        if work is not None:
            family = get_family(spec.family)
            Xt, yt = family.sample(spec.rng(r, "test"), TEST_ROWS, spec.d, spec.params, hid)
            test = float(np.mean((fit.predict(Xt) - yt) ** 2))
            noise = float(spec.params.get("noise", 0.0))
            proper = "grid_points" in info
            rows.append({**base, "seconds": float(info["seconds"]),
                         "grid_points": int(info["grid_points"]) if proper else np.nan,
                         "work": work,
                         "degree": int(info["degree"]) if "degree" in info else np.nan,
                         "m": int(info["m"]) if "m" in info else np.nan,
                         "delta": float(info["delta"]) if proper else np.nan,
                         "rows": int(info.get("rows", spec.n)),
                         "train_loss": loss, "test_loss": test,
                         "excess": test - noise**2,
                         # the trivial predictors' excess (zero; the mean label) and the excess relative to E[y^2]
                         "zero_excess": float(np.mean(yt**2)) - noise**2,
                         "mean_excess": float(np.var(yt)) - noise**2,
                         "excess_rel": (test - noise**2) / max(float(np.mean(yt**2)), 1e-300)})
            continue
        row = {**base, "loss": loss, "loss_sum": loss * spec.n, "seconds": float(info.get("seconds", np.nan)),
               "cells": int(info.get("cells", -1)), "timed_out": bool(info.get("timed_out", False)),
               "reported_loss": float(info.get("loss", np.nan)), "bias": bool(info.get("bias", False)),
               "origin": int(float(hid.get("origin", 0.0)))}
        if "cells_total" in info and info["cells_total"] is not None:
            row["cells_total"] = int(info["cells_total"])
        if spec.family == "goel2021.set_cover":
            tau, M = float(hid["tau"]), float(hid["M"])
            A = np.asarray(hid["incidence"]) > 0.5
            keep = spec.n - row["origin"]  # the instance without the gadget's rows
            no_gadget = float("nan")  # the witness and the with-bias bound need M > 1 (m_scan goes below)
            if M > 1.0:
                w0, b0 = R.bias_free_fit_with_bias(M, A.shape[0])
                no_gadget = float(np.sum((np.maximum(X[:keep] @ w0 + b0, 0.0) - y[:keep]) ** 2))
            row.update({"tau": tau, "M": M, "lower_digest": R.reduction_a_bounds(int(tau), M, "digest")[0],
                        "lower_sharp": R.reduction_a_bounds(int(tau), M, "sharp")[0],
                        "lower_bias": R.reduction_a_bias_lower(int(tau), M, row["origin"]) if M >= 1.0
                        else float("nan"),
                        "no_gadget_bias_loss": no_gadget})
        elif spec.family == "goel2021.colouring":
            row.update({"colourable": bool(float(hid["colourable"]) > 0.5), "k": int(float(hid["k"])),
                        "edges_count": int(np.asarray(hid["edges"]).shape[0]),
                        "realizable": bool(loss * spec.n <= REALIZABLE_TOL)})
        else:
            npos = int(np.sum(y > 0))
            row["positive"] = npos
            # Cover's count holds for distinct hyperplanes in general position: normals parallel to within the
            # solver's tolerance (probability ~1e-2 per fit at n' ~ 600, d = 2) are one hyperplane
            P = X[y > 0]
            P = P / np.linalg.norm(P, axis=1, keepdims=True)
            distinct = int(_distinct(P).size) if npos else 0
            row["distinct_positive"] = distinct
            row["cells_formula"] = R.arrangement_cells(distinct, spec.d)
        rows.append(row)
    return pd.DataFrame(rows)
