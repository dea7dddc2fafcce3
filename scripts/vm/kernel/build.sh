#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build.sh - build a minimal 6.12 bzImage for the deferred-free ground-truth runs.
#
#   scripts/vm/kernel/build.sh [--stock | --debug] [--force] [--quiet]
#
# Without --stock: Debian's linux-source-6.12 + v3-deferred-free.patch (this directory).
# With --stock:    the same source and the SAME config, without the patch, so that a
#                  before/after comparison differs only by the patch.
# With --debug:    the patch + debug.fragment (lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_LIST), in
#                  its own build directory out-debug/; for correctness runs, never timed.
#
# Config: tinyconfig + the options of config.fragment (this directory), make olddefconfig,
# then every option of the fragment is checked in .config (dependencies drop options
# silently; a dropped one is an error here, not a surprise in the guest).
#
# Cache ($DEFERSIM_VM_CACHE/kernel-6.12-v3, default ~/.cache/defersim-vm/kernel-6.12-v3):
#   linux-source-6.12/      pristine extracted source (never modified)
#   tree/                   hard-linked copy of it (+ the patch for v3), rebuilt each time
#   out/                    the O= build directory of both variants (same config; kept, so a
#                           switch of variant recompiles only the files the patch touches)
#   bzImage-{stock,v3}-KEY  the result; KEY = hash of patch (v3 only) + fragment + this
#                           script's config steps, so a rebuild happens only when they change
# Prints the bzImage path on stdout (everything else goes to stderr).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${DEFERSIM_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/defersim-vm}
KC=$CACHE/kernel-6.12-v3
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
PATCH=$here/v3-deferred-free.patch
FRAG=$here/config.fragment
DEBUG_FRAG=$here/debug.fragment
variant=v3 force=0 quiet=0
# bump when the config steps below change (it is part of the cache key)
CONFIG_STEPS=1

log() { [ "$quiet" = 1 ] || echo "build.sh: $*" >&2; }
die() { echo "build.sh: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--stock) variant=stock ;;
	--debug) variant=v3-debug ;;
	--force) force=1 ;;
	--quiet) quiet=1 ;;
	-h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1'" ;;
	esac
	shift
done

ensure_tools() {
	local need="" c
	local -A pkg=( [bison]=bison [flex]=flex [bc]=bc [gcc]=gcc [make]=make [xz]=xz-utils
		[perl]=perl [cpio]=cpio )
	for c in "${!pkg[@]}"; do
		command -v "$c" >/dev/null 2>&1 || need="$need ${pkg[$c]}"
	done
	[ -f "$SRC_TAR" ] || need="$need linux-source-6.12"
	[ -f /usr/include/libelf.h ] || need="$need libelf-dev"
	[ -f /usr/include/openssl/ssl.h ] || need="$need libssl-dev"
	[ -n "$need" ] || return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$need (run as root, or apt-get install them)"
	log "installing:$need"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2
}

cache_key() {
	{
		echo "steps=$CONFIG_STEPS"
		cat "$FRAG"
		[ "$variant" = stock ] || cat "$PATCH"
		[ "$variant" = v3-debug ] && cat "$DEBUG_FRAG"
		dpkg-query -W -f='${Version}\n' linux-source-6.12 2>/dev/null || true
	} | sha256sum | cut -c1-16
}

main() {
	ensure_tools
	[ -f "$FRAG" ] || die "no $FRAG"
	[ "$variant" = stock ] || [ -f "$PATCH" ] || die "no $PATCH"
	mkdir -p "$KC"
	exec 8> "$KC/lock"
	flock 8
	local key img
	key=$(cache_key)
	img=$KC/bzImage-$variant-$key
	if [ "$force" = 0 ] && [ -s "$img" ]; then
		log "cached: $img"
		echo "$img"
		return 0
	fi
	local src=$KC/linux-source-6.12 tree=$KC/tree out=$KC/out frags=$FRAG
	if [ "$variant" = v3-debug ]; then
		out=$KC/out-debug
		frags="$FRAG $DEBUG_FRAG"
	fi
	if [ ! -f "$src/.extracted" ]; then
		log "extracting $SRC_TAR"
		rm -rf "$src"
		tar -C "$KC" -xf "$SRC_TAR"
		touch "$src/.extracted"
	fi
	# A fresh hard-linked tree each time: patch(1) replaces the files it changes (new inode),
	# so the pristine source is never touched, and unchanged files keep their mtimes, so the
	# O= build directory stays valid.  The files the patch names are touched in both variants:
	# a pristine file has an old mtime, and after a v3 build make would not see the change back.
	rm -rf "$tree"
	cp -al "$src" "$tree"
	rm -f "$tree/.extracted"
	if [ "$variant" != stock ]; then
		log "applying $(basename "$PATCH")"
		patch -d "$tree" -p1 --quiet --no-backup-if-mismatch < "$PATCH" || die "the patch does not apply"
	fi
	local f
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$PATCH"); do
		[ -f "$tree/$f" ] || continue
		cp "$tree/$f" "$tree/$f.tmp" && mv "$tree/$f.tmp" "$tree/$f"	# own inode, new mtime
	done
	mkdir -p "$out"
	log "config: tinyconfig + $frags"
	make -s -C "$tree" O="$out" tinyconfig >/dev/null
	local opt val
	while read -r opt val; do
		case $opt in ''|'#'*) continue ;; esac
		case $val in
		y) "$tree/scripts/config" --file "$out/.config" --enable "$opt" ;;
		n) "$tree/scripts/config" --file "$out/.config" --disable "$opt" ;;
		*) "$tree/scripts/config" --file "$out/.config" --set-val "$opt" "$val" ;;
		esac
	done < <(cat $frags)
	make -s -C "$tree" O="$out" olddefconfig >/dev/null
	# every option of the fragment must have survived olddefconfig
	local bad=""
	while read -r opt val; do
		case $opt in ''|'#'*) continue ;; esac
		case $val in
		n) grep -q "^CONFIG_$opt=" "$out/.config" && bad="$bad $opt(want n)" ;;
		*) grep -qx "CONFIG_$opt=$val" "$out/.config" || bad="$bad $opt(want $val, got $(grep "^CONFIG_$opt=" "$out/.config" | cut -d= -f2 || echo unset))" ;;
		esac
	done < <(cat $frags)
	[ -z "$bad" ] || die "options dropped by olddefconfig:$bad"
	log "make -j2 bzImage ($variant, key $key)"
	local t0=$SECONDS
	# KCFLAGS=-Werror would also fail on warnings of unrelated files; the warnings of the
	# patched file are checked below instead.
	make -C "$tree" O="$out" -j2 bzImage > "$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
	if grep -n 'zram_drv.c.*warning' "$out/build.log" >&2; then
		die "warnings in zram_drv.c (log: $out/build.log)"
	fi
	log "built in $((SECONDS - t0)) s"
	cp "$out/arch/x86/boot/bzImage" "$img.tmp"
	mv "$img.tmp" "$img"
	cp "$out/.config" "$img.config"
	cp "$out/System.map" "$img.System.map"
	echo "$((SECONDS - t0))" > "$img.buildsecs"
	echo "$img"
}

main
