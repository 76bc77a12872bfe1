"""Attempt history of a claim: the verdicts earlier confirmatory seeds of its paper gave, read from git.

A paper's confirmatory seed is the ``seed`` of its section in the committed ``config/config.yaml``
(:mod:`depth2.confirmatory`); a paper-size run's seed is set the same way in ``config/paper.yaml``. Both files are
read along the first-parent line of ``HEAD``, :math:`c_0, \\dots, c_{N-1}` oldest first, with :math:`s_k` the seed
the file gives at :math:`c_k` (None where it gives none).

* An **attempt** is a maximal run :math:`[i, j]` of commits with :math:`s_i = \\dots = s_j = s \\ne` None
  (:math:`s_{i-1} \\ne s`, :math:`s_{j+1} \\ne s`); :math:`c_i` is its seed-setting commit.
* Its **results** are the paper's rows of the claims table committed beside that file (``figures/claims.csv``,
  ``figures/paper/claims.csv`` for paper size) at :math:`c_j`, the last commit where :math:`s` still stood, if
  there are any and they differ from the rows at :math:`c_{i-1}` (rows no run changed after the seed was set are
  an earlier seed's, so that attempt's results were never committed: ``results_commit`` None). Rows are compared
  on (id, verdict, regime, observed, reason); ``results_commit`` is the commit :math:`c_k`, :math:`i \\le k \\le j`,
  that wrote them (the smallest k with equal rows at every commit :math:`c_k, \\dots, c_j`).
* Before a paper had a seed of its own (its section without ``seed``), every commit that changed the paper's
  rows of the claims table is an attempt of its own (seed :data:`NO_SEED`, listed as ``no paper seed
  (<commit>)``): those were runs too, and their verdicts are part of the claim's history.
* A claim's verdict in an attempt is ``out of regime`` where its ``regime`` cell starts with ``out`` (old tables
  say ``inconclusive`` there), else its ``verdict`` cell; ``absent`` where the table has no row with its id.
  Columns missing from old tables read as empty.
* An attempt is **unfavourable** for a claim when the claim has a verdict there other than ``supported``
  (``absent`` is no verdict: the claim was not tested). It is **followed by a redesign** when the paper's design
  differs between its results commit :math:`R` and the seed-setting commit :math:`S` of the next attempt the
  cell lists: the first, after :math:`R`, of the later attempts of the same file with committed results and the
  current run's own attempt (``HEAD`` where there is none). An attempt whose results were never committed is
  listed as ``no results committed`` but does not end the window: a redesign after it still shows after the
  attempt with results before it.
  The design is the paper's section of the next attempt's config file without ``seed`` (experiments, bounds,
  sizes, learners) and the files ``src/depth2/papers/<paper>/claims.py`` and ``experiments.py``; only the
  states at :math:`R` and :math:`S` are compared (a change undone in between is no change). The design is the
  paper's, not the claim's: any change to it follows every claim's unfavourable attempt.

:func:`history_cell` writes one claim's history as a line of the claims table, oldest attempt first, leaving out
the current seed's own attempt and the later ones of its own file (a paper-size attempt made after a default-run
seed is listed with the default run, and the other way round); an attempt whose results were never committed is
listed as such.
"""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from depth2.claims.model import SUPPORTED
from depth2.confirmatory import CONFIG, PAPER_CONFIG, REPO

CLAIMS_CSV = "figures/claims.csv"
PAPER_CLAIMS_CSV = "figures/paper/claims.csv"
IN_CONFIG, PAPER_SIZE = "config", "paper size"
# (where, the file that sets the seed, the claims table its runs commit)
STREAMS = ((IN_CONFIG, CONFIG, CLAIMS_CSV), (PAPER_SIZE, PAPER_CONFIG, PAPER_CLAIMS_CSV))
OUT_OF_REGIME, ABSENT = "out of regime", "absent"
NO_RESULTS = "no results committed"
NO_SEED = -1  # the seed of a run before the paper had a seed of its own (root seed only)
NO_GIT = "n/a (no git history)"
NONE_EARLIER = "none earlier"
REDESIGNED = "then redesigned"
OBSERVED_CHARS = 60  # an unfavourable attempt's observed text is cut to about this many characters
GIT_TIMEOUT_S = 30
_COMPARED = ("id", "verdict", "regime", "observed", "reason")


