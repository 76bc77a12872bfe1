"""Benchmark of the safran2022 strong net (``strong_net``, :mod:`depth2.learners.ball_nets`).

The strong net is ``clip01(sum_j w_j erf(<u_j, x> + b_j))`` with the hidden layer ``(U, b)`` drawn once and
frozen; only ``w`` is trained, by full-batch GD. ``strong_net`` therefore builds the frozen features
``Xt = erf(X U + b)`` (n x r) once per fit and every GD step is one call of
:func:`~depth2.learners.ball_nets.readout_loss_grad` on them: two matrix-vector products over ``Xt``
(``z = Xt w`` and ``Xt^T g``), done row block by row block so that each block of ``Xt`` is read from memory
once for both, plus O(n) elementwise work. This section measures, in one process, on the same data and net:

1. **One GD step** (loss and gradient in ``w``) at widths r in :data:`WIDTHS`, n = :data:`N`, d = :data:`D`:
   ours (``readout_loss_grad`` itself, called exactly as ``_readout_solve`` calls it) against torch CPU float64
   on the same ``Xt`` (shared memory, ``torch.from_numpy``), both as autograd (``loss.backward()`` with
   ``requires_grad`` on w) and as a hand-written step (the same formula in torch ops), with
   ``torch.set_num_threads`` equal to numpy's BLAS threads; then both at 1 thread. A single ``Xt @ w`` is
   timed next to them: every step must read ``Xt`` at least once, so that GEMV is the floor.
   Also the one-time **feature build** ``erf(X U + b)`` (ours: ``erf_features``; torch: ``addmm`` + ``erf``).
2. **The whole ``strong_net`` fit** at r = :data:`FIT_WIDTH` with its default step budget
   (``STRONG_DEFAULTS``), wall seconds, split into its phases by wrapping the module's ``erf_features``,
   ``gram_lambda_max`` and ``_readout_solve`` with timers. Part 1 also times one whole iteration of the
   accelerated solver (Nesterov with gradient restart), ours against the same iteration in torch ops.
3. A scaling figure: ms per step against r, ours and torch.

Nothing here asserts a time: the numbers are measured and reported.

``python -m bench.safran2022 [--quick] [--wait-load L]`` runs this section alone (GEMM rate measured with
:func:`bench.environment.gemm_gflops`) and prints its Markdown.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

N = 20_000
D = 10
WIDTHS: tuple[int, ...] = (100, 400, 1600, 3200)
QUICK_WIDTHS: tuple[int, ...] = (100, 400, 1600)
FIT_WIDTH = 1600
QUICK_FIT_STEPS = 300  # quick mode only: the fit runs this many steps and its default-budget time is projected
LAW = "sphere_sum"  # D'_d of Eq. (5), radius the middle of the hard band (as the pipeline's experiments)
DATA_SEED = 2022
FIT_SEED = 0
STEP_MIN_REPEATS = 7
STEP_MIN_TIME_S = 1.5  # full mode: the alternating rounds of one (r, threads) span at least this long
QUICK_STEP_MIN_TIME_S = 0.4
STEP_MAX_REPEATS = 300
FEATURE_REPEATS = 3
TIME_TARGET_S = "tens of seconds on 2 cores"


def log(msg: str) -> None:
    """Progress line on stderr (the report goes to results.md)."""
    print(f"[bench.safran2022] {msg}", file=sys.stderr, flush=True)


def _load1() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def make_data(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(X (n, d), y (n,), lam): D'_d rows, ``y = 1{|x| <= lam}``, lam the middle of the hard band."""
    from depth2.papers.safran2022.data import sample_x
    from depth2.papers.safran2022.experiments import radius

    lam = radius(LAW, d, 1.5)
    X = sample_x(np.random.default_rng([seed, n, d]), n, d, LAW)
    y = (np.linalg.norm(X, axis=1) <= lam).astype(float)
    return np.ascontiguousarray(X), y, lam


