"""goel2021 figures."""

from __future__ import annotations

from collections.abc import Mapping
from math import comb

import numpy as np
import pandas as pd

from depth2.papers.goel2021.reductions import reduction_a_bounds
from depth2.plotting import line_with_interval, summarize

LEARNER = {"net_gd": "gradient descent", "net_adam": "Adam"}


def reduction_a(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["reduction_a"]
    ax = fig.subplots(1, 1)
    taus = np.arange(1, int(df["tau"].max()) + 2)
    M = float(df["M"].min())  # the smallest M drawn gives the widest band
    lo_d = [reduction_a_bounds(int(t), M, "digest")[0] for t in taus]
    lo_s = [reduction_a_bounds(int(t), M, "sharp")[0] for t in taus]
    ax.fill_between(taus, taus - 1, taus, color="0.9", label="separation band tau - 1 < OPT <= tau")
    ax.plot(taus, taus, color="k", lw=1, label="upper bound OPT <= tau (cover witness)")
    ax.plot(taus, lo_d, color="C3", lw=1, ls="--", label=f"digest's lower bound tau (1 + M^-1/2)^-2, M = {M:g}")
    ax.plot(taus, lo_s, color="C2", lw=1, ls=":", label="sharp lower bound tau M / (M + 1) (ours)")
    rng = np.random.default_rng(0)  # horizontal jitter only, to separate coincident points
    for k, (kind, g) in enumerate(df.groupby("kind", sort=True)):
        ax.scatter(g["tau"] + rng.uniform(-0.12, 0.12, len(g)), g["loss_sum"], s=18, color=f"C{k}", zorder=3,
                   label=f"exact OPT, {kind} instances ({len(g)})")
    ax.set_xlabel("cover number tau (exhaustive search)")
    ax.set_ylabel("exact optimum of one bias-free ReLU (summed squared loss)")
    ax.legend(fontsize=7)


def reduction_b(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["reduction_b"].copy()
    ax = fig.subplots(1, 1)
    df["name"] = [f"{r.kind} N={r.vertices} E={r.edges_count} k={r.k} #{r.replicate}" for r in df.itertuples()]
    df = df.sort_values(["colourable", "kind", "name"])
    y = np.arange(len(df))
    colors = np.where(df["colourable"], "C2", "C3")
    ax.barh(y, np.maximum(df["loss_sum"], 1e-3), color=colors)
    ax.set_yticks(y, df["name"], fontsize=6)
    ax.set_xscale("log")
    ax.axvline(1e-8, color="k", lw=0.8, ls=":")
    ax.set_xlabel("exact summed loss of k positive bias-free ReLUs (bars at 1e-3 mean 0)")
    ax.scatter([], [], color="C2", marker="s", label="k-colourable (backtracking)")
    ax.scatter([], [], color="C3", marker="s", label="not k-colourable")
    ax.legend(fontsize=7, loc="lower right")


def solver_cost(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["solver_cost"]
    ax1, ax2 = fig.subplots(1, 2)
    for k, (d, g) in enumerate(df.groupby("d", sort=True)):
        s = summarize(g, ["n"], "seconds", log=True)
        line_with_interval(ax1, s["n"], s["mean"], s["lo"], s["hi"], label=f"d = {d}", color=f"C{k}")
        n0, t0 = float(s["n"].iloc[-1]), float(s["mean"].iloc[-1])
        ns = np.array([float(s["n"].iloc[0]), n0])
        ax1.plot(ns, t0 * (ns / n0) ** (d - 1), color=f"C{k}", ls=":", lw=1)
        c = summarize(g, ["n"], "cells_total", log=True)
        ax2.plot(c["n"], c["mean"], marker="o", ms=4, color=f"C{k}", label=f"d = {d}: cells enumerated")
        q = summarize(g, ["n"], "cells", log=True)
        ax2.plot(q["n"], q["mean"], marker="x", ms=4, lw=0.8, ls="--", color=f"C{k}", label=f"d = {d}: QPs solved")
        pos = g.groupby("n")["positive"].mean()
        ax2.plot(pos.index, [2 * sum(comb(round(m) - 1, i) for i in range(d)) for m in pos.values], color=f"C{k}",
                 ls=":", lw=1)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n (points; the positive-label ones define the arrangement)")
        ax.legend(fontsize=7)
    ax1.set_ylabel("exact solver wall time, s (geometric mean over seeds)\ndotted: slope d - 1")
    ax2.set_ylabel("arrangement cells (dotted: 2 sum_{i<d} C(n' - 1, i),\nn' positive-label points) and QPs solved")


def local_search(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["local_search"]
    df = df[df["success"].notna()].assign(success=lambda t: t["success"].astype(float))
    ax1, ax2 = fig.subplots(1, 2)
    proper = df[((df["instance"] == "set_cover") & (df["width"] == 1)) | ((df["instance"] == "planted") &
                                                                          (df["width"] == 2)) |
                (df["instance"] == "teacher")]
    names = sorted(set(proper["instance"]))
    for j, (ln, g) in enumerate(proper.groupby("learner", sort=True)):
        rates = [g[g["instance"] == nm]["success"].mean() for nm in names]
        ax1.bar(np.arange(len(names)) + (j - 0.5) * 0.38, rates, width=0.36, color=f"C{j}",
                label=LEARNER.get(ln, ln))
    ax1.set_xticks(range(len(names)), [f"{nm}\n(width {1 if nm != 'planted' else 2})" for nm in names])
    ax1.set_ylabel("fraction of random restarts reaching the optimum")
    ax1.set_ylim(0, 1.05)
    ax1.legend(fontsize=7)
    over = df[df["instance"].isin(["planted", "fano"])]
    for j, ((inst, ln), g) in enumerate(over.groupby(["instance", "learner"], sort=True)):
        s = g.groupby("width")["success"].mean()
        ax2.plot(s.index, s.values, marker="o", ms=4, color=f"C{j}", label=f"{inst}, {LEARNER.get(ln, ln)}")
    ax2.set_xscale("log", base=2)
    ax2.set_xlabel("width k (number of ReLUs; loss 0 is reachable at every k >= chromatic number)")
    ax2.set_ylabel("fraction of restarts reaching loss 0")
    ax2.set_ylim(0, 1.05)
    ax2.legend(fontsize=7)


def project_grid(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["project_grid"]
    ax1, ax2 = fig.subplots(1, 2)
    for k, (regime, g) in enumerate(df.groupby("regime", sort=True)):
        g = g.assign(inv=1.0 / g["eps"])
        s = summarize(g, ["inv"], "seconds", log=True)
        line_with_interval(ax1, s["inv"], s["mean"], s["lo"], s["hi"], label=f"{regime}: time", color=f"C{k}")
        p = g.groupby("inv")["grid_points"].mean()
        ax1.plot(p.index, p.values * float(s["mean"].iloc[-1]) / float(p.values[-1]), color=f"C{k}", ls=":",
                 lw=1, label=f"{regime}: grid points (scaled to the last time)")
        e = summarize(g, ["eps"], "excess")
        line_with_interval(ax2, e["eps"], e["mean"], e["lo"], e["hi"], label=regime, color=f"C{k}")
    ax1.set_yscale("log")
    ax1.set_xlabel("1 / eps")
    ax1.set_ylabel("fit time, s (geometric mean over seeds)")
    ax1.legend(fontsize=7)
    ax2.plot([df["eps"].min(), df["eps"].max()], [df["eps"].min(), df["eps"].max()], color="k", lw=0.8, ls=":",
             label="excess = eps")
    ax2.set_xlabel("eps (accuracy parameter)")
    ax2.set_ylabel("test loss - teacher's loss (noise variance)")
    ax2.legend(fontsize=7)
