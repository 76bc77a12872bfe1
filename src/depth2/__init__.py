"""depth2: a reproducible replication workflow for five papers on learning depth-2 neural networks.

The library computes everything; the Snakemake workflow only calls its command-line interface
(``depth2 ...``). Public entry points: :mod:`depth2.learners` (the learner registry),
:mod:`depth2.artifacts` (reading every intermediate file back), :mod:`depth2.claims` (verdicts).
"""

__version__ = "0.1.0"
