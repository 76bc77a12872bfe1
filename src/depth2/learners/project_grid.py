"""Proper learning of a bounded one-hidden-layer ReLU net by random projection and grid search (``project_grid``).

This is OUR RECONSTRUCTION of the proper upper-bound algorithm of Goel, Klivans, Manurangsi and Reichman (ITCS
2021, results 3-4 of ``papers/goel2021.md``). The paper's body could not be read: its parameters (the projection
dimension, the grid spacing, the sample size, the constants and the k-dependence) are NOT the paper's but ours,
chosen from the first-principles bounds below and from our prototypes.

Setting (bounded). Inputs ``x`` and hidden weights in the unit ball, output weights ``a_j in [-1, 1]``; the target
is squared loss ``OPT + eps`` with a proper width-``k`` net ``f(x) = sum_j a_j relu(<w_j, x>)``.

Algorithm, for data ``X`` (n, d), ``y`` (n,), width ``k``:

1. Rows. ``subsample=None`` keeps ``min(n, max(5000, n_uc))`` rows, uniformly without replacement, where
   ``n_uc = ceil(ln(2 G / 0.05) / (2 (eps / 4)^2))`` is the Hoeffding + union-bound size that puts the training
   loss of all ``G`` grid candidates within ``eps / 4`` of their population loss with probability 0.95, for a
   loss of range 1 (O~(k^2 / eps^2) rows, the ``k``-dependence entering through ``ln G``). Data sets of up to 5000
   rows are therefore used whole.
2. Normalization. ``s = max(1, max_i |x_i|)``; the learner works on ``x / s`` (all rows in the unit ball). A
   global scale keeps the hypothesis class: ``relu(<w, x / s>) = relu(<w / s, x>)``.
3. Projection. ``P`` (m, d) with i.i.d. ``N(0, 1/m)`` entries, so ``E |P x|^2 = |x|^2``. ``m`` defaults to
   ``ceil(c_m k / eps)`` (``regime="realizable"``: the projected best net's mean squared output distortion is
   ~ 2/m) or ``ceil(c_m k / eps^2)`` (``regime="agnostic"``: the first-order cross term is ~ sqrt(OPT / m)).
   The projected input is ``z = P x / s`` in R^m, or ``z = (P x / s, 1) / sqrt(2)`` with ``bias=True`` (a constant
   coordinate carries the bias; the ``1/sqrt(2)`` keeps ``|z|`` on the same scale as ``|x / s| <= 1``). Write
   ``m' = m + bias`` for the grid dimension.
4. Grid. ``Gamma = {delta * g : g in Z^{m'}, |g|^2 <= S}``, ``S = floor(delta^-2 (1 + 1e-9))``: the points of the
   cubic lattice of spacing ``delta`` in the closed unit ball (the tolerance keeps boundary points such as
   ``delta * (1/delta) e_1`` that rounding would drop). Its size is the lattice-point count

       N(m', delta) = sum_{t=0}^{S} r_{m'}(t),   r_{m'} = r_1 * r_1 * ... * r_1 (m'-fold convolution),
       r_1(0) = 1, r_1(t) = 2 if t is a positive square, else 0,

   (``r_{m'}(t)`` = number of ``g in Z^{m'}`` with ``|g|^2 = t``); ``N ~ vol(B_{m'}) delta^{-m'}`` for small
   ``delta``. Hidden units are unordered, so the candidates are the multisets of ``k`` grid points:

       grid_points = C(N + k - 1, k)    (= N for k = 1).

   This is the count checked against ``max_points`` BEFORE any work (the count itself is computed by the
   convolution, stopping as soon as it passes ``max_points``); a larger grid raises ``ValueError``.
5. Readout. For a candidate ``U = (u_1, ..., u_k)`` the features are ``h_j = relu(Z u_j)`` (Z the (n, m')
   projected inputs). With ``G = H^T H / n`` (k, k), ``r = H^T y / n`` (k,), ``c = |y|^2 / n`` the loss of output
   weights ``a`` is ``L(a) = c - 2 a.r + a^T G a``; we take the EXACT minimizer over the box ``[-1, 1]^k`` (for
   ``k = 1``: ``a = clip(r / G, -1, 1)``, 0 if ``G = 0``; for ``k >= 2`` every one of the ``3^k`` active sets
   (each ``a_j`` free, -1 or +1) is solved on its free block, clipped into the box and scored; the optimal active
   set's solution is feasible, so the minimum is the box optimum. A relative ridge ``1e-12 tr(G) / k`` makes the
   free blocks of duplicated or dead units solvable). The candidate with the smallest ``L`` wins (ties: the first
   found; for ``k = 1`` the zero net is scored first).
   Vectorization: the features of a block of ``chunk`` grid points are one GEMM ``relu(Gamma_blk Z^T)`` (chunk, n);
   for ``k = 1`` the block's row sums of ``H * H`` and ``H y`` give every candidate's loss, and only one point of
   each pair ``+-u`` is computed (``relu(-t) = relu(t) - t`` gives the other's ``G`` and ``r`` from ``Z^T Z`` and
   ``Z^T y``, halving the work; see :func:`_score_single`); for ``k >= 2`` the
   Gram of all grid features ``H^T H / n`` (N, N) is accumulated over row blocks and the multisets are scored in
   blocks of ``chunk`` by gathering their (k, k) sub-Gram matrices. No Python loop runs per grid point.
6. Output, in the original coordinates: ``W = P^T U / s`` (d, k) (``/ sqrt(2)`` and ``b = u_{j, m} / sqrt(2)`` with
   ``bias=True``, else ``b = 0``), ``Fit("relu_net", {"a", "W", "b"})``.

Default spacing ``delta = eps / k``. Justification: truncating each coordinate of any ``u`` in the ball towards 0
gives a grid point within ``rho = delta sqrt(m')`` of it, so for any net ``f*`` on the projected ball some
candidate ``f~`` has ``sup_i |f~(z_i) - f*(z_i)| <= e = k rho R``, ``R = max_i |z_i|`` (~1), hence
``L(output) <= L(f~) <= (sqrt(L*) + e)^2``: excess ``<= e^2 + 2 e sqrt(L*)``. Realizable (``L* ~ 0``) with
``m = c_m k / eps`` this is ``e^2 = c_m k eps R^2``, i.e. ``<= eps R^2`` for ``k = 1``, ``c_m <= 1``. The
certified value ``e^2 + 2 e sqrt(train_loss)`` is reported as ``info["grid_error_bound"]`` (it is a worst case;
measured grid errors are far smaller). Time: ``(1/delta)^{O(k m')}`` grid work times ``O(n m')`` per candidate,
i.e. ``2^{O~(k^2 / eps)}`` realizable and ``2^{O~(k^2 / eps^2)}`` agnostic for fixed ``c_m``, times ``poly(n, d)``.

Default ``c_m = 0.9`` (realizable formula) keeps ``eps = 0.15`` (m = 6, delta = 0.15, 458,697 grid points) at
about 1-3 s for ``n = 1000``, ``k = 1`` on our 2 shared cores; ``eps = 0.1`` (m = 9, ~3.4e9 points) is refused by the
default ``max_points = 2e6``, as is ``regime="agnostic"`` below ``eps = 0.3`` (m = 10, 503,509 points). On benign
data the measured grid error is far below the projection error (shrinking ``delta`` at fixed ``m`` barely moves
the loss), so the excess is governed by ``m``; a larger ``c_m`` with a coarser ``delta`` buys more accuracy per
second but gives up the certified bound above. The returned hidden weights ``P^T u`` are NOT in the unit ball of R^d
(``|P^T u| ~ sqrt(d / m) |u|``); the net is proper (a width-``k`` ReLU net) but its norm bound holds only in the
projected coordinates.

Random draws, in order: ``P`` (``standard_normal((m, d)) / sqrt(m)`` from ``shared_rng`` when given, else from
``rng``), then the row subsample (from ``rng``, only if rows are dropped). ``depth2 fit`` passes ``shared_rng`` from
the stream ``PROJECTION_STREAM``, which :mod:`depth2.learners.project_exact` reads too: at one grid point both proper
arms see the same projection, and differ only in how they search it. ``projection`` (an (m, d) array) replaces
the draw of ``P`` (a hook for tests and for reusing one projection across fits).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from depth2.core.data import Samples, as_samples
from depth2.learners.base import Fit, check_params, register

log = logging.getLogger(__name__)

NAME = "project_grid"
DEFAULTS: dict[str, Any] = {
    "eps": 0.2,
    "m": None,
    "delta": None,
    "c_m": 0.9,
    "regime": "realizable",
    "max_points": 2_000_000,
    "subsample": None,
    "chunk": None,
    "bias": False,
    "projection": None,
}
REGIMES = ("realizable", "agnostic")
PROJECTION_STREAM = "projection"  # the shared stream of P (module docstring)
MAX_WIDTH = 6  # the exact box readout enumerates 3^width active sets
SUBSAMPLE_FLOOR = 5000  # subsample=None never drops rows below this count
SUBSAMPLE_CONFIDENCE = 0.05
CHUNK_BYTES = 1 << 24  # default feature block: n_rows x chunk float64 of about 16 MB
GRAM_MAX_UNITS = 10_000  # k >= 2 keeps the (N, N) Gram of the grid features in memory
BALL_TOL = 1e-9  # relative tolerance on |u| <= 1 for grid points on the sphere
RIDGE_REL = 1e-12


# ---------------------------------------------------------------- argument checks


def _err(name: str, msg: str, value: Any) -> ValueError:
    return ValueError(f"{NAME}: parameter {name!r} must be {msg}, got {value!r}")


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_)


def _int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """An integer (an integral float such as 2e6 is accepted) in ``[minimum, maximum]``."""
    rng_txt = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    if not _is_real(value) or not np.isfinite(value) or float(value) != int(value):
        raise _err(name, f"an integer {rng_txt}", value)
    v = int(value)
    if v < minimum or (maximum is not None and v > maximum):
        raise _err(name, f"an integer {rng_txt}", value)
    return v


def _real(name: str, value: Any, lo: float, hi: float | None = None) -> float:
    """A finite number in ``(lo, hi]`` (``(lo, inf)`` without ``hi``)."""
    rng_txt = f"> {lo}" if hi is None else f"in ({lo}, {hi}]"
    if not _is_real(value) or not np.isfinite(value) or not (value > lo and (hi is None or value <= hi)):
        raise _err(name, f"a finite number {rng_txt}", value)
    return float(value)


# ---------------------------------------------------------------- the grid


def ball_radius_sq(delta: float) -> int:
    """``S = floor(delta^-2 (1 + 1e-9))``: lattice points ``g`` with ``|g|^2 <= S`` are the grid of the unit ball."""
    return int(math.floor((1.0 + BALL_TOL) / (delta * delta)))


def lattice_count(dim: int, sq_radius: int, stop_above: float = math.inf) -> int | float:
    """``#{g in Z^dim : |g|^2 <= sq_radius}`` by convolving the one-dimensional counts ``r_1`` (module docstring).

    Counts are float64 (exact below 2^53, and every partial count is at most the final one). The count grows
    with the dimension, so the recursion stops once it exceeds ``stop_above`` and returns that partial count (a
    lower bound, enough to refuse).
    """
    S = int(sq_radius)
    r1 = np.zeros(S + 1)
    r1[0] = 1.0
    sq = np.arange(1, math.isqrt(S) + 1) ** 2
    r1[sq] = 2.0
    r = np.zeros(S + 1)
    r[0] = 1.0
    total = 1.0
    for _ in range(dim):
        r = np.convolve(r, r1)[: S + 1]
        total = float(r.sum())
        if total > stop_above:
            return total
    return int(round(total)) if total < 2.0**53 else total


def ball_lattice(dim: int, sq_radius: int) -> np.ndarray:
    """All ``g in Z^dim`` with ``|g|^2 <= sq_radius`` as an (N, dim) int16 array, in a fixed order (built one
    coordinate at a time: each partial point is extended by every admissible value of the next coordinate)."""
    S = int(sq_radius)
    R = math.isqrt(S)
    if R > np.iinfo(np.int16).max:
        raise ValueError(f"{NAME}: grid radius 1/delta = {R} is too fine (at most {np.iinfo(np.int16).max})")
    pts = np.zeros((1, 0), dtype=np.int16)
    q = np.zeros(1, dtype=np.int64)
    for _ in range(dim):
        parts, qs = [], []
        for c in range(-R, R + 1):
            keep = q + c * c <= S
            if keep.any():
                sub = pts[keep]
                parts.append(np.hstack([sub, np.full((sub.shape[0], 1), c, dtype=np.int16)]))
                qs.append(q[keep] + c * c)
        pts, q = np.concatenate(parts), np.concatenate(qs)
    return pts


def multiset_count(n_units: int, k: int) -> int:
    """``C(N + k - 1, k)``: unordered choices of ``k`` grid points with repetition."""
    return math.comb(int(n_units) + k - 1, k)


def grid_size(dim: int, delta: float, k: int, max_points: float) -> tuple[int | float, int | None]:
    """``(N, C(N + k - 1, k))``: the lattice points of the unit ball of R^dim at spacing ``delta`` and the
    width-``k`` candidates they give, counted before any work; the second is None when either count passes
    ``max_points`` (then ``N`` may be a partial count, already enough to refuse)."""
    n_units = lattice_count(dim, ball_radius_sq(delta), stop_above=max_points)
    if n_units > max_points:
        return n_units, None
    candidates = multiset_count(int(n_units), k)
    return n_units, (None if candidates > max_points else candidates)


def _multisets(n_units: int, k: int) -> np.ndarray:
    """All sorted tuples ``i_1 <= ... <= i_k`` of ``range(n_units)`` as a (C(N + k - 1, k), k) int64 array."""
    M = np.arange(n_units, dtype=np.int64)[:, None]
    for _ in range(k - 1):
        M = _prepend_smaller(M)
    return M


def _prepend_smaller(M: np.ndarray) -> np.ndarray:
    """Every row ``t`` (sorted) extended by each first element ``i in [0, t_0]``."""
    reps = M[:, 0] + 1
    starts = np.cumsum(reps) - reps
    first = np.arange(int(reps.sum()), dtype=np.int64) - np.repeat(starts, reps)
    return np.hstack([first[:, None], np.repeat(M, reps, axis=0)])


def _multiset_blocks(n_units: int, k: int, chunk: int) -> Iterator[np.ndarray]:
    """The multisets of :func:`_multisets` in blocks of about ``chunk`` rows (the (k-1)-multisets are expanded a
    slice at a time, so memory stays ~ chunk * k + C(N + k - 2, k - 1) * (k - 1))."""
    if k == 1:
        for s in range(0, n_units, chunk):
            yield np.arange(s, min(s + chunk, n_units), dtype=np.int64)[:, None]
        return
    base = _multisets(n_units, k - 1)
    ends = np.cumsum(base[:, 0] + 1)
    cuts = np.searchsorted(ends, np.arange(chunk, int(ends[-1]), chunk), side="left") + 1
    lo = 0
    for hi in [*np.unique(cuts).tolist(), base.shape[0]]:
        if hi > lo:
            yield _prepend_smaller(base[lo:hi])
            lo = hi


# ---------------------------------------------------------------- readout and scoring


def _box_readout(G: np.ndarray, r: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``min_{a in [-1, 1]^k} c - 2 a.r + a^T G a`` for a batch: ``G`` (T, k, k), ``r`` (T, k).

    Returns the losses (T,) and the minimizers (T, k), by enumerating the ``3^k`` active sets (module docstring).
    """
    T, k = r.shape
    ridge = RIDGE_REL * np.maximum(np.trace(G, axis1=1, axis2=2) / k, 1e-300)
    best_loss = np.full(T, np.inf)
    best_a = np.zeros((T, k))
    for pattern in np.ndindex(*(3,) * k):  # 0 free, 1 -> -1, 2 -> +1
        status = np.asarray(pattern)
        free = np.flatnonzero(status == 0)
        a = np.zeros((T, k))
        a[:, status == 1] = -1.0
        a[:, status == 2] = 1.0
        if free.size:
            bound = np.flatnonzero(status != 0)
            rhs = r[:, free] - np.einsum("tfb,tb->tf", G[:, free][:, :, bound], a[:, bound])
            A = G[:, free][:, :, free] + ridge[:, None, None] * np.eye(free.size)
            a[:, free] = np.linalg.solve(A, rhs[:, :, None])[:, :, 0]
            np.clip(a, -1.0, 1.0, out=a)
        loss = c - 2.0 * np.einsum("tk,tk->t", a, r) + np.einsum("tj,tjl,tl->t", a, G, a)
        better = loss < best_loss
        best_loss[better] = loss[better]
        best_a[better] = a[better]
    return best_loss, best_a


