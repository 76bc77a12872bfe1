"""The claims report (``figures/claims.md``) and README's summary, generated from the claims table and each
paper's coverage list. Only ``test`` rows are counted as evidence; checks, observations and proof checks are
listed apart under their kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from depth2.claims.model import (
    FRAGILE,
    INCONCLUSIVE,
    KINDS,
    NOT_SUPPORTED,
    SUPPORTED,
    TEST,
    VERDICTS,
    Headline,
)
from depth2.claims.table import COLUMNS, shorten

TEST_VERDICTS = (*VERDICTS, FRAGILE)
Provenance = Mapping[str, Mapping[str, Any]]
Coverage = Mapping[str, Sequence[Headline]]


def _short_id(claim_id: Any) -> str:
    """A claim's id without its paper prefix (``guo2025.exy_sign`` -> ``exy_sign``)."""
    return str(claim_id).split(".", 1)[-1]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _why_not(r: Mapping[str, Any]) -> str:
    """What a test that is not supported means, read off its regime cell, verdict and reconstruction flag."""
    detail = r["reason"] if isinstance(r["reason"], str) and r["reason"] else r["observed"]
    if r["verdict"] == FRAGILE:
        return ("supported on the main run but not under every pre-registered variant, so not robust evidence "
                f"({shorten(detail, 200)})")
    if str(r["regime"]).startswith("out"):
        return f"out of its regime, so a limit of this run and not evidence ({shorten(str(r['regime'])[4:], 160)})"
    if r["verdict"] == INCONCLUSIVE:
        return ("in its regime but undecided: a finite-size limit, the intervals do not resolve "
                f"({shorten(detail, 160)})")
    about = "our reconstruction of the paper" if str(r["reconstruction"]) == "yes" else "the paper's statement"
    if str(r.get("seeds", "")).startswith("exact"):  # no sampling: nothing about sizes
        return f"an exact computation, so a finding about {about} ({shorten(detail, 200)})"
    return f"in its regime, so a finding at these sizes about {about} ({shorten(detail, 200)})"


def test_counts(table: pd.DataFrame) -> dict[str, int]:
    """Verdict counts of the ``test`` rows (the only rows that are evidence)."""
    c = table.loc[table["kind"] == TEST, "verdict"].value_counts()
    return {v: int(c.get(v, 0)) for v in TEST_VERDICTS}


def counts_sentence(table: pd.DataFrame) -> str:
    """``"12 tests: 5 supported, 1 not supported, 2 inconclusive, 4 fragile; not evidence: 9 checks, ..."``."""
    tc = test_counts(table)
    kinds = table["kind"].value_counts()
    rest = ", ".join(f"{int(kinds.get(k, 0))} {k}{'s' if kinds.get(k, 0) != 1 else ''}" for k in KINDS[1:])
    return (f"{sum(tc.values())} tests: " + ", ".join(f"{n} {v}" for v, n in tc.items())
            + f"; not evidence: {rest}")


def covered(h: Headline, g: pd.DataFrame) -> str:
    """A headline's coverage cell: its test rows with their verdicts, the other rows apart, or what a test would
    take."""
    rows = {_short_id(r["id"]): r for _, r in g.iterrows()}
    tests = [f"`{i}` ({rows[i]['verdict']})" for i in h.rows if i in rows and rows[i]["kind"] == TEST]
    other = [f"`{i}` ({rows[i]['kind']})" for i in h.rows if i in rows and rows[i]["kind"] != TEST]
    parts = [(("tested in part by " if h.not_tested else "tested by ") + ", ".join(tests)) if tests
             else "**not tested**"]
    if other:
        parts.append("also read by " + ", ".join(other) + " (not evidence)")
    if h.not_tested:
        parts.append(("what a full test would take: " if tests else "what it would take: ") + h.not_tested)
    return "; ".join(parts)


def coverage_count(heads: Sequence[Headline], g: pd.DataFrame) -> str:
    """``"1 of 7 headline results tested, 2 in part"``: a headline is tested when a test row decides it and its
    entry names nothing a full test would still take; in part when it does."""
    ids = set(g.loc[g["kind"] == TEST, "id"].map(_short_id))
    hit = [h for h in heads if any(r in ids for r in h.rows)]
    full = sum(not h.not_tested for h in hit)
    return f"{full} of {len(heads)} headline results tested, {len(hit) - full} in part"


def coverage_lines(table: pd.DataFrame, coverage: Coverage) -> list[str]:
    """``## Coverage``: per paper, each headline result with the rows that test it or what testing it would
    take."""
    lines = ["## Coverage", "", "Each paper's headline results (from its abstract and the sections we read; "
             "`source` says which) and the test rows that decide them.", ""]
    for paper, g in table.groupby("paper", sort=False):
        heads = coverage.get(paper, ())
        lines += [f"**{paper}** ({coverage_count(heads, g)})", ""]
        lines += [_md(f"- {h.result} ({h.source}): {covered(h, g)}") for h in heads] or ["- no coverage list"]
        lines.append("")
    return lines


