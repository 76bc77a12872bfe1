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

A second part (:func:`population_vs_data`, issue 17) measures the population operator
:class:`~depth2.core.cubic_moments.PopulationMoments` (n = infinity, O(d r k) per contraction) against the
data-backed :class:`~depth2.core.cubic_moments.CubicMoments` (one pass over the n rows per contraction) on the
same planted network, r = half the generic rank and n = r d^2 rows as the finite-n arm (capped): per-contraction
time of both (best of N, alternated in this process), their ratio, and their relative difference at n / 16, n / 4
and n (it should shrink like 1 / sqrt(n)); then one whole ``tensor_power`` fit at n = infinity against the same
fit on the rows.

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
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench import REPO_ROOT
from bench.environment import all_blas_threads_limited

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


# ---------------------------------------------------------------------------------------------------
# The population operator (n = infinity) against the data-backed one (issue 17)
# ---------------------------------------------------------------------------------------------------

POP_FAMILY = "mondelli2019.poly_net"
POP_RANK_FRACTION = 0.5  # r = round(0.5 * generic rank): the frontier's lower edge, half the generic rank
POP_DIMS_FULL: tuple[int, ...] = (20, 50, 100)
POP_DIMS_QUICK: tuple[int, ...] = (20, 50)
POP_N_PER_RD2 = 1.0  # n = r d^2, as the finite-n arm (config.yaml: mondelli2019.experiments.barrier.n_per_rd2)
POP_N_CAP_FULL = 200_000  # ... at most this many rows (r d^2 is 552,500 at d = 50)
POP_N_CAP_QUICK = 40_000
POP_SUBSAMPLES: tuple[int, ...] = (16, 4, 1)  # agreement at n / 16, n / 4 and n (nested prefixes of the rows)
POP_MATRICES_K = 10  # columns of G in matrices(G): tensor_jennrich's subspace_draws
POP_MIN_ROUNDS = 2
POP_MAX_ROUNDS = 7
POP_ROUND_BUDGET_S = {True: 0.5, False: 2.0}  # (quick, full): rounds continue while a contraction's took less
POP_BATCH_S = 0.002  # the population side is timed in batches of calls lasting at least this long
POP_FULL_BUDGET_S = 60.0  # full mode: a d beyond POP_DIMS_QUICK is dropped when the section would predictably pass this
POP_FIT_LEARNER = "tensor_power"  # the default learner of the frontier and of the finite-n arm
POP_FIT_DIM = 20
POP_FIT_FRACTION = POP_RANK_FRACTION  # r / generic rank of the whole-fit comparison (d = 20: r = 38, n = 15,200)
POP_FIT_REPEAT_BUDGET_S = {True: 2.0, False: 5.0}  # (quick, full): fit rounds continue while they took less
POP_FIT_MAX_RUNS = 5  # rounds of the whole-fit comparison, each: POP_FIT_POP_RUNS population fits, one data fit
POP_FIT_POP_RUNS = 3  # the population fit is cheap (tens of ms) and so the most exposed to a shared machine's noise


def _timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _load1() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _rel_diff(got: np.ndarray, want: np.ndarray) -> float:
    """``|got - want|_F / |want|_F``."""
    return float(np.linalg.norm(np.asarray(got) - np.asarray(want)) / max(np.linalg.norm(want), 1e-300))


def population_samples(n: int, d: int, r: int, seed: int = DATA_SEED):
    """A replicate of the ``mondelli2019.poly_net`` family (He_3, unit output weights): ``(Samples, W)``.

    The rows are generated once and held (``Samples`` with both arrays and spec), so that the learners'
    ``population = true`` finds the family's exact operator (:func:`depth2.core.data.population_of`) and the
    data-backed operator reads the same rows without regenerating them.
    """
    import depth2.papers.mondelli2019.data  # noqa: F401  (registers the family)
    from depth2.core.data import DatasetSpec, Samples, generate_hidden

    spec = DatasetSpec(POP_FAMILY, int(n), int(d), 1, {"r": int(r), "sigma": SIGMA},
                       [int(seed), "bench", "population", int(d)])
    hidden = {k: v[0] for k, v in generate_hidden(spec).items()}
    X, y = Samples(n, d, spec=spec, hidden=hidden).materialize()
    return Samples(n, d, arrays=(X, y), spec=spec, hidden=hidden), hidden["W"]


