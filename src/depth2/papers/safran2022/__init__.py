"""safran2022 — Safran & Lee, "Optimization-Based Separations for Neural Networks", COLT 2022 (PMLR 178)."""
