"""awasthi2021 metrics: parameter recovery after Hungarian matching, and test error on fresh rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.core.tensor import match_components
from depth2.learners.base import Fit

TEST_ROWS = 100_000


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """One row per (replicate, planted neuron): the matched neuron's |w_hat - w|, |b_hat - b|, |a_hat - a|,
    ``recovered`` (|w_hat - w| <= bounds.recovery_tol) and the replicate's test MSE / Var(y) on fresh rows
    drawn from the dataset's own ``test`` stream."""
    spec = dataset.spec
    family = get_family(spec.family)
    tol = float(bounds["recovery_tol"])
    rows = []
    for r, fit in enumerate(fits):
        hid = {k: v[r] for k, v in dataset.hidden.items()}
        Xt, yt = family.sample(spec.rng(r, "test"), TEST_ROWS, spec.d, spec.params, hid)
        rel_mse = float(np.mean((fit.predict(Xt) - yt) ** 2) / yt.var())
        W_hat = np.asarray(fit.params["W"], dtype=float)
        perm, cos = match_components(W_hat, hid["W"])
        s_m = float(np.linalg.svd(hid["W"], compute_uv=False)[-1])
        for i in range(hid["W"].shape[1]):
            j = perm[i]
            w_err = float(np.linalg.norm(W_hat[:, j] / np.linalg.norm(W_hat[:, j]) - hid["W"][:, i]))
            rows.append({**dataset.labels, "n": spec.n, "replicate": r, "neuron": i, "b_true": float(hid["b"][i]),
                         "a_true": float(hid["a"][i]), "cos": float(cos[i]), "w_err": w_err,
                         "b_err": abs(float(fit.params["b"][j]) - float(hid["b"][i])),
                         "a_err": abs(float(fit.params["a"][j]) - float(hid["a"][i])),
                         "recovered": bool(w_err <= tol), "rel_mse": rel_mse, "s_min": s_m})
    return pd.DataFrame(rows)
