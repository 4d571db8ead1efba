"""MATLAB files of every version give the same reward: the shipped recording saved here by
independent writers (scipy.io as v4, v6 and v7; h5py as v7.3 with MATLAB's userblock and
attributes) is read by `nirl infer`, by variable name and by dataset path, and its reward
must equal the reward of the HDF5 recording bit for bit. A missing variable is refused with
the list of the variables the file holds.

    mat_versions_test.py NIRL_BINARY SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import scipy.io

NIRL, SOURCE = sys.argv[1], sys.argv[2]
RECORDING = os.path.join(SOURCE, "examples", "data", "spikes15.h5")


def infer(path, dataset, out):
    run = subprocess.run([NIRL, "infer", "--raster", path, "--spikes-dataset", dataset, "--lambda", "1",
                          "--out", out], capture_output=True, text=True)
    return run.returncode, run.stderr


def write_v73(path, variables):
    """A MATLAB v7.3 file as MATLAB writes it: HDF5 behind a 512-byte userblock whose first
    128 bytes are the MAT header, each array stored with its dimensions reversed."""
    with h5py.File(path, "w", userblock_size=512) as f:
        for name, (value, cls) in variables.items():
            f.create_dataset(name, data=np.ascontiguousarray(value.T))
            f[name].attrs.create("MATLAB_class", np.bytes_(cls))
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by the nirl tests HDF5 schema 1.00 ."
    with open(path, "r+b") as f:
        f.write(header.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02" + b"IM")


class MatVersions(unittest.TestCase):
    def test_every_version_gives_the_same_reward(self):
        with h5py.File(RECORDING, "r") as f:
            spikes = f["spikes"][()]  # time bins x neurons
        shown = spikes.T.astype(np.float64)  # neurons x time, as MATLAB shows example15.mat
        with tempfile.TemporaryDirectory() as tmp:
            status, err = infer(RECORDING, "/spikes", os.path.join(tmp, "h5.h5"))
            self.assertEqual(status, 0, err)
            with h5py.File(os.path.join(tmp, "h5.h5"), "r") as f:
                expected = f["inferred/reward"][()]
            extra = np.arange(6.0).reshape(2, 3)
            files = {}
            for version, kwargs in (("v4", {"format": "4"}), ("v6", {"format": "5", "do_compression": False}),
                                    ("v7", {"format": "5", "do_compression": True})):
                files[version] = os.path.join(tmp, version + ".mat")
                scipy.io.savemat(files[version], {"spikes15": shown, "extra": extra}, **kwargs)
            files["v7_logical"] = os.path.join(tmp, "logical.mat")
            scipy.io.savemat(files["v7_logical"], {"spikes15": shown.astype(bool), "extra": extra},
                             do_compression=True)
            files["v7.3"] = os.path.join(tmp, "v73.mat")
            write_v73(files["v7.3"], {"spikes15": (shown, "double"), "extra": (extra, "double")})
            for version, path in files.items():
                for dataset in ("spikes15", "/spikes15"):
                    out = os.path.join(tmp, version + ".h5")
                    status, err = infer(path, dataset, out)
                    self.assertEqual(status, 0, version + ": " + err)
                    with h5py.File(out, "r") as f:
                        np.testing.assert_array_equal(f["inferred/reward"][()], expected, version)
                    os.remove(out)
                status, err = infer(path, "spikes50", os.path.join(tmp, "missing.h5"))
                self.assertEqual(status, 1, version)
                self.assertIn("variable spikes50 is missing (the file holds: ", err, version)
                self.assertTrue("extra, spikes15" in err or "spikes15, extra" in err, version + ": " + err)
                self.assertEqual(err.count("\n"), 1, err)
                self.assertFalse(os.path.exists(os.path.join(tmp, "missing.h5")))


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
