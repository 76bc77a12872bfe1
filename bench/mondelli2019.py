"""Benchmark of the mondelli2019 tensor learners: time and peak memory against d at fixed r / d^1.5.

``tensor_jennrich``, ``tensor_power`` and ``tensor_spectral`` (:mod:`depth2.learners.poly_tensor`, default
parameters) fit ``y = sum_i He_3(<w_i, x>)``, x ~ N(0, I_d), with ``r = round(R_OVER_D15 d^1.5)`` planted unit
``w_i`` (``r <= d`` at every d used here, which jennrich and spectral need) on ``n`` rows held in memory.
All three see the order-3 moment only through the implicit operator
:class:`~depth2.core.cubic_moments.CubicMoments`, never as a d^3 array; the report puts their peak memory
next to what a dense T3 (d^3 float64) and T4 (d^4 float64) would take.

Every (learner, d) runs in a fresh interpreter (``python -m bench.mondelli2019 worker LEARNER DATA.npz``):
it loads the data (generated once per d by the parent and shared through a temporary ``.npz``), makes one
untimed warm-up fit on a tiny problem (imports, first-call costs), then resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``) and times the fit; the fit's peak memory is ``VmHWM`` after the fit minus
``VmRSS`` just before it, so neither the data (already resident) nor earlier fits count. The fraction of
planted ``w_i`` recovered (|cos| >= RECOVERED_COS after Hungarian matching,
:func:`~depth2.core.tensor.match_components`) is recorded, so that a fast but wrong fit shows. Workers run
with WORKER_BLAS_THREADS BLAS thread(s) (see :func:`run_worker`). A power law ``time ~ d^alpha`` is fitted per
learner.

Nothing here asserts a time: the numbers are measured and reported.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench import REPO_ROOT

LEARNERS: tuple[str, ...] = ("tensor_jennrich", "tensor_power", "tensor_spectral")
R_OVER_D15 = 0.05  # r = round(R_OVER_D15 * d^1.5): the Mondelli-Montanari scale r ~ d^1.5, fixed ratio
DIMS_FULL: tuple[int, ...] = (20, 50, 100, 150, 200)
DIMS_QUICK: tuple[int, ...] = (20, 50)
N_FULL = 50_000
N_QUICK = 20_000
SIGMA = "he3"
DATA_SEED = 2019
FIT_SEED = 0
RECOVERED_COS = 0.9  # a planted w_i counts as recovered when its matched column has |cos| >= this
RECOVERED_FRAC = 0.9  # a fit recovering a smaller fraction of the w_i is flagged (hollow marker, note)
WORKER_BLAS_THREADS = 1
REPEAT_BUDGET_S = 3.0  # a fit is repeated (at most MAX_REPEATS times in all) while the repeats so far took less
MAX_REPEATS = 3
FIT_CAP_S = 60.0  # full mode: a size whose fit is predicted (or measured) to take longer is dropped
PREDICT_EXPONENT = 2.0  # prediction for the next d: last time * (d / d_last)^PREDICT_EXPONENT
FULL_BUDGET_S = 220.0  # full mode: a worker is not started when the section would predictably pass this
WORKER_TIMEOUT_S = FIT_CAP_S + 30.0  # hard limit on one worker (warm-up and repeats included)
WARMUP = (2_000, 8, 2)  # (n, d, r) of the untimed warm-up fit in each worker


def log(msg: str) -> None:
    """Progress line on stderr (the report goes to results.md)."""
    print(f"[bench.mondelli2019] {msg}", file=sys.stderr, flush=True)


def width_for(d: int) -> int:
    """Planted width r = round(R_OVER_D15 * d^1.5)."""
    return max(1, int(round(R_OVER_D15 * d**1.5)))


def planted_data(n: int, d: int, r: int, seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (n, d), y (n,), W (d, r)): x ~ N(0, I_d), y = sum_i He_3(<w_i, x>), w_i uniform on the sphere."""
    from depth2.papers.mondelli2019.data import activation, planted_weights

    rng = np.random.default_rng([seed, d, n])
    W = planted_weights(rng, d, r)
    X = rng.standard_normal((n, d))
    y = np.polynomial.polynomial.polyval(X @ W, activation(SIGMA)).sum(axis=1)
    return X, y, W