def _positive_half(grid: np.ndarray) -> np.ndarray:
    """Mask of the grid points whose first nonzero coordinate is positive (one of each pair ``+-g``; 0 excluded)."""
    nz = grid != 0
    first = np.argmax(nz, axis=1)
    return grid[np.arange(grid.shape[0]), first] > 0


def _score_single(Z: np.ndarray, y: np.ndarray, grid: np.ndarray, delta: float, chunk: int
                  ) -> tuple[np.ndarray, float, float]:
    """``k = 1``: the best grid point ``u`` (m',), its loss and output weight ``a``.

    Only one point of each pair ``+-u`` is evaluated (features ``relu(U_blk Z^T)``, one GEMM per block of
    ``chunk`` points); the other follows from ``relu(-t) = relu(t) - t``:

        g(-u) = u^T (Z^T Z / n) u - g(u),   r(-u) = r(u) - u . (Z^T y / n),

    with ``g(u) = |relu(Z u)|^2 / n``, ``r(u) = y . relu(Z u) / n``; the loss of ``u`` with the best ``a`` is
    ``c - 2 a r + a^2 g``, ``a = clip(r / g, -1, 1)`` (0 when ``g = 0``), ``c = |y|^2 / n``. The zero point has
    loss ``c``.
    """
    n = Z.shape[0]
    c = float(y @ y) / n
    C = Z.T @ Z / n
    zy = Z.T @ y / n
    half = grid[_positive_half(grid)]
    best_u, best_loss, best_a = np.zeros(grid.shape[1]), c, 0.0
    for s in range(0, half.shape[0], chunk):
        U = half[s : s + chunk].astype(float)
        U *= delta
        H = U @ Z.T
        np.maximum(H, 0.0, out=H)
        g_pos = np.einsum("bi,bi->b", H, H) / n
        r_pos = (H @ y) / n
        q = np.einsum("bi,ij,bj->b", U, C, U)
        g_neg = q - g_pos
        g_neg[g_neg <= 1e-12 * q] = 0.0  # all of Z u >= 0: the cancellation leaves rounding noise
        r_neg = r_pos - U @ zy
        for sign, g, r in ((1.0, g_pos, r_pos), (-1.0, g_neg, r_neg)):
            pos = g > 0
            a = np.zeros_like(r)
            a[pos] = np.clip(r[pos] / g[pos], -1.0, 1.0)
            loss = c - 2.0 * a * r + a * a * g
            j = int(np.argmin(loss))
            if loss[j] < best_loss:
                best_u, best_loss, best_a = sign * U[j], float(loss[j]), float(a[j])
    return best_u, best_loss, best_a