def import_torch() -> tuple[Any, str | None]:
    """``(torch, None)``, or ``(None, reason)`` when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None, "torch not installed: skipped"
    return torch, None


def _torch_blas(torch: Any) -> str:
    for part in torch.__config__.show().replace("\n", ",").split(","):
        if "BLAS_INFO=" in part:
            return part.strip().split("=", 1)[1]
    return "unknown"


# ---------------------------------------------------------------------------------------------------
# Part 1: one GD step, and the feature build
# ---------------------------------------------------------------------------------------------------


def ours_step(Xt: np.ndarray, y: np.ndarray, w: np.ndarray, one_block: bool = False
              ) -> Callable[[], tuple[float, np.ndarray]]:
    """One loss-and-gradient evaluation exactly as ``_readout_solve`` makes it (same spans, reused ``g``);
    ``one_block``: the same function with ``spans = [(0, n)]`` (no row blocking: two full passes)."""
    from depth2.learners import ball_nets as bn

    spans = [(0, Xt.shape[0])] if one_block else bn._spans(*Xt.shape)
    g = np.zeros(Xt.shape[1])

    def step() -> tuple[float, np.ndarray]:
        loss, grad, _ = bn.readout_loss_grad(Xt, y, w, 0.0, "clip01", spans, g)
        return loss, grad

    return step


def torch_autograd_step(torch: Any, Xt: np.ndarray, y: np.ndarray, w: np.ndarray
                        ) -> Callable[[], tuple[float, np.ndarray]]:
    """torch forward ``mean((clamp(Xt w, 0, 1) - y)^2)`` + ``backward()``, ``requires_grad`` on w only."""
    T, yt = torch.from_numpy(Xt), torch.from_numpy(y)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)

    def step() -> tuple[float, np.ndarray]:
        wt.grad = None
        r = torch.clamp(T @ wt, 0.0, 1.0) - yt
        loss = (r * r).mean()
        loss.backward()
        return loss.item(), wt.grad.numpy()

    return step


def torch_manual_step(torch: Any, Xt: np.ndarray, y: np.ndarray, w: np.ndarray
                      ) -> Callable[[], tuple[float, np.ndarray]]:
    """The same loss and gradient written out in torch ops (no autograd): two ``mv`` over the whole ``Xt``."""
    T, yt = torch.from_numpy(Xt), torch.from_numpy(y)
    wt = torch.from_numpy(w.copy())
    n = Xt.shape[0]

    def step() -> tuple[float, np.ndarray]:
        z = torch.mv(T, wt)
        r = torch.clamp(z, 0.0, 1.0) - yt
        loss = torch.dot(r, r).item() / n
        gz = torch.where((z > 0) & (z < 1), r, torch.zeros((), dtype=r.dtype)) * (2.0 / n)
        return loss, torch.mv(T.t(), gz).numpy()

    return step


def ours_nesterov_step(Xt: np.ndarray, y: np.ndarray, w: np.ndarray) -> Callable[[], tuple[float, np.ndarray]]:
    """One whole iteration of ``strong_net``'s accelerated solver as ``_readout_solve`` makes it: the loss and
    gradient at the extrapolated point, the gradient step, the restart test and the next extrapolation."""
    from depth2.learners import ball_nets as bn

    spans = bn._spans(*Xt.shape)
    g = np.zeros(Xt.shape[1])
    state = {"theta": w.copy(), "point": w.copy(), "k": 0}
    eta = 1e-3

    def step() -> tuple[float, np.ndarray]:
        theta, point = state["theta"], state["point"]
        loss, grad, _ = bn.readout_loss_grad(Xt, y, point, 0.0, "clip01", spans, g)
        x_new = point - eta * grad
        if grad @ (x_new - theta) > 0:
            state["k"], x_prev = 0, x_new
        else:
            state["k"], x_prev = state["k"] + 1, theta
        k = state["k"]
        state["theta"], state["point"] = x_new, x_new + (k / (k + 3.0)) * (x_new - x_prev)
        return loss, grad

    return step


def torch_nesterov_step(torch: Any, Xt: np.ndarray, y: np.ndarray, w: np.ndarray
                        ) -> Callable[[], tuple[float, np.ndarray]]:
    """The same accelerated iteration in torch ops (hand-written gradient, two ``mv``; same restart rule)."""
    T, yt = torch.from_numpy(Xt), torch.from_numpy(y)
    n = Xt.shape[0]
    state = {"theta": torch.from_numpy(w.copy()), "point": torch.from_numpy(w.copy()), "k": 0}
    eta = 1e-3

    def step() -> tuple[float, np.ndarray]:
        theta, point = state["theta"], state["point"]
        z = torch.mv(T, point)
        r = torch.clamp(z, 0.0, 1.0) - yt
        loss = torch.dot(r, r).item() / n
        gz = torch.where((z > 0) & (z < 1), r, torch.zeros((), dtype=r.dtype)) * (2.0 / n)
        grad = torch.mv(T.t(), gz)
        x_new = point - eta * grad
        if torch.dot(grad, x_new - theta).item() > 0:
            state["k"], x_prev = 0, x_new
        else:
            state["k"], x_prev = state["k"] + 1, theta
        k = state["k"]
        state["theta"], state["point"] = x_new, x_new + (k / (k + 3.0)) * (x_new - x_prev)
        return loss, grad.numpy()

    return step


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _step_one_width(torch: Any, Xt: np.ndarray, y: np.ndarray, w: np.ndarray, min_time: float
                    ) -> dict[str, Any]:
    """Ours, torch autograd, torch hand-written and the one-GEMV floor, timed alternately (best of N)."""
    from depth2.learners import ball_nets as bn

    n, r = Xt.shape
    fns: dict[str, Callable[[], Any]] = {"ours": ours_step(Xt, y, w), "ours_1block": ours_step(Xt, y, w, True),
                                         "gemv": lambda: Xt @ w}
    if torch is not None:
        fns["torch_autograd"] = torch_autograd_step(torch, Xt, y, w)
        fns["torch_manual"] = torch_manual_step(torch, Xt, y, w)
    ref_loss, ref_grad = fns["ours"]()  # warm-up and reference
    fns["ours_nesterov"] = ours_nesterov_step(Xt, y, w)
    if torch is not None:
        fns["torch_nesterov"] = torch_nesterov_step(torch, Xt, y, w)
    ref_grad = ref_grad.copy()
    row: dict[str, Any] = {"n": n, "r": r, "loss": ref_loss,
                           "active_fraction": float(np.mean((Xt @ w > 0) & (Xt @ w < 1)))}
    for key in ("torch_autograd", "torch_manual"):
        if key in fns:
            loss, grad = fns[key]()  # warm-up
            row[f"{key}_grad_rel_diff"] = _rel(grad, ref_grad)
            row[f"{key}_loss_rel_diff"] = abs(loss - ref_loss) / max(abs(ref_loss), 1e-300)
    fns["gemv"]()
    times: dict[str, list[float]] = {k: [] for k in fns}
    t_start = time.perf_counter()
    while len(times["ours"]) < STEP_MAX_REPEATS and (len(times["ours"]) < STEP_MIN_REPEATS
                                                     or time.perf_counter() - t_start < min_time):
        for key, fn in fns.items():  # alternated, so that all see the same machine load
            times[key].append(_timed(fn)[0])
    row["repeats"] = len(times["ours"])
    for key, ts in times.items():
        row[f"{key}_s"] = min(ts)
        row[f"{key}_median_s"] = float(np.median(ts))
    flops, nbytes = 4.0 * n * r, 8.0 * n * r  # two GEMVs of 2 n r flops; Xt's bytes (read once at best)
    for key in fns:
        row[f"{key}_gflops"] = (flops / 2.0 if key == "gemv" else flops) / row[f"{key}_s"] / 1e9
        row[f"{key}_gbs"] = nbytes / row[f"{key}_s"] / 1e9
    if torch is not None:
        row["ratio_autograd"] = row["torch_autograd_s"] / row["ours_s"]
        row["ratio_manual"] = row["torch_manual_s"] / row["ours_s"]
        row["ratio_nesterov"] = row["torch_nesterov_s"] / row["ours_nesterov_s"]
    row["ours_over_gemv"] = row["ours_s"] / row["gemv_s"]
    row["one_block_over_ours"] = row["ours_1block_s"] / row["ours_s"]
    row["blocks"] = len(bn._spans(n, r))
    return row


def _features_one_width(torch: Any, X: np.ndarray, U: np.ndarray, b: np.ndarray, repeats: int
                        ) -> dict[str, Any]:
    """The one-time feature build ``erf(X U + b)``: ours (``erf_features``) against torch, best of repeats."""
    from depth2.learners import ball_nets as bn

    n, d = X.shape
    r = U.shape[1]
    row: dict[str, Any] = {"n": n, "d": d, "r": r}
    ours_t, torch_t = [], []
    ref = None
    if torch is not None:
        Xt_, Ut, bt = torch.from_numpy(X), torch.from_numpy(U), torch.from_numpy(b)

        def torch_fn() -> Any:
            return torch.special.erf(torch.addmm(bt, Xt_, Ut))
    for i in range(repeats):
        t, out = _timed(lambda: bn.erf_features(X, U, b))
        ours_t.append(t)
        if i == 0:
            ref = out
        del out
        if torch is not None:
            t, out = _timed(torch_fn)
            torch_t.append(t)
            if i == 0:
                row["torch_rel_diff"] = float(np.max(np.abs(out.numpy() - ref)))
            del out
    del ref
    row["ours_s"] = min(ours_t)
    row["ours_gflops"] = 2.0 * n * d * r / row["ours_s"] / 1e9
    row["ours_merf_s"] = n * r / row["ours_s"] / 1e6
    if torch is not None:
        row["torch_s"] = min(torch_t)
        row["torch_gflops"] = 2.0 * n * d * r / row["torch_s"] / 1e9
        row["torch_merf_s"] = n * r / row["torch_s"] / 1e6
        row["ratio"] = row["torch_s"] / row["ours_s"]
    return row


def steps_vs_torch(quick: bool, threads: int, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Part 1 at every width: per thread configuration (numpy's default, then 1) the step timings; the
    feature build at the default thread count."""
    from bench.environment import blas_threads_limited
    from depth2.learners import ball_nets as bn

    torch, skipped = import_torch()
    if skipped:
        log(skipped)
    widths = QUICK_WIDTHS if quick else WIDTHS
    min_time = QUICK_STEP_MIN_TIME_S if quick else STEP_MIN_TIME_S
    configs: list[dict[str, Any]] = [{"threads": t, "rows": []} for t in dict.fromkeys((threads, 1))]
    features: list[dict[str, Any]] = []
    for r in widths:
        # the draw strong_net makes with rng = default_rng(FIT_SEED): its net at initialization
        U, b, w = bn.draw_hidden(np.random.default_rng(FIT_SEED), X.shape[1], r)
        if torch is not None:
            torch.set_num_threads(threads)
        features.append(_features_one_width(torch, X, U, b, 1 if quick else FEATURE_REPEATS))
        Xt = bn.erf_features(X, U, b)
        for cfg in configs:
            with blas_threads_limited(cfg["threads"]) as ok:
                cfg["blas_set"] = ok
                if torch is not None:
                    torch.set_num_threads(cfg["threads"])
                    cfg["torch_threads"] = torch.get_num_threads()
                load0 = _load1()
                row = _step_one_width(torch, Xt, y, w, min_time)
                row["load_start"], row["load_end"] = load0, _load1()
            cfg["rows"].append(row)
            log(f"threads={cfg['threads']} r={r}: ours {row['ours_s'] * 1e3:.2f} ms, gemv {row['gemv_s'] * 1e3:.2f} ms"
                + (f", torch autograd {row['torch_autograd_s'] * 1e3:.2f} ms (x{row['ratio_autograd']:.2f}), "
                   f"hand-written {row['torch_manual_s'] * 1e3:.2f} ms (x{row['ratio_manual']:.2f})"
                   if torch is not None else ""))
        del Xt
    if torch is not None:
        torch.set_num_threads(threads)
    info: dict[str, Any] = {"configs": configs, "features": features, "skipped": skipped, "threads": threads,
                            "widths": list(widths), "n": int(X.shape[0]), "d": int(X.shape[1])}
    if torch is not None:
        info["torch_version"] = torch.__version__
        info["torch_blas"] = _torch_blas(torch)
    return info