def minute_summary(table: pd.DataFrame, provenance: Provenance | None = None) -> list[str]:
    """The claims table in a minute: the tests' counts first, then per paper what is supported, what is not and
    what that means, and the rows that are not evidence -> Markdown lines."""
    provenance = provenance or {}
    lines = ["## In a minute", "", f"**{counts_sentence(table)}.** Only tests count as evidence about a paper.", ""]
    for paper, g in table.groupby("paper", sort=False):
        tests = g[g["kind"] == TEST]
        out = tests[tests["regime"].str.startswith("out")]
        regime = ("every test's run is in its regime" if out.empty else
                  f"{len(out)} of {len(tests)} tests' runs are out of their regime")
        seed = provenance.get(paper, {}).get("seed", "n/a")
        tc = test_counts(g)
        verdicts = ", ".join(f"{n} {v}" for v, n in tc.items() if n)
        lines += [f"**{paper}** (confirmatory seed {seed}; {len(tests)} tests" + (f": {verdicts}" if verdicts else "")
                  + (f"; {regime})" if len(tests) else "; no row of this paper is a test)"), ""]
        ok = [_short_id(i) for i in tests.loc[tests["verdict"] == SUPPORTED, "id"]]
        lines.append(f"- supported ({len(ok)}): " + (", ".join(f"`{i}`" for i in ok) if ok else "none"))
        for _, r in tests[tests["verdict"] != SUPPORTED].iterrows():
            lines.append(_md(f"- {r['verdict']}: `{_short_id(r['id'])}`: {_why_not(r)}"))
        rest = g[g["kind"] != TEST]
        for kind, k in rest.groupby("kind", sort=False):
            lines.append(f"- not evidence ({kind}): " + ", ".join(
                f"`{_short_id(i)}` ({v})" for i, v in zip(k["id"], k["verdict"], strict=True)))
        lines.append("")
    return lines


def _row_line(r: Mapping[str, Any]) -> str:
    why = f" Why: {shorten(r['reason'])}" if r["verdict"] != SUPPORTED and isinstance(r["reason"], str) \
        and r["reason"] else ""
    extra = f" Variants: {shorten(r['variants'], 400)}. History: {shorten(r['history'], 300)}." \
        if r["kind"] == TEST else ""
    return _md(f"- `{_short_id(r['id'])}`: **{r['verdict']}**; regime {shorten(r['regime'], 160)}. "
               f"{shorten(r['observed'])}.{why}{extra}")


def to_markdown(table: pd.DataFrame, provenance: Provenance | None = None, coverage: Coverage | None = None) -> str:
    """The claims report: the counts per paper, *In a minute*, the coverage, the tests, the other rows by
    kind, then the full table (pipes in cells escaped).

    ``provenance[paper]`` may hold ``seed`` (the paper's confirmatory seed) and ``design_commit`` (the commit
    that fixed the design and bounds with that seed); ``coverage[paper]`` the paper's headline results."""
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    provenance, coverage = provenance or {}, coverage or {}
    lines = ["# Claims table", "",
             "Each verdict is computed from the aggregated tables by the claim's predicate against bounds "
             "pre-registered in the config. `kind` says what a row is: a `test` (a prediction of the paper that "
             "our code could fail; its `falsifier` says how), a `check` (our construction, an identity or the "
             "implementation), an `observation` (our framing, not the paper's) or a `proof check` (a computation "
             "about the paper's proof); only tests count as evidence. `regime` says whether the run is where the "
             "paper predicts a visible effect (a run out of it is inconclusive, never evidence against the "
             "paper). A test is `fragile` when a pre-registered robustness variant (a replication seed, a "
             "nuisance perturbation: `variants`) gives another verdict; `history` lists the paper's earlier "
             "confirmatory attempts, from git; `reconstruction = yes` marks rows that rest on our reconstruction "
             "of the paper rather than its text.", "",
             f"Summary: {counts_sentence(table)}.", "",
             "| paper | confirmatory seed | design commit | tests | supported | not supported | inconclusive | "
             "fragile | out of regime | checks | observations | proof checks |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for paper, g in table.groupby("paper", sort=False):
        tests, tc, prov = g[g["kind"] == TEST], test_counts(g), provenance.get(paper, {})
        kinds = g["kind"].value_counts()
        lines.append(f"| {paper} | {prov.get('seed', 'n/a')} | {prov.get('design_commit', 'n/a')} | {len(tests)} | "
                     + " | ".join(str(tc[v]) for v in (SUPPORTED, NOT_SUPPORTED, INCONCLUSIVE, FRAGILE))
                     + f" | {int(tests['regime'].str.startswith('out').sum())} | "
                     + " | ".join(str(int(kinds.get(k, 0))) for k in KINDS[1:]) + " |")
    lines += ["", *minute_summary(table, provenance), *coverage_lines(table, coverage), "## Tests", ""]
    for paper, g in table.groupby("paper", sort=False):
        lines += [f"**{paper}**", "", *map(_row_line, (r for _, r in g[g["kind"] == TEST].iterrows())), ""]
    lines += ["## Checks, observations and proof checks (not evidence)", ""]
    for paper, g in table.groupby("paper", sort=False):
        rest = g[g["kind"] != TEST]
        if len(rest):
            lines += [f"**{paper}**", "", *(f"- ({r['kind']}) " + _row_line(r)[2:] for _, r in rest.iterrows()), ""]
    lines += ["## Full table", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |" for _, r in table.iterrows()]
    return "\n".join(lines) + "\n"


def readme_summary(table: pd.DataFrame, coverage: Coverage | None = None) -> str:
    """README's claims summary (between its ``claims-summary`` markers): the tests' counts, then per paper its
    tests' verdicts and how many of its headline results a test covers."""
    coverage = coverage or {}
    lines = [f"From the committed default run (`figures/claims.md` has the detail): **{counts_sentence(table)}**.", ""]
    for paper, g in table.groupby("paper", sort=False):
        tests = g[g["kind"] == TEST]
        verdicts = ", ".join(f"`{_short_id(i)}` {v}" for i, v in zip(tests["id"], tests["verdict"], strict=True))
        lines.append(f"- **{paper}**: {len(tests)} tests ({verdicts or 'none'}); "
                     f"{coverage_count(coverage.get(paper, ()), g)}; {len(g) - len(tests)} rows not evidence "
                     "(checks, observations, proof checks).")
    return "\n".join(lines) + "\n"
