# Stage 2: one learner on every replicate of one dataset.


rule fit:
    input:
        npz=POINT_DIR + "/data.npz",
        spec=POINT_DIR + "/data.json",
    output:
        npz=POINT_DIR + "/fit/{learner}.npz",
        info=POINT_DIR + "/fit/{learner}.json",
    params:
        learner=lambda w: PLAN.learner_params(w.paper, w.experiment, w.learner),
        code=lambda w: PLAN.code("fit", w.paper, w.learner),
    threads: 2
    resources:
        mem_mb=4000,
    log:
        "logs/fit/{paper}/{experiment}/{point}/{learner}.log",
    benchmark:
        BENCH + "/fit/{paper}/{experiment}/{point}/{learner}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} fit --data {input.npz} --learner {wildcards.learner} "
        "--params '{params.learner}' --out {output.npz}"
