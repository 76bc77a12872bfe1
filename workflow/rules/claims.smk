# Stage 6: the claims table, computed from every experiment table against pre-registered bounds.


rule claims:
    input:
        all_tables(),
    output:
        csv=report(
            "figures/claims.csv",
            caption="../report/claims.rst",
            category="Claims",
            labels={"table": "claims"},
        ),
        md="figures/claims.md",
    params:
        bounds=PLAN.all_bounds(),
        seeds=PLAN.all_seeds(),
        variants=PLAN.all_variants(),
        code=PLAN.code("claims"),
    log:
        "logs/claims.log",
    benchmark:
        "results/benchmarks/claims.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} claims --bounds '{params.bounds}' --seeds '{params.seeds}' --variants '{params.variants}' --csv {output.csv} --md {output.md} {input}"