def _time_alternated(data_fn: Any, pop_fn: Any, budget_s: float) -> dict[str, Any]:
    """Best-of-N times of ``data_fn`` and ``pop_fn``, alternated (so both see the same machine load).

    The data-backed call is timed once per round; the population call, a thousand times cheaper, as a batch of
    calls lasting at least POP_BATCH_S (time per call = batch / calls). Rounds run at least POP_MIN_ROUNDS times,
    then while the rounds so far took less than ``budget_s``, at most POP_MAX_ROUNDS times.
    """
    t_pop, _ = _timed(pop_fn)
    calls = max(1, int(np.ceil(POP_BATCH_S / max(t_pop, 1e-7))))
    data_t: list[float] = []
    pop_t: list[float] = []
    start = time.perf_counter()
    while len(data_t) < POP_MAX_ROUNDS and (len(data_t) < POP_MIN_ROUNDS or time.perf_counter() - start < budget_s):
        data_t.append(_timed(data_fn)[0])
        t0 = time.perf_counter()
        for _ in range(calls):
            pop_fn()
        pop_t.append((time.perf_counter() - t0) / calls)
    return {"data_s": min(data_t), "pop_s": min(pop_t), "data_median_s": float(np.median(data_t)),
            "pop_median_s": float(np.median(pop_t)), "rounds": len(data_t), "pop_calls": calls}


def _contraction_inputs(d: int, r: int, W: np.ndarray, rng: np.random.Generator) -> list[dict[str, Any]]:
    """The contractions compared: name, method, argument, and whether it is timed (the timing of a contraction
    depends on its argument's shape only, so the planted-W inputs are compared, not timed again)."""
    U = rng.standard_normal((d, r))
    U /= np.linalg.norm(U, axis=0)
    G = rng.standard_normal((d, POP_MATRICES_K))
    return [{"name": "vectors(U)", "method": "vectors", "arg": U, "input": f"U: {r} random unit columns",
             "timed": True},
            {"name": "vectors(W)", "method": "vectors", "arg": W, "input": f"W: the {r} planted columns",
             "timed": False},
            {"name": "scalars(U)", "method": "scalars", "arg": U, "input": f"U: {r} random unit columns",
             "timed": True},
            {"name": "scalars(W)", "method": "scalars", "arg": W, "input": f"W: the {r} planted columns",
             "timed": False},
            {"name": "matrices(G)", "method": "matrices", "arg": G, "input": f"G: {POP_MATRICES_K} Gaussian columns",
             "timed": True}]


def _log_slope(ns: list[int], vals: list[float]) -> float:
    """Least-squares slope of log(vals) against log(ns) (-0.5 for noise ~ 1/sqrt(n)); nan under 2 points."""
    ok = [(m, v) for m, v in zip(ns, vals, strict=True) if v > 0 and np.isfinite(v)]
    if len(ok) < 2:
        return float("nan")
    return float(np.polyfit(np.log([m for m, _ in ok]), np.log([v for _, v in ok]), 1)[0])


