"""nirl: what function does this recurrent network perform?

Train a recurrent network of binary neurons with entropy-regularised multi-agent RL
(optimise), sample it (simulate), infer its reward from activity (infer, pairwise_fit and
pairwise_infer), predict how it adapts (predict) and score the results (compare); run whole
studies (run_study, report) and read their results (read_study). Arrays are numpy arrays;
results are plain dicts. States are indexed s = sigma + 2^n x, bit i of sigma = neuron i;
state_patterns(n) gives the 0/1 pattern of every sigma. The manual is docs/python.md.
"""
import os
import tempfile

import numpy as np

from ._nirl import (Error, __commit__, __version__, compare, infer, load_recording, optimise, pairwise_fit,
                    pairwise_infer, predict, run_study, simulate)

__all__ = ["Error", "__commit__", "__version__", "compare", "infer", "load_recording", "optimise", "pairwise_fit",
           "pairwise_infer", "predict", "read_study", "report", "run_study", "simulate",
           "state_patterns"]


def state_patterns(n):
    """The 0/1 pattern of every network state sigma = 0 .. 2^n - 1: uint8 array [2^n, n]
    (2^n n bytes: n is at most 30)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 30:
        raise Error("n must be a whole number in [1, 30] (got %r)" % (n,))
    sigma = np.arange(2 ** int(n), dtype=np.uint64)[:, None]
    return ((sigma >> np.arange(int(n), dtype=np.uint64)) & np.uint64(1)).astype(np.uint8)


def report(recording, out, dataset="", lam=1.0, bootstraps=200, folds=5, **overrides):
    """The report of a recording without input (jobs/report.ini, docs/recordings.md).

    The closed-form reward of every reference state with moving-block bootstrap intervals,
    R(k) by number of active neurons, and the held-out choice between the tabular, pairwise
    and global reward descriptions, written to the HDF5 file `out` (returned). recording is
    a file (h5, .mat of any version, or NWB given its bin width in seconds:
    report(p, o, **{'recording.bin_width': 0.02})). Other config keys are passed the same
    way, e.g. report(p, o, **{'study.trials': 1, 'recording.orientation': 'time_x_neurons'}).
    """
    config = ("seed = 0\n[experiment]\nkind = study\n[study]\npipeline = recording\n"
              "bootstraps = %d\n[recording]\nlambda = %r\nfolds = %d\n" % (bootstraps, float(lam), folds))
    keys = {"recording.path": os.fspath(recording)}
    if dataset:
        keys["recording.dataset"] = dataset
    keys.update(overrides)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.ini")
        with open(path, "w") as f:
            f.write(config)
        return run_study(path, os.fspath(out), keys)


def read_study(path):
    """A study result as a dict: measure name -> {'values': array, 'axes': [axis names],
    'units': str, 'description': str}, and 'axes': axis name -> values (labels decoded)."""
    import h5py

    def text(v):
        return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)

    result = {"axes": {}}
    with h5py.File(path, "r") as f:
        if not isinstance(f.get("study"), h5py.Group):
            raise Error("%s is not a study result (it has no group /study)" % os.fspath(path))
        study = f["study"]
        for name, axis in study.get("axes", {}).items():
            values = axis[()]
            result["axes"][name] = ([text(v) for v in values] if values.dtype.kind in "OSU" else values)
        for name, ds in study.items():
            if not isinstance(ds, h5py.Dataset):
                continue
            result[name] = {"values": ds[()], "axes": [d.label for d in ds.dims],
                            "units": text(ds.attrs.get("units", "")),
                            "description": text(ds.attrs.get("description", ""))}
    return result