# ---------------------------------------------------------------------------------------------------
# Part 2: the whole strong_net fit
# ---------------------------------------------------------------------------------------------------


def whole_fit(quick: bool, X: np.ndarray, y: np.ndarray, lam: float) -> dict[str, Any]:
    """``strong_net`` at r = FIT_WIDTH with default parameters (quick: QUICK_FIT_STEPS steps), wall time and
    phases; the fitted net's test MSE on fresh rows next to the best constant's."""
    from depth2 import learners
    from depth2.learners import ball_nets as bn
    from depth2.papers.safran2022.data import trivial_risk

    phases: dict[str, float] = {}
    originals = {name: getattr(bn, name) for name in ("erf_features", "gram_lambda_max", "_readout_solve")}

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t0
        return timed

    defaults = dict(bn.STRONG_DEFAULTS)
    params = {"steps": QUICK_FIT_STEPS} if quick else {}
    steps = params.get("steps", defaults["steps"])
    fit_learner = learners.get("strong_net")
    load0 = _load1()
    for name, fn in originals.items():
        setattr(bn, name, wrap(name, fn))
    try:
        t0 = time.perf_counter()
        fit = fit_learner(X, y, rng=np.random.default_rng(FIT_SEED), width=FIT_WIDTH, **params)
        wall = time.perf_counter() - t0
    finally:
        for name, fn in originals.items():
            setattr(bn, name, fn)
    load1 = _load1()
    Xte, yte, _ = make_data(X.shape[0], X.shape[1], DATA_SEED + 1)
    test_mse = float(np.mean((fit.predict(Xte) - yte) ** 2))
    gd = phases.get("_readout_solve", float("nan"))
    steps = int(fit.info["steps"])  # the convergence test stops the solver before its budget
    per_step = gd / (steps + 1)  # _readout_solve makes steps + 1 loss-and-gradient evaluations
    out = {"width": FIT_WIDTH, "n": int(X.shape[0]), "d": int(X.shape[1]), "steps": steps,
           "default_steps": defaults["steps"], "wall_s": wall, "phases": phases, "per_step_s": per_step,
           "other_s": wall - sum(phases.values()), "train_loss": float(fit.info["train_loss"]),
           "initial_loss": float(fit.info["curve_loss"][0]), "test_mse": test_mse,
           "trivial_mse": trivial_risk(LAW, lam, X.shape[1]), "active_fraction": fit.info.get("active_fraction"),
           "load_start": load0, "load_end": load1}
    if quick:
        out["projected_wall_s"] = wall - gd + per_step * (defaults["steps"] + 1)
    return out