def _predict_size_s(prev: dict[str, Any], n: int, d: int, r: int, round_budget_s: float) -> float:
    """Seconds a size (n, d, r) should take, scaled from the measurements of the previous size ``prev``.

    Data-backed ``vectors`` / ``scalars`` (k = r) and the row generation cost O(n d r), ``matrices`` O(n d^2)
    (k fixed); the population side O(d r^2) and O(d^2 r). Each timed contraction is called once at every n of
    the agreement (its call at n is the warm-up), then in rounds as :func:`_time_alternated` runs them (at least
    POP_MIN_ROUNDS, more while under ``round_budget_s``); each planted-W input once at every n.
    """
    pn, pd, pr = prev["n"], prev["d"], prev["r"]
    s_ndr, s_nd2 = (n * d * r) / (pn * pd * pr), (n * d * d) / (pn * pd * pd)
    s_pop_vec, s_pop_mat = (d * r * r) / (pd * pr * pr), (d * d * r) / (pd * pd * pr)
    sub = sum(1.0 / q for q in POP_SUBSAMPLES)  # the calls at n / 16, n / 4 and n, in units of one at n
    t = prev["generate_s"] * s_ndr
    for c in prev["timing"]:
        matrices = c["method"] == "matrices"
        t_data = c["data_s"] * (s_nd2 if matrices else s_ndr)
        t_round = t_data + max(POP_BATCH_S, c["pop_s"] * (s_pop_mat if matrices else s_pop_vec))
        rounds = min(POP_MAX_ROUNDS, max(POP_MIN_ROUNDS, int(np.ceil(round_budget_s / t_round))))
        t += t_data * sub * (1 if matrices else 2) + rounds * t_round  # vectors / scalars: also the W twin
    return float(t)


