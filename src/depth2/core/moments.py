"""Empirical Hermite moment tensors ``T_k = E[y He_k(x)]`` as operators, never as d^k arrays.

``He_k(x)`` is the k-th multivariate (probabilists') Hermite tensor; for ``x ~ N(0, I_d)`` and
``f(x) = sum_i a_i relu(<w_i, x> + b_i)`` with unit ``w_i``, ``T_k = sum_i a_i c_k(b_i) w_i^{(x)k}``.

* :class:`HermiteMoments` holds the orders 0-2 (``T0`` scalar, ``T1`` (d,), ``T2`` (d, d)) and contracts the
  orders 3 and 4 against the data on demand: ``t3_matrix(g) = T3(., ., g)``, ``t4_matrix(g, h) = T4(., ., g, h)``
  in O(n d^2) and ``t_all(u, k) = T_k(u, ..., u)`` in O(n d), chunked over the rows.
* :meth:`HermiteMoments.projected` gives the dense tensors of order 3 and 4 restricted to an m-dimensional
  subspace (m^3 and m^4 entries, computed with GEMMs in O(n m^4)): for orthonormal ``U``,
  ``He_k(x)(U., ..., U.) = He_k(U^T x)``, so the projection is the Hermite moment of ``z = U^T x``.

Labels may be *residualized* first (``y_r = y - T0 - <T1, x> - (x^T T2 x - tr T2) / 2``): that removes the
degree 0-2 parts, which are orthogonal to He_3 and He_4 in population but dominate the sampling variance.
``T2`` itself is estimated from ``y - T0 - <T1, x>`` (degree 0-1 parts removed; issue 16: with raw ``y`` the
subspace step missed neurons at |b| = 2). The residual labels are cached after their first use (n floats).
"""

from __future__ import annotations

import numpy as np

from depth2.core.data import Samples, as_samples