@dataclass(frozen=True)
class Attempt:
    """One confirmatory seed of a paper over the run of commits where it stood (module docstring).

    ``verdicts`` and ``observed`` map claim ids to the verdict (``supported``, ``not supported``,
    ``inconclusive``, ``out of regime``, ...) and the observed text of its results; both are empty where
    ``results_commit`` is None (results never committed). ``where`` is ``config`` or ``paper size``."""

    seed: int
    set_commit: str
    results_commit: str | None
    verdicts: dict[str, str]
    observed: dict[str, str]
    where: str


# -- git, cached per commit / blob (commits and blobs never change) -------------------------------------------

def _git(repo: str, *args: str, stdin: str | None = None) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", repo, *args], input=stdin, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _repo(repo: Path | str | None) -> str:
    return str(Path(repo if repo is not None else REPO).resolve())


@lru_cache(maxsize=64)
def _line(repo: str, head: str) -> tuple[str, ...]:
    """Short hashes of HEAD's first-parent line, oldest first."""
    return tuple(reversed((_git(repo, "log", "--first-parent", "--format=%h", head) or "").split()))


def _history(repo: str) -> tuple[str, ...] | None:
    """The first-parent line of ``repo``'s HEAD, or None without git history."""
    head = _git(repo, "rev-parse", "--verify", "-q", "HEAD")
    line = _line(repo, head.strip()) if head else ()
    return line or None


@lru_cache(maxsize=512)
def _blob_ids(repo: str, line: tuple[str, ...], path: str) -> tuple[str | None, ...]:
    """The blob of ``path`` at each commit of ``line`` (None where absent), in one ``git cat-file`` call."""
    out = _git(repo, "cat-file", "--batch-check", stdin="".join(f"{c}:{path}\n" for c in line))
    ids = []
    for row in (out or "").splitlines()[:len(line)]:
        fields = row.split()
        ids.append(fields[0] if len(fields) == 3 and fields[1] == "blob" else None)
    return tuple(ids) + (None,) * (len(line) - len(ids))


@lru_cache(maxsize=4096)
def _blob(repo: str, blob: str | None) -> str | None:
    return _git(repo, "cat-file", "blob", blob) if blob else None


@lru_cache(maxsize=4096)
def _yaml(repo: str, blob: str | None) -> Any:
    text = _blob(repo, blob)
    try:
        return yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return None


def _section(repo: str, blob: str | None, paper: str) -> dict:
    doc = _yaml(repo, blob)
    section = doc.get(paper) if isinstance(doc, dict) else None
    return section if isinstance(section, dict) else {}


def _seed(repo: str, blob: str | None, paper: str) -> int | None:
    seed = _section(repo, blob, paper).get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


@lru_cache(maxsize=4096)
def _rows(repo: str, blob: str | None, paper: str) -> tuple[tuple[str, ...], ...]:
    """The paper's rows of a claims table: (id, verdict, regime, observed, reason), missing cells empty."""
    text = _blob(repo, blob)
    if not text:
        return ()
    try:
        table = list(csv.DictReader(io.StringIO(text)))
    except csv.Error:
        return ()
    return tuple(tuple((row.get(k) or "").strip() for k in _COMPARED) for row in table
                 if (row.get("id") or "").startswith(f"{paper}.") or (row.get("paper") or "").strip() == paper)


def _verdict(verdict: str, regime: str) -> str:
    return OUT_OF_REGIME if regime.lower().startswith("out") else (verdict or "no verdict")


