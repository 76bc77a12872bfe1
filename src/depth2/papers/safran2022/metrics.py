"""safran2022 metrics: test MSE on fresh rows relative to the trivial MSE p (1 - p).

A fit trained with ``trace=True`` carries its parameters at every logged GD step; it is scored at every one of
them (one row per step, column ``step``), so that figures can show test error against steps and the movement
experiment can set ``|theta_t - theta_0|`` beside its bound and the test error at the same step. Every other fit
gives one row, at its last step. The final model of a replicate is always its row with the largest ``step``
(:func:`final_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from depth2.core.data import get_family
from depth2.core.models import forward
from depth2.learners.base import Fit
from depth2.papers.safran2022.data import trivial_risk

TEST_ROWS = 20_000


def final_rows(df: pd.DataFrame, keys: Sequence[str] = ("experiment", "point", "learner", "replicate")
               ) -> pd.DataFrame:
    """The rows of each fit's last logged step (one per replicate)."""
    if "step" not in df:
        return df
    keys = [k for k in keys if k in df]
    last = df.groupby(keys, sort=False)["step"].transform("max")
    return df[df["step"] == last]


def _path_predictions(fit: Fit, X: np.ndarray) -> np.ndarray:
    """Predictions (n, T) of the model at each of its T logged steps."""
    p = fit.params
    if "trace_U" in p:  # weak net: the whole parameter vector moves
        T = min(p["trace_U"].shape[0], len(fit.info["curve_step"]))
        out = np.full((X.shape[0], T), np.nan)
        for t in range(T):
            if np.isfinite(p["trace_b0"][t]):
                snap = {**p, "U": p["trace_U"][t], "b": p["trace_b"][t], "w": p["trace_w"][t], "b0": p["trace_b0"][t]}
                out[:, t] = forward(fit.model, snap, X)
        return out
    T = len(fit.info["curve_step"])  # traces are NaN-padded past the logged iterates
    p = {**p, "trace_w": p["trace_w"][:T], "trace_c": p["trace_c"][:T]}
    if np.any(p["trace_c"] != 0):  # an output bias moves too: one forward pass per step
        return np.stack([forward(fit.model, {**p, "w": w, "c": c}, X) for w, c in zip(p["trace_w"], p["trace_c"],
                                                                                      strict=True)], axis=1)
    # strong net with c = 0: one pass over the frozen features for every step at once ((r, T) readouts)
    return forward(fit.model, {**p, "w": p["trace_w"].T, "c": np.array(0.0)}, X)


def _movement_bound(info: Mapping[str, Any]) -> np.ndarray:
    """sqrt(F(theta_0) sum_{s<t} eta_s / c) at each logged step, for the line-search GD (NaN otherwise)."""
    steps = len(info.get("curve_step", []))
    if info.get("optimizer") != "gd_ls":
        return np.full(steps, np.nan)
    return np.sqrt(float(info["F0"]) * np.asarray(info["curve_eta_sum"], dtype=float) / float(info["armijo"]))


def evaluate(dataset: Any, fits: Sequence[Fit], bounds: Mapping[str, Any]) -> pd.DataFrame:
    """Rows per replicate (and per logged step for traced fits): ``step``, ``mse`` on fresh rows of the dataset's
    ``test`` stream, ``trivial`` = p (1 - p) (exact, from the law's norm CDF), ``rel_mse`` = mse / trivial, the
    training loss at that step, the trained width and whether GD diverged; traced weak nets add ``movement``
    (``|theta_t - theta_0|``) and ``bound`` (the movement bound, line-search GD only)."""
    spec = dataset.spec
    family = get_family(spec.family)
    law, lam = spec.params["law"], float(spec.params["lam"])
    triv = trivial_risk(law, lam, spec.d)
    rows = []
    for r, fit in enumerate(fits):
        hid = {k: v[r] for k, v in dataset.hidden.items()}
        Xt, yt = family.sample(spec.rng(r, "test"), TEST_ROWS, spec.d, spec.params, hid)
        info = fit.info
        base = {**dataset.labels, "n": spec.n, "replicate": r, "trivial": triv,
                "fit_width": int(info.get("width", len(np.atleast_1d(fit.params.get("w", [0]))))),
                "diverged": bool(info.get("diverged", False)),
                "train_rows": int(info.get("rows", spec.n)), "trainable_params": int(info.get("trainable_params", 0)),
                "total_params": int(info.get("total_params", 0)),
                "active_fraction": float(info.get("active_fraction", np.nan)),
                "features_id": str(info.get("features_id", ""))}
        if "trace_w" in fit.params:
            pred = _path_predictions(fit, Xt)
            mse = np.mean((pred - yt[:, None]) ** 2, axis=0)
            steps, losses = info["curve_step"], info["curve_loss"]
            moved = info.get("curve_distance", [np.nan] * len(steps))
            bound = _movement_bound(info)
            for i, step in enumerate(steps):
                rows.append({**base, "step": int(step), "mse": float(mse[i]), "rel_mse": float(mse[i]) / triv,
                             "train_loss": float(losses[i]), "movement": float(moved[i]), "bound": float(bound[i])})
        else:
            mse = float(np.mean((fit.predict(Xt) - yt) ** 2))
            step = int(info.get("steps_done", info.get("steps", 0)))
            rows.append({**base, "step": step, "mse": mse, "rel_mse": mse / triv,
                         "train_loss": float(info.get("train_loss", np.nan)), "movement": np.nan, "bound": np.nan})
    return pd.DataFrame(rows)
