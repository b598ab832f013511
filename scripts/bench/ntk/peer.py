"""The reference column of the ntk benchmark: the same kernels computed by google/neural-tangents (JAX, CPU,
float64) on the same machine. Reads <dir>/manifest.json written by main.ts:
  {"jobs": [{"name", "arch": "fc"|"cnn", "x": file, "shape": [...], "ours": file|null}]}
(x: float64 little-endian inputs; ours: this suite's NNGP then NTK, each N×N float64) and prints one JSON line
{"jobs": [{"name", "seconds", "cpu_seconds", "max_abs_diff_nngp", "max_abs_diff_ntk"}]} (wall and process CPU
seconds, both including XLA compilation).
"""
import json
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
import numpy as np  # noqa: E402
import neural_tangents as nt  # noqa: E402
from neural_tangents import stax  # noqa: E402

W, B = 1.5, 0.05


def fc():
    layers = []
    for _ in range(3):
        layers += [stax.Dense(512, W_std=W, b_std=B), stax.Relu()]
    return stax.serial(*layers, stax.Dense(1, W_std=W, b_std=B))


def cnn():
    return stax.serial(
        stax.Conv(512, (3, 3), strides=(2, 2), padding="SAME", W_std=W, b_std=B), stax.Relu(),
        stax.Conv(512, (3, 3), padding="SAME", W_std=W, b_std=B), stax.Relu(),
        stax.GlobalAvgPool(), stax.Dense(1, W_std=W, b_std=B))


def main(directory):
    manifest = json.load(open(f"{directory}/manifest.json"))
    out = []
    for job in manifest["jobs"]:
        x = np.fromfile(f"{directory}/{job['x']}", dtype="<f8").reshape(job["shape"])
        _, _, kernel_fn = fc() if job["arch"] == "fc" else cnn()
        kernel_fn = jax.jit(kernel_fn, static_argnames="get")
        if job["arch"] == "cnn":  # full 8x8 spatial covariances: N^2 x 4096 entries need batching
            kernel_fn = nt.batch(kernel_fn, batch_size=100, store_on_device=False)
        start, cpu = time.perf_counter(), time.process_time()
        k = kernel_fn(x, None, ("nngp", "ntk"))
        nngp, ntk = np.asarray(k.nngp), np.asarray(k.ntk)
        row = {"name": job["name"], "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
        if job.get("ours"):
            n = x.shape[0]
            ours = np.fromfile(f"{directory}/{job['ours']}", dtype="<f8").reshape(2, n, n)
            row["max_abs_diff_nngp"] = float(np.max(np.abs(ours[0] - nngp)))
            row["max_abs_diff_ntk"] = float(np.max(np.abs(ours[1] - ntk)))
        out.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(json.dumps({"jobs": out}))


if __name__ == "__main__":
    main(sys.argv[1])
