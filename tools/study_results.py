"""Reading nirl study results (docs/studies.md) for the plot scripts in tools/.

A study file holds /study/MEASURE arrays whose axes are HDF5 dimension scales in
/study/axes, and the resolved configuration as the root attribute "config".
"""
import numpy as np


def attr(obj, key, default=None):
    """An attribute as a Python value (strings decoded, one-element arrays unwrapped)."""
    if key not in obj.attrs:
        return default
    v = obj.attrs[key]
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.item()
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    return v


def config_values(text):
    """section.key -> value of the INI text a result file carries as its config."""
    values, section = {}, ""
    for line in str(text).splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1] + "."
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[section + key.strip()] = value.strip()
    return values


def axis_labels(study, name):
    """The labels (text) of /study/axes/NAME, or [] when the study has no such axis."""
    path = "axes/" + name
    if path not in study:
        return []
    return [v.decode() if isinstance(v, bytes) else str(v) for v in study[path][()]]


def dim_labels(dataset):
    """The axis name of every dimension of a study array."""
    return [d.label for d in dataset.dims]
