# Stage 1: datasets (arrays, or spec + sample rows for datasets too large to store usefully).


rule dataset:
    output:
        npz="results/{paper}/{experiment}/{point}/data.npz",
        spec="results/{paper}/{experiment}/{point}/data.json",
    params:
        spec=lambda w: PLAN.dataset_spec(w.paper, w.experiment, w.point),
        code=lambda w: PLAN.code("dataset", w.paper),
    log:
        "logs/dataset/{paper}/{experiment}/{point}.log",
    benchmark:
        "results/benchmarks/dataset/{paper}/{experiment}/{point}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} dataset --spec '{params.spec}' --out {output.npz}"
