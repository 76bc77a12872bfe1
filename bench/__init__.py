"""Performance benchmarks of the depth2 package (not tests: they measure and report, never assert timings).

Run from the repository root with ``python -m bench`` (add ``--quick`` for a shorter run). The run writes
``bench/results.md`` (a Markdown report) and ``bench/figures/*.png``.

Modules
-------
environment
    The machine the numbers were taken on: numpy and BLAS, threads, CPU, and the measured float64 GEMM
    rate that later benchmarks quote their achieved GFLOP/s against.
guo2025
    The guo2025 learners: data streaming and the ``sq`` fit as a scaling curve in ``n`` (time and peak
    memory), and the cost of one ``gd`` loss-and-gradient evaluation against torch autograd.
awasthi2021
    The implicit Hermite contractions ``T3[g]`` and ``T4[g, h]`` against building the dense empirical tensor
    and contracting it (ratio, break-even number of contractions, GFLOP/s against GEMM), and our Jennrich /
    power iteration against tensorly's ``parafac`` on planted dense tensors (time and recovery error).
mondelli2019
    The tensor learners ``tensor_jennrich``, ``tensor_power`` and ``tensor_spectral`` against d at
    r = round(0.05 d^1.5): fit time (with a fitted power law in d), the fit's peak memory (fresh process
    per fit) next to the size of a dense T3 / T4, and the fraction of planted weights recovered.
safran2022
    One GD step of the strong net (frozen erf features, clipped output) against torch CPU float64 (autograd and a
    hand-written step) over the width, achieved GFLOP/s against GEMM, and the default ``strong_net`` fit at
    r = 1600, n = 2e4, d = 10.
"""

from __future__ import annotations

from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

__all__ = ["BENCH_DIR", "REPO_ROOT"]
