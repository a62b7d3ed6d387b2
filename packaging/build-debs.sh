#!/bin/bash
# Builds the Debian packages into BUILD_DIR (default: build-deb): configures a
# build for prefix /usr with Debian's compiler and linker flags (dpkg-buildflags,
# every hardening feature), without the tests, builds it and runs
# `cpack -G DEB`. The .deb files are left in BUILD_DIR. Needs dpkg-dev (and
# file, which CPack uses to find the shared objects). Run again, it rebuilds
# only what changed.
#
#   packaging/build-debs.sh [BUILD_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$src/build-deb}")
cd "$src" # dpkg-buildflags maps this directory to "." in debug information

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cxxflags="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
# Build type None: the flags are Debian's alone, as debhelper's cmake does.
cmake -S "$src" -B "$build" \
    -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_INSTALL_PREFIX=/usr \
    -DINTERIMAP_BUILD_TESTS=OFF \
    -DINTERIMAP_PACKAGE_DOCS=ON \
    -DCMAKE_CXX_FLAGS="$cxxflags" \
    -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
    -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" \
    -DCMAKE_MODULE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
rm -f ./*.deb
# The log is kept (cpack.log): CPack's warnings that the plugins, modules, have
# no soname to list in a shlibs file (only libinterimap-core0 has one) are noise.
if ! cpack -G DEB >cpack.log 2>&1; then
    cat cpack.log >&2
    exit 1
fi
grep -o '[^/]*\.deb generated' cpack.log
