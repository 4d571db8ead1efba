#!/usr/bin/env bash
# Installs the Debian packages nirl needs to build, test and plot, when missing.
# Usage: tools/setup.sh            (needs root or sudo for apt-get)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libopenmpi-dev openmpi-bin
  libhdf5-dev hdf5-tools
  libeigen3-dev
  libboost-program-options-dev
  libgtest-dev googletest
  liblbfgspp-dev
  librandom123-dev
  libbenchmark-dev
  libmatio-dev
  pybind11-dev python3-dev
  python3-h5py python3-matplotlib python3-numpy python3-scipy
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present" >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: missing packages (install them as root): ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: no apt-get on this machine; nirl needs: ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "setup: apt-get could not install: ${missing[*]}" >&2; exit 1; }
