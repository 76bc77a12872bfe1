# Stage 3: tidy metrics rows (one per replicate) of one learner at one point.


rule evaluate:
    input:
        npz="results/{paper}/{experiment}/{point}/data.npz",
        fit="results/{paper}/{experiment}/{point}/fit/{learner}.npz",
    output:
        "results/{paper}/{experiment}/{point}/metrics/{learner}.parquet",
    params:
        bounds=lambda w: PLAN.bounds(w.paper),
        code=lambda w: PLAN.code("evaluate", w.paper),
    log:
        "logs/evaluate/{paper}/{experiment}/{point}/{learner}.log",
    conda:
        ENV
    shell:
        "depth2 --log {log} evaluate --paper {wildcards.paper} --experiment {wildcards.experiment} "
        "--point {wildcards.point} --learner {wildcards.learner} --data {input.npz} --fit {input.fit} "
        "--bounds '{params.bounds}' --out {output}"