# -- attempts ------------------------------------------------------------------------------------------------

def _results(repo: str, paper: str, tables: tuple[str | None, ...], i: int, j: int) -> int | None:
    """Index of the commit that wrote the run [i, j]'s results (module docstring), or None."""
    final = _rows(repo, tables[j], paper)
    if not final or (i > 0 and _rows(repo, tables[i - 1], paper) == final):
        return None
    k = j
    while k > i and _rows(repo, tables[k - 1], paper) == final:
        k -= 1
    return k


def _attempts(repo: str, line: tuple[str, ...], paper: str) -> list[tuple[int, Attempt]]:
    found = []
    for where, config, table in STREAMS:
        seeds = [_seed(repo, b, paper) for b in _blob_ids(repo, line, config)]
        tables = _blob_ids(repo, line, table)
        i = 0
        while i < len(line):
            if seeds[i] is None:
                if where == IN_CONFIG:  # before paper seeds: each committed change of the paper's rows was a run
                    prev = _rows(repo, tables[i - 1], paper) if i > 0 else ()
                    rows = _rows(repo, tables[i], paper)
                    if rows and rows != prev:
                        found.append((i, Attempt(seed=NO_SEED, set_commit=line[i], results_commit=line[i],
                                                 verdicts={r[0]: _verdict(r[1], r[2]) for r in rows},
                                                 observed={r[0]: r[3] for r in rows}, where=where)))
                i += 1
                continue
            j = i
            while j + 1 < len(line) and seeds[j + 1] == seeds[i]:
                j += 1
            k = _results(repo, paper, tables, i, j)
            rows = _rows(repo, tables[k], paper) if k is not None else ()
            found.append((i, Attempt(seed=seeds[i], set_commit=line[i], results_commit=None if k is None else line[k],
                                     verdicts={r[0]: _verdict(r[1], r[2]) for r in rows},
                                     observed={r[0]: r[3] for r in rows}, where=where)))
            i = j + 1
    found.sort(key=lambda t: t[0])  # stable: at one commit, config before paper size
    return found


def attempts(paper: str, repo: Path | None = None) -> list[Attempt]:
    """Every confirmatory seed ``paper`` had in the committed ``config/config.yaml`` or ``config/paper.yaml``,
    with its results (module docstring), oldest seed-setting commit first; [] without git history.
    ``repo`` defaults to the repository holding this package."""
    root = _repo(repo)
    line = _history(root)
    return [a for _, a in _attempts(root, line, paper)] if line else []


# -- the history cell ----------------------------------------------------------------------------------------

def _design(repo: str, line: tuple[str, ...], paper: str, config: str, k: int) -> tuple:
    """The paper's design at commit ``k``: its ``config`` section without ``seed`` (canonical YAML), and the
    blobs of its claims and experiments modules."""
    section = {key: v for key, v in _section(repo, _blob_ids(repo, line, config)[k], paper).items() if key != "seed"}
    modules = tuple(_blob_ids(repo, line, f"src/depth2/papers/{paper}/{name}.py")[k]
                    for name in ("claims", "experiments"))
    return yaml.safe_dump(section, sort_keys=True), modules


def _redesigned(repo: str, line: tuple[str, ...], paper: str, attempt: Attempt, later: list[Attempt],
                current: Attempt | None) -> bool:
    """Whether the design changed between ``attempt``'s results commit R and the next attempt's seed-setting
    commit S: the first after R of ``later`` (same file, results committed) and ``current``; else HEAD."""
    pos = {c: k for k, c in enumerate(line)}
    r = pos.get(attempt.results_commit or "")
    if r is None:
        return False
    nxt = [b for b in later if b.where == attempt.where and b.results_commit] + ([current] if current else [])
    nxt = sorted((pos[b.set_commit], b) for b in nxt if pos.get(b.set_commit, -1) > r)
    s, where = (nxt[0][0], nxt[0][1].where) if nxt else (len(line) - 1, attempt.where)
    if s <= r:
        return False
    config = dict((w, c) for w, c, _ in STREAMS)[where]
    return _design(repo, line, paper, config, r) != _design(repo, line, paper, config, s)