class HermiteMoments:
    """Hermite moments of (X, y) up to order 4, orders 3-4 as implicit operators.

    Parameters
    ----------
    X : (n, d) array or Samples
    y : (n,) array, or None with a Samples stream
    residualize : bool
        Contract orders 3-4 against the residual labels ``y_r`` (see the module docstring).
    """

    def __init__(self, X, y=None, *, residualize: bool = True) -> None:
        self.samples: Samples = as_samples(X, y)
        d = self.samples.d
        n, s0, s1 = 0, 0.0, np.zeros(d)
        for Xc, yc in self.samples.chunks():
            n += yc.shape[0]
            s0 += float(yc.sum())
            s1 += Xc.T @ yc
        self.n, self.d = n, d
        self.T0 = s0 / n
        self.T1 = s1 / n
        self.residualize = residualize
        # T2 = E[y (x x^T - I)] from the labels less their degree 0-1 parts (y - T0 - <T1, x>): the same
        # population value (E[x x x^T] = 0), without the sampling noise of T0 and <T1, x> (a second pass).
        s2, sr = np.zeros((d, d)), 0.0
        for Xc, yc in self.samples.chunks():
            r = yc - self.T0 - Xc @ self.T1 if residualize else yc
            s2 += (Xc * r[:, None]).T @ Xc
            sr += float(r.sum())
        self.T2 = s2 / n - (sr / n) * np.eye(d)
        self._residuals: list[np.ndarray] | None = None
        self._free: tuple[float, np.ndarray, np.ndarray] | None = None

    def _residual_chunks(self):
        """``(X_c, y_r)`` per chunk; the residualized labels are computed once and cached (n floats)."""
        if not self.residualize:
            yield from self.samples.chunks()
            return
        if self._residuals is None:
            cache = []
            trace = float(np.trace(self.T2))
            for Xc, yc in self.samples.chunks():
                quad = np.sum((Xc @ self.T2) * Xc, axis=1)  # x^T T2 x per row: O(n d^2), a GEMM, once
                cache.append(yc - self.T0 - Xc @ self.T1 - 0.5 * (quad - trace))
            self._residuals = cache
        for (Xc, _), r in zip(self.samples.chunks(), self._residuals, strict=True):
            yield Xc, r

    def residual_labels(self) -> np.ndarray:
        """The labels the orders 3-4 are contracted against, all rows (``y_r``, or ``y`` unresidualized)."""
        return np.concatenate([r for _, r in self._residual_chunks()])

    def _g_free(self) -> tuple[float, np.ndarray, np.ndarray]:
        """(mean r, mean r x, mean r x x^T): the parts of T3 / T4 contractions that do not depend on the
        contraction vectors, computed once (one pass) and cached."""
        if self._free is None:
            s0, s1, S2 = 0.0, np.zeros(self.d), np.zeros((self.d, self.d))
            for Xc, r in self._residual_chunks():
                s0 += float(r.sum())
                s1 += Xc.T @ r
                S2 += (Xc * r[:, None]).T @ Xc
            self._free = (s0 / self.n, s1 / self.n, S2 / self.n)
        return self._free

    def t3_matrix(self, g: np.ndarray) -> np.ndarray:
        """T3(., ., g) = mean y [(g.x) x x^T - (g.x) I - x g^T - g x^T], shape (d, d).

        One pass of one GEMM per chunk (the labels and the g-free mean r x are cached)."""
        g = np.asarray(g, dtype=float)
        _, m1, _ = self._g_free()
        acc = np.zeros((self.d, self.d))
        for Xc, r in self._residual_chunks():
            acc += (Xc * (r * (Xc @ g))[:, None]).T @ Xc
        return acc / self.n - float(m1 @ g) * np.eye(self.d) - np.outer(m1, g) - np.outer(g, m1)

    def t4_matrix(self, g: np.ndarray, h: np.ndarray) -> np.ndarray:
        """T4(., ., g, h), shape (d, d) (the Hermite corrections written out in the module source)."""
        g, h = np.asarray(g, dtype=float), np.asarray(h, dtype=float)
        d, gh = self.d, float(g @ h)
        s0, _, B = self._g_free()  # mean r, mean r x x^T (g-free, cached)
        A = np.zeros((d, d))  # mean r (g.x)(h.x) x x^T
        vh = np.zeros(d)  # mean r (h.x) x
        vg = np.zeros(d)  # mean r (g.x) x
        s_gh = 0.0  # mean r (g.x)(h.x)
        for Xc, r in self._residual_chunks():
            gx, hx = Xc @ g, Xc @ h
            rg, rh = r * gx, r * hx
            A += (Xc * (rg * hx)[:, None]).T @ Xc
            vh += Xc.T @ rh
            vg += Xc.T @ rg
            s_gh += float(rg @ hx)
        n = self.n
        A, vh, vg, s_gh = A / n, vh / n, vg / n, s_gh / n
        # He_4 contracted in two slots with g, h: x x (g.x)(h.x) - (g.h) x x - (h.x)(g x + x g) - (g.x)(h x + x h)
        #   - (g.x)(h.x) I + (g.h) I + g h^T + h g^T
        return (A - gh * B - np.outer(g, vh) - np.outer(vh, g) - np.outer(h, vg) - np.outer(vg, h)
                - s_gh * np.eye(d) + s0 * (gh * np.eye(d) + np.outer(g, h) + np.outer(h, g)))

    def t_all(self, u: np.ndarray, k: int) -> float:
        """T_k(u, ..., u) = mean y He_k(x)(u, ..., u) = |u|^k mean y He_k(<u, x> / |u|), for k <= 4."""
        from depth2.core.hermite import hermite_he

        u = np.asarray(u, dtype=float)
        nu = float(np.linalg.norm(u))
        if nu == 0:
            return 0.0
        total = 0.0
        for Xc, r in self._residual_chunks():
            total += float(r @ hermite_he(k, Xc @ (u / nu)))
        return nu**k * total / self.n

    def projected(self, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense (T3, T4) restricted to the column span of ``U`` (d, m) with orthonormal columns.

        Returns arrays of shape (m, m, m) and (m, m, m, m): ``E[y_r He_k(z)]`` with ``z = U^T x``.
        """
        U = np.asarray(U, dtype=float)
        m = U.shape[1]
        M1, M2 = np.zeros(m), np.zeros((m, m))
        M3, M4 = np.zeros((m, m * m)), np.zeros((m * m, m * m))
        m0 = 0.0
        for Xc, r in self._residual_chunks():
            Z = Xc @ U
            ZZ = (Z[:, :, None] * Z[:, None, :]).reshape(-1, m * m)
            rZ = Z * r[:, None]
            m0 += float(r.sum())
            M1 += rZ.sum(axis=0)
            M2 += rZ.T @ Z
            M3 += rZ.T @ ZZ
            M4 += (ZZ * r[:, None]).T @ ZZ
        n = self.n
        m0, M1, M2 = m0 / n, M1 / n, M2 / n
        M3 = M3.reshape(m, m, m) / n
        M4 = M4.reshape(m, m, m, m) / n
        eye = np.eye(m)
        T3 = M3 - (np.einsum("i,jk->ijk", M1, eye) + np.einsum("j,ik->ijk", M1, eye) + np.einsum("k,ij->ijk", M1, eye))
        pairs = (np.einsum("ij,kl->ijkl", M2, eye) + np.einsum("ik,jl->ijkl", M2, eye)
                 + np.einsum("il,jk->ijkl", M2, eye) + np.einsum("jk,il->ijkl", M2, eye)
                 + np.einsum("jl,ik->ijkl", M2, eye) + np.einsum("kl,ij->ijkl", M2, eye))
        deltas = (np.einsum("ij,kl->ijkl", eye, eye) + np.einsum("ik,jl->ijkl", eye, eye)
                  + np.einsum("il,jk->ijkl", eye, eye))
        return T3, M4 - pairs + m0 * deltas
