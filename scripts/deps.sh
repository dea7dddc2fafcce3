#!/bin/sh
# deps.sh - install the Debian 12 packages defersim needs to build, test and plot.
# Sourced or run by scripts/demo and scripts/test; does nothing when all are present.
# Needs root (or sudo) only when something is missing.  chromium: the headless browser the
# `defersim report` test opens its HTML pages in (tests/report/test-report-browser.py).
set -eu
DS_PKGS="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libjson-glib-dev \
libtracecmd-dev libtraceevent-dev libtracefs-dev libzstd-dev zlib1g-dev nettle-dev trace-cmd gnuplot-nox python3 xz-utils \
parallel clang libclang-rt-14-dev chromium"
missing=""
for p in $DS_PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "defersim: installing Debian packages:$missing" >&2
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
fi
