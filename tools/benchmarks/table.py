#!/usr/bin/env python3
"""Markdown table of a nirl_bench run (Google Benchmark JSON with median aggregates) and of
the memory check: python3 table.py bench.json [time-v.txt S] > table.md

Ratios are kernel / roofline, both medians of the same run; the roofline of a kernel is
the faster of its two variants (nirl's exp/log1p and glibc's libmvec). inputs = -128 is
the 7-pixel input as a dense 128 x 128 matrix (shown as "128 dense"), whose roofline is
that of the factored 128 where it has none of its own."""
import json
import re
import sys

from bench_runs import fmt  # the drivers' number format (same folder)


def medians(path):
    """name without the _median suffix -> (real time in ms, items per second)."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"].replace("/real_time", "")
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        out[name] = (b["real_time"] * scale, b.get("items_per_second", 0.0))
    return data["context"], out


def main():
    context, m = medians(sys.argv[1])
    t = lambda name: m[name][0]

    def roofline(kind, rest):
        if f"{kind}Roofline/custom/{rest}" not in m:
            rest = rest.replace("inputs:-", "inputs:")
        return min(t(f"{kind}Roofline/{v}/{rest}") for v in ("custom", "libmvec"))

    def inputs(x):
        return f"{-x} dense" if x < 0 else str(x)

    def cases(kind):
        """(n, inputs) of the kind's benchmarks: by input count, the dense variant after the factored one."""
        found = {tuple(int(x) for x in re.findall(r"n:(\d+)/inputs:(-?\d+)", k)[0]) for k in m if k.startswith(f"{kind}/")}
        return sorted(found, key=lambda c: (abs(c[1]), c[1] < 0, c[0]))

    caches = ", ".join(f"L{c['level']} {c['type'][0].lower()} {c['size'] // 1024} KiB" for c in context.get("caches", []))
    print(f"Run {context['date']} on `{context['host_name']}`: {context['num_cpus']} CPUs at "
          f"{context['mhz_per_cpu']} MHz, caches {caches or 'not reported'}"
          + f"; load average at start {', '.join(f'{x:.2f}' for x in context.get('load_avg', []))}.")
    print()

    print("### Bellman sweep (one sweep of relative value iteration)")
    print()
    print("| n | inputs | 1 thread (ms) | 2 threads (ms) | speed-up | roofline 1 / 2 threads (ms) | ratio 1 / 2 threads | pair floor (ms, 2 threads) | ratio to floor |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, x in cases("Bellman"):
        k1, k2 = t(f"Bellman/n:{n}/inputs:{x}/threads:1"), t(f"Bellman/n:{n}/inputs:{x}/threads:2")
        r1 = roofline("Bellman", f"n:{n}/inputs:{x}/threads:1/terms:1")
        r2 = roofline("Bellman", f"n:{n}/inputs:{x}/threads:2/terms:1")
        f2 = roofline("Bellman", f"n:{n}/inputs:{x}/threads:2/terms:2")
        print(f"| {n} | {inputs(x)} | {fmt(k1)} | {fmt(k2)} | {k1 / k2:.2f} | {fmt(r1)} / {fmt(r2)} | "
              f"{k1 / r1:.2f} / {k2 / r2:.2f} | {fmt(f2)} | {k2 / f2:.2f} |")
    print()

    print("### Stationary sweep (one pull-form power-iteration sweep)")
    print()
    print("| n | inputs | 1 thread (ms) | 2 threads (ms) | speed-up | roofline 1 / 2 threads (ms) | ratio 1 / 2 threads |")
    print("|---|---|---|---|---|---|---|")
    for n, x in cases("Stationary"):
        k1, k2 = t(f"Stationary/n:{n}/inputs:{x}/threads:1"), t(f"Stationary/n:{n}/inputs:{x}/threads:2")
        r1 = roofline("Stationary", f"n:{n}/inputs:{x}/threads:1")
        r2 = roofline("Stationary", f"n:{n}/inputs:{x}/threads:2")
        print(f"| {n} | {inputs(x)} | {fmt(k1)} | {fmt(k2)} | {k1 / k2:.2f} | {fmt(r1)} / {fmt(r2)} | "
              f"{k1 / r1:.2f} / {k2 / r2:.2f} |")
    print()

    sampler_cases = sorted({tuple(int(x) for x in re.findall(r"n:(\d+)/inputs:(-?\d+)/steps:(\d+)", k)[0])
                            for k in m if k.startswith("Sampler/")}, key=lambda c: (c[1] == 1, c[0]))
    print("### Sampler (simulate: one neuron update per step, single thread)")
    print()
    print("| n | inputs | steps | time (ms) | updates / s | random numbers only (ms) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for n, x, steps in sampler_cases:
        rest = f"n:{n}/inputs:{x}/steps:{steps}"
        k, r = t(f"Sampler/{rest}"), t(f"RandomOnly/{rest}")
        print(f"| {n} | {inputs(x)} | {steps} | {fmt(k)} | {m[f'Sampler/{rest}'][1] / 1e6:.1f} M | {fmt(r)} | {k / r:.2f} |")
    print()

    print("### Likelihood plus gradient of the inverse (10^6 observed steps)")
    print()
    print("| n | inputs | 1 thread (ms) | 2 threads (ms) | speed-up | roofline 1 / 2 threads (ms) | ratio 1 / 2 threads |")
    print("|---|---|---|---|---|---|---|")
    for n, x in cases("Likelihood"):
        k1, k2 = t(f"Likelihood/n:{n}/inputs:{x}/threads:1"), t(f"Likelihood/n:{n}/inputs:{x}/threads:2")
        r1 = roofline("Likelihood", f"n:{n}/inputs:{x}/threads:1")
        r2 = roofline("Likelihood", f"n:{n}/inputs:{x}/threads:2")
        print(f"| {n} | {inputs(x)} | {fmt(k1)} | {fmt(k2)} | {k1 / k2:.2f} | {fmt(r1)} / {fmt(r2)} | "
              f"{k1 / r1:.2f} / {k2 / r2:.2f} |")

    if len(sys.argv) > 3:
        with open(sys.argv[2]) as f:
            text = f.read()
        kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
        S = int(sys.argv[3])
        limit = 6 * 8 * S / 2**20 + 64
        print()
        print("### Memory: `nirl optimise`, n = 22, no input (`/usr/bin/time -v`)")
        print()
        print("| S | peak resident (MiB) | limit 6 x 8 x S + 64 MiB | wall clock |")
        print("|---|---|---|---|")
        print(f"| {S} | {kib / 1024:.1f} | {limit:.0f} MiB ({'met' if kib / 1024 <= limit else 'NOT met'}) | {wall} |")


if __name__ == "__main__":
    main()
