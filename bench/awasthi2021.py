"""Benchmarks of the awasthi2021 building blocks: Hermite moment contractions and tensor decompositions.

A. **Implicit contraction against the dense tensor.** :class:`depth2.core.moments.HermiteMoments` never forms
   ``T3 = E[y He_3(x)]`` (d^3 numbers) or ``T4`` (d^4): ``t3_matrix(g) = T3(., ., g)`` and
   ``t4_matrix(g, h) = T4(., ., g, h)`` make one O(n d^2) pass over the rows per call. The alternative builds
   the dense tensor once (O(n d^3) for T3 and O(n d^4) for T4, packed GEMMs: see :func:`dense_t3`) and then
   contracts it in O(d^3) / O(d^4) per call. Measured: the constructor, one
   implicit contraction, the dense build and one dense contraction, their ratios, the break-even number of
   contractions, and the implicit kernel's GFLOP/s against the machine's GEMM rate.
B. **Our decompositions against tensorly's CP-ALS** on the same small dense planted symmetric tensor:
   projection + :func:`~depth2.core.tensor.jennrich` (with and without
   :func:`~depth2.core.tensor.joint_refine`), :func:`~depth2.core.tensor.power_iteration`, and
   ``tensorly.decomposition.parafac``; time and recovery error side by side.

Nothing here asserts a time: the numbers are measured and reported.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# ---- part A: sizes -------------------------------------------------------------------------------------
A_DIMS_FULL: tuple[int, ...] = (20, 50, 100)
A_DIMS_QUICK: tuple[int, ...] = (20, 50)
A_N_FULL = 100_000
A_N_QUICK = 20_000
NET_WIDTH = 5  # planted network: sum of NET_WIDTH relu(<w_i, x> + b_i), unit w_i
DATA_SEED = 2021
DENSE4_MAX_BYTES = 256 * 2**20  # the dense T4 (d^4 float64) is built only below this size
PAIR_CHUNK_BYTES = 32 * 2**20  # rows per chunk of the dense build: its (rows, d(d+1)/2) pair matrix stays below
NOISY_SPREAD = 2.0  # a timing whose repeats spread wider than this (max / min) is flagged in the report
K_REPEATED = 16  # contractions in one jennrich call with its default 8 draws (two per draw)

# ---- part B: sizes -------------------------------------------------------------------------------------
B_DIMS: tuple[int, ...] = (8, 15, 25)
B_NOISE = 1e-3  # sigma = B_NOISE * ||T|| / sqrt(d^3), then symmetrized
B_SEED = 7
PARAFAC_ITERS = 1000
PARAFAC_TOL = 1e-10
RECOVERED_ERR = 1e-2  # a seed "recovered" the components when max (1 - |cos|) is below this


def log(msg: str) -> None:
    """Progress line on stderr (the report goes to results.md)."""
    print(f"[bench.awasthi2021] {msg}", file=sys.stderr, flush=True)


def _median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float], Any]:
    """Run ``fn`` ``repeats`` times; (median seconds, all seconds, the last result)."""
    times, out = [], None
    for _ in range(max(1, int(repeats))):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), times, out


# ---------------------------------------------------------------------------------------------------
# Part A: implicit contraction vs dense tensor
# ---------------------------------------------------------------------------------------------------


def planted_data(n: int, d: int, seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """X ~ N(0, I_d) (n, d) float64 and y = sum_i relu(<w_i, x> + b_i), NET_WIDTH unit w_i, b_i ~ U[-1, 1]."""
    rng = np.random.default_rng([seed, d, n])
    W = rng.standard_normal((d, NET_WIDTH))
    W /= np.linalg.norm(W, axis=0)
    b = rng.uniform(-1.0, 1.0, NET_WIDTH)
    X = rng.standard_normal((n, d))
    y = np.maximum(X @ W + b, 0.0).sum(axis=1)
    return X, y


def residual_labels(mom: Any, Xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
    """y_r = y - T0 - <T1, x> - (x^T T2 x - tr T2) / 2: the residualization of HermiteMoments, from its
    public T0, T1, T2 (so the dense tensors below are the same E[y_r He_k(x)] the implicit calls contract)."""
    quad = np.sum((Xc @ mom.T2) * Xc, axis=1)
    return yc - mom.T0 - Xc @ mom.T1 - 0.5 * (quad - np.trace(mom.T2))


def _pairs(d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle pairs (i <= j) and the (d, d) map from (i, j) (either order) to the pair index."""
    iu, ju = np.triu_indices(d)
    idx = np.empty((d, d), dtype=np.intp)
    idx[iu, ju] = np.arange(iu.size)
    idx[ju, iu] = np.arange(iu.size)
    return iu, ju, idx


