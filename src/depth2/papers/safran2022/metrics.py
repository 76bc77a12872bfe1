"""safran2022 metrics: test MSE on fresh rows relative to the trivial MSE p (1 - p)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.learners.base import Fit
from depth2.papers.safran2022.data import trivial_risk

TEST_ROWS = 20_000


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """One row per replicate: ``mse`` on fresh rows of the dataset's ``test`` stream, ``trivial`` = p (1 - p)
    (exact, from the law's norm CDF), ``rel_mse`` = mse / trivial, the final training loss and, for weak nets,
    the trained width and whether GD diverged."""
    spec = dataset.spec
    family = get_family(spec.family)
    law, lam = spec.params["law"], float(spec.params["lam"])
    triv = trivial_risk(law, lam, spec.d)
    rows = []
    for r, fit in enumerate(fits):
        hid = {k: v[r] for k, v in dataset.hidden.items()}
        Xt, yt = family.sample(spec.rng(r, "test"), TEST_ROWS, spec.d, spec.params, hid)
        mse = float(np.mean((fit.predict(Xt) - yt) ** 2))
        rows.append({**dataset.labels, "n": spec.n, "replicate": r, "mse": mse, "trivial": triv,
                     "rel_mse": mse / triv, "train_loss": float(fit.info.get("train_loss", np.nan)),
                     "fit_width": int(fit.info.get("width", len(np.atleast_1d(fit.params.get("w", [0]))))),
                     "diverged": bool(fit.info.get("diverged", False))})
    return pd.DataFrame(rows)
