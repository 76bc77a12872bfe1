# Stage 3: tidy metrics rows (one per learner and replicate) of one point, the data read once.


rule evaluate:
    input:
        unpack(evaluate_inputs),
    output:
        "results/{paper}/{experiment}/{point}/metrics.parquet",
    params:
        bounds=lambda w: PLAN.bounds(w.paper),
        code=lambda w: PLAN.code("evaluate", w.paper),
        fits=lambda w, input: " ".join(f"--fit {f}" for f in input.fits),
    log:
        "logs/evaluate/{paper}/{experiment}/{point}.log",
    benchmark:
        "results/benchmarks/evaluate/{paper}/{experiment}/{point}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} evaluate --paper {wildcards.paper} --experiment {wildcards.experiment} "
        "--point {wildcards.point} --data {input.npz} {params.fits} "
        "--bounds '{params.bounds}' --out {output}"
