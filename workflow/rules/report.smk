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
        notebook=notebook_source,
    output:
        "results/notebooks/{paper}.ipynb",
    log:
        "logs/notebook/{paper}.log",
    conda:
        ENV
    shell:
        "depth2 --log {log} notebook --notebook {input.notebook} --out {output} --cwd ."
