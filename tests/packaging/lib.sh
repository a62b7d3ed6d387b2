# Shared by the tests of installed files: a work directory removed at exit,
# fail, and the programs' components installed from the build under test.
set -euo pipefail
: "${INTERIMAP_BUILD_DIR:?INTERIMAP_BUILD_DIR must point to the build under test}"
work=$(mktemp -d /tmp/interimap-installed.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# install_programs: the components of interimap and pullimap (pullimap's once
# the program exists), as `cmake --install` writes them, below $work/prefix.
install_programs() {
    local component
    for component in interimap pullimap; do
        cmake --install "$INTERIMAP_BUILD_DIR" --prefix "$work/prefix" --component "$component" >/dev/null
    done
}
