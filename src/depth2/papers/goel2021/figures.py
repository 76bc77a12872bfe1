"""goel2021 figures."""

from __future__ import annotations

from collections.abc import Mapping
from math import comb

import numpy as np
import pandas as pd

from depth2.papers.goel2021.reductions import reduction_a_bias_lower, reduction_a_bounds
from depth2.plotting import line_with_interval, summarize

LEARNER = {"net_gd": "gradient descent", "net_adam": "Adam"}


MODEL = {"exact": "bias-free", "exact_bias": "with bias + origin gadget"}


def reduction_a(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["reduction_a"]
    if "learner" not in df:
        df = df.assign(learner="exact")
    ax = fig.subplots(1, 1)
    taus = np.arange(1, int(df["tau"].max()) + 2)
    M = float(df["M"].min())  # the smallest M drawn gives the widest band
    lo_s = [reduction_a_bounds(int(t), M, "sharp")[0] for t in taus]
    ax.fill_between(taus, taus - 1, taus, color="0.9", label="separation band tau - 1 < OPT <= tau")
    ax.plot(taus, taus, color="k", lw=1, label="upper bound OPT <= tau (cover witness)")
    ax.plot(taus, lo_s, color="C2", lw=1, ls=":", label=f"bias-free lower bound tau M / (M + 1), M = {M:g}")
    if "origin" in df and (df["origin"] > 0).any():
        o = int(df.loc[df["M"] == M, "origin"].min())
        ax.plot(taus, [reduction_a_bias_lower(int(t), M, o) for t in taus], color="C3", lw=1, ls="--",
                label=f"with-bias lower bound tau rho W0 / (W0 + tau rho), W0 = {o}")
    rng = np.random.default_rng(0)  # horizontal jitter only, to separate coincident points
    for k, (ln, g) in enumerate(df.groupby("learner", sort=True)):
        ax.scatter(g["tau"] + (k - 0.5) * 0.25 + rng.uniform(-0.08, 0.08, len(g)), g["loss_sum"], s=18,
                   marker="o" if ln == "exact" else "^", color=f"C{k}", zorder=3,
                   label=f"exact OPT, {MODEL.get(ln, ln)} ({len(g)} instances)")
    if "no_gadget_bias_loss" in df:
        ax.scatter(df["tau"], df["no_gadget_bias_loss"], s=14, marker="x", color="0.4", zorder=3,
                   label="biased ReLU w = -c 1, b = 1 + c WITHOUT the gadget (loss 0)")
    ax.set_xlabel("cover number tau (exhaustive search)")
    ax.set_ylabel("exact optimum of one ReLU (summed squared loss)")
    ax.legend(fontsize=7)


def reduction_b(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["reduction_b"].copy()
    if "learner" not in df:
        df["learner"] = "exact"
    ax = fig.subplots(1, 1)
    df["name"] = [f"{r.kind} N={r.vertices} E={r.edges_count} k={r.k} #{r.replicate} "
                  f"[{MODEL.get(r.learner, r.learner)}]" for r in df.itertuples()]
    df = df.sort_values(["colourable", "kind", "name"])
    y = np.arange(len(df))
    colors = np.where(df["colourable"], "C2", "C3")
    ax.barh(y, np.maximum(df["loss_sum"], 1e-3), color=colors)
    ax.set_yticks(y, df["name"], fontsize=5)
    ax.set_xscale("log")
    ax.axvline(1e-8, color="k", lw=0.8, ls=":")
    ax.set_xlabel("exact summed loss of k positive ReLUs (bars at 1e-3 mean 0)")
    ax.scatter([], [], color="C2", marker="s", label="k-colourable (backtracking)")
    ax.scatter([], [], color="C3", marker="s", label="not k-colourable")
    ax.legend(fontsize=7, loc="lower right")


def solver_cost(tables: Mapping[str, pd.DataFrame], fig) -> None:
    df = tables["solver_cost"]
    if "design" not in df:
        df = df.assign(design="n")
    ax1, ax2, ax3 = fig.subplots(1, 3)
    byn = df[df["design"] == "n"]
    for k, (d, g) in enumerate(byn.groupby("d", sort=True)):
        g = g.assign(npos=g["positive"].astype(float))
        ax1.scatter(g["npos"], g["seconds"], s=10, color=f"C{k}", label=f"d = {d}")
        ax2.scatter(g["npos"], g["cells_total"], s=14, marker="o", color=f"C{k}", label=f"d = {d}: cells enumerated")
        ax2.scatter(g["npos"], g["cells"], s=14, marker="x", color=f"C{k}", label=f"d = {d}: QPs solved")
        ns = np.arange(max(1, int(g["npos"].min())), int(g["npos"].max()) + 1)
        ax2.plot(ns, [2 * sum(comb(m - 1, i) for i in range(d)) for m in ns], color=f"C{k}", ls=":", lw=1)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n' (positive-label points: they define the arrangement)")
        ax.legend(fontsize=6)
    ax1.set_ylabel("exact solver wall time, s")
    ax2.set_ylabel("cells enumerated (dotted: 2 sum_{i<d} C(n' - 1, i))\nand QPs solved")
    byd = df[df["design"] == "d"]
    if len(byd):
        s = summarize(byd, ["d"], "seconds", log=True)
        line_with_interval(ax3, s["d"], s["mean"], s["lo"], s["hi"], label="wall time, s", color="C0")
        c = byd.groupby("d")["cells_total"].mean()
        ax3.plot(c.index, c.values, marker="o", color="C1", label="cells enumerated")
        ax3.plot(c.index, [2.0 ** (2 * d - 1) for d in c.index], color="C1", ls=":", lw=1, label="2^(2d - 1)")
        q = byd.groupby("d")["cells"].mean()
        ax3.plot(q.index, q.values, marker="x", color="C2", lw=0.8, label="QPs solved (after pruning)")
        ax3.set_yscale("log")
        ax3.set_xlabel("d (with n' = 2d positive labels)")
        ax3.legend(fontsize=6)


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
    if "learner" not in df:
        df = df.assign(learner="project_grid")
    if "work" not in df:
        df = df.assign(work=df["grid_points"].astype(float))
    if "excess_rel" not in df:
        df = df.assign(excess_rel=df["excess"])
    ax1, ax2 = fig.subplots(1, 2)
    name = {"project_grid": "proper grid", "project_exact": "proper exact ERM", "poly_kernel": "improper kernel"}
    style = {"project_grid": "-", "project_exact": ":", "poly_kernel": "--"}
    for k, ((ln, regime), g) in enumerate(df.groupby(["learner", "regime"], sort=True)):
        g = g.assign(inv=1.0 / g["eps"])
        ls = style.get(ln, "-.")
        s = summarize(g, ["inv"], "work", log=True)
        ax1.plot(s["inv"], s["mean"], marker="o", ms=4, ls=ls, color=f"C{k}", label=f"{name.get(ln, ln)}, {regime}")
        if ln == "project_exact" and "rows" in g:  # the rows its cell budget affords: they fall as m grows
            kept = g.groupby("inv")["rows"].median()
            for x, yv in zip(s["inv"], s["mean"], strict=True):
                ax1.annotate(f"{int(kept[x])} rows", (x, yv), textcoords="offset points", xytext=(3, 4),
                             fontsize=6, color=f"C{k}")
        e = summarize(g, ["eps"], "excess_rel")
        line_with_interval(ax2, e["eps"], e["mean"], e["lo"], e["hi"], label=f"{name.get(ln, ln)}, {regime}",
                           color=f"C{k}")
    ax1.set_yscale("log")
    ax1.set_xlabel("1 / eps")
    ax1.set_ylabel("work: grid candidates (grid) or cells (exact ERM)\nx rows; kernel flops + n^3/3 (improper)")
    ax1.legend(fontsize=7)
    ax2.set_yscale("symlog", linthresh=1e-3)
    ax2.set_xlabel("eps (accuracy parameter)")
    ax2.set_ylabel("excess test loss / E[y^2]")
    ax2.legend(fontsize=7)


def m_scan(tables: Mapping[str, pd.DataFrame], fig) -> None:
    """Left: the fraction of instances in the band tau - 1 < OPT <= tau against m_scale; right: OPT - (tau - 1) per
    instance (the band is (0, 1]); bias-free and with a bias; a vertical line at the proof's m_scale = 9."""
    df = tables["m_scan"]
    if "learner" not in df:
        df = df.assign(learner="exact")
    df = df.assign(gap=df["loss_sum"] - (df["tau"] - 1.0),
                   inst=[f"{r.kind} N={r.sets} #{r.replicate}" for r in df.itertuples()])
    df = df.assign(inside=((df["gap"] > 0) & (df["loss_sum"] <= df["tau"] + 1e-9)).astype(float))
    ax1, ax2 = fig.subplots(1, 2)
    for k, (ln, g) in enumerate(df.groupby("learner", sort=True)):
        marker = "o" if ln == "exact" else "^"
        s = g.groupby("m_scale")["inside"].agg(["mean", "size"])
        ax1.plot(s.index, s["mean"], marker=marker, color=f"C{k}",
                 label=f"{MODEL.get(ln, ln)} ({int(s['size'].max())} instances)")
        for j, (_, h) in enumerate(g.groupby("inst", sort=True)):
            h = h.sort_values("m_scale")
            ax2.plot(h["m_scale"], h["gap"], marker=marker, ms=3, lw=0.8, alpha=0.7, color=f"C{k}",
                     label=MODEL.get(ln, ln) if j == 0 else None)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.axvline(9.0, color="k", lw=0.8, ls="--", label="proof's m_scale = 9")
        ax.set_xlabel("m_scale (element weight M = m_scale N^2)")
    ax1.set_ylim(-0.05, 1.05)
    ax1.set_ylabel("fraction of instances with tau - 1 < OPT <= tau")
    ax2.axhspan(0.0, 1.0, color="0.9", zorder=0, label="band tau - 1 < OPT <= tau")
    ax2.set_ylabel("OPT - (tau - 1), one line per instance (summed loss)")
    ax1.legend(fontsize=7)
    ax2.legend(fontsize=7)
