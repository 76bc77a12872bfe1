"""guo2025 metrics: exact population losses of every fitted ReLU (never estimated from samples)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.core.gaussian import Phi
from depth2.core.io import dumps
from depth2.core.single_index import direction_correlation, exact_loss, optimal_loss, zero_loss
from depth2.learners.base import Fit
from depth2.papers.guo2025.data import truncation_order


@functools.lru_cache(maxsize=16)
def _opt_and_zero(family: str, params: str, hidden: str) -> tuple[float, float]:
    """OPT and the zero function's loss of the target of replicate 0 (OPT, a few seconds of Nelder-Mead,
    depends on the family and b alone). Cached: an evaluate job scores every learner of its point on the same
    target. Arguments are canonical JSON so that they hash."""
    target = get_family(family).population(json.loads(params),
                                            {k: np.asarray(v) for k, v in json.loads(hidden).items()})
    return optimal_loss(target), zero_loss(target)


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """One row per replicate: exact loss, OPT, L/OPT, overlap with the hidden direction, the exact correlation
    ``exy = E[y <v, x>]`` of the point's target, the CSQ instance's truncation order ``t_e`` (NaN on other
    families), and two flags:
    ``success`` (L/OPT <= bounds.success_ratio) and ``escaped`` (loss <= bounds.escape_fraction times the
    zero function's: the fit left the trivial, dead-ReLU solution).

    ``OPT`` is the least exact loss over all ReLUs (:func:`optimal_loss`, never above the planted
    ReLU's); it depends on the family and ``b`` only, not on the replicate's hidden direction.
    """
    spec = dataset.spec
    family = get_family(spec.family)
    success_ratio = float(bounds["success_ratio"])
    escape = float(bounds["escape_fraction"])
    rows = []
    if fits:
        hidden0 = dumps({k: v[0] for k, v in dataset.hidden.items()})
        opt, zero = _opt_and_zero(spec.family, dumps(spec.params), hidden0)
        # E[y <v, x>]: the correlation GD's first step from w ~ 0 reads (p. 6); it depends on the family, b and
        # alpha only, so replicate 0's target gives it for every replicate.
        exy = direction_correlation(family.population(spec.params, {k: v[0] for k, v in dataset.hidden.items()}))
    # Truncation order of the CSQ instance (Hermite degrees 0..t_e removed; Thm 2's cost grows like d^t_e).
    t_e = (float(truncation_order(float(spec.params["b"]), float(spec.params.get("alpha", 1.0))))
           if spec.family == "guo2025.hermite_truncated" else np.nan)
    for r, fit in enumerate(fits):
        target = family.population(spec.params, {k: v[r] for k, v in dataset.hidden.items()})
        w, b = np.asarray(fit.params["w"], dtype=float), float(fit.params["b"])
        loss = exact_loss(target, w, b)
        norm = float(np.linalg.norm(w))
        overlap = float(w @ target.v) / norm if norm > 0 else 0.0
        ratio = loss / opt
        oracle = _true_guess_ratio(target, fit.info, float(spec.params["b"]), opt)
        phi_b = float(Phi(spec.params["b"]))
        val_rows = fit.info.get("validation_rows")
        rows.append({**dataset.labels, "n": spec.n, "n_phi": spec.n * float(Phi(spec.params["b"])),
                     "replicate": r, "loss": loss, "opt": opt, "ratio": ratio, "zero_ratio": zero / opt,
                     "overlap": overlap, "abs_overlap": abs(overlap), "norm": norm, "bias_hat": b,
                     "success": bool(ratio <= success_ratio), "escaped": bool(loss <= escape * zero),
                     "initial_overlap": float(fit.info.get("initial_overlap", np.nan)),
                     "escape_step": float(fit.info["escape_step"]) if fit.info.get("escape_step", -1) >= 0
                     else np.nan,
                     "n_phi_val": float(val_rows) * phi_b if val_rows is not None else np.nan,
                     "oracle_ratio": oracle, "selection_excess": ratio / oracle if np.isfinite(oracle) else np.nan,
                     "exy": exy, "t_e": t_e, "rows_read": float(fit.info.get("rows_read", np.nan))})
    return pd.DataFrame(rows)


def _true_guess_ratio(target: Any, info: Mapping[str, Any], b: float, opt: float) -> float:
    """The direction/selection diagnostic of the SQ learners: exact L/OPT of the candidate at the true guess
    (beta = |v| = 1, gamma nearest b; the better of its two PCA signs), from the last PGD direction of every
    guess that the fit records (``guess_w``). ``ratio / oracle_ratio`` is then the excess that held-out
    selection adds to the direction's own error (< 1 when selection picked an earlier iterate or another
    guess that happens to be better). NaN for learners without the record."""
    if "guess_w" not in info:
        return float("nan")
    W = np.asarray(info["guess_w"], dtype=float)
    betas, gammas = np.asarray(info["guess_beta"], dtype=float), np.asarray(info["guess_gamma"], dtype=float)
    if W.size == 0:
        return float("nan")
    beta = betas[np.argmin(np.abs(betas - 1.0))]
    at = np.flatnonzero(betas == beta)
    gamma = gammas[at][np.argmin(np.abs(gammas[at] - b))]
    pick = at[gammas[at] == gamma]
    return min(exact_loss(target, beta * W[k], float(gamma)) for k in pick) / opt
