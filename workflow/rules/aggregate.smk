# Stage 4: one table per experiment.


rule aggregate:
    input:
        experiment_metrics,
    output:
        parquet="results/{paper}/{experiment}/table.parquet",
        csv=report(
            "results/{paper}/{experiment}/table.csv",
            caption="../report/table.rst",
            category="{paper}",
            subcategory="tables",
            labels={"paper": "{paper}", "table": "{experiment}"},
        ),
    params:
        code=PLAN.code("aggregate"),
    log:
        "logs/aggregate/{paper}/{experiment}.log",
    benchmark:
        "results/benchmarks/aggregate/{paper}/{experiment}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} aggregate --parquet {output.parquet} --csv {output.csv} {input}"