def dense_mib(d: int, order: int) -> float:
    """Size of a dense d^order float64 tensor in MiB."""
    return float(d) ** order * 8 / 2**20


# ---------------------------------------------------------------------------------------------------
# Worker (fresh process per (learner, d))
# ---------------------------------------------------------------------------------------------------


def _proc_status_kib(*keys: str) -> dict[str, int]:
    """Fields of /proc/self/status in KiB (``VmRSS``, ``VmHWM``)."""
    out: dict[str, int] = {}
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            name, _, rest = line.partition(":")
            if name in keys:
                out[name] = int(rest.split()[0])
    return out


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM, and with it ``ru_maxrss``) to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _rss_now_mib() -> float:
    return _proc_status_kib("VmRSS")["VmRSS"] / 1024


def _peak_mib() -> float:
    """Peak RSS since the last reset (VmHWM), or since the start (``ru_maxrss``) without /proc."""
    try:
        return _proc_status_kib("VmHWM")["VmHWM"] / 1024
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def worker(learner: str, data_path: str) -> dict[str, Any]:
    """Time one learner on the data in ``data_path`` in this (fresh) process; returns the measurements."""
    from bench.environment import blas_runtime
    from depth2 import learners
    from depth2.core.tensor import match_components

    with np.load(data_path) as z:
        X, y, W = z["X"], z["y"], z["W"]
    n, d = X.shape
    r = W.shape[1]
    fit_fn = learners.get(learner)
    wn, wd, wr = WARMUP
    Xw, yw, _ = planted_data(wn, wd, wr, seed=DATA_SEED + 1)
    fit_fn(Xw, yw, rng=np.random.default_rng(FIT_SEED), width=wr)
    del Xw, yw
    out: dict[str, Any] = {"learner": learner, "n": n, "d": d, "r": r, "blas_threads": blas_runtime()["threads"]}
    times: list[float] = []
    peaks: list[float] = []
    fit = None
    while len(times) < MAX_REPEATS and (not times or sum(times) < REPEAT_BUDGET_S):
        reset = _reset_peak()
        before = _rss_now_mib()
        t0 = time.perf_counter()
        fit = fit_fn(X, y, rng=np.random.default_rng([FIT_SEED, d]), width=r)
        times.append(time.perf_counter() - t0)
        peaks.append(_peak_mib() - before)
        out["peak_reset"] = reset
        out["rss_before_mib"] = before
    if fit is None:
        raise RuntimeError("no fit was run")
    _, cos = match_components(np.asarray(fit.params["W"]), W)
    out.update({"times": times, "time_s": float(np.median(times)), "peak_mib_all": peaks,
                "peak_mib": float(max(peaks)), "recovered": float(np.mean(np.abs(cos) >= RECOVERED_COS)),
                "cos_median": float(np.median(np.abs(cos))), "passes": int(fit.info.get("passes", -1))})
    return out


