"""The claims table's verdicts must not depend on the BLAS kernel OpenBLAS picks (issue 14, section 4).

OpenBLAS chooses its compute kernels by CPU at load time (SkylakeX-class on AVX-512 machines, Haswell on
AVX2 ones, ...); ``OPENBLAS_CORETYPE`` forces a choice. Kernels sum in different orders, so every dot
product may differ in its last bits. Two runs of the smoke config are compared, each under a kernel forced
by ``OPENBLAS_CORETYPE``: ``Haswell`` (AVX2 with FMA) and ``Sandybridge`` (AVX without FMA: a different
summation). Both are forced, so the comparison is the same on every machine that can run them, whatever
kernel the machine picks by default and whatever ``OPENBLAS_CORETYPE`` its environment sets (the session's
``smoke_run`` runs under that environment and is not used). Each run builds only the experiment tables and
the claims table (no figures, notebooks or report).

Compared: the claims' ids, verdicts and regime cells, identical; every experiment table, with the same rows,
the same non-numeric and boolean values, and numbers within a relative tolerance (module constants below,
with the measurements they were chosen from). Wall-time columns are exempt, as in the determinism test.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, run_snakemake
from test_workflow import WALL_TIME_COLUMNS

pytestmark = pytest.mark.workflow

# Measured on the smoke config (2026-12-04, numpy 2.4.6 with OpenBLAS 0.3.31, an AVX-512 machine), the
# largest relative difference of any number between the SkylakeX, Haswell and Sandybridge kernels (all three
# pairs) outside the tables of KERNEL_SENSITIVE was 1.9e-7 (awasthi2021 baselines, a_err, through
# net_lbfgs's L-BFGS); most tables differ by 1e-16..1e-11. RTOL leaves five times that.
RTOL = 1e-6
# Relative to the column's largest |value|: below it a number is the rounding residue of a zero (goel2021
# reduction_b's exact solver gives a realizable instance the loss 2.44e-31 under one kernel and 2.45e-31
# under another).
ATOL_OF_SCALE = 1e-9

# Tables whose numbers come from iterative optimizers that the smoke config stops mid-way (iteration caps
# far below the default config's): a last-bit difference grows along the trajectory, and what is compared
# is where each kernel's trajectory was when the cap struck. Their tolerance is about three times the
# largest difference measured over the three pairs of kernels; it still catches a flipped boolean (exact)
# or a number off by a third.
KERNEL_SENSITIVE = {
    # gd_pop, 150 steps (default 3000): the loss is still falling (1.7e-4; the minimum is 2.9e-5). A
    # difference of 1e-18 in the first step grows about e^0.25-fold per step (to 1e-2 by step 150); run
    # for 3000 steps both kernels reach the same loss to 10 digits. Measured: loss, ratio 9.8%, bias_hat
    # 3.3%, norm 2.4%.
    "guo2025/population_gd": 0.3,
    # gd_pop in csq runs to its own test (relative decrease <= 1e-10 per step): on the CSQ instance one run
    # descends slowly along a flat valley (gradient norm 1e-4 when the test fires), and the step at which the
    # test fires differs between kernels. Measured (2026-12-07, smoke config): loss 3.6e-4, grad_norm 11%,
    # rel_decrease 13%, of that one run; every other value within RTOL.
    "guo2025/csq": 0.4,
    # hermite_tensor+refine, L-BFGS max_iter 50 (default 300), on the one replicate whose tensor step failed:
    # unconverged at 50; run to convergence (143 vs 153 iterations) it ends in a flat valley whose loss the
    # kernels agree on to 1e-5 and its biases to 1%. Measured: b_err 1.8%, w_err 0.3%, cos 0.14%.
    "awasthi2021/recovery_vs_n": 0.05,
    # net_gd/net_adam: at a 200-step budget one restart of 48 was mid-descent (loss 0.65%); at the smoke
    # config's 2000 steps every number agreed within RTOL over the three pairs of kernels (2026-12-08) but the
    # convergence records of converged fits (CONVERGED_STEPS_RTOL below). The tolerance was left as it was.
    "goel2021/local_search": 0.05,
    # tensor_power at the overcomplete point r = 23 > d = 8: every round stops at the 10-iteration cap of the
    # power method before its joint L-BFGS refinement; the same components are found (same counts per
    # round). Measured: median_weight_err 0.84%, rel_risk 0.21%, mean_cos 0.013%.
    "mondelli2019/barrier": 0.05,
    # net_lbfgs, L-BFGS max_iter 50 in the smoke config (unconverged there, 6 of 6): measured after the issue-16
    # learner changes, a_err 4.2e-6, grad_norm 2.7e-6, rel_decrease 1.8e-6 relative.
    "awasthi2021/baselines": 1e-4,
}

# The convergence record (depth2.learners.base.convergence) of a fit its own test stopped, `converged` True
# under both kernels (`converged` itself is a boolean, compared exactly). A stopping test is a threshold, and
# a last-bit difference moves the iterate at which the trajectory crosses it:
# * `steps`, the iteration at which the test fired, is not bit-stable across kernels: net_gd/net_adam test
#   every `window` = 100 steps, so theirs moves by whole windows (goel2021 local_search, one set_cover fit:
#   1200 under Haswell, 1300 under Sandybridge, 7.7%); gd_pop's per-step test on guo2025 csq fired at 472 vs
#   528 (10.6%, the largest over the three pairs of kernels, 2026-12-08). Three times that: a fit that took
#   half or twice the iterations still fails.
# * `rel_decrease` and `grad_norm` are readings of the iterate where the test fired, which the test bounds
#   (rel_decrease by its tolerance; the gradient norm by its tolerance where the test is on the gradient, else
#   only through the decrease) but does not fix: under the bound they differ by any factor (that set_cover
#   fit's grad_norm 2.4e-4 vs 2.0e-4 one window apart; 5.6e-9 vs 1.3e-8 at a local minimum; guo2025 csq
#   rel_decrease 3.9e-11 vs 3.0e-13 under its 1e-10). Compared: only which reading exists (a number or NaN,
#   exactly: NaN where the loss or gradient test stopped a local search instead of the decrease test).
# An unconverged fit stopped at its budget (steps = max_steps): its record is compared as any other number.
CONVERGED_STEPS_RTOL = 0.3
CONVERGED_BOUNDED = ("rel_decrease", "grad_norm")

# Known fragile, compared by their own test on shape and non-numeric columns instead of being hidden behind a
# loose tolerance: the issue-17 frontier at n = infinity refines r units near the generic rank by a long joint
# L-BFGS in a non-convex landscape; a last-bit difference changes the trajectory (921 vs 1317 iterations, both
# converged) and which components end up recovered (frac_recovered 0.17 vs 0.27 on one smoke fit,
# 2026-12-04). The verdicts agreed in that run; making the refinement kernel-independent is open work.
KNOWN_FRAGILE = {"mondelli2019/frontier"}


def openblas_core(env: dict | None = None) -> str | None:
    """The kernel (core name) numpy's OpenBLAS runs in a fresh interpreter under ``os.environ`` updated by
    ``env`` (bench.environment reads it, through threadpoolctl where installed); None if not OpenBLAS."""
    probe = "from bench.environment import blas_runtime; print(blas_runtime()['corename'])"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})})
    core = proc.stdout.strip()
    return core if proc.returncode == 0 and core not in ("", "unknown") else None


# The two kernels compared, each forced in its own run, and the CPU flags each needs (forcing a kernel whose
# instructions the CPU lacks would crash, so the flags are checked first)
KERNELS = ("Haswell", "Sandybridge")
KERNEL_NEEDS = {"Haswell": {"avx2", "fma"}, "Sandybridge": {"avx"}}


def cpu_flags() -> set[str]:
    """The CPU's flags from /proc/cpuinfo (empty off x86-64, where no kernel of KERNELS runs)."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def compare_tables(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> list[str]:
    """Differences between one experiment table under two kernels (empty: the same within ``rtol``).

    Same columns and rows; non-numeric and boolean columns equal; numeric columns (wall time excepted)
    within ``rtol`` of the larger |value|, or within ATOL_OF_SCALE of the column's largest |value|; on rows
    whose fit converged under both kernels, ``steps`` within CONVERGED_STEPS_RTOL (if looser) and the
    CONVERGED_BOUNDED readings only present or absent alike.
    """
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return [f"columns or row count differ: {list(a.columns)} ({len(a)} rows) vs {list(b.columns)} ({len(b)})"]
    converged = np.zeros(len(a), dtype=bool)
    if "converged" in a.columns:
        converged = (a["converged"].fillna(False) & b["converged"].fillna(False)).to_numpy(bool)
    problems = []
    for col in a.columns:
        if col in WALL_TIME_COLUMNS:
            continue
        x, y = a[col], b[col]
        if not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x):
            if not x.equals(y):
                rows = np.flatnonzero(~((x == y) | (x.isna() & y.isna())).to_numpy())
                problems.append(f"{col}: values differ in rows {rows[:10].tolist()} "
                                f"({x.iloc[rows[0]]} vs {y.iloc[rows[0]]})")
            continue
        u, v = x.to_numpy(float), y.to_numpy(float)
        finite = np.abs(np.concatenate([u, v]))
        finite = finite[np.isfinite(finite)]
        scale = float(finite.max()) if finite.size else 0.0
        atol = ATOL_OF_SCALE * scale
        ok = np.isclose(u, v, rtol=rtol, atol=atol, equal_nan=True)
        if col == "steps":
            loose = np.isclose(u, v, rtol=max(rtol, CONVERGED_STEPS_RTOL), atol=atol, equal_nan=True)
            ok |= converged & loose
        elif col in CONVERGED_BOUNDED:
            ok |= converged & (np.isnan(u) == np.isnan(v))
        if not ok.all():
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.abs(u - v) / np.maximum(np.abs(u), np.abs(v))
            bad = np.flatnonzero(~ok)
            i = bad[np.argmax(np.nan_to_num(rel[bad], nan=np.inf))]  # NaN: one side NaN, or inf vs inf
            problems.append(f"{col}: {int((~ok).sum())} of {len(u)} values beyond rtol {rtol:g}; worst "
                            f"{u[i]:.10g} vs {v[i]:.10g} (relative {rel[i]:.2g})")
    return problems


