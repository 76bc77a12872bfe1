"""awasthi2021 metrics: Monte Carlo checks of c_k(b); parameter recovery after Hungarian matching, and test
error on fresh rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.core.hermite import hermite_he, relu_hermite_coeff
from depth2.core.tensor import match_components
from depth2.learners.base import Fit

TEST_ROWS = 100_000
MAX_K = 5


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """The metrics of one point: :func:`hermite_mc` for the Gaussian draws of experiment 1, else
    :func:`recovery`."""
    if dataset.spec.family == "awasthi2021.gaussian_1d":
        return hermite_mc(dataset)
    return recovery(dataset, fits, bounds)


def hermite_mc(dataset: Any) -> pd.DataFrame:
    """One row per (replicate, b, k <= MAX_K): the Monte Carlo mean of relu(z + b) He_k(z) over the
    replicate's n draws, its standard error, the closed form c_k(b) and the z-score of the difference."""
    rows = []
    for r in range(dataset.spec.replicates):
        z = np.concatenate([Xc[:, 0] for Xc, _ in dataset.replicate(r).chunks()])
        n = z.shape[0]
        he = [hermite_he(k, z) for k in range(MAX_K + 1)]
        for b in dataset.hidden["biases"][r]:
            act = np.maximum(z + b, 0.0)
            for k in range(MAX_K + 1):
                v = act * he[k]
                mc, se = float(v.mean()), float(v.std(ddof=1) / np.sqrt(n))
                exact = float(relu_hermite_coeff(k, b))
                rows.append({**dataset.labels, "n": n, "replicate": r, "b": float(b), "k": k, "mc": mc, "se": se,
                             "exact": exact, "z": (mc - exact) / se if se > 0 else 0.0})
    return pd.DataFrame(rows)


def recovery(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """One row per (replicate, planted neuron), after Hungarian matching by |cos|:

    * ``w_err`` = |w_hat - w| (signed: a flipped neuron scores about 2), ``dir_err`` = min(|w_hat -+ w|)
      (the direction up to sign), ``b_err``, ``a_err``;
    * ``recovered`` (w_err <= bounds.recovery_tol), ``dir_recovered`` (dir_err <= recovery_tol),
      ``wb_recovered`` (recovered and b_err <= bounds.bias_tol: the neuron as a function), ``failed``
      (w_err > bounds.fail_err: a catastrophic failure, a flip or a lost neuron, not a noisy estimate);
    * the replicate's test MSE / Var(y) on fresh rows from the dataset's own ``test`` stream and s_m(W).
    """
    spec = dataset.spec
    family = get_family(spec.family)
    tol, btol, fail = float(bounds["recovery_tol"]), float(bounds["bias_tol"]), float(bounds["fail_err"])
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
            u = W_hat[:, j] / np.linalg.norm(W_hat[:, j])
            w_err = float(np.linalg.norm(u - hid["W"][:, i]))
            dir_err = min(w_err, float(np.linalg.norm(u + hid["W"][:, i])))
            b_err = abs(float(fit.params["b"][j]) - float(hid["b"][i]))
            rows.append({**dataset.labels, "n": spec.n, "replicate": r, "neuron": i, "b_true": float(hid["b"][i]),
                         "a_true": float(hid["a"][i]), "cos": float(cos[i]), "w_err": w_err, "dir_err": dir_err,
                         "b_err": b_err, "a_err": abs(float(fit.params["a"][j]) - float(hid["a"][i])),
                         "recovered": bool(w_err <= tol), "dir_recovered": bool(dir_err <= tol),
                         "wb_recovered": bool(w_err <= tol and b_err <= btol), "failed": bool(w_err > fail),
                         "rel_mse": rel_mse, "s_min": s_m})
    return pd.DataFrame(rows)
