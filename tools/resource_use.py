"""Runs a command under /usr/bin/time -v and returns its result with the wall time, CPU time
(user + system) and peak resident memory: the measurement the tools/bench_*_scale.py
drivers share."""
import re
import subprocess
import sys


def run_measured(command, env, what):
    """(completed process, wall seconds, CPU seconds, peak MB); exits with the command's
    stderr when it fails."""
    run = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        sys.exit(f"{what} failed:\n{run.stderr}")
    err = run.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    cpu = float(re.search(r"User time \(seconds\): (\S+)", err).group(1)) + \
        float(re.search(r"System time \(seconds\): (\S+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    return run, seconds, cpu, rss