# ---------------------------------------------------------------------------------------------------
# Figure and report
# ---------------------------------------------------------------------------------------------------


def plot_scaling(res: dict[str, Any], path: Path) -> None:
    """ms per GD step against r, log-log: ours, torch autograd, torch hand-written, the one-GEMV floor;
    solid lines at numpy's default thread count, dashed at 1 thread. Right: the one-time feature build."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [("ours_s", "ours (readout_loss_grad)", "tab:blue"),
              ("ours_1block_s", "ours, one block (no row blocking)", "tab:cyan"),
              ("gemv_s", "one Xt @ w (floor)", "0.5")]
    if not res["skipped"]:
        series += [("torch_autograd_s", f"torch {res.get('torch_version', '')} autograd", "tab:orange"),
                   ("torch_manual_s", "torch hand-written step", "tab:red")]
    fig, (ax, ax_f) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for cfg, style in zip(res["configs"], ("-", "--"), strict=False):
        rs = np.array([r["r"] for r in cfg["rows"]], float)
        for key, label, color in series:
            ax.loglog(rs, [row[key] * 1e3 for row in cfg["rows"]], style, marker="o", color=color,
                      label=f"{label}, {cfg['threads']} thr")
    rs = np.array(res["widths"], float)
    ax.set(xlabel="width r", ylabel="ms per loss + gradient (best of N)",
           title=f"strong-net GD step, n = {res['n']:,}, d = {res['d']}, float64")
    feats = res["features"]
    ax_f.loglog(rs, [f["ours_s"] * 1e3 for f in feats], "-o", color="tab:blue", label="ours (erf_features)")
    if not res["skipped"]:
        ax_f.loglog(rs, [f["torch_s"] * 1e3 for f in feats], "-o", color="tab:orange",
                    label="torch addmm + erf")
    ax_f.set(xlabel="width r", ylabel="ms (best of repeats)",
             title=f"one-time feature build erf(X U + b), {res['threads']} thr")
    for a in (ax, ax_f):
        a.set_xticks(rs, [str(int(r)) for r in rs])
        a.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        a.grid(True, which="both", alpha=0.3)
        a.legend(fontsize=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _ms(s: float) -> str:
    ms = s * 1e3
    return f"{ms:.3f}" if ms < 10 else f"{ms:.2f}" if ms < 100 else f"{ms:.1f}"


def _load_cell(row: dict[str, Any]) -> str:
    a, b = row.get("load_start"), row.get("load_end")
    return f"{a:.1f}–{b:.1f}" if a is not None and b is not None else "?"


def _steps_markdown(res: dict[str, Any], fig: str, gemm: float | None) -> list[str]:
    configs, n, d = res["configs"], res["n"], res["d"]
    lines = [
        "### 1. One strong-net GD step against torch",
        "",
        f"D'_d rows (`sphere_sum`, the middle of the hard band as radius), n = {n:,}, d = {d}, float64; the net "
        f"is `strong_net`'s own draw at initialization (`draw_hidden` with the fit's seed; w ~ N(0, I/r²)), and "
        "`Xt = erf(X U + b)` (n × r) is built once and shared by all (`torch.from_numpy`). *ours* is "
        "`ball_nets.readout_loss_grad(Xt, y, w, 0, 'clip01', spans, g)`, called as `_readout_solve` calls it each "
        "step (the step's update `w -= eta g` is O(r) and left out everywhere); it walks `Xt` in row blocks of "
        "about 1.5 MB so that each block is read from memory once for both GEMVs. *torch autograd*: "
        "`clamp(Xt @ w, 0, 1)`, mean squared error, `loss.backward()` with `requires_grad` on w; *torch "
        "hand-written*: the same formula with two `torch.mv` over the whole `Xt` and a `where` mask, no autograd. "
        "*ours, one block* is the same function with `spans = [(0, n)]` (no row blocking: two full passes over "
        "`Xt`), to show what the blocking buys; *blocks* is the number of row blocks `_spans` makes. "
        "*1 GEMV* is `Xt @ w` alone: any step must read `Xt` at least once, so it is the floor. All are timed "
        "alternately in one process, best of N, the rounds spread over at least a second or so; first with "
        f"numpy's default BLAS thread count ({res['threads']}) and torch at the same (`torch.set_num_threads`), "
        "then both at 1 thread. Flops per step: 4 n r (the forward GEMV `Xt w` and the gradient GEMV `Xt^T g`, "
        "2 n r each; O(n) elementwise work not counted); *GB/s* is n r × 8 bytes (one read of `Xt`) over the "
        "time. The frozen features X U (2 n d r flops) and their n r erf evaluations are **not** part of a step: "
        "`strong_net` computes them once per fit (table below).",
        "",
    ]
    if res["skipped"]:
        lines += [f"**{res['skipped']}** (only our timings below).", ""]
    else:
        lines += [f"torch {res['torch_version']} (BLAS: {res['torch_blas']}); numpy's BLAS is OpenBLAS.", "",
                  "Summary, **torch / ours** (best-of-N time ratio; above 1 means torch is slower than our "
                  "numpy step), autograd and hand-written:", "",
                  "| r | " + " | ".join(f"{c['threads']} thread(s), autograd | {c['threads']} thread(s), "
                                         "hand-written" for c in configs) + " |",
                  "| ---: | " + " | ".join("---: | ---:" for _ in configs) + " |"]
        for i, r in enumerate(res["widths"]):
            cells = " | ".join(f"**{c['rows'][i]['ratio_autograd']:.2f}** | {c['rows'][i]['ratio_manual']:.2f}"
                               for c in configs)
            lines.append(f"| {r:,} | {cells} |")
        lines += ["", "The accelerated solver's whole iteration (`strong_net`'s default: the loss and gradient at the "
                  "extrapolated point, the step, the gradient restart test, the next extrapolation), ours against "
                  "the same iteration in torch ops (hand-written gradient), **torch / ours**:", "",
                  "| r | " + " | ".join(f"{c['threads']} thread(s): ours (ms) | torch (ms) | torch / ours"
                                         for c in configs) + " |",
                  "| ---: | " + " | ".join("---: | ---: | ---:" for _ in configs) + " |"]
        for i, r in enumerate(res["widths"]):
            cells = " | ".join(f"{_ms(c['rows'][i]['ours_nesterov_s'])} | {_ms(c['rows'][i]['torch_nesterov_s'])} | "
                               f"**{c['rows'][i]['ratio_nesterov']:.2f}**" for c in configs)
            lines.append(f"| {r:,} | {cells} |")
        lines.append("")
    for cfg in configs:
        note = "" if cfg["blas_set"] else " (numpy's BLAS thread count could not be set: default used)"
        torch_note = f", torch reports {cfg['torch_threads']}" if "torch_threads" in cfg else ""
        lines += [f"{cfg['threads']} thread(s){note}{torch_note}:", ""]
        head = ("| r | N | blocks | ours (ms) | ours, one block (ms) | 1 GEMV (ms) | ours / GEMV | ours GFLOP/s "
                "| ours GB/s |")
        sep = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        if gemm:
            head += " % of GEMM rate |"
            sep += " ---: |"
        if not res["skipped"]:
            head += (" torch autograd (ms) | **autograd / ours** | torch hand-written (ms) | hand-written / ours "
                     "| torch GFLOP/s (autograd) | torch grad rel. diff |")
            sep += " ---: | ---: | ---: | ---: | ---: | ---: |"
        head += " load |"
        sep += " ---: |"
        lines += [head, sep]
        for r in cfg["rows"]:
            line = (f"| {r['r']:,} | {r['repeats']} | {r['blocks']} | {_ms(r['ours_s'])} | "
                    f"{_ms(r['ours_1block_s'])} | {_ms(r['gemv_s'])} | "
                    f"{r['ours_over_gemv']:.2f} | {r['ours_gflops']:.2f} | {r['ours_gbs']:.1f} |")
            if gemm:
                line += f" {100 * r['ours_gflops'] / gemm:.1f} |"
            if not res["skipped"]:
                gerr = max(r["torch_autograd_grad_rel_diff"], r["torch_manual_grad_rel_diff"])
                line += (f" {_ms(r['torch_autograd_s'])} | **{r['ratio_autograd']:.2f}** | "
                         f"{_ms(r['torch_manual_s'])} | {r['ratio_manual']:.2f} | "
                         f"{r['torch_autograd_gflops']:.2f} | {gerr:.1e} |")
            line += f" {_load_cell(r)} |"
            lines.append(line)
        lines.append("")
    feats = res["features"]
    lines += ["One-time feature build `Xt = erf(X U + b)` (at the default thread count): *ours* is "
              "`ball_nets.erf_features` (numpy `X @ U`, in-place `+ b` and `scipy.special.erf`, single-threaded); "
              "*torch* is `torch.special.erf(torch.addmm(b, X, U))`. GFLOP/s counts the 2 n d r flops of X U only; "
              "the n r erf evaluations are given separately as M erf/s (time of the whole build over n r).", "",
              "| r | ours (ms) | ours GFLOP/s (X U) | ours M erf/s | " + (
                  "torch (ms) | torch / ours | torch M erf/s | max abs diff |" if not res["skipped"] else ""),
              "| ---: | ---: | ---: | ---: | " + ("---: | ---: | ---: | ---: |" if not res["skipped"] else "")]
    for f in feats:
        line = f"| {f['r']:,} | {_ms(f['ours_s'])} | {f['ours_gflops']:.2f} | {f['ours_merf_s']:.0f} |"
        if not res["skipped"]:
            line += f" {_ms(f['torch_s'])} | {f['ratio']:.2f} | {f['torch_merf_s']:.0f} | {f['torch_rel_diff']:.1e} |"
        lines.append(line)
    lines += ["", "A GD step reads the n × r matrix `Xt` (n r × 8 bytes: 16 MB at r = 100, 256 MB at r = 1,600) "
              "and does 4 n r flops on it, half a flop per byte: it is bound by memory bandwidth (or, at small r, "
              "by per-call overhead), so its GFLOP/s sits far below the GEMM rate by nature. *ours / GEMV* is "
              "the step's cost in reads of `Xt`: 1 would mean the row blocking makes the second GEMV free (its "
              "block still in cache), 2 or more that it does not (two passes, plus the per-block calls: the "
              "head's elementwise passes and two small GEMVs per block, each paying the BLAS thread pool's "
              "start-up). torch's steps always read `Xt` twice (forward `mv`, then the gradient `mv`). The step "
              "is measured at the initialization only (about half the rows active, in a random pattern); the "
              "fit below gives the in-situ time per step along the whole run.", "",
              f"![strong-net step vs torch]({fig})", ""]
    return lines


def _fit_markdown(fit: dict[str, Any], quick: bool) -> list[str]:
    ph = fit["phases"]
    lines = [
        f"### 2. The whole `strong_net` fit at r = {fit['width']:,}",
        "",
        f"`depth2.learners.get('strong_net')(X, y, rng=default_rng({FIT_SEED}), width={fit['width']})` on the "
        f"same n = {fit['n']:,}, d = {fit['d']} rows, **default parameters** (Nesterov with adaptive restart at "
        f"the step 1 / L_hat, budget {fit['default_steps']} steps, stopped by its convergence test on a 20% "
        "validation split; *steps* is what it used)"
        + (f", except steps = {fit['steps']} in quick mode (the default-budget time is projected from the measured "
           "per-step time)" if quick else "")
        + f", numpy's default BLAS threads. Phases from timers wrapped around the module's functions during the "
        "fit; *per step* is the GD loop's time over its steps + 1 loss-and-gradient evaluations. Test MSE on "
        f"{fit['n']:,} fresh rows next to the best constant predictor's (the trivial MSE). Target: "
        f"{TIME_TARGET_S}.",
        "",
        "| r | steps | **wall (s)** | features (s) | L_hat (s) | solver loop (s) | per step (ms) | rest (s) "
        "| train MSE, init → end | test MSE | trivial MSE | active fraction | load |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
        f"| {fit['width']:,} | {fit['steps']} | **{fit['wall_s']:.1f}** | {ph.get('erf_features', 0):.2f} | "
        f"{ph.get('gram_lambda_max', 0):.2f} | {ph.get('_readout_solve', 0):.1f} | {fit['per_step_s'] * 1e3:.2f} | "
        f"{fit['other_s']:.2f} | {fit['initial_loss']:.3f} → {fit['train_loss']:.3f} | {fit['test_mse']:.3f} | "
        f"{fit['trivial_mse']:.3f} | {fit['active_fraction']:.2f} | {_load_cell(fit)} |",
        "",
    ]
    if quick:
        lines += [f"Projected wall time at the default {fit['default_steps']} steps: "
                  f"**≈{fit['projected_wall_s']:.0f} s**.", ""]
    return lines


def run(
    quick: bool, figures: Path, rel_to: Path, threads: int, gemm_gflops: float | None = None
) -> tuple[str, dict[str, Any]]:
    """Run the safran2022 benchmark; return the report section and the raw numbers.

    ``figures`` is where the PNG goes, ``rel_to`` the folder the report's image link is relative to,
    ``threads`` numpy's BLAS thread count (torch is set to match), ``gemm_gflops`` the measured GEMM rate
    (for "% of GEMM rate").
    """
    t_start = time.perf_counter()
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    X, y, lam = make_data(N, D, DATA_SEED)
    log(f"part 1: GD step vs torch ({'quick' if quick else 'full'})")
    t0 = time.perf_counter()
    steps = steps_vs_torch(quick, threads, X, y)
    log(f"part 1 took {time.perf_counter() - t0:.0f} s")
    log(f"part 2: strong_net fit at r = {FIT_WIDTH}")
    fit = whole_fit(quick, X, y, lam)
    log(f"part 2: fit {fit['wall_s']:.1f} s ({fit['per_step_s'] * 1e3:.2f} ms per step)")
    fig = figures / "safran2022_step_scaling.png"
    plot_scaling(steps, fig)
    seconds = time.perf_counter() - t_start
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    load = (f"1-minute load average {load_start[0]:.2f} at the start of this section and {load_end[0]:.2f} at its "
            "end (above the core count means other work shared the cores and the times are inflated)"
            if load_start and load_end else "load average unknown")
    lines = ["## safran2022", "",
             f"numpy's BLAS with {threads} thread(s); everything float64, in one process; the section took "
             f"{seconds:.0f} s; {load}.", ""]
    lines += _steps_markdown(steps, os.path.relpath(fig, rel_to), gemm_gflops)
    lines += _fit_markdown(fit, quick)
    return "\n".join(lines), {"steps": steps, "fit": fit, "seconds": seconds, "threads": threads,
                              "loadavg_start": load_start, "loadavg_end": load_end}


def _main(argv: list[str]) -> int:
    from bench import BENCH_DIR
    from bench.environment import blas_threads, gemm_gflops

    ap = argparse.ArgumentParser(prog="python -m bench.safran2022", description="Run the safran2022 section "
                                 "alone and print its Markdown (bench/__main__.py runs it with the others).")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--figures", type=Path, default=BENCH_DIR / "figures")
    ap.add_argument("--wait-load", type=float, default=None,
                    help="first wait (at most --max-wait s) until the 1-minute load average is below this")
    ap.add_argument("--max-wait", type=float, default=600.0)
    args = ap.parse_args(argv)
    if args.wait_load is not None and hasattr(os, "getloadavg"):
        t0 = time.perf_counter()
        while os.getloadavg()[0] >= args.wait_load and time.perf_counter() - t0 < args.max_wait:
            log(f"load {os.getloadavg()[0]:.2f} >= {args.wait_load}: waiting")
            time.sleep(15)
    gemm = gemm_gflops()
    log(f"float64 GEMM: {gemm['gflops']:.1f} GFLOP/s")
    text, _ = run(args.quick, args.figures.resolve(), BENCH_DIR, blas_threads(), gemm["gflops"])
    print(f"float64 GEMM {gemm['size']}x{gemm['size']}: {gemm['gflops']:.1f} GFLOP/s\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
