"""Helpers the tools/benchmarks drivers share: one run of nirl_bench on a filter, read back
as {benchmark name: real time in ms}, and medians over rounds."""
import json
import statistics
import subprocess


def nirl_bench(binary, pattern, env=None, min_time=0.3):
    """One repetition of every benchmark matching pattern, in random order."""
    out = subprocess.run([binary, f"--benchmark_filter={pattern}", f"--benchmark_min_time={min_time}",
                          "--benchmark_enable_random_interleaving=true", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True, env=env).stdout
    scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}
    return {b["run_name"].replace("/real_time", ""): b["real_time"] * scale[b["time_unit"]]
            for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"}


def medians(rounds):
    """{key: median over the rounds (each a dict of the same keys)}."""
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def fmt(ms):
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"
