"""From a recording to a prediction: the reward the recorded network optimises (inverse RL),
the adapted network once neuron 3 is silenced, and a figure of both. The prediction is
drawn beside the model's own network before the change: both include the states the
recording never visits, whose reward comes from the pseudocount (docs/model.md 3a).

    PYTHONPATH=build/python /usr/bin/python3 examples/quickstart.py [quickstart.png]
"""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import nirl

data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "spikes15.h5")
spikes = nirl.load_recording(data, dataset="/spikes")["spikes"]  # uint8 [time bins, neurons]
inferred = nirl.infer(spikes, lam=1.0)                # reward of every state (closed form, no input)
unchanged = nirl.predict(inferred, "none")            # the model's network before the change
silenced = nirl.predict(inferred, "dead=3")           # the network adapted to neuron 3 silenced
n = spikes.shape[1]
active = nirl.state_patterns(n).sum(axis=1, dtype=int)         # active neurons in each state sigma
seen = inferred["visits"] >= 10                       # states the recording informs

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
left.scatter(active[seen], inferred["reward"][seen], s=8)
left.set(xlabel="active neurons", ylabel="inferred reward (up to a constant)")
right.plot(np.bincount(spikes.sum(axis=1, dtype=int), minlength=n + 1) / len(spikes), "o-", label="recorded")
for model, style, label in ((unchanged, "^:", "model, unchanged"), (silenced, "s--", "predicted, neuron 3 silenced")):
    right.plot(np.bincount(active, weights=model["stationary"], minlength=n + 1), style, label=label)
right.set(xlabel="active neurons", ylabel="probability", yscale="log")
right.legend()
out = sys.argv[1] if len(sys.argv) > 1 else "quickstart.png"
fig.savefig(out, dpi=120, bbox_inches="tight")
print("wrote", out)
