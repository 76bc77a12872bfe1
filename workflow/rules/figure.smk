# Stage 5: figures, drawn from the experiment tables; captions come from the paper module.


rule figure:
    input:
        figure_tables,
    output:
        pdf="figures/{paper}/{name}.pdf",
        png=report(
            "figures/{paper}/{name}.png",
            caption="../report/figure.rst",
            category="{paper}",
            subcategory="figures",
            labels={"paper": "{paper}", "figure": "{name}"},
        ),
    params:
        code=lambda w: PLAN.code("figure", w.paper),
        caption=lambda w: PLAN.caption(w.paper, w.name),
    log:
        "logs/figure/{paper}/{name}.log",
    benchmark:
        "results/benchmarks/figure/{paper}/{name}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} figure --paper {wildcards.paper} --name {wildcards.name} "
        "--pdf {output.pdf} --png {output.png} {input}"