def _one_size(n: int, d: int, r: int, budget_s: float) -> dict[str, Any]:
    """Timings and agreement of every contraction of :func:`_contraction_inputs` at one (n, d, r)."""
    from depth2.core.cubic_moments import CubicMoments
    from depth2.core.data import population_of

    load_start = _load1()
    t_gen, (S, W) = _timed(lambda: population_samples(n, d, r))
    pm = population_of(S)
    X, y = S.materialize()
    cms = {n: CubicMoments(X, y)}  # the learners' operator on all n rows (default residualize = 1)
    ns = sorted({max(1, n // q) for q in POP_SUBSAMPLES})
    for m in ns:
        if m != n:
            cms[m] = CubicMoments(X[:m], y[:m])  # nested prefixes of the same rows
    rng = np.random.default_rng([DATA_SEED, d, r])
    timing, agreement = [], []
    for c in _contraction_inputs(d, r, np.asarray(W, float), rng):
        data_fn = partial(getattr(cms[n], c["method"]), c["arg"])
        pop_fn = partial(getattr(pm, c["method"]), c["arg"])
        want = pop_fn()
        rel = {}
        for m in ns:
            got = data_fn() if m == n else getattr(cms[m], c["method"])(c["arg"])  # at n: also the warm-up
            rel[m] = _rel_diff(got, want)
        agreement.append({"name": c["name"], "input": c["input"], "rel_diff": [rel[m] for m in ns],
                          "slope": _log_slope(ns, [rel[m] for m in ns])})
        if c["timed"]:
            k = c["arg"].shape[1]
            timing.append({"name": c["name"], "method": c["method"], "k": k, "input": c["input"],
                           **_time_alternated(data_fn, pop_fn, budget_s)})
    for t in timing:
        t["ratio"] = t["data_s"] / t["pop_s"] if t["pop_s"] > 0 else float("inf")
    return {"n": n, "d": d, "r": r, "ns": ns, "n_rd2": max(1000, round(POP_N_PER_RD2 * r * d * d)), "generate_s": t_gen,
            "timing": timing, "agreement": agreement, "load_start": load_start, "load_end": _load1()}


def _whole_fit(quick: bool) -> dict[str, Any]:
    """``POP_FIT_LEARNER`` at n = infinity (``population = true``) against the same call on the n = r d^2 rows,
    same replicate and seed, after an untimed warm-up of each on a tiny problem.

    Rounds of POP_FIT_POP_RUNS population fits then one data fit: at least one round, then more while the rounds
    so far took under POP_FIT_REPEAT_BUDGET_S, at most POP_FIT_MAX_RUNS; the best time of each is kept (the fits
    are deterministic, so the recovery is that of the first run).
    """
    from depth2 import learners
    from depth2.core.tensor import match_components
    from depth2.papers.mondelli2019.experiments import rank_width

    d = POP_FIT_DIM
    r = rank_width(d, POP_FIT_FRACTION)
    n = max(1000, round(POP_N_PER_RD2 * r * d * d))
    fit_fn = learners.get(POP_FIT_LEARNER)
    wn, wd, wr = WARMUP
    Sw, _ = population_samples(wn, wd, wr, seed=DATA_SEED + 1)
    for pop in (True, False):
        fit_fn(Sw, rng=np.random.default_rng(FIT_SEED), width=wr, population=pop)
    S, W = population_samples(n, d, r)
    times: dict[bool, list[float]] = {True: [], False: []}
    fits: dict[bool, Any] = {}
    load_start = _load1()
    start = time.perf_counter()
    while len(times[False]) < POP_FIT_MAX_RUNS and (not times[False] or time.perf_counter() - start
                                                    < POP_FIT_REPEAT_BUDGET_S[quick]):
        for pop in (True,) * POP_FIT_POP_RUNS + (False,):
            secs, fit = _timed(partial(fit_fn, S, rng=np.random.default_rng([FIT_SEED, d]), width=r, population=pop))
            times[pop].append(secs)
            fits.setdefault(pop, fit)
    load_end = _load1()
    rows = []
    for pop in (True, False):
        info = fits[pop].info
        _, cos = match_components(np.asarray(fits[pop].params["W"]), W)
        rows.append({"operator": "population (n = ∞)" if pop else f"data (n = {n:,})", "population": pop,
                     "time_s": min(times[pop]), "times": times[pop], "passes": int(info.get("passes", -1)),
                     "refine_evaluations": int(info.get("refine_evaluations", -1)),
                     "seconds_search": float(info.get("seconds_search", float("nan"))),
                     "recovered": float(np.mean(np.abs(cos) >= RECOVERED_COS)),
                     "cos_median": float(np.median(np.abs(cos))), "converged": bool(info.get("converged", False)),
                     "load_start": load_start, "load_end": load_end})
    return {"learner": POP_FIT_LEARNER, "d": d, "r": r, "n": n, "fraction": POP_FIT_FRACTION, "rows": rows,
            "ratio": rows[1]["time_s"] / rows[0]["time_s"]}


def population_vs_data(quick: bool, dims: tuple[int, ...] | None = None, n_cap: int | None = None,
                       budget_s: float | None = None, whole_fit: bool = True) -> dict[str, Any]:
    """The population operator against the data-backed one: per-contraction time and agreement at each d, and
    one whole learner fit at n = infinity against the same learner on the rows.

    ``dims``, ``n_cap`` and ``budget_s`` override the mode's sizes and (full mode) time budget (tests use
    tiny ones); ``whole_fit=False`` skips the learner fit. Runs with WORKER_BLAS_THREADS BLAS thread(s).
    """
    from depth2.papers.mondelli2019.experiments import generic_rank, rank_width

    dims = tuple(dims) if dims is not None else (POP_DIMS_QUICK if quick else POP_DIMS_FULL)
    cap = int(n_cap) if n_cap is not None else (POP_N_CAP_QUICK if quick else POP_N_CAP_FULL)
    budget = float(budget_s) if budget_s is not None else POP_FULL_BUDGET_S
    t_start = time.perf_counter()
    sizes: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    fit = None
    with all_blas_threads_limited(WORKER_BLAS_THREADS) as threads:
        if whole_fit:
            fit = _whole_fit(quick)
            log(f"population: {fit['learner']} d={fit['d']} r={fit['r']}: "
                + ", ".join(f"{row['operator']} {row['time_s']:.2f} s" for row in fit["rows"]))
        for d in dims:
            r = rank_width(d, POP_RANK_FRACTION)
            n = min(cap, max(1000, round(POP_N_PER_RD2 * r * d * d)))
            spent = time.perf_counter() - t_start
            if not quick and sizes and d not in POP_DIMS_QUICK:  # the quick mode's d always run
                predicted = _predict_size_s(sizes[-1], n, d, r, POP_ROUND_BUDGET_S[quick])
                if spent + predicted > budget:
                    dropped.append({"d": d, "r": r, "n": n, "why": f"time budget: {spent:.0f} s spent + "
                                    f"{predicted:.0f} s predicted > {budget:.0f} s"})
                    log(f"population: d={d} dropped ({dropped[-1]['why']})")
                    break
            row = _one_size(n, d, r, POP_ROUND_BUDGET_S[quick])
            row["generic_rank"] = generic_rank(d)
            row["seconds"] = time.perf_counter() - t_start - spent
            sizes.append(row)
            log(f"population: d={d} r={r} n={n}: " + ", ".join(f"{t['name']} x{t['ratio']:.0f}"
                                                               for t in row["timing"])
                + f" ({row['seconds']:.1f} s)")
    return {"sizes": sizes, "dropped": dropped, "fit": fit, "n_cap": cap, "budget_s": budget, "blas_threads": threads,
            "quick": quick, "seconds": time.perf_counter() - t_start}


def _ms(s: float) -> str:
    ms = 1e3 * s
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:,.0f}"


def _threads_text(threads: dict[str, int | None]) -> str:
    return ", ".join(f"{v if v is not None else '?'} in `{k}`" for k, v in threads.items()) or "none could be set"


def _load_range(a: float | None, b: float | None) -> str:
    return f"{a:.1f}–{b:.1f}" if a is not None and b is not None else "?"


def _population_markdown(res: dict[str, Any]) -> list[str]:
    sizes = res["sizes"]
    frac_txt = f"{POP_RANK_FRACTION:g}"
    lines = [
        "### Population operator (n = ∞) against the data-backed one",
        "",
        "`PopulationMoments` (the exact T3 = E[y He_3(x)] = 6 Σ_i w_i^⊗3 of the planted network, through "
        "`depth2.core.data.population_of` as the learners' `population = true` reads it; O(d r k) per "
        "contraction) against `CubicMoments(X, y)` (the learners' data-backed operator, default `residualize = 1`; "
        "one pass over the n rows per contraction), on the same replicate of `mondelli2019.poly_net` (He_3, "
        f"unit output weights) with r = round({frac_txt} × generic rank), generic rank = (d + 1)(d + 2) / 6, and "
        f"n = r d² rows as the finite-n arm (`experiments.barrier.n_per_rd2 = {POP_N_PER_RD2:g}`), capped at "
        f"{res['n_cap']:,} rows. The rows are generated and the operators built before any timing (not timed). "
        "Contractions: `vectors(U)` = T3(·, u_j, u_j) on k = r columns (one per L-BFGS evaluation of the joint "
        "refinement, and each power step: by far the most frequent call of `tensor_power`, the default learner), "
        "`scalars(U)` = T3(u_j, u_j, u_j) (once per search round and refinement), `matrices(G)` = T3(·, ·, g_j) on "
        f"k = {POP_MATRICES_K} columns (`tensor_jennrich`'s subspace draws, the `svd` starts, `tensor_spectral`'s "
        "range finder). *time*: each contraction gets one untimed warm-up call per operator, then rounds "
        "alternate one data-backed call and one batch of population calls (batch of at least "
        f"{1e3 * POP_BATCH_S:g} ms, time per call = batch time / calls), at least {POP_MIN_ROUNDS} rounds, then "
        f"while the rounds took under {POP_ROUND_BUDGET_S[res['quick']]:g} s, at most {POP_MAX_ROUNDS}; the "
        f"**best** round is reported (median in the JSON). BLAS threads, set for this section in every OpenBLAS "
        f"loaded (numpy's and scipy's, which the learners' refinement uses): {_threads_text(res['blas_threads'])}. "
        "*data / population*: the ratio of the two best times. *load*: 1-minute load average before and after the "
        "size (generation, agreement and timing).",
        "",
        "| d | r | r / d^1.5 | n | contraction | k | data (ms) | population (ms) | data / population | rounds "
        "| load |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sizes:
        n_cell = f"{s['n']:,}" + (f" (r d² = {s['n_rd2']:,})" if s["n"] != s["n_rd2"] else "")
        for t in s["timing"]:
            lines.append(f"| {s['d']} | {s['r']} | {s['r'] / s['d'] ** 1.5:.2f} | {n_cell} | `{t['name']}` | {t['k']} "
                         f"| {_ms(t['data_s'])} | {_ms(t['pop_s'])} | **{t['ratio']:,.0f}** | {t['rounds']} "
                         f"| {_load_range(s['load_start'], s['load_end'])} |")
    lines += [
        "",
        "Agreement: *rel. diff* = ‖data − population‖_F / ‖population‖_F of the contraction's output, the data "
        "operator built on the first n / 16, n / 4 and n rows (nested prefixes of the same rows), on the inputs "
        "above and, for `vectors` and `scalars`, also at the planted W (where the joint refinement ends). "
        "*slope*: least-squares slope of log(rel. diff) against log n: sampling noise shrinks like 1 / sqrt(n), "
        "slope −0.5.",
        "",
        "| d | r | contraction | input | rel. diff at n / 16 | at n / 4 | at n | slope |",
        "| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for s in sizes:
        for a in s["agreement"]:
            cells = " | ".join(f"{v:.3f} (n = {m:,})" for m, v in zip(s["ns"], a["rel_diff"], strict=True))
            if len(s["ns"]) < len(POP_SUBSAMPLES):
                cells += " |" * (len(POP_SUBSAMPLES) - len(s["ns"]))
            slope = f"{a['slope']:.2f}" if np.isfinite(a["slope"]) else "–"
            lines.append(f"| {s['d']} | {s['r']} | `{a['name']}` | {a['input']} | {cells} | {slope} |")
    if sizes:
        at_n = [(a["name"], a["rel_diff"][-1]) for s in sizes for a in s["agreement"]]
        rnd = [v for name, v in at_n if name.endswith("(U)") or name.endswith("(G)")]
        pln = [v for name, v in at_n if name.endswith("(W)")]
        ratios = [t["ratio"] for s in sizes for t in s["timing"]]
        slopes = [a["slope"] for s in sizes for a in s["agreement"] if np.isfinite(a["slope"])]
        capped = [s for s in sizes if s["n"] != s["n_rd2"]]
        where = "".join(f"; at d = {s['d']} n is capped, and the noise at the arm's r d² = {s['n_rd2']:,} rows would "
                        f"be about sqrt({s['n']:,} / {s['n_rd2']:,}) = {np.sqrt(s['n'] / s['n_rd2']):.2f} times this"
                        for s in capped)
        lines += ["", f"At the largest n of each d the data-backed outputs differ from the population's by "
                  f"{min(rnd):.0%}–{max(rnd):.0%} on the random inputs and {min(pln):.0%}–{max(pln):.0%} at the "
                  f"planted W: the sampling noise the finite-n arm's learners (n = r d²) work against{where}. "
                  + (f"The slopes run from {min(slopes):.2f} to {max(slopes):.2f} (three nested prefixes of one "
                     "sample: each slope is itself noisy)" if slopes else "No slope could be fitted")
                  + f"; a population contraction is {min(ratios):,.0f}–{max(ratios):,.0f}× cheaper than a pass "
                  "over the rows here."]
    for dr in res["dropped"]:
        lines += ["", f"Dropped: d = {dr['d']} (r = {dr['r']}, n = {dr['n']:,}): {dr['why']}. Full mode keeps this "
                  f"section under about {res['budget_s']:.0f} s: a d beyond {', '.join(map(str, POP_DIMS_QUICK))} is "
                  "dropped when the time spent (the whole fit included) plus its prediction (the previous d's "
                  "measured times scaled by n d r for `vectors`, `scalars` and the row generation, n d² for "
                  "`matrices`) would pass it."]
    fit = res["fit"]
    if fit is None:
        lines += ["", "(The whole-fit comparison was not run.)", ""]
        return lines
    rows = fit["rows"]
    lines += [
        "",
        f"Whole fit: `depth2.learners.get('{fit['learner']}')(S, rng=default_rng([{FIT_SEED}, d]), width=r, "
        "population=...)` with default parameters, once with `population=True` (n = ∞: every contraction on "
        "`PopulationMoments`, exact output layer) and once with `population=False` (`CubicMoments` on the n = r d² "
        f"rows, output layer by ridge on the rows), d = {fit['d']}, r = round({fit['fraction']:g} × generic rank) "
        f"= {fit['r']}, same replicate and seed, in this process after an untimed warm-up fit of each kind on a "
        f"tiny problem; they alternate in rounds of {POP_FIT_POP_RUNS} population fits and one data-backed fit (at "
        f"least one round, more while the rounds took under {POP_FIT_REPEAT_BUDGET_S[res['quick']]:g} s, at most "
        f"{POP_FIT_MAX_RUNS}). *time* is the best run of the whole call (the data-backed one includes building "
        "`CubicMoments`: two passes); *runs*: fits timed; *passes*: contractions made (`fit.info['passes']`; for "
        "the data, sweeps over the rows); "
        "*refinement evaluations*: L-BFGS evaluations of the joint refinement, repair included; *recovered*: "
        f"fraction of the planted w_i matched with |cos| ≥ {RECOVERED_COS:g}.",
        "",
        "| learner | d | r | operator | time (s) | runs | passes | ms per pass | refinement evaluations | recovered "
        "| median \\|cos\\| | converged | load |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        per = 1e3 * row["time_s"] / row["passes"] if row["passes"] > 0 else float("nan")
        lines.append(f"| {fit['learner']} | {fit['d']} | {fit['r']} | {row['operator']} | {row['time_s']:.3f} "
                     f"| {len(row['times'])} | {row['passes']} | {per:.3f} | {row['refine_evaluations']} "
                     f"| {row['recovered']:.2f} "
                     f"| {row['cos_median']:.3f} | {'yes' if row['converged'] else 'no'} "
                     f"| {_load_range(row['load_start'], row['load_end'])} |")
    ratio = f"{fit['ratio']:,.0f}" if fit["ratio"] >= 10 else f"{fit['ratio']:.1f}"
    lines += ["", f"The data-backed fit took **{ratio}×** the population fit (best runs). The two make different "
              "numbers of passes (the noisy tensor changes the search and the refinement's path), so this ratio is "
              "not the per-contraction ratio above; *ms per pass* compares them pass for pass (the population "
              "fit's includes its search and output-layer overheads, which no longer hide behind the passes).", ""]
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
    log(f"population operator against the data-backed one ({'quick' if quick else 'full'})")
    pop = population_vs_data(quick)
    log(f"took {pop['seconds']:.0f} s")
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
             f"float64; the section took {res['seconds'] + pop['seconds']:.0f} s ({res['seconds']:.0f} s for the "
             f"learners against d, {pop['seconds']:.0f} s for the population operator); {load}.", ""]
    lines += _markdown(res, os.path.relpath(fig, rel_to))
    lines += _population_markdown(pop)
    return "\n".join(lines), {**res, "threads": threads, "worker_blas_threads": WORKER_BLAS_THREADS,
                              "loadavg_start": load_start, "loadavg_end": load_end, "population": pop}


def _main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] != "worker":
        raise SystemExit("usage: python -m bench.mondelli2019 worker LEARNER DATA.npz")
    print(json.dumps(worker(argv[1], argv[2])))


if __name__ == "__main__":
    _main(sys.argv[1:])
