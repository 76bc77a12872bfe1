# Report helpers: the runtime/memory table from the benchmark files, and the executed notebooks.


rule runtime:
    input:
        all_benchmarks(),
    output:
        jobs=report(
            "results/runtime.csv",
            caption="../report/runtime.rst",
            category="Runtime and memory",
            labels={"table": "per job"},
        ),
        summary=report(
            "results/runtime_summary.csv",
            caption="../report/runtime_summary.rst",
            category="Runtime and memory",
            labels={"table": "per paper and rule"},
        ),
        png=report(
            "results/runtime.png",
            caption="../report/runtime_summary.rst",
            category="Runtime and memory",
            labels={"table": "figure"},
        ),
    log:
        "logs/runtime.log",
    conda:
        ENV
    shell:
        "depth2 --log {log} runtime --out {output.jobs} --summary {output.summary} --png {output.png} {input}"


rule notebook:
    input:
        tables=lambda w: [f"{RESULTS}/{w.paper}/{e}/table.parquet" for _, e in PLAN.tables(w.paper)],
        claims="figures/claims.csv",
    output:
        "results/notebooks/{paper}.ipynb",
    params:
        # the source notebook (workflow/notebooks/<paper>.ipynb) by content, not by path
        digest=lambda w: file_digest(notebook_source(w)),
    log:
        "logs/notebook/{paper}.log",
    benchmark:
        "results/benchmarks/notebook/{paper}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} notebook --paper {wildcards.paper} --out {output} --cwd ."
