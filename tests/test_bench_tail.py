"""bench/guo2025.py part 3 (the exact tail stream against brute force): both workers compute Theorem 13's
statistic on the same law, and the report section prints every measured column."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from bench import guo2025 as g


def test_tail_and_brute_workers_read_the_same_rows_in_law():
    n = 400_000  # n P(|y| >= 1/4) at b = -4 is about 4
    brute = g.worker("pca_brute", n)
    tail = g.worker("pca_tail", n * 100)  # 100x the rows: ~400 read, still milliseconds
    expect = norm.sf(4.25)
    assert brute["rows_read"] <= 30 and abs(tail["rows_read"] - 100 * n * expect) < 5 * np.sqrt(100 * n * expect)
    assert 0.9 < tail["overlap"] <= 1.0 and 0.0 <= brute["overlap"] <= 1.0
    res = {"b": -4.0, "d": 10, "rows": [{"n": n, "pca_brute_s": 1.0, "pca_tail_s": 0.001, "ratio": 1000.0,
                                          "pca_brute_mib": 10.0, "pca_tail_mib": 1.0, "pca_brute_rows": 4,
                                          "pca_tail_rows": 5, "pca_brute_overlap": 0.9, "pca_tail_overlap": 0.95}]}
    text = "\n".join(g._tail_markdown(res))
    assert "| 4e+05 | 1.00 | 0.0010 | 1,000x | 10 | 1 | 4 / 5 | 0.90000 / 0.95000 |" in text
