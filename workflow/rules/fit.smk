# Stage 2: one learner on every replicate of one dataset.


rule fit:
    input:
        npz="results/{paper}/{experiment}/{point}/data.npz",
        spec="results/{paper}/{experiment}/{point}/data.json",
    output:
        npz="results/{paper}/{experiment}/{point}/fit/{learner}.npz",
        info="results/{paper}/{experiment}/{point}/fit/{learner}.json",
    params:
        learner=lambda w: PLAN.learner_params(w.paper, w.experiment, w.point, w.learner),
        code=lambda w: PLAN.code("fit", w.paper, w.learner),
    threads: 1
    resources:
        mem_mb=4000,
    log:
        "logs/fit/{paper}/{experiment}/{point}/{learner}.log",
    benchmark:
        "results/benchmarks/fit/{paper}/{experiment}/{point}/{learner}.tsv"
    conda:
        ENV
    shell:
        "depth2 --log {log} fit --data {input.npz} --learner {wildcards.learner} "
        "--params '{params.learner}' --out {output.npz}"
