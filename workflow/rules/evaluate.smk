# Stage 3: tidy metrics rows (one per replicate) of one learner at one point.


rule evaluate:
    input:
        unpack(evaluate_inputs),
    output:
        "results/{paper}/{experiment}/{point}/metrics/{learner}.parquet",
    params:
        bounds=lambda w: PLAN.bounds(w.paper),
        code=lambda w: PLAN.code("evaluate", w.paper),
        fit=lambda w, input: f"--fit {input.fit}" if "fit" in input.keys() else "",
    log:
        "logs/evaluate/{paper}/{experiment}/{point}/{learner}.log",
    conda:
        ENV
    shell:
        "depth2 --log {log} evaluate --paper {wildcards.paper} --experiment {wildcards.experiment} "
        "--point {wildcards.point} --learner {wildcards.learner} --data {input.npz} {params.fit} "
        "--bounds '{params.bounds}' --out {output}"