def compare_runs(a: Path, b: Path, skip: set[str] | frozenset[str] = frozenset(),
                 only: set[str] | None = None) -> list[str]:
    """Every difference between two runs' claims (verdicts and regime cells) and experiment tables (empty: the
    same); tables in ``skip`` are left out, and with ``only`` just those tables are compared (no claims)."""
    problems = []
    ca, cb = (pd.read_csv(r / "figures" / "claims.csv") for r in (a, b))
    if only is not None:
        pass
    elif list(ca["id"]) != list(cb["id"]):
        problems.append(f"claims: ids differ: {list(ca['id'])} vs {list(cb['id'])}")
    else:
        for (cid, va, ra, oa), (vb, rb, ob) in zip(ca[["id", "verdict", "regime", "observed"]].itertuples(index=False),
                                                   cb[["verdict", "regime", "observed"]].itertuples(index=False),
                                                   strict=True):
            if va != vb:
                problems.append(f"claims: {cid} is {va!r} ({oa}) vs {vb!r} ({ob})")
            if ra != rb:
                problems.append(f"claims: {cid} regime {ra!r} vs {rb!r}")
    tables = sorted(p.relative_to(a) for p in a.glob("results/*/*/table.parquet"))
    others = sorted(p.relative_to(b) for p in b.glob("results/*/*/table.parquet"))
    if tables != others:
        problems.append(f"different experiment tables: {sorted(set(tables) ^ set(others))}")
    for rel in sorted(set(tables) & set(others)):
        key = "/".join(rel.parts[1:3])
        if key in skip or (only is not None and key not in only):
            continue
        for p in compare_tables(pd.read_parquet(a / rel), pd.read_parquet(b / rel), KERNEL_SENSITIVE.get(key, RTOL)):
            problems.append(f"{key}: {p}")
    return problems


