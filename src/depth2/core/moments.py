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
        n, s0, s1, s2 = 0, 0.0, np.zeros(d), np.zeros((d, d))
        for Xc, yc in self.samples.chunks():
            n += yc.shape[0]
            s0 += float(yc.sum())
            s1 += Xc.T @ yc
            s2 += (Xc * yc[:, None]).T @ Xc
        self.n, self.d = n, d
        self.T0 = s0 / n
        self.T1 = s1 / n
        self.T2 = s2 / n - self.T0 * np.eye(d)
        self.residualize = residualize

    def _labels(self, Xc: np.ndarray, yc: np.ndarray) -> np.ndarray:
        if not self.residualize:
            return yc
        quad = np.sum((Xc @ self.T2) * Xc, axis=1)  # x^T T2 x per row: O(n d^2), a GEMM
        return yc - self.T0 - Xc @ self.T1 - 0.5 * (quad - np.trace(self.T2))

    def t3_matrix(self, g: np.ndarray) -> np.ndarray:
        """T3(., ., g) = mean y [(g.x) x x^T - (g.x) I - x g^T - g x^T], shape (d, d)."""
        g = np.asarray(g, dtype=float)
        acc, s1, s0 = np.zeros((self.d, self.d)), np.zeros(self.d), 0.0
        for Xc, yc in self.samples.chunks():
            r = self._labels(Xc, yc)
            gx = Xc @ g
            acc += (Xc * (r * gx)[:, None]).T @ Xc
            s1 += Xc.T @ r
            s0 += float(r @ gx)
        n = self.n
        m1 = s1 / n
        return acc / n - (s0 / n) * np.eye(self.d) - np.outer(m1, g) - np.outer(g, m1)

    def t4_matrix(self, g: np.ndarray, h: np.ndarray) -> np.ndarray:
        """T4(., ., g, h), shape (d, d) (the Hermite corrections written out in the module source)."""
        g, h = np.asarray(g, dtype=float), np.asarray(h, dtype=float)
        d, gh = self.d, float(g @ h)
        A = np.zeros((d, d))  # mean r (g.x)(h.x) x x^T
        B = np.zeros((d, d))  # mean r x x^T
        vh = np.zeros(d)  # mean r (h.x) x
        vg = np.zeros(d)  # mean r (g.x) x
        s_gh, s0 = 0.0, 0.0  # mean r (g.x)(h.x), mean r
        for Xc, yc in self.samples.chunks():
            r = self._labels(Xc, yc)
            gx, hx = Xc @ g, Xc @ h
            A += (Xc * (r * gx * hx)[:, None]).T @ Xc
            B += (Xc * r[:, None]).T @ Xc
            vh += Xc.T @ (r * hx)
            vg += Xc.T @ (r * gx)
            s_gh += float(r @ (gx * hx))
            s0 += float(r.sum())
        n = self.n
        A, B, vh, vg, s_gh, s0 = A / n, B / n, vh / n, vg / n, s_gh / n, s0 / n
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
        for Xc, yc in self.samples.chunks():
            total += float(self._labels(Xc, yc) @ hermite_he(k, Xc @ (u / nu)))
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
        for Xc, yc in self.samples.chunks():
            r = self._labels(Xc, yc)
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