def _score_multi(Z: np.ndarray, y: np.ndarray, grid: np.ndarray, delta: float, k: int, chunk: int
                 ) -> tuple[np.ndarray, float, np.ndarray]:
    """``k >= 2``: the best grid indices (k,), their loss and output weights (k,).

    The Gram of all grid features ``H^T H / n`` (N, N) and ``H^T y / n`` are accumulated over row blocks (one GEMM
    each); the multisets are then scored in blocks of ``chunk``, each by the exact box readout on its gathered
    (k, k) sub-Gram (:func:`_box_readout`).
    """
    n = Z.shape[0]
    N = grid.shape[0]
    Ug = grid.astype(float) * delta
    gram = np.zeros((N, N))
    rvec = np.zeros(N)
    rows = max(1, CHUNK_BYTES // (8 * N))
    for s in range(0, n, rows):
        H = Z[s : s + rows] @ Ug.T
        np.maximum(H, 0.0, out=H)
        gram += H.T @ H
        rvec += y[s : s + rows] @ H
    gram /= n
    rvec /= n
    c = float(y @ y) / n
    best_idx, best_loss, best_a = np.zeros(k, dtype=np.int64), np.inf, np.zeros(k)
    for idx in _multiset_blocks(N, k, chunk):
        G = gram[idx[:, :, None], idx[:, None, :]]
        loss, a = _box_readout(G, rvec[idx], c)
        j = int(np.argmin(loss))
        if loss[j] < best_loss:
            best_idx, best_loss, best_a = idx[j].copy(), float(loss[j]), a[j].copy()
    return best_idx, best_loss, best_a


# ---------------------------------------------------------------- rows


def auto_rows(eps: float, grid_points: int) -> int:
    """``max(5000, ceil(ln(2 G / 0.05) / (2 (eps / 4)^2)))`` (step 1 of the module docstring)."""
    n_uc = math.ceil(math.log(2.0 * grid_points / SUBSAMPLE_CONFIDENCE) / (2.0 * (eps / 4.0) ** 2))
    return max(SUBSAMPLE_FLOOR, n_uc)


def _take_rows(S: Samples, rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All rows when ``rows >= n``; else ``rows`` uniform rows without replacement (sorted), read chunk by chunk."""
    if rows >= S.n:
        X, y = S.materialize()
        return np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    idx = np.sort(rng.choice(S.n, size=rows, replace=False))
    Xs, ys, start = [], [], 0
    for Xc, yc in S.chunks():
        stop = start + Xc.shape[0]
        lo, hi = np.searchsorted(idx, [start, stop])
        if hi > lo:
            sel = idx[lo:hi] - start
            Xs.append(np.asarray(Xc, dtype=float)[sel])
            ys.append(np.asarray(yc, dtype=float)[sel])
        start = stop
    return np.concatenate(Xs), np.concatenate(ys)


# ---------------------------------------------------------------- the projection (shared with project_exact)


def given_projection(P: Any, m: Any, d: int, default_dim: Callable[[], int]) -> tuple[np.ndarray | None, int]:
    """``(P, m)`` from the ``projection`` and ``m`` parameters: a given ``P`` is validated (a finite (m, d) array,
    ``m`` None or its row count); without one, ``P`` is None (drawn later by :func:`draw_projection`) and ``m`` is
    the parameter or ``default_dim()``."""
    if P is None:
        return None, default_dim() if m is None else _int("m", m, 1)
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[1] != d or P.shape[0] < 1 or not np.isfinite(P).all():
        raise _err("projection", f"a finite (m, {d}) array", f"shape {P.shape}")
    if m is not None and _int("m", m, 1) != P.shape[0]:
        raise _err("m", f"None or projection.shape[0] = {P.shape[0]}", m)
    return P, P.shape[0]


def draw_projection(gen: np.random.Generator, m: int, d: int) -> np.ndarray:
    """``P`` (m, d) with i.i.d. ``N(0, 1/m)`` entries, so that ``E |P x|^2 = |x|^2``."""
    return gen.standard_normal((m, d)) / math.sqrt(m)


def project_rows(X: np.ndarray, P: np.ndarray, bias: bool) -> tuple[np.ndarray, float]:
    """``(Z, s)``: ``s = max(1, max_i |x_i|)`` and ``Z = X P^T / s`` (n, m), or ``(X P^T / s, 1) / sqrt(2)``
    (n, m + 1) with ``bias`` (steps 2-3 of the module docstring)."""
    scale = max(1.0, float(np.sqrt(np.max(np.einsum("ij,ij->i", X, X)))))
    Z = X @ (P.T / scale)
    if bias:
        Z = np.hstack([Z, np.ones((Z.shape[0], 1))]) / math.sqrt(2.0)
    return Z, scale


# ---------------------------------------------------------------- the learner


def default_m(eps: float, width: int, c_m: float, regime: str) -> int:
    """``ceil(c_m k / eps)`` (realizable) or ``ceil(c_m k / eps^2)`` (agnostic); ratios within 1e-9 of an integer
    are rounded to it (so that ``0.9 / 0.15`` gives 6, not 7)."""
    ratio = c_m * width / (eps if regime == "realizable" else eps * eps)
    near = round(ratio)
    return max(1, int(near) if abs(ratio - near) <= 1e-9 * max(1.0, ratio) else math.ceil(ratio))


@register(NAME)
def fit_project_grid(X: np.ndarray | Samples, y: np.ndarray | None = None, *, rng: np.random.Generator,
                     width: int = 1, shared_rng: np.random.Generator | None = None, **params: Any) -> Fit:
    """Proper grid learner for a bounded width-``k`` ReLU net after a Gaussian projection (module docstring).

    Parameters
    ----------
    X : ndarray (n, d) or Samples
        Inputs (rescaled internally by ``s = max(1, max_i |x_i|)``).
    y : ndarray (n,), optional
        Labels (None when ``X`` is a ``Samples`` stream).
    rng : numpy.random.Generator
        Draws ``P`` (unless ``shared_rng`` is given) and then, if rows are dropped, the subsample.
    width : int
        ``k``, hidden units, in ``[1, 6]``.
    shared_rng : numpy.random.Generator, optional
        Draws ``P`` when given (``depth2 fit``: the shared stream ``PROJECTION_STREAM``).
    **params
        ``eps`` (0.2; in (0, 1]): the accuracy that sets ``m`` and ``delta``.
        ``m`` (None: ``default_m``; int >= 1): projection dimension.
        ``delta`` (None: ``eps / k``; in (0, 1]): grid spacing.
        ``c_m`` (0.9; > 0): constant of ``m``.
        ``regime`` ("realizable": ``m = ceil(c_m k / eps)`` | "agnostic": ``m = ceil(c_m k / eps^2)``).
        ``max_points`` (2e6; int >= 1): largest number of grid candidates ``C(N + k - 1, k)`` accepted.
        ``subsample`` (None: automatic, see the module docstring | "all" | int >= 1 rows).
        ``chunk`` (None: about 16 MB of features per block | int >= 1): candidates per block.
        ``bias`` (False): add a constant input coordinate ``1 / sqrt(2)`` (after ``P x / s / sqrt(2)``).
        ``projection`` (None | (m, d) array): use this ``P`` instead of drawing one.

    Returns
    -------
    Fit
        ``relu_net`` with ``a`` (k,) in ``[-1, 1]``, ``W`` (d, k) ``= P^T U / s`` (``/ sqrt(2)`` with bias), ``b``
        (k,). ``info``: ``m``, ``delta``, ``grid_points`` (candidates), ``unit_grid_points`` (N), ``train_loss``
        (MSE of the returned net on the rows used), ``seconds``, ``rows``, ``input_scale`` (s), ``regime``,
        ``eps``, ``width``, ``bias``, ``u`` (k lists of m' grid coordinates), ``covering_radius``
        (``delta sqrt(m')``), ``max_projected_norm`` (R), ``grid_error_bound``.

    Raises
    ------
    ValueError
        A parameter outside its range (named), bad data, or a grid of more than ``max_points`` candidates (the
        message names eps, m, delta and the count).
    TypeError
        An unknown parameter.
    """
    t0 = time.perf_counter()
    p = check_params(NAME, params, DEFAULTS)
    k = _int("width", width, 1, MAX_WIDTH)
    eps = _real("eps", p["eps"], 0.0, 1.0)
    c_m = _real("c_m", p["c_m"], 0.0)
    regime = p["regime"]
    if regime not in REGIMES:
        raise _err("regime", f"one of {list(REGIMES)}", regime)
    delta = eps / k if p["delta"] is None else _real("delta", p["delta"], 0.0, 1.0)
    max_points = _int("max_points", p["max_points"], 1)
    bias = p["bias"]
    if not isinstance(bias, bool | np.bool_):
        raise _err("bias", "True or False", bias)
    bias = bool(bias)
    subsample = p["subsample"]
    if not (subsample is None or subsample == "all"):
        subsample = _int("subsample", subsample, 1)
    chunk = None if p["chunk"] is None else _int("chunk", p["chunk"], 1)

    S = as_samples(X, y)
    d = S.d
    P, m = given_projection(p["projection"], p["m"], d, lambda: default_m(eps, k, c_m, regime))
    dim = m + int(bias)

    # refuse before any work: count the lattice points, stopping as soon as the count is too large
    n_units, grid_points = grid_size(dim, delta, k, max_points)
    if grid_points is None or (k >= 2 and n_units > GRAM_MAX_UNITS):
        shown = f">= {n_units:.3g} grid points" if n_units > max_points else f"{multiset_count(int(n_units), k):,}"
        raise ValueError(
            f"{NAME}: eps={eps:g}, m={m}, delta={delta:g}, width={k}{', bias' if bias else ''} gives {shown} "
            f"candidates (unit ball of R^{dim} on a delta-lattice: {n_units:.6g} points), over max_points="
            f"{max_points:,}" + (f" or over {GRAM_MAX_UNITS:,} per unit for width >= 2" if k >= 2 else "")
            + "; raise eps or delta, lower m or c_m, or raise max_points")

    if P is None:
        P = draw_projection(rng if shared_rng is None else shared_rng, m, d)
    rows = S.n if subsample == "all" else (auto_rows(eps, grid_points) if subsample is None else subsample)
    Xm, ym = _take_rows(S, min(rows, S.n), rng)
    n = Xm.shape[0]
    Z, scale = project_rows(Xm, P, bias)
    if chunk is None:
        chunk = max(16, CHUNK_BYTES // (8 * n))
    log.info("%s: n=%d d=%d k=%d eps=%g m=%d delta=%g: %d lattice points, %d candidates", NAME, n, d, k, eps, m,
             delta, n_units, grid_points)

    grid = ball_lattice(dim, ball_radius_sq(delta))
    if grid.shape[0] != n_units:  # the enumeration and the count are independent computations
        raise RuntimeError(f"lattice enumeration gave {grid.shape[0]} points, count formula {n_units}")
    if k == 1:
        u, grid_loss, a1 = _score_single(Z, ym, grid, delta, chunk)
        U, a = u[:, None], np.array([a1])  # U (m', k)
    else:
        idx, grid_loss, a = _score_multi(Z, ym, grid, delta, k, chunk)
        U = grid[idx].astype(float).T * delta
    W = P.T @ U[:m] / scale
    b = np.zeros(k)
    if bias:
        W /= math.sqrt(2.0)
        b = U[m] / math.sqrt(2.0)
    fit = Fit("relu_net", {"a": a.astype(float), "W": W, "b": b})
    res = fit.predict(Xm) - ym
    train_loss = float(res @ res) / n
    R = float(np.sqrt(np.max(np.einsum("ij,ij->i", Z, Z))))
    rho = delta * math.sqrt(dim)
    e = k * rho * R
    fit.info = {
        "m": int(m), "delta": float(delta), "grid_points": int(grid_points), "unit_grid_points": int(n_units),
        "train_loss": train_loss, "grid_loss": float(grid_loss), "seconds": time.perf_counter() - t0,
        "rows": int(n), "input_scale": scale, "regime": regime, "eps": eps, "c_m": c_m, "width": k, "bias": bias,
        "u": U.T.tolist(), "covering_radius": rho, "max_projected_norm": R,
        "grid_error_bound": e * e + 2.0 * e * math.sqrt(train_loss),
    }
    log.info("%s: train loss %.6g in %.2f s", NAME, train_loss, fit.info["seconds"])
    return fit


fit_project_grid.shared_stream = PROJECTION_STREAM  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the improper comparison (issue 19)

KERNEL_NAME = "poly_kernel"
KERNEL_DEFAULTS: dict[str, Any] = {"eps": None, "degree": None, "c_p": 1.0, "ridges": (1e-6, 1e-4, 1e-2),
                                   "holdout": 0.2, "max_rows": 500, "regime": "realizable"}


def multinomial_kernel(G: np.ndarray, degree: int) -> np.ndarray:
    """``q(G) = sum_{i=0}^{p} G^i`` entrywise (Horner), the multinomial kernel of Goel, Kanade, Klivans and
    Thaler (COLT 2017) on inner products ``G = <x, x'>`` of points in the unit ball."""
    K = np.ones_like(G)
    for _ in range(degree):
        K *= G
        K += 1.0
    return K


@register(KERNEL_NAME)
def fit_poly_kernel(X: np.ndarray | Samples, y: np.ndarray | None = None, *, rng: np.random.Generator,
                    width: int = 1, **params: Any) -> Fit:
    """IMPROPER learner of a bounded ReLU (net): kernel ridge regression with the multinomial kernel
    ``K(x, x') = sum_{i<=p} <x / s, x' / s>^i`` (Goel et al., COLT 2017: a ReLU on the unit ball is approximated
    within ``eps`` by a polynomial of degree ``O(1/eps)``, so ``p = ceil(c_p / eps)``; its cost is polynomial in
    ``1/eps``, against the proper learner's ``2^{O~(1/eps)}`` grid).

    Rows: at most ``max_rows`` (uniform subsample, ``rng``). Ridge ``lambda`` (relative to ``tr(K) / n``) is chosen
    from ``ridges`` on a random ``holdout`` fraction, then the fit is redone on all rows. ``width`` is accepted
    for the interface (the kernel predictor has no units). The predictor ``f(x) = sum_i alpha_i q(<x_i / s^2, x>)``
    is stored as a ``poly_net`` (``W`` = the training rows / ``s^2`` as columns, ``coef`` = ones, ``a = alpha``).
    ``info``: ``degree``, ``ridge``, ``rows``, ``kernel_work`` (``n^2 (d + p)`` kernel flops plus ``n^3 / 3`` for
    the solve: the cost against the proper learner's ``grid_points n``), ``train_loss``, ``seconds``."""
    t0 = time.perf_counter()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{KERNEL_NAME}: rng must be a numpy.random.Generator, got {type(rng).__name__}")
    p = check_params(KERNEL_NAME, params, KERNEL_DEFAULTS)
    if p["degree"] is None:
        if p["eps"] is None:
            raise ValueError(f"{KERNEL_NAME}: parameter 'eps' or 'degree' must be given")
        eps = _real("eps", p["eps"], 0.0, 1.0)
        degree = max(1, math.ceil(_real("c_p", p["c_p"], 0.0) / eps - 1e-9))
    else:
        degree = _int("degree", p["degree"], 1)
    max_rows = _int("max_rows", p["max_rows"], 2)
    S = as_samples(X, y)
    Xm, ym = _take_rows(S, min(S.n, max_rows), rng)
    n, d = Xm.shape
    scale = max(1.0, float(np.sqrt(np.max(np.einsum("ij,ij->i", Xm, Xm)))))
    Xs = Xm / scale
    K = multinomial_kernel(Xs @ Xs.T, degree)
    base = float(np.trace(K)) / n
    hold = rng.permutation(n)
    n_val = max(1, int(round(float(p["holdout"]) * n)))
    val, tr = hold[:n_val], hold[n_val:]
    best, best_r = math.inf, None
    for r in p["ridges"]:
        lam = float(r) * base
        A = K[np.ix_(tr, tr)] + lam * len(tr) * np.eye(len(tr))
        alpha = np.linalg.solve(A, ym[tr])
        err = float(np.mean((K[np.ix_(val, tr)] @ alpha - ym[val]) ** 2))
        if err < best:
            best, best_r = err, float(r)
    alpha = np.linalg.solve(K + best_r * base * n * np.eye(n), ym)
    fit = Fit("poly_net", {"W": (Xs / scale).T.copy(), "a": alpha, "coef": np.ones(degree + 1), "c": np.array(0.0)})
    res = K @ alpha - ym
    fit.info = {"degree": int(degree), "ridge": best_r, "rows": int(n), "train_loss": float(res @ res) / n,
                "kernel_work": float(n * n * (d + degree) + n**3 / 3.0), "seconds": time.perf_counter() - t0,
                "eps": p["eps"], "regime": p["regime"], "validation_loss": best}
    log.info("%s: n=%d d=%d degree %d ridge %g: train loss %.4g in %.2f s", KERNEL_NAME, n, d, degree, best_r,
             fit.info["train_loss"], fit.info["seconds"])
    return fit