def run_worker(learner: str, data_path: Path, timeout: float) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter with WORKER_BLAS_THREADS BLAS thread(s).

    One thread, because on a shared machine idle-waiting BLAS thread pools can cost far more than the work
    (with 2 threads on 2 busy cores these fits ran 3-8x slower than with one) and the time-against-d curve is
    the point here, not parallel speed-up. Returns the worker's JSON, or ``{"error": ...}`` on a failure or
    when it ran past ``timeout`` seconds.
    """
    from bench.environment import THREAD_VARIABLES

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.update({k: str(WORKER_BLAS_THREADS) for k in THREAD_VARIABLES})
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.mondelli2019", "worker", learner, str(data_path)],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", "timed_out": True}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        log(f"worker {learner} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return {"error": f"exit {proc.returncode}: {tail[0][:200]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def power_law(ds: list[int], ts: list[float]) -> tuple[float, float]:
    """Least-squares fit of ``log t = log c + alpha log d``; ``(alpha, c)`` (nan with fewer than 2 points)."""
    if len(ds) < 2:
        return float("nan"), float("nan")
    alpha, logc = np.polyfit(np.log(np.asarray(ds, float)), np.log(np.asarray(ts, float)), 1)
    return float(alpha), float(np.exp(logc))


def scaling(quick: bool) -> dict[str, Any]:
    """Every (learner, d) measurement, in d order; in full mode sizes predicted too slow are dropped."""
    dims, n = (DIMS_QUICK, N_QUICK) if quick else (DIMS_FULL, N_FULL)
    t_start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    last: dict[str, tuple[int, float]] = {}  # learner -> (d, time) of its last measured fit
    stopped: dict[str, str] = {}  # learner -> why its larger sizes are not run
    with tempfile.TemporaryDirectory(prefix="bench_mondelli2019_") as tmp:
        for d in dims:
            r = width_for(d)
            X, y, W = planted_data(n, d, r)
            data_path = Path(tmp) / f"d{d}.npz"
            np.savez(data_path, X=X, y=y, W=W)
            del X, y
            for learner in LEARNERS:
                row: dict[str, Any] = {"learner": learner, "d": d, "r": r, "n": n}
                if learner in stopped:
                    row["dropped"] = stopped[learner]
                    rows.append(row)
                    continue
                predicted = None
                if learner in last:
                    d0, t0 = last[learner]
                    predicted = t0 * (d / d0) ** PREDICT_EXPONENT
                    row["predicted_s"] = predicted
                elapsed = time.perf_counter() - t_start
                if not quick and predicted is not None and predicted > FIT_CAP_S:
                    row["dropped"] = f"predicted {predicted:.0f} s > {FIT_CAP_S:.0f} s"
                elif not quick and predicted is not None and elapsed + predicted > FULL_BUDGET_S:
                    row["dropped"] = (f"time budget: {elapsed:.0f} s spent + {predicted:.0f} s predicted > "
                                      f"{FULL_BUDGET_S:.0f} s")
                if "dropped" in row:
                    stopped[learner] = f"dropped at d = {d}"
                    log(f"d={d} r={r} {learner}: {row['dropped']}")
                    rows.append(row)
                    continue
                row["load_start"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
                res = run_worker(learner, data_path, WORKER_TIMEOUT_S)
                row["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
                if "error" in res:
                    row["dropped"] = res["error"]
                    stopped[learner] = f"{'timed out' if res.get('timed_out') else 'failed'} at d = {d}"
                    log(f"d={d} r={r} {learner}: {res['error']}")
                else:
                    row.update({k: v for k, v in res.items() if k not in row})
                    last[learner] = (d, row["time_s"])
                    if not quick and row["time_s"] > FIT_CAP_S:
                        stopped[learner] = f"d = {d} took {row['time_s']:.0f} s > {FIT_CAP_S:.0f} s"
                    log(f"d={d} r={r} {learner}: {row['time_s']:.2f} s (x{len(row['times'])}), "
                        f"peak {row['peak_mib']:.1f} MiB, recovered {row['recovered']:.2f}")
                rows.append(row)
            data_path.unlink()
    fits = {}
    for learner in LEARNERS:
        ok = [r for r in rows if r["learner"] == learner and "time_s" in r]
        fits[learner] = power_law([r["d"] for r in ok], [r["time_s"] for r in ok])
    return {"rows": rows, "fits": fits, "n": n, "dims": list(dims), "seconds": time.perf_counter() - t_start}


# ---------------------------------------------------------------------------------------------------
# Figure and report
# ---------------------------------------------------------------------------------------------------

_COLORS = {"tensor_jennrich": "tab:blue", "tensor_power": "tab:orange", "tensor_spectral": "tab:green"}


def plot_scaling(res: dict[str, Any], path: Path) -> None:
    """Time and peak memory against d, log-log, one line per learner; dense T3 / T4 sizes as references.

    Filled markers: at least RECOVERED_FRAC of the planted w_i recovered; hollow: fewer.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for learner in LEARNERS:
        ok = [r for r in res["rows"] if r["learner"] == learner and "time_s" in r]
        if not ok:
            continue
        color = _COLORS.get(learner)
        ds = np.array([r["d"] for r in ok], float)
        alpha, c = res["fits"][learner]
        label = learner + (f" (alpha = {alpha:.2f})" if np.isfinite(alpha) else "")
        ts = np.array([r["time_s"] for r in ok])
        mem = np.maximum([r["peak_mib"] for r in ok], 0.1)  # log axis: clip a zero increment
        good = np.array([r["recovered"] >= RECOVERED_FRAC for r in ok])
        for ax, vals, lab in ((ax_t, ts, label), (ax_m, mem, learner)):
            ax.loglog(ds, vals, "-", color=color, label=lab)
            ax.plot(ds[good], vals[good], "o", color=color)
            ax.plot(ds[~good], vals[~good], "o", color=color, markerfacecolor="white")
        if np.isfinite(alpha):
            ax_t.loglog(ds, c * ds**alpha, ":", color=color, alpha=0.6)
    dims = np.array(sorted({r["d"] for r in res["rows"]}), float)
    ax_m.loglog(dims, [dense_mib(d, 3) for d in dims], "--", color="0.3", label="dense T3 (d³ float64)")
    ax_m.loglog(dims, [dense_mib(d, 4) for d in dims], "--", color="0.6", label="dense T4 (d⁴ float64)")
    ax_t.set(xlabel="d  (r = round(0.05 d^1.5))", ylabel="fit wall time (s), median of repeats",
             title=f"time ~ d^alpha, n = {res['n']:,}, He_3")
    ax_m.set(xlabel="d  (r = round(0.05 d^1.5))", ylabel="MiB",
             title="peak RSS of the fit (above RSS before it)")
    for ax in (ax_t, ax_m):
        ax.set_xticks(dims, [str(int(d)) for d in dims])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, title=f"hollow marker: < {RECOVERED_FRAC:.0%} of the w_i recovered", title_fontsize=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _time_cell(r: dict[str, Any]) -> str:
    t = r["time_s"]
    return f"{t:.3f}" if t < 1 else f"{t:.2f}" if t < 10 else f"{t:.1f}"