def _pair_chunk_rows(d: int) -> int:
    return max(256, PAIR_CHUNK_BYTES // (8 * d * (d + 1) // 2))


def _pair_products(Xc: np.ndarray, out: np.ndarray) -> np.ndarray:
    """x_b x_c for b <= c (the order of ``np.triu_indices``) into ``out[:rows]``: d contiguous broadcasts
    (no gather), ``(rows, d(d+1)/2)``."""
    rows, d = Xc.shape
    P = out[:rows]
    off = 0
    for b in range(d):
        np.multiply(Xc[:, b:b + 1], Xc[:, b:], out=P[:, off:off + d - b])
        off += d - b
    return P


def dense_t3(mom: Any, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Dense T3 = E[y_r He_3(x)], (d, d, d), chunked over rows.

    Raw moment E[y_r x_a x_b x_c] as one GEMM per chunk, ``(X * y_r)^T @ P`` with ``P`` the (rows, d(d+1)/2)
    products x_b x_c for b <= c (symmetry halves the GEMM), scattered to the full cube at the end; then
    He_3 = x x x - (x_a d_bc + x_b d_ac + x_c d_ab).
    """
    n, d = X.shape
    iu, _, idx = _pairs(d)
    step = _pair_chunk_rows(d)
    M3 = np.zeros((d, iu.size))
    m1 = np.zeros(d)
    buf = np.empty((min(step, n), iu.size))
    for s in range(0, n, step):
        Xc = X[s:s + step]
        r = residual_labels(mom, Xc, y[s:s + step])
        rX = Xc * r[:, None]
        M3 += rX.T @ _pair_products(Xc, buf)
        m1 += rX.sum(axis=0)
    M3, m1 = M3 / n, m1 / n
    T = M3[:, idx]
    eye = np.eye(d)
    T -= np.einsum("a,bc->abc", m1, eye) + np.einsum("b,ac->abc", m1, eye) + np.einsum("c,ab->abc", m1, eye)
    return T


def dense_t4(mom: Any, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Dense T4 = E[y_r He_4(x)], (d, d, d, d): ``(P * y_r)^T @ P`` per chunk on the packed pairs, then
    He_4 = xxxx - (six x_i x_j d_kl terms) + (three d d terms)."""
    n, d = X.shape
    iu, _, idx = _pairs(d)
    step = _pair_chunk_rows(d)
    M4 = np.zeros((iu.size, iu.size))
    M2 = np.zeros(iu.size)
    m0 = 0.0
    buf = np.empty((min(step, n), iu.size))
    for s in range(0, n, step):
        Xc = X[s:s + step]
        r = residual_labels(mom, Xc, y[s:s + step])
        P = _pair_products(Xc, buf)
        rP = P * r[:, None]
        M4 += rP.T @ P
        M2 += rP.sum(axis=0)
        m0 += float(r.sum())
    M4, M2, m0 = M4 / n, M2[idx] / n, m0 / n
    T = M4[idx[:, :, None, None], idx[None, None, :, :]]
    eye = np.eye(d)
    for sub in ("ij,kl->ijkl", "ik,jl->ijkl", "il,jk->ijkl", "jk,il->ijkl", "jl,ik->ijkl", "kl,ij->ijkl"):
        T -= np.einsum(sub, M2, eye)
    for sub in ("ij,kl->ijkl", "ik,jl->ijkl", "il,jk->ijkl"):
        T += m0 * np.einsum(sub, eye, eye)
    return T


def flops_t3_implicit(n: int, d: int) -> float:
    """Flops of one ``t3_matrix`` call (residualize=True) once the object has cached its residual labels
    and the g-free mean r x (issue 16), counted from the source, per row: ``X @ g`` 2d, ``r * gx`` 1, row
    scaling d, the GEMM (X * s)^T X 2d^2: 2 d^2 + 3 d + 1."""
    return float(n) * (2 * d * d + 3 * d + 1)


def flops_t4_implicit(n: int, d: int) -> float:
    """Flops of one ``t4_matrix`` call with the labels and the g-free (X * r)^T X cached, per row: ``X @ g``,
    ``X @ h`` 4d, ``r gx``, ``r hx``, ``rg hx`` 3, row scaling d, the GEMM A 2d^2, ``X^T rh``, ``X^T rg`` 4d,
    ``rg . hx`` 2: 2 d^2 + 9 d + 5."""
    return float(n) * (2 * d * d + 9 * d + 5)


def flops_dense_build(n: int, d: int, order: int) -> float:
    """Flops of :func:`dense_t3` / :func:`dense_t4` (packed pairs p = d(d+1)/2), per row: labels 2d^2 + 4d,
    pair products p, then order 3: scaling d + GEMM 2dp; order 4: scaling p + GEMM 2p^2."""
    p = d * (d + 1) // 2
    per_row = 2 * d * d + 4 * d + p + (d + 2 * d * p if order == 3 else p + 2 * p * p)
    return float(n) * per_row


def _one_dim(n: int, d: int, quick: bool, gemm_gflops: float | None) -> dict[str, Any]:
    """Every part-A measurement at one (n, d)."""
    from depth2.core.moments import HermiteMoments

    X, y = planted_data(n, d)
    rng = np.random.default_rng([DATA_SEED, d, 1])
    g, h = rng.standard_normal(d), rng.standard_normal(d)
    reps_impl, reps_build, reps_dense = (5, 3, 15) if quick else (7, 3, 31)
    row: dict[str, Any] = {"n": n, "d": d, "repeats_implicit": reps_impl, "repeats_build": reps_build,
                           "repeats_dense_contract": reps_dense}

    HermiteMoments(X[:1000], y[:1000])  # warm-up (first-call costs)
    row["ctor_s"], row["ctor_all"], mom = _median_time(lambda: HermiteMoments(X, y), 3)
    mom.t3_matrix(g)  # warm-up (thread pool, pages)
    row["t3_impl_s"], row["t3_impl_all"], M3_impl = _median_time(lambda: mom.t3_matrix(g), reps_impl)
    row["t4_impl_s"], row["t4_impl_all"], M4_impl = _median_time(lambda: mom.t4_matrix(g, h), reps_impl)

    # what the kernel's dominating GEMM costs alone at its exact shapes (chunks of Samples.block_rows rows);
    # a copy as the right operand, since numpy turns ``A.T @ A`` on one buffer into a SYRK (half the flops)
    chunks = [(Xc, Xc.copy()) for Xc, _ in mom.samples.chunks()]
    row["chunk_rows"] = int(chunks[0][0].shape[0])
    row["gemm_shape_s"], _, _ = _median_time(lambda: [a.T @ b for a, b in chunks], reps_impl)
    row["gemm_shape_gflops"] = 2.0 * n * d * d / row["gemm_shape_s"] / 1e9
    # t3_matrix's one O(n d^2) product (the GEMM; the labels' X @ T2 is cached since issue 16) at the
    # shape-matched rate, as a share of its time
    row["t3_gemm_share"] = row["gemm_shape_s"] / row["t3_impl_s"]

    row["t3_impl_gflops"] = flops_t3_implicit(n, d) / row["t3_impl_s"] / 1e9
    row["t3_impl_gemm_gflops"] = 2.0 * n * d * d / row["t3_impl_s"] / 1e9  # the GEMM's flops only
    row["t4_impl_gflops"] = flops_t4_implicit(n, d) / row["t4_impl_s"] / 1e9
    if gemm_gflops:
        row["t3_impl_pct_gemm"] = 100.0 * row["t3_impl_gflops"] / gemm_gflops
        row["t4_impl_pct_gemm"] = 100.0 * row["t4_impl_gflops"] / gemm_gflops

    for order, ref in ((3, M3_impl), (4, M4_impl)):
        _dense_side(row, order, mom, X, y, (g,) if order == 3 else (g, h), ref, reps_build, reps_dense)
    _ratios(row)
    return row


def _dense_side(row: dict[str, Any], order: int, mom: Any, X: np.ndarray, y: np.ndarray,
                vecs: tuple[np.ndarray, ...], ref: np.ndarray, reps_build: int, reps_dense: int) -> None:
    """Build the dense tensor of ``order`` (unless over DENSE4_MAX_BYTES), time it and its contraction with
    ``vecs``, and compare the result with the implicit one ``ref``; fills ``row``."""
    from depth2.core.tensor import contract_matrix

    key, n, d = f"t{order}", X.shape[0], X.shape[1]
    nbytes = 8 * d**order
    row[f"{key}_dense_mib"] = nbytes / 2**20
    row[f"{key}_dense_skipped"] = nbytes > DENSE4_MAX_BYTES and order == 4
    if row[f"{key}_dense_skipped"]:
        return
    build = dense_t3 if order == 3 else dense_t4
    row[f"{key}_build_s"], row[f"{key}_build_all"], T = _median_time(lambda: build(mom, X, y), reps_build)
    contract_matrix(T, *vecs)  # warm-up
    row[f"{key}_dense_s"], row[f"{key}_dense_all"], M = _median_time(lambda: contract_matrix(T, *vecs), reps_dense)
    row[f"{key}_rel_diff"] = float(np.max(np.abs(M - ref)) / max(np.max(np.abs(ref)), 1e-300))
    row[f"{key}_build_gflops"] = flops_dense_build(n, d, order) / row[f"{key}_build_s"] / 1e9
    row[f"{key}_dense_gbs"] = nbytes / row[f"{key}_dense_s"] / 1e9


def _ratios(row: dict[str, Any]) -> None:
    """(build + k dense) / (k implicit) for k = 1 and K_REPEATED, and the break-even k, per order."""
    for key in ("t3", "t4"):
        if f"{key}_build_s" not in row:
            continue
        build, dense, impl = row[f"{key}_build_s"], row[f"{key}_dense_s"], row[f"{key}_impl_s"]
        row[f"{key}_ratio_1"] = (build + dense) / impl
        row[f"{key}_ratio_k"] = (build + K_REPEATED * dense) / (K_REPEATED * impl)
        row[f"{key}_ratio_inf"] = dense / impl
        row[f"{key}_breakeven_k"] = build / (impl - dense) if impl > dense else float("inf")


def _estimate_t4(rows: list[dict[str, Any]]) -> None:
    """For a skipped dense T4, estimate build and contraction times from the largest built one's rates."""
    built = [r for r in rows if not r["t4_dense_skipped"]]
    if not built:
        return
    ref = max(built, key=lambda r: r["d"])
    for r in rows:
        if not r["t4_dense_skipped"]:
            continue
        r["t4_estimated_from_d"] = ref["d"]
        r["t4_build_s"] = flops_dense_build(r["n"], r["d"], 4) / (ref["t4_build_gflops"] * 1e9)
        r["t4_dense_s"] = 8.0 * r["d"] ** 4 / (ref["t4_dense_gbs"] * 1e9)
        _ratios(r)


def contraction_vs_dense(quick: bool, gemm_gflops: float | None) -> dict[str, Any]:
    """Part A at every d."""
    n = A_N_QUICK if quick else A_N_FULL
    dims = A_DIMS_QUICK if quick else A_DIMS_FULL
    rows = []
    for d in dims:
        t0 = time.perf_counter()
        row = _one_dim(n, d, quick, gemm_gflops)
        rows.append(row)
        msg = (f"d={d}: ctor {row['ctor_s'] * 1e3:.1f} ms, t3 implicit {row['t3_impl_s'] * 1e3:.2f} ms "
               f"({row['t3_impl_gflops']:.1f} GFLOP/s), dense build {row['t3_build_s'] * 1e3:.1f} ms + "
               f"contract {row['t3_dense_s'] * 1e3:.3f} ms; t4 implicit {row['t4_impl_s'] * 1e3:.2f} ms")
        if not row["t4_dense_skipped"]:
            msg += f", dense build {row['t4_build_s'] * 1e3:.1f} ms + contract {row['t4_dense_s'] * 1e3:.3f} ms"
        log(msg + f" [{time.perf_counter() - t0:.1f} s]")
    _estimate_t4(rows)
    return {"n": n, "dims": list(dims), "rows": rows, "k_repeated": K_REPEATED, "net_width": NET_WIDTH}


def plot_contraction(res: dict[str, Any], path: Path) -> None:
    """Seconds per contraction against d, log-log, one panel per order: implicit, dense contraction only,
    dense build + one contraction (hollow markers: estimated)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    rows = res["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained", sharey=True)
    legend: dict[str, Any] = {}
    for ax, order in zip(axes, (3, 4), strict=True):
        key = f"t{order}"
        ds = np.array([r["d"] for r in rows], float)
        ax.loglog(ds, [r[f"{key}_impl_s"] for r in rows], "o-", color="tab:blue",
                  label="implicit: HermiteMoments.t3_matrix / t4_matrix (one call)")
        for what, label, color, marker in ((f"{key}_dense_s", "dense: contraction only (contract_matrix)",
                                            "tab:green", "s"),
                                           (None, "dense: build + 1 contraction", "tab:red", "^")):
            pts = [(r["d"], r[what] if what else r[f"{key}_build_s"] + r[f"{key}_dense_s"],
                    bool(r.get(f"{key}_estimated_from_d"))) for r in rows if f"{key}_build_s" in r]
            measured = [p for p in pts if not p[2]]
            est = [p for p in pts if p[2]]
            if measured:
                ax.loglog([p[0] for p in measured], [p[1] for p in measured], marker + "-", color=color,
                          label=label)
            if est:
                link = measured[-1:] + est  # dotted from the last measured point to the estimates
                ax.loglog([p[0] for p in link], [p[1] for p in link], ":", color=color)
                ax.loglog([p[0] for p in est], [p[1] for p in est], marker, color=color, mfc="white", ms=10,
                          linestyle="none", label=f"{label}: estimated (dense T4 not built)")
        ax.set_xticks(ds, [str(int(d)) for d in ds])
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set(xlabel="d (input dimension)", ylabel="seconds (median of repeats)",
               title=f"order {order}: T{order}(., ., {'g' if order == 3 else 'g, h'}), n = {res['n']:,}")
        ax.grid(True, which="both", alpha=0.3)
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend.keys()), loc="outside lower center", ncol=2, fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------------
# Part B: our decompositions vs tensorly parafac
# ---------------------------------------------------------------------------------------------------


def planted_tensor(d: int, noise: float, seed: int = B_SEED) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(T, W, lam, m): T = sum_i lam_i w_i^{(x)3} + symmetrized Gaussian noise, m = round(d / 2) unit w_i,
    lam_i ~ U[1, 2]; noise sigma = ``noise`` ||T|| / sqrt(d^3) before symmetrization."""
    from depth2.core.tensor import dense_symmetric

    m = int(round(d / 2))
    rng = np.random.default_rng([seed, d])
    W = rng.standard_normal((d, m))
    W /= np.linalg.norm(W, axis=0)
    lam = rng.uniform(1.0, 2.0, m)
    T = dense_symmetric(lam, W, 3)
    if noise > 0:
        E = rng.standard_normal((d, d, d)) * (noise * np.linalg.norm(T) / np.sqrt(d**3))
        E = sum(np.transpose(E, p) for p in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))) / 6
        T = T + E
    return T, W, lam, m


