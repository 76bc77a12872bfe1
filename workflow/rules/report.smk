# Report helpers: the runtime/memory table from the benchmark files, and the executed notebooks.


rule runtime:
    input:
        all_benchmarks(),
    output:
        report(
            "results/runtime.csv",
            caption="../report/runtime.rst",
            category="Runtime and memory",
            labels={"table": "runtime"},
        ),
    log:
        "logs/runtime.log",
    conda:
        ENV
    shell:
        "depth2 --log {log} runtime --out {output} {input}"


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
    conda:
        ENV
    shell:
        "depth2 --log {log} notebook --paper {wildcards.paper} --out {output} --cwd ."
