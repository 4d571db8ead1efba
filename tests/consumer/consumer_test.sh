#!/usr/bin/env bash
# nirl as a dependency: `cmake --install` of the build into a fresh prefix, then the consumer
# project (tests/consumer) built with find_package(nirl) and with add_subdirectory, and run;
# the installed command line and Python module run from the prefix.
# Usage: consumer_test.sh NIRL_BUILD_DIR NIRL_SOURCE_DIR
set -euo pipefail
build=$1 source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=${NIRL_CONSUMER_JOBS:-1}  # one core: ctest runs other tests beside it

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log"
for f in lib/libnirl.a include/nirl/core/network.hpp include/nirl/version.hpp bin/nirl \
         lib/cmake/nirl/nirlConfig.cmake lib/cmake/nirl/nirlConfigVersion.cmake lib/cmake/nirl/nirlTargets.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "consumer_test: the install lacks $f" >&2; exit 1; }
done
"$tmp/prefix/bin/nirl" --version

echo "== find_package(nirl)"
cmake -S "$source/tests/consumer" -B "$tmp/find" -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/find.log" \
  || { cat "$tmp/find.log" >&2; exit 1; }
cmake --build "$tmp/find" -j"$jobs" >>"$tmp/find.log" 2>&1 || { cat "$tmp/find.log" >&2; exit 1; }
"$tmp/find/consumer"

if [ -d "$build/python/nirl" ]; then
  echo "== the installed Python module"
  site=$(ls -d "$tmp"/prefix/lib/python3*/site-packages)
  (cd "$tmp" && PYTHONPATH="$site" /usr/bin/python3 -c \
    "import nirl, os; assert nirl.__file__.startswith('$site'), nirl.__file__; print('import nirl', nirl.__version__)")
fi

# The subproject compiles nirl from source: no optimisation (build type None), to keep it short.
echo "== add_subdirectory(nirl)"
cmake -S "$source/tests/consumer" -B "$tmp/sub" -DNIRL_SOURCE="$source" -DCMAKE_BUILD_TYPE=None \
  -DNIRL_BUILD_PYTHON=OFF >"$tmp/sub.log" || { cat "$tmp/sub.log" >&2; exit 1; }
cmake --build "$tmp/sub" --target consumer -j"$jobs" >>"$tmp/sub.log" 2>&1 || { tail -50 "$tmp/sub.log" >&2; exit 1; }
"$tmp/sub/consumer"