def ours_jennrich(T: np.ndarray, m: int, rng: np.random.Generator, refine: bool) -> np.ndarray:
    """Jennrich as the package applies it: U = top-m left singular vectors of the unfolding T_(1) (its span
    is span(w_i)), P = T(U, U, U) (m^3), jennrich on P(., ., g) (8 draws), optionally joint_refine on P;
    components U V."""
    from depth2.core.tensor import contract_matrix, jennrich, joint_refine

    d = T.shape[0]
    U = np.linalg.svd(T.reshape(d, d * d), full_matrices=False)[0][:, :m]
    P = np.einsum("abc,ai,bj,ck->ijk", T, U, U, U, optimize=True)
    V, _ = jennrich(lambda g: contract_matrix(P, g), m, rng)
    if refine:
        V, _ = joint_refine(V, [P])
    return U @ V


def ours_power(T: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """power_iteration on T as given (rank m, default 10 restarts x 100 iterations)."""
    from depth2.core.tensor import power_iteration

    return power_iteration(T, m, rng)[1]


def ours_power_whitened(T: np.ndarray, m: int, rng: np.random.Generator, M2: np.ndarray) -> np.ndarray:
    """power_iteration after whitening with M2 = sum lam_i w_i w_i^T (an *oracle* second moment: the learner
    would have T2, a pure tensor decomposition does not): Q = U S^{-1/2}, T(Q, Q, Q) has orthogonal
    components sqrt(lam_i) Q^T w_i; un-whiten with U S^{1/2}."""
    from depth2.core.tensor import power_iteration

    s, U = np.linalg.eigh(M2)
    s, U = s[-m:], U[:, -m:]
    Q = U / np.sqrt(s)
    Tw = np.einsum("abc,ai,bj,ck->ijk", T, Q, Q, Q, optimize=True)
    V = power_iteration(Tw, m, rng)[1]
    return (U * np.sqrt(s)) @ V


def import_tensorly() -> tuple[Any, Any, str | None]:
    """``(tensorly, parafac, None)``, or ``(None, None, reason)`` when tensorly cannot be imported."""
    try:
        import tensorly
        from tensorly.decomposition import parafac
    except Exception as err:  # noqa: BLE001 - any import failure means: skip with the reason
        return None, None, f"tensorly not importable ({type(err).__name__}: {err}): skipped"
    return tensorly, parafac, None


def recovery_error(V_hat: np.ndarray, W: np.ndarray) -> float:
    """max over Hungarian-matched components of 1 - |cos| (0 is exact recovery)."""
    from depth2.core.tensor import match_components

    V_hat = np.asarray(V_hat, float)
    if not np.all(np.isfinite(V_hat)) or np.any(np.linalg.norm(V_hat, axis=0) == 0):
        return float("nan")
    _, cos = match_components(V_hat, W)
    return float(np.max(1.0 - np.abs(cos)))


def decomposition_vs_tensorly(quick: bool) -> dict[str, Any]:
    """Part B: time (median over seeds) and recovery error (median and worst over seeds) of every method."""
    tl, parafac, skipped = import_tensorly()
    if skipped:
        log(skipped)
    else:
        tl.set_backend("numpy")
    seeds = 3 if quick else 5
    # every method: (T, m, seed, M2) -> (components (d, m), {"iterations": ..., "rec_err": ...} or {})
    methods: list[tuple[str, Callable[..., tuple[np.ndarray, dict[str, Any]]]]] = [
        ("jennrich", lambda T, m, s, M2: (ours_jennrich(T, m, np.random.default_rng(s), refine=False), {})),
        ("jennrich + joint_refine",
         lambda T, m, s, M2: (ours_jennrich(T, m, np.random.default_rng(s), refine=True), {})),
        ("power_iteration", lambda T, m, s, M2: (ours_power(T, m, np.random.default_rng(s)), {})),
        ("power_iteration, oracle whitening",
         lambda T, m, s, M2: (ours_power_whitened(T, m, np.random.default_rng(s), M2), {})),
    ]
    if parafac is not None:
        for init in ("svd", "random"):
            def run_parafac(T, m, s, M2, init=init):
                cp, errors = parafac(T, rank=m, init=init, n_iter_max=PARAFAC_ITERS, tol=PARAFAC_TOL,
                                     random_state=s, return_errors=True)
                return np.asarray(cp.factors[0]), {"iterations": len(errors), "rec_err": float(errors[-1])}
            methods.append((f"tensorly parafac, init='{init}'", run_parafac))
    rows: list[dict[str, Any]] = []
    warmed: set[str] = set()
    for noise in (0.0, B_NOISE):
        for d in B_DIMS:
            T, W, lam, m = planted_tensor(d, noise)
            M2 = (W * lam) @ W.T
            for name, fn in methods:
                times, errs, extras = [], [], []
                if name not in warmed:  # warm-up (imports, first calls), once per method
                    fn(T, m, 0, M2)
                    warmed.add(name)
                for s in range(seeds):
                    t0 = time.perf_counter()
                    V_hat, extra = fn(T, m, s, M2)
                    times.append(time.perf_counter() - t0)
                    errs.append(recovery_error(V_hat, W))
                    extras.append(extra)
                row = {"noise": noise, "d": d, "m": m, "method": name, "seeds": seeds,
                       "time_s": float(np.median(times)), "times": times, "errs": errs,
                       "err_median": float(np.median(errs)), "err_max": float(np.max(errs)),
                       "recovered": int(np.sum(np.asarray(errs) < RECOVERED_ERR))}
                if extras[0]:
                    row["iterations"] = [e["iterations"] for e in extras]
                    row["rec_err"] = [e["rec_err"] for e in extras]
                rows.append(row)
            log(f"noise={noise:g} d={d} m={m}: " + ", ".join(
                f"{r['method']} {r['time_s'] * 1e3:.1f} ms err {r['err_max']:.1e}"
                for r in rows if r["d"] == d and r["noise"] == noise))
    info: dict[str, Any] = {"rows": rows, "skipped": skipped, "seeds": seeds, "noise": B_NOISE,
                            "parafac_iters": PARAFAC_ITERS, "parafac_tol": PARAFAC_TOL}
    if tl is not None:
        info["tensorly_version"] = tl.__version__
    return info


# ---------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------


def _ms(x: float) -> str:
    return f"{x * 1e3:.3f}" if x < 0.1 else f"{x * 1e3:.1f}"


def _timed_cell(r: dict[str, Any], name: str) -> str:
    """``r[name + "_s"]`` in ms, with † when its repeats spread over more than NOISY_SPREAD x (max / min) and
    more than a millisecond (sub-millisecond timings jitter by more than 2x on their own)."""
    times = r.get(name + "_all") or []
    noisy = len(times) > 1 and max(times) > NOISY_SPREAD * min(times) and max(times) - min(times) > 1e-3
    return _ms(r[name + "_s"]) + ("†" if noisy else "")


def _contraction_markdown(res: dict[str, Any], fig: str, gemm_gflops: float | None) -> list[str]:
    rows, n, k = res["rows"], res["n"], res["k_repeated"]
    lines = [
        "### A. Implicit Hermite contractions against the dense tensor",
        "",
        f"X ~ N(0, I_d), n = {n:,} rows in memory (float64), y = sum of {res['net_width']} relu(<w_i, x> + b_i) "
        "(unit w_i, b_i ~ U[-1, 1]). *implicit* is `HermiteMoments(X, y).t3_matrix(g)` / `.t4_matrix(g, h)` "
        "(residualized labels, the package default): one pass over the rows per call, never a d^3 array. "
        "*dense* first builds E[y_r He_k(x)] (same residualized labels) as a d^k array, chunked over rows with "
        "one GEMM per chunk on the packed pair products x_b x_c (b <= c, which halves the work), then "
        "contracts it with `depth2.core.tensor.contract_matrix`. The constructor (orders 0-2, shared by both) "
        "is timed separately. Times are medians of repeats (implicit: "
        f"{rows[0]['repeats_implicit']}, build: {rows[0]['repeats_build']}, dense contraction: "
        f"{rows[0]['repeats_dense_contract']}). *rel. diff* is max |dense − implicit| / max |implicit| of the "
        "two (d, d) results: both compute the same matrix.",
        "",
        f"*ratio k=1* = (build + 1 dense contraction) / (1 implicit); *ratio k={k}* the same for {k} "
        f"contractions (one `jennrich` call with its default 8 draws makes {k}); *ratio k→∞* = dense contraction "
        "/ implicit; *break-even k* = build / (implicit − dense contraction): beyond that many contractions "
        "the dense tensor pays off. Ratios above 1 favour the implicit operator.",
        "",
        "| order | d | constructor (ms) | implicit (ms) | dense size (MiB) | dense build (ms) | dense contract (ms) "
        f"| **ratio k=1** | ratio k={k} | ratio k→∞ | break-even k | rel. diff |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    skipped_any = False
    for order in (3, 4):
        key = f"t{order}"
        for r in rows:
            est = bool(r.get(f"{key}_estimated_from_d"))
            skipped_any |= est
            mark = "≈" if est else ""
            if f"{key}_build_s" in r:
                be = r[f"{key}_breakeven_k"]
                cells = (f"{mark}{_timed_cell(r, f'{key}_build')} | {mark}{_timed_cell(r, f'{key}_dense')} | "
                         f"**{mark}{r[f'{key}_ratio_1']:.1f}** | {mark}{r[f'{key}_ratio_k']:.2f} | "
                         f"{mark}{r[f'{key}_ratio_inf']:.3f} | {mark}{be:.0f} | "
                         + ("not built" if est else f"{r[f'{key}_rel_diff']:.1e}"))
            else:
                cells = "skipped | skipped | – | – | – | – | –"
            lines.append(f"| {order} | {r['d']} | {_timed_cell(r, 'ctor')} | {_timed_cell(r, f'{key}_impl')} | "
                         f"{r[f'{key}_dense_mib']:.1f} | {cells} |")
    lines += ["", f"†: the repeats of this timing spread over more than {NOISY_SPREAD:g}x (slowest / fastest): the "
              "machine was busy during it and the median may be inflated (spreads under 1 ms are not flagged); "
              "the JSON output has every repeat."]
    if skipped_any:
        est = [r for r in rows if r.get("t4_estimated_from_d")]
        lines += ["≈: the dense T4 at d = " + ", ".join(str(r["d"]) for r in est)
                  + f" would take {est[0]['t4_dense_mib']:.0f} MiB (over the {DENSE4_MAX_BYTES / 2**20:.0f} MiB "
                  "limit of this benchmark), so it was **not built**: its build time is estimated from the flop "
                  f"count and the build GFLOP/s achieved at d = {est[0]['t4_estimated_from_d']}, its contraction "
                  "time from the GB/s achieved there (the larger GEMM would likely run nearer peak, so the build "
                  "estimate leans high); the implicit time is measured."]
    lines += [
        "",
        "Achieved rate of the implicit kernels. Flop counts, from the source of `HermiteMoments` "
        "(residualize=True; since issue 16 the residual labels and the g-free sums are cached in the object "
        "after the first call, which the warm-up makes), per row: `t3_matrix` 2d² + 3d + 1 (the GEMM "
        "`(X * (r g·x))^T X` 2d², the rest O(d)); `t4_matrix` 2d² + 9d + 5 (the GEMM `(X * r g·x h·x)^T X` "
        "2d²; `(X * r)^T X` is cached). *GEMM-only* counts the 2nd² of the one GEMM that "
        "depends on g. *shape-matched GEMM* times `Xc.T @ Xc2` alone (Xc2 a copy of the chunk, so that numpy "
        f"runs a GEMM, not a SYRK) on the same row chunks ({rows[0]['chunk_rows']:,} rows = `Samples.block_rows`, "
        "or n when smaller): the best this GEMM shape reaches here, whatever the code around it. *GEMM share* "
        "estimates how much of `t3_matrix`'s time its one O(n d²) product (the GEMM) would take "
        "at that shape-matched rate; the rest is elementwise passes, temporaries and call overhead.",
        "",
    ]
    head = ("| d | t3: GFLOP/s (all flops) | t3: GFLOP/s (GEMM-only) | t4: GFLOP/s | shape-matched GEMM GFLOP/s "
            "| t3: GEMM share | dense T3 build GFLOP/s | dense T3 contraction GB/s |")
    sep = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if gemm_gflops:
        head += " t3 % of GEMM rate | t4 % of GEMM rate |"
        sep += " ---: | ---: |"
    lines += [head, sep]
    for r in rows:
        line = (f"| {r['d']} | {r['t3_impl_gflops']:.1f} | {r['t3_impl_gemm_gflops']:.1f} | "
                f"{r['t4_impl_gflops']:.1f} | {r['gemm_shape_gflops']:.1f} | {100 * r['t3_gemm_share']:.0f}% | "
                f"{r['t3_build_gflops']:.1f} | {r['t3_dense_gbs']:.1f} |")
        if gemm_gflops:
            line += f" **{r['t3_impl_pct_gemm']:.0f}%** | {r['t4_impl_pct_gemm']:.0f}% |"
        lines.append(line)
    lines += ["", *_rate_commentary(rows, gemm_gflops), "", f"![contraction vs dense]({fig})", ""]
    return lines


def _rate_commentary(rows: list[dict[str, Any]], gemm_gflops: float | None) -> list[str]:
    """A few sentences, driven by the measured numbers, on what limits the implicit kernel."""
    if not gemm_gflops:
        return ["(No GEMM rate was passed in: no comparison with the machine's peak.)"]
    below = [r for r in rows if r["t3_impl_gflops"] < 0.5 * gemm_gflops]
    out = [f"Goal: `t3_matrix` at ≥ 50% of the {gemm_gflops:.1f} GFLOP/s square-GEMM rate. "]
    if not below:
        out[0] += "Reached at every d measured."
        return out
    shape_low = [r for r in below if r["gemm_shape_gflops"] < 0.5 * gemm_gflops]
    share = ", ".join(f"{100 * r['t3_gemm_share']:.0f}% at d = {r['d']}" for r in below)
    out[0] += "Below it at d = " + ", ".join(str(r["d"]) for r in below) + ". What limits it: "
    if shape_low:
        out[0] += (
            "(1) the GEMM's shape — (d × rows) @ (rows × d) with a d × d output does about d/8 flops per byte of "
            "its two operands, so for small d it is bound by memory bandwidth, not by the FMA units: alone at "
            "its exact shapes it reaches only "
            + ", ".join(f"{r['gemm_shape_gflops']:.0f} GFLOP/s at d = {r['d']}" for r in shape_low)
            + ", a ceiling below the goal whatever the surrounding code does. ")
    out[0] += (
        f"({2 if shape_low else 1}) The work around the products: they account for only {share} of the "
        "measured time; the rest is the single-threaded elementwise pass `X * s[:, None]` (a rows × d "
        "temporary, streamed through memory once per call), the regeneration of X where the rows are a "
        "stream, and per-chunk overhead. (The residual labels and the g-free sums are cached since issue 16.) "
        f"Each chunk of X ({rows[0]['chunk_rows']:,} rows, {rows[0]['chunk_rows'] * rows[-1]['d'] * 8 / 2**20:.1f} "
        f"MiB at d = {rows[-1]['d']}) is read by several separate passes per call (products, scalings, "
        "reductions); once a chunk and its temporaries outgrow the cache, each pass is a trip to memory.")
    return out


def _decomposition_markdown(res: dict[str, Any]) -> list[str]:
    lines = [
        "### B. Our tensor decompositions against tensorly's CP-ALS",
        "",
        "T = sum_i lam_i w_i^{⊗3}, d × d × d, m = round(d/2) random unit w_i, lam_i ~ U[1, 2]; noisy rows add "
        f"Gaussian noise of sigma = {res['noise']:g} ||T|| / sqrt(d³), symmetrized (the average over the 6 "
        f"axis permutations). Each method runs with {res['seeds']} seeds (our random draws, tensorly's "
        "`random_state`) after one untimed warm-up run per method; *time* is the median, *error* = max over "
        "components of 1 − |cos| after Hungarian matching (`match_components`), median and worst over the seeds. "
        "*jennrich* works in the m-dim span of the components, as `hermite_tensor` does: U = top-m left "
        "singular vectors of the unfolding T_(1), P = T(U, U, U), `jennrich(lambda g: contract_matrix(P, g), "
        "m, rng)` (8 draws), components U V — timed end to end; *+ joint_refine* then polishes V on P by "
        "least squares. *power_iteration* is run on T as given (rank m): it assumes orthogonal components, "
        "which random w_i are not, so its error reflects that assumption; *oracle whitening* runs it on "
        "T(Q, Q, Q) with Q from M2 = sum lam_i w_i w_i^T, a second moment the learner has (T2) but tensorly "
        f"is not given. *tensorly parafac*: `parafac(T, rank=m, init=..., n_iter_max={res['parafac_iters']}, "
        f"tol={res['parafac_tol']:g})`, numpy backend, factor 0 as the components (a non-symmetric CP).",
        "",
    ]
    if res["skipped"]:
        lines += [f"**{res['skipped']}**: only our methods below.", ""]
    else:
        lines += [f"tensorly {res['tensorly_version']}.", ""]
    lines += ["| noise | d | m | method | time (ms) | error, median | error, worst | recovered seeds "
              "| parafac iterations | parafac final rel. error |",
              "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in res["rows"]:
        its = "–" if "iterations" not in r else "/".join(str(i) for i in r["iterations"])
        rec = "–" if "rec_err" not in r else f"{float(np.median(r['rec_err'])):.1e}"
        lines.append(f"| {r['noise']:g} | {r['d']} | {r['m']} | {r['method']} | {_ms(r['time_s'])} | "
                     f"{r['err_median']:.1e} | {r['err_max']:.1e} | {r['recovered']}/{r['seeds']} | {its} | {rec} |")
    if res["skipped"]:
        lines += ["", f"*recovered seeds*: seeds with error below {RECOVERED_ERR:g}.", ""]
        return lines
    lines += ["", f"*recovered seeds*: seeds with error below {RECOVERED_ERR:g}. *parafac iterations*: ALS sweeps "
              f"per seed ({res['parafac_iters']} = the cap, stopped without meeting tol); *final rel. error*: "
              "tensorly's last relative reconstruction error, median over seeds. init='svd' is deterministic, "
              "so its seeds repeat the same run. A run that stops at the cap with a large reconstruction error "
              "is CP-ALS stalled in a swamp (slow progress near degenerate iterates), not a timing artefact.", ""]
    return lines


def run(
    quick: bool, figures: Path, rel_to: Path, threads: int, gemm_gflops: float | None = None
) -> tuple[str, dict[str, Any]]:
    """Run both awasthi2021 benchmarks; return the report section and the raw numbers.

    ``figures`` is where the PNG goes, ``rel_to`` the folder the report's image link is relative to,
    ``threads`` numpy's BLAS thread count (reported), ``gemm_gflops`` the measured GEMM rate.
    """
    log(f"part A: implicit contraction vs dense tensor ({'quick' if quick else 'full'})")
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    contraction = contraction_vs_dense(quick, gemm_gflops)
    log(f"part A took {time.perf_counter() - t0:.0f} s")
    fig = figures / "awasthi2021_contraction_vs_dense.png"
    plot_contraction(contraction, fig)
    log("part B: decompositions vs tensorly parafac")
    t0 = time.perf_counter()
    decomposition = decomposition_vs_tensorly(quick)
    log(f"part B took {time.perf_counter() - t0:.0f} s")
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    load = (f"1-minute load average {load_start[0]:.2f} at the start of this section and {load_end[0]:.2f} at its "
            "end (above the core count means other work shared the cores and the times are inflated)"
            if load_start and load_end else "load average unknown")
    lines = ["## awasthi2021", "",
             f"numpy's BLAS with {threads} thread(s); everything float64, in one process; {load}.", ""]
    lines += _contraction_markdown(contraction, os.path.relpath(fig, rel_to), gemm_gflops)
    lines += _decomposition_markdown(decomposition)
    return "\n".join(lines), {"contraction": contraction, "decomposition": decomposition, "threads": threads,
                              "loadavg_start": load_start, "loadavg_end": load_end}
