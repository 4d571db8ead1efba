#!/usr/bin/python3
"""Print measures of a nirl study (docs/studies.md) as a markdown table, one row per grid
point of the axes the measures share (their leading axes: the grid, trials, bootstraps);
a measure with value axes is printed as its list of values.

usage: /usr/bin/python3 tools/study_table.py RESULT.h5 MEASURE [MEASURE ...] [--digits 3]"""
import argparse
import itertools
import sys

import numpy as np

try:
    import h5py
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("error: h5py not importable; run with /usr/bin/python3 (Debian python3-h5py)\n")
    sys.exit(1)

from study_results import axis_labels, dim_labels


def cell(values, digits):
    v = np.atleast_1d(values).ravel()
    text = [("%." + str(digits) + "g") % x for x in v]
    return text[0] if len(text) == 1 else " ".join(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("result")
    ap.add_argument("measures", nargs="+")
    ap.add_argument("--digits", type=int, default=3)
    a = ap.parse_args()
    try:
        with h5py.File(a.result, "r") as f:
            if "study" not in f:
                raise KeyError("%s is not a study result (no /study)" % a.result)
            st = f["study"]
            for m in a.measures:
                if m not in st:
                    raise KeyError("%s has no measure %s" % (a.result, m))
            dims = [dim_labels(st[m]) for m in a.measures]
            shared = []
            for axis in dims[0]:
                if all(axis in d and d.index(axis) == len(shared) for d in dims) and axis in st["axes"]:
                    shared.append(axis)
                else:
                    break
            labels = [axis_labels(st, axis) for axis in shared]
            data = [st[m][()] for m in a.measures]
    except (KeyError, OSError) as e:
        sys.stderr.write("error: %s\n" % e)
        sys.exit(1)
    print("| " + " | ".join(shared + a.measures) + " |")
    print("|" + "---|" * (len(shared) + len(a.measures)))
    for index in itertools.product(*[range(len(l)) for l in labels]):
        row = [str(labels[k][i]) for k, i in enumerate(index)]
        row += [cell(d[index], a.digits) for d in data]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
