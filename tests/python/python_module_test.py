"""The Python module against independent routes: each function gives what the command line
gives for the same problem (config parser, HDF5 files and the CLI's own option handling in
between), bit for bit; the closed-form inverse against the formula of docs/model.md 3a
written here in numpy; errors as nirl.Error with the CLI's message; the GIL released in a
long call; the examples script draws its figure.

    python_module_test.py NIRL_BINARY SOURCE_DIR   (PYTHONPATH holds the built module)
"""
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import h5py
import numpy as np

import nirl

NIRL, SOURCE = sys.argv[1], sys.argv[2]
RECORDING = os.path.join(SOURCE, "examples", "data", "spikes15.h5")
SWITCH = np.array([[0.95, 0.05], [0.05, 0.95]])


def fig2_reward(n=6):
    """Reward 1 for 2 active neurons when x = -1 and n - 2 when x = +1 (the Fig 2 kind)."""
    active = nirl.state_patterns(n).sum(axis=1)
    return np.concatenate([(active == 2) * 1.0, (active == n - 2) * 1.0])


def cli(*args):
    out = subprocess.run([NIRL, *args], capture_output=True, text=True)
    return out.returncode, out.stderr


class Module(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.solution = nirl.optimise(fig2_reward(), 0.3, input_transition=SWITCH)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def optimise_cli(self, name="truth.h5"):
        """The same network through a config file and nirl optimise."""
        config = self.path("fig2.ini")
        with open(config, "w") as f:
            f.write("[network]\nn = 6\nlambda = 0.3\n[input]\ntype = telegraph\nswitch_up = 0.05\n"
                    "switch_down = 0.05\n[reward]\ntype = spike_count\ncounts = 2,4\n")
        status, err = cli("optimise", "--config", config, "--out", self.path(name))
        self.assertEqual(status, 0, err)
        return self.path(name)

    def test_optimise_equals_the_command_line(self):
        with h5py.File(self.optimise_cli(), "r") as f:
            np.testing.assert_array_equal(f["solution/reward"][()], self.solution["reward"])
            np.testing.assert_array_equal(f["solution/value"][()], self.solution["value"])
            np.testing.assert_array_equal(f["solution/stationary"][()], self.solution["stationary"])
            np.testing.assert_array_equal(f["solution/q"][()], self.solution["q"])
            self.assertEqual(f["solution"].attrs["L"], self.solution["L"])
        self.assertTrue(self.solution["converged"])
        self.assertTrue(self.solution["optimum"]["beats_frozen"])
        self.assertEqual(self.solution["n"], 6)
        self.assertEqual(self.solution["nx"], 2)

    def test_simulate_infer_predict_compare_equal_the_command_line(self):
        truth = self.optimise_cli("truth2.h5")
        raster = nirl.simulate(self.solution, 20000, seed=3, stream=1)
        status, err = cli("simulate", "--model", truth, "--steps", "20000", "--seed", "3", "--stream", "1",
                          "--out", self.path("raster.h5"))
        self.assertEqual(status, 0, err)
        with h5py.File(self.path("raster.h5"), "r") as f:
            np.testing.assert_array_equal(f["raster/spikes"][()], raster["spikes"])
            np.testing.assert_array_equal(f["raster/input"][()], raster["input"])
        self.assertEqual(raster["spikes"].dtype, np.uint8)

        inferred = nirl.infer(raster["spikes"], 0.3, input=raster["input"], input_transition=SWITCH)
        status, err = cli("infer", "--raster", self.path("raster.h5"), "--lambda", "0.3", "--out", self.path("inf.h5"))
        self.assertEqual(status, 0, err)
        with h5py.File(self.path("inf.h5"), "r") as f:
            np.testing.assert_array_equal(f["inferred/reward"][()], inferred["reward"])
            self.assertEqual(f["inferred"].attrs["log_likelihood"], inferred["log_likelihood"])
        self.assertEqual(inferred["method"], "max_likelihood")

        predicted = nirl.predict(inferred, "dead=2")
        adapted = nirl.predict(self.solution, "dead=2")
        for name, source, result in (("pred.h5", "inf.h5", predicted), ("adapt.h5", "truth2.h5", adapted)):
            status, err = cli("predict", "--reward", self.path(source), "--perturb", "dead=2", "--out", self.path(name))
            self.assertEqual(status, 0, err)
            with h5py.File(self.path(name), "r") as f:
                np.testing.assert_array_equal(f["solution/stationary"][()], result["stationary"])
        self.assertEqual(predicted["q"][2], 0.0)

        measures = nirl.compare(self.solution, inferred=inferred, adapted=adapted, predicted=predicted)
        status, err = cli("compare", "--truth", truth, "--inferred", self.path("inf.h5"), "--adapted",
                          self.path("adapt.h5"), "--predicted", self.path("pred.h5"), "--out", self.path("cmp.h5"))
        self.assertEqual(status, 0, err)
        with h5py.File(self.path("cmp.h5"), "r") as f:
            for key in ("r2", "r2_weighted", "scale", "kl_predicted", "kl_baseline"):
                self.assertEqual(f["compare"].attrs[key], measures[key], key)
        self.assertGreater(measures["r2"], 0.5)
        self.assertLess(measures["kl_predicted"], measures["kl_baseline"])

    def test_closed_form_equals_the_formula(self):
        # docs/model.md 3a: r(sigma) = (lambda / n) sum_i log[p(sigma_i | sigma_/i) / p(sigma_i)]
        # on the histogram with pseudocount 1/2, up to one additive constant.
        rng = np.random.default_rng(7)
        n, T, lam = 4, 3000, 0.7
        spikes = (rng.random((T, n)) < rng.uniform(0.2, 0.6, n)).astype(np.uint8)
        spikes[: T // 3, 1] = spikes[: T // 3, 0]  # a correlated pair
        sigma = (spikes.astype(np.int64) << np.arange(n)).sum(axis=1)
        p = (np.bincount(sigma, minlength=2 ** n) + 0.5) / (T + 0.5 * 2 ** n)
        patterns = nirl.state_patterns(n)
        r = np.zeros(2 ** n)
        for i in range(n):
            flipped = np.arange(2 ** n) ^ (1 << i)
            on = p[patterns[:, i] == 1].sum()
            marginal = np.where(patterns[:, i] == 1, on, 1 - on)
            r += np.log(p / (p + p[flipped]) / marginal)
        r *= lam / n
        got = nirl.infer(spikes, lam)["reward"]
        self.assertEqual(nirl.infer(spikes, lam)["method"], "closed_form")
        np.testing.assert_allclose(got - got.mean(), r - r.mean(), rtol=0, atol=1e-12)
        # Every dtype and memory order of the same raster gives the same reward.
        for same in (spikes.astype(bool), spikes.astype(np.int32), np.asfortranarray(spikes),
                     spikes.astype(np.float64), spikes[::-1][::-1]):
            np.testing.assert_array_equal(nirl.infer(same, lam)["reward"], got)

    def test_recording_and_pairwise_equal_the_command_line(self):
        rec = nirl.load_recording(RECORDING, dataset="/spikes")
        self.assertEqual(rec["spikes"].shape, (40000, 15))
        mat = nirl.load_recording(os.path.join(SOURCE, "examples", "data", "example15.mat"))
        np.testing.assert_array_equal(mat["spikes"], rec["spikes"])
        self.assertEqual(mat["dataset"], "spikes15")
        np.testing.assert_array_equal(nirl.infer(RECORDING, 1.0, dataset="/spikes")["reward"],
                                      nirl.infer(rec["spikes"], 1.0)["reward"])
        fit = nirl.pairwise_fit(rec["spikes"])
        status, err = cli("pairwise", "fit", RECORDING, "--out", self.path("fit.h5"))
        self.assertEqual(status, 0, err)
        with h5py.File(self.path("fit.h5"), "r") as f:
            np.testing.assert_array_equal(f["pairwise/h"][()], fit["h"])
            np.testing.assert_array_equal(f["pairwise/J"][()], fit["J"])
        rewards = nirl.pairwise_infer(fit, 1.0, assumption="global")
        status, err = cli("pairwise", "infer", self.path("fit.h5"), "--lambda", "1", "--assumption", "global",
                          "--out", self.path("pinf.h5"))
        self.assertEqual(status, 0, err)
        with h5py.File(self.path("pinf.h5"), "r") as f:
            np.testing.assert_array_equal(f["pairwise_inferred/global/reward"][()], rewards["global"]["reward"])
        np.testing.assert_array_equal(rewards["states"], nirl.state_patterns(15))

    def test_run_study_equals_nirl_run(self):
        config = os.path.join(SOURCE, "jobs", "report.ini")
        keys = {"recording.path": RECORDING, "study.bootstraps": 4, "recording.folds": 2}
        nirl.run_study(config, self.path("study_py.h5"), keys)
        args = [f"--{k}={v}" for k, v in keys.items()]
        status, err = cli("run", config, "--out", self.path("study_cli.h5"), *args)
        self.assertEqual(status, 0, err)
        diff = subprocess.run(["h5diff", "--exclude-attribute", "/", self.path("study_py.h5"),
                               self.path("study_cli.h5")], capture_output=True, text=True)
        self.assertEqual(diff.returncode, 0, diff.stdout[-2000:])
        study = nirl.read_study(self.path("study_py.h5"))
        self.assertIn("axes", study)
        self.assertTrue(any(isinstance(v, dict) and "values" in v for v in study.values()))

    def test_errors_are_nirl_errors_with_the_cli_message(self):
        with self.assertRaises(nirl.Error) as caught:
            nirl.optimise(fig2_reward(), -1.0, input_transition=SWITCH)
        self.optimise_cli("lambda_ok.h5")
        status, err = cli("optimise", "--config", self.path("fig2.ini"), "--network.lambda", "-1",
                          "--out", self.path("x.h5"))
        self.assertEqual(status, 1)
        self.assertEqual(str(caught.exception), "network.lambda must be > 0 (got -1)")
        self.assertEqual(err, "nirl optimise: error: " + str(caught.exception) + "\n")
        with self.assertRaisesRegex(nirl.Error, "spikes holds 2 at time bin 1, neuron 0"):
            nirl.infer(np.array([[0, 1], [2, 0], [1, 1]]), 1.0)
        with self.assertRaisesRegex(nirl.Error, "reward'. has length 5, not 2.n nx"):
            nirl.optimise(np.zeros(5), 1.0)
        with self.assertRaisesRegex(nirl.Error, "unknown perturbation|perturb"):
            nirl.predict(self.solution, "explode=1")
        self.assertTrue(issubclass(nirl.Error, RuntimeError))

    def test_rasters_of_any_dtype_hold_0_1_only(self):
        spikes = (np.random.default_rng(2).random((400, 4)) < 0.3).astype(np.uint8)
        reward = nirl.infer(spikes, 1.0)["reward"]
        for dtype in (bool, np.int8, np.int64, np.float32, np.float64):
            np.testing.assert_array_equal(nirl.infer(spikes.astype(dtype), 1.0)["reward"], reward, str(dtype))
        np.testing.assert_array_equal(nirl.infer(np.asfortranarray(spikes), 1.0)["reward"], reward)
        for value, shown in ((0.5, "0.5"), (np.nan, "nan"), (-1.0, "-1")):
            bad = spikes.astype(np.float64)
            bad[5, 3] = value
            with self.assertRaisesRegex(nirl.Error, "^spikes holds %s at time bin 5, neuron 3 .0/1 expected.$" % shown):
                nirl.infer(bad, 1.0)
        with self.assertRaisesRegex(nirl.Error, "4 neurons over 3 time bins: .*probably transposed"):
            nirl.infer(spikes[:3], 1.0)
        with self.assertRaisesRegex(nirl.Error, "probably transposed"):
            nirl.pairwise_fit(spikes.T)
        with self.assertRaisesRegex(nirl.Error, "^input is given without input_transition"):
            nirl.infer(spikes, 1.0, input=np.zeros(len(spikes)))
        with self.assertRaisesRegex(nirl.Error, "every time bin holds the same pattern .30 neurons constant over 200"):
            nirl.pairwise_fit(np.zeros((200, 30), np.uint8))
        with self.assertRaisesRegex(nirl.Error, "^cannot read file .*missing.mat: No such file"):
            nirl.load_recording(self.path("missing.mat"))
        with self.assertRaisesRegex(nirl.Error, "is not a study result"):
            nirl.read_study(RECORDING)
        with self.assertRaisesRegex(nirl.Error, "time window .* apply to NWB spike times only"):
            nirl.load_recording(RECORDING, dataset="/spikes", t_start=1.0)
        with self.assertRaisesRegex(nirl.Error, "^t_stop must be a finite time in seconds .got nan.$"):
            nirl.load_recording(RECORDING, t_stop=float("nan"))
        for n in (0, 31, 2.5, True):
            with self.assertRaisesRegex(nirl.Error, "n must be a whole number in .1, 30."):
                nirl.state_patterns(n)

    def test_long_calls_release_the_gil(self):
        # While a solve runs in a thread, this thread keeps running Python: with the GIL held
        # it could not take a time stamp inside the call.
        reward = np.random.default_rng(1).normal(0.0, 0.3, 2 ** 14)
        span = {}

        def solve():
            span["start"] = time.monotonic()
            nirl.optimise(reward, 2.0, search=False)
            span["end"] = time.monotonic()

        worker = threading.Thread(target=solve)
        stamps = []
        worker.start()
        while worker.is_alive():
            stamps.append(time.monotonic())
            time.sleep(0.001)
        worker.join()
        inside = [t for t in stamps if span["start"] + 0.01 < t < span["end"] - 0.01]
        self.assertGreater(span["end"] - span["start"], 0.05, "the solve is too short to tell")
        self.assertGreater(len(inside), 0)

    def test_examples_script_draws_its_figure(self):
        out = self.path("quickstart.png")
        run = subprocess.run([sys.executable, os.path.join(SOURCE, "examples", "quickstart.py"), out],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
