"""mondelli2019 metrics: test risk relative to Var(y), the variance identity, and weight recovery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.core.tensor import match_components
from depth2.learners.base import Fit
from depth2.papers.mondelli2019.data import activation, population_variance
from depth2.papers.mondelli2019.experiments import generic_rank

TEST_ROWS = 50_000


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """One row per replicate: ``rel_risk`` = test MSE / Var(y) (Var(y) exact, from the planted W), the
    empirical variance ratio ``var_ratio`` = Var_test(y) / Var(y), and for proper fits (with ``W``) the
    matched |cos| of every planted unit summarized as ``frac_recovered`` (|cos| >= bounds.recovery_cos),
    ``mean_cos``, ``mean_cos6`` (mean |cos|^6: for near-orthogonal units with a least-squares output layer
    risk / Var(y) = 1 - mean_cos6) and ``median_weight_err`` (median of 1 - |cos|); NaN for improper fits.
    ``ratio`` = r / d^1.5, ``r_over_rank`` = r / generic rank, ``population`` = the fit read the exact T3."""
    spec = dataset.spec
    family = get_family(spec.family)
    coef = activation(spec.params["sigma"])
    cos_min = float(bounds["recovery_cos"])
    rows = []
    for r, fit in enumerate(fits):
        hid = {k: v[r] for k, v in dataset.hidden.items()}
        Xt, yt = family.sample(spec.rng(r, "test"), TEST_ROWS, spec.d, spec.params, hid)
        var = population_variance(hid["W"], coef)
        risk = float(np.mean((fit.predict(Xt) - yt) ** 2))
        width = int(spec.params["r"])
        row = {**dataset.labels, "n": spec.n, "d": spec.d, "r": width, "replicate": r,
               "ratio": width / spec.d**1.5, "r_over_rank": width / generic_rank(spec.d),
               "population": bool(fit.info.get("population", False)),
               "rel_risk": risk / var, "var_ratio": float(yt.var()) / var, "var_pop": var,
               "frac_recovered": np.nan, "mean_cos": np.nan, "mean_cos6": np.nan, "median_weight_err": np.nan}
        if "W" in fit.params:
            _, cos = match_components(np.asarray(fit.params["W"], dtype=float), hid["W"])
            c = np.abs(cos)
            row.update(frac_recovered=float(np.mean(c >= cos_min)), mean_cos=float(c.mean()),
                       mean_cos6=float(np.mean(c**6)), median_weight_err=float(np.median(1.0 - c)))
        rows.append(row)
    return pd.DataFrame(rows)