@pytest.fixture(scope="module")
def kernel_runs(tmp_path_factory) -> tuple[Path, Path]:
    """The smoke config's tables and claims table under each kernel of KERNELS, in that order."""
    flags = cpu_flags()
    lacking = {k: sorted(KERNEL_NEEDS[k] - flags) for k in KERNELS if not KERNEL_NEEDS[k] <= flags}
    if lacking:
        raise AssertionError(f"this CPU cannot run the OpenBLAS kernels compared (lacks {lacking})")
    runs = []
    for kernel in KERNELS:
        env = {"OPENBLAS_CORETYPE": kernel}
        core = openblas_core(env)
        if core is None:
            raise AssertionError("numpy is not linked against OpenBLAS (or its core name cannot be read): CI "
                                 "machines are")
        if core != kernel:
            raise AssertionError(f"OPENBLAS_CORETYPE={kernel} is not honoured here (got {core})")
        run = tmp_path_factory.mktemp(f"smoke_{kernel.lower()}")
        run_snakemake(run, "figures/claims.csv", env=env)
        runs.append(run)
    return runs[0], runs[1]


def test_verdicts_and_tables_do_not_depend_on_the_blas_kernel(kernel_runs):
    a, b = kernel_runs
    assert len(list(b.glob("results/*/*/table.parquet"))) > 20
    problems = compare_runs(a, b, skip=KNOWN_FRAGILE)
    assert not problems, f"kernel {KERNELS[0]} vs {KERNELS[1]}:\n" + "\n".join(problems)


def test_known_fragile_tables_under_both_kernels(kernel_runs):
    a, b = kernel_runs
    # numbers of these tables are kernel-dependent (see KNOWN_FRAGILE): compare their shape and every
    # non-numeric column exactly, with the numeric tolerance opened to any finite difference
    problems = [p for p in compare_runs(a, b, only=KNOWN_FRAGILE) if "beyond rtol" not in p]
    assert not problems, f"kernel {KERNELS[0]} vs {KERNELS[1]}:\n" + "\n".join(problems)