def _markdown(res: dict[str, Any], fig: str) -> list[str]:
    rows, fits, n = res["rows"], res["fits"], res["n"]
    lines = [
        "### Tensor learners against d at r = round(0.05 d^1.5)",
        "",
        f"x ~ N(0, I_d), y = sum_i He_3(<w_i, x>), r = round({R_OVER_D15:g} d^1.5) planted unit w_i, n = {n:,} rows "
        "in memory (float64), generated once per d (seed fixed) and shared by the three learners. Each "
        "(learner, d) is `depth2.learners.get(name)(X, y, rng=..., width=r)` with **default parameters** in a "
        f"fresh interpreter with {WORKER_BLAS_THREADS} BLAS thread(s) (so that on a shared machine idle-waiting "
        "thread pools do not swamp the measurement), after one untimed warm-up fit on a tiny problem. *time* is "
        f"the median of the repeats (a fit is repeated, up to {MAX_REPEATS} runs, while the runs so far took "
        f"under {REPEAT_BUDGET_S:g} s); *peak* is the fit's own peak memory: the process's peak RSS (`VmHWM`, "
        "reset through `/proc/self/clear_refs` just before the fit) minus its RSS just before the fit, so the "
        "data (already resident: X is n·d·8 bytes) and the warm-up do not count; the largest over the repeats. "
        f"*recovered*: fraction of the planted w_i whose Hungarian-matched fitted column has |cos| ≥ "
        f"{RECOVERED_COS:g} (`match_components`); a low value marks a fast but wrong fit. *passes*: sweeps "
        "over the n rows the fit made (`fit.info['passes']`). *dense T3 / T4*: what the d³ / d⁴ float64 "
        "moment tensors would take, which none of these learners builds. *load*: 1-minute load average before "
        "and after the worker.",
        "",
        "| d | r | learner | time (s) | repeats | peak (MiB) | recovered | median \\|cos\\| | passes "
        "| dense T3 (MiB) | dense T4 (MiB) | load |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        dense = f"{dense_mib(r['d'], 3):.2f} | {dense_mib(r['d'], 4):,.0f}"
        if "time_s" not in r:
            lines.append(f"| {r['d']} | {r['r']} | {r['learner']} | **dropped** ({r['dropped']}) | – | – | – | – "
                         f"| – | {dense} | – |")
            continue
        load = (f"{r['load_start']:.1f}–{r['load_end']:.1f}" if r.get("load_start") is not None else "?")
        lines.append(f"| {r['d']} | {r['r']} | {r['learner']} | {_time_cell(r)} | {len(r['times'])} | "
                     f"{r['peak_mib']:.1f} | {r['recovered']:.2f} | {r['cos_median']:.3f} | {r['passes']} | "
                     f"{dense} | {load} |")
    lines += ["", "Power-law fit time ~ d^alpha over the measured d (n fixed; r grows like d^1.5 with d, so alpha "
              "includes the growth of the width): "
              + ", ".join(f"**{k} alpha = {a:.2f}**" if np.isfinite(a) else f"{k}: fewer than 2 sizes"
                          for k, (a, _) in fits.items()) + "."]
    if len(res["dims"]) == 2:
        lines.append("(Two sizes only in quick mode: each alpha is a two-point slope.)")
    dropped = [r for r in rows if "dropped" in r]
    if dropped:
        lines += ["", "Dropped sizes: " + "; ".join(f"{r['learner']} at d = {r['d']} ({r['dropped']})"
                                                     for r in dropped)
                  + f". Full mode keeps each fit under about {FIT_CAP_S:.0f} s and the section under about "
                  f"{FULL_BUDGET_S:.0f} s: a size is dropped when its predicted time (the learner's last measured "
                  f"time × (d / d_last)^{PREDICT_EXPONENT:g}) exceeds either, or its worker runs past "
                  f"{WORKER_TIMEOUT_S:.0f} s; a learner's larger sizes are then dropped too."]
    bad = [r for r in rows if "time_s" in r and r["recovered"] < RECOVERED_FRAC]
    if bad:
        lines += ["", f"Recovered below {RECOVERED_FRAC:g}: "
                  + ", ".join(f"{r['learner']} at d = {r['d']} ({r['recovered']:.2f})" for r in bad)
                  + ": their times are those of fits that did not recover the weights, not of successful ones. "
                  "For scale, `depth2.learners.poly_tensor` puts the sample need of the spectral method's subspace "
                  f"at n ≳ r d² / 6 for He_3 (n = {n:,} here): "
                  + ", ".join(f"{r * d * d / 6:,.0f} at d = {d}" for d, r in sorted({(x["d"], x["r"]) for x in bad}))
                  + "."]
    lines += ["", f"![tensor learners against d]({fig})", ""]
    return lines


def run(
    quick: bool, figures: Path, rel_to: Path, threads: int, gemm_gflops: float | None = None
) -> tuple[str, dict[str, Any]]:
    """Run the mondelli2019 benchmark; return the report section and the raw numbers.

    ``figures`` is where the PNG goes, ``rel_to`` the folder the report's image link is relative to,
    ``threads`` numpy's BLAS thread count in the parent (reported; the workers use WORKER_BLAS_THREADS),
    ``gemm_gflops`` the measured GEMM rate (unused: these fits are not one kernel whose flops can be counted).
    """
    log(f"tensor learners against d ({'quick' if quick else 'full'})")
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    res = scaling(quick)
    log(f"took {res['seconds']:.0f} s")
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    fig = figures / "mondelli2019_tensor_scaling.png"
    plot_scaling(res, fig)
    load = (f"1-minute load average {load_start[0]:.2f} at the start of this section and {load_end[0]:.2f} at its "
            "end (above the core count means other work shared the cores and the times are inflated)"
            if load_start and load_end else "load average unknown")
    threads_seen = sorted({r["blas_threads"] for r in res["rows"] if r.get("blas_threads") is not None})
    lines = ["## mondelli2019", "",
             f"numpy's BLAS has {threads} thread(s) in the parent process; the workers ran with "
             f"{'/'.join(str(t) for t in threads_seen) or '?'} (as reported by the BLAS library); everything "
             f"float64; the section took {res['seconds']:.0f} s; {load}.", ""]
    lines += _markdown(res, os.path.relpath(fig, rel_to))
    return "\n".join(lines), {**res, "threads": threads, "worker_blas_threads": WORKER_BLAS_THREADS,
                              "loadavg_start": load_start, "loadavg_end": load_end}


def _main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] != "worker":
        raise SystemExit("usage: python -m bench.mondelli2019 worker LEARNER DATA.npz")
    print(json.dumps(worker(argv[1], argv[2])))


if __name__ == "__main__":
    _main(sys.argv[1:])