def _short(observed: str) -> str:
    """The deciding figure: the observed text without ``decided by:``, up to its first ``;`` (the cell's own
    separator) and cut to about ``OBSERVED_CHARS`` characters at a space; `` ...`` marks a cut, and brackets
    the cut left open are closed."""
    text = observed.strip()
    if text.lower().startswith("decided by:"):
        text = text[len("decided by:"):].strip()
    head = text.split(";")[0].strip()
    if len(head) > OBSERVED_CHARS:
        head = head[:OBSERVED_CHARS - 4].rsplit(" ", 1)[0].rstrip(",:")
    if head == text:
        return text
    opened = []
    for ch in head:
        if ch in "([":
            opened.append(")" if ch == "(" else "]")
        elif ch in ")]" and opened:
            opened.pop()
    return head + " ..." + "".join(reversed(opened))


def _cell(repo: str, line: tuple[str, ...] | None, claim_id: str, found: list[Attempt], current_seed: int) -> str:
    if not line:
        return NO_GIT
    paper = claim_id.split(".", 1)[0]
    mine = [k for k, a in enumerate(found) if a.seed == current_seed]
    current = found[mine[-1]] if mine else None
    # the current attempt and the later ones of its own file are left out; the other file's are all listed
    earlier = [a for k, a in enumerate(found) if not mine or (k != mine[-1] and (k < mine[-1] or
                                                                                 a.where != current.where))]
    parts = []
    for k, a in enumerate(earlier):
        label = (f"no paper seed ({a.results_commit})" if a.seed == NO_SEED else f"{a.seed}") \
            + (f" ({PAPER_SIZE})" if a.where == PAPER_SIZE else "")
        if a.results_commit is None:  # a seed set and burned, its run never committed: shown, never hidden
            parts.append(f"{label}: {NO_RESULTS}")
            continue
        verdict = a.verdicts.get(claim_id, ABSENT)
        text = f"{label}: {verdict}"
        unfavourable = verdict not in (SUPPORTED, ABSENT)
        if unfavourable and (observed := _short(a.observed.get(claim_id, ""))):
            text += f" ({observed})"
        parts.append(text)
        if unfavourable and _redesigned(repo, line, paper, a, earlier[k + 1:], current):
            parts.append(REDESIGNED)
    return "; ".join([*parts, f"{current_seed} (this run)"]) if parts else NONE_EARLIER


def history_cell(claim_id: str, attempts: list[Attempt], current_seed: int, repo: Path | None = None) -> str:
    """One claim's attempt history as one line, oldest first: ``<seed>: <verdict>`` per earlier attempt with
    committed results (``<seed> (paper size): ...`` for paper-size ones), the deciding figure of the observed
    text in parentheses where the verdict is not ``supported``, ``then redesigned`` after an unfavourable
    attempt the design changed after (``<seed>: no results committed`` for a seed set whose run never landed),
    then ``<current_seed> (this run)``. The current seed's own attempt (the
    last with that seed) and the later ones of its own file are left out; ``none earlier`` where nothing is left,
    ``n/a (no git history)`` without git. ``attempts`` comes from :func:`attempts` on the same ``repo``."""
    root = _repo(repo)
    return _cell(root, _history(root), claim_id, attempts, current_seed)


def history_cells(paper: str, claim_ids: list[str], current_seed: int, repo: Path | None = None) -> dict[str, str]:
    """:func:`history_cell` for each of ``paper``'s ``claim_ids``, reading git once."""
    root = _repo(repo)
    line = _history(root)
    found = [a for _, a in _attempts(root, line, paper)] if line else []
    return {cid: _cell(root, line, cid, found, current_seed) for cid in claim_ids}
