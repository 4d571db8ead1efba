# Sourced by the MPI test scripts: mpirun as root (CI runs as root) and on more ranks
# than cores, and a scratch folder removed on exit (the caller then works in it).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
