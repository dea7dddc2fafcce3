#!/bin/bash
# test-install.sh MESON BUILDDIR SRCDIR PREFIX BINDIR DATADIR MANDIR
#
# `meson install --destdir` into a temporary directory, then the installed program run as a
# user would run it: with no variable pointing at data, from an unrelated directory, the
# installed tree moved elsewhere after installing (so neither the configured prefix nor the
# staging path is what it finds), and, where user namespaces allow, with the source and
# build trees hidden under empty mounts.  Checks that
#  - it finds a profile by name and the plot templates in the installed tree, and only there:
#    a profile removed from the installed tree is not found although the source has it, a
#    profile added only to the installed tree is; removing the installed templates makes
#    `plot` fail, restoring them makes it draw;
#  - `validate` finds its default suite in the installed tree;
#  - each sub-command has a man page naming every option its --help lists, and defersim.1
#    names every sub-command;
#  - the bash completion offers every sub-command and, for each, every option of its --help;
#    `defersim replay --pro<TAB>` gives --profile.
# The expectations come from the installed program's --help, read here with grep, not from
# the generator's parser.
set -eu
meson=$1 build=$2 src=$3 prefix=$4 bindir=$5 datadir=$6 mandir=$7
# meson hands absolute bindir etc. as they are, relative ones relative to the prefix
rel() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "not ok - $*"; exit 1; }
ok() { echo "ok - $*"; }

DESTDIR=$tmp/stage "$meson" install -C "$build" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "meson install --destdir"; }
# moved after installing: what it finds, it finds relative to itself
mv "$tmp/stage" "$tmp/moved"
root=$tmp/moved
bin=$root$(rel "$bindir")/defersim
pkgdata=$root$(rel "$datadir")/defersim
man1=$root$(rel "$mandir")/man1
compl=$root$(rel "$datadir")/bash-completion/completions/defersim.bash
[ -x "$bin" ] || fail "installed program at $bin"
ok "installed into a staging directory and moved"

hide=""
# shellcheck disable=SC2016 # (the scripts given to sh -c expand their own arguments)
case $tmp/ in
"$src"/* | "$build"/*) echo "# the temporary directory is in the source tree: not hidden" ;;
*) unshare -rm sh -c 'mount -t tmpfs none "$1"' sh "$tmp" 2>/dev/null && hide=yes ;;
esac
if [ -n "$hide" ]; then
	ok "source and build trees hidden from the installed program (unshare)"
else
	echo "# the source tree is not hidden (no user namespaces?): the checks below still" \
	     "show which tree the data came from"
fi
mkdir "$tmp/work"
# run the installed program: empty environment (but $inst_env), in $tmp/work, source and
# build hidden (the build tree first: it may be inside the source tree, which then hides it)
inst_env=""
# shellcheck disable=SC2016
inst() {
	if [ -n "$hide" ]; then
		(cd "$tmp/work" && env -i PATH=/usr/bin:/bin HOME="$tmp/work" LC_ALL=C.UTF-8 ${inst_env:+"$inst_env"} \
			unshare -rm sh -c 'mount -t tmpfs none "$1" && mount -t tmpfs none "$2" &&
				shift 2 && exec "$@"' sh "$build" "$src" "$bin" "$@")
	else
		(cd "$tmp/work" && env -i PATH=/usr/bin:/bin HOME="$tmp/work" LC_ALL=C.UTF-8 ${inst_env:+"$inst_env"} \
			"$bin" "$@")
	fi
}
# shellcheck disable=SC2016
if [ -n "$hide" ]; then
	inst --version >/dev/null || fail "installed program runs with the source hidden"
	(unshare -rm sh -c 'mount -t tmpfs none "$1" && exec ls "$1/profiles"' sh "$src" \
		2>/dev/null) && fail "the source tree is really hidden"
fi

# the uninstalled build/cli/defersim: from the build tree's mirror of the data, by the same rule
(cd "$tmp/work" && env -i PATH=/usr/bin:/bin HOME="$tmp/work" "$build/cli/defersim" \
	validate >/dev/null) ||
	fail "uninstalled build/cli/defersim finds a profile by name and its default suite"
ok "the uninstalled build/cli/defersim finds its data in the build tree"

# profiles: one only in the installed tree, one only in the source tree
[ -f "$src/profiles/rpi4b.ini" ] || fail "source has profiles/rpi4b.ini"
cp "$pkgdata/profiles/x86-desktop.ini" "$pkgdata/profiles/only-installed.ini"
mv "$pkgdata/profiles/rpi4b.ini" "$tmp/rpi4b.away"
inst synth munmap -o t.dsev -q || fail "installed synth"
inst replay t.dsev --profile only-installed --no-cache -q --json r.json ||
	fail "replay --profile NAME finds a profile that only the installed tree has"
ok "profile by name from the installed tree"
inst replay t.dsev --profile rpi4b --no-cache -q 2>"$tmp/err" &&
	fail "profile rpi4b, removed from the installed tree, is not found in the source tree"
grep -qF "no rpi4b.ini in $pkgdata/profiles" "$tmp/err" ||
	fail "the error names the installed profiles directory: $(cat "$tmp/err")"
ok "a profile missing from the installed tree is not taken from the source tree"
mv "$tmp/rpi4b.away" "$pkgdata/profiles/rpi4b.ini"
# $DEFERSIM_DATADIR, when set, is the one place looked in
mkdir -p "$tmp/work/env/profiles"
mv "$pkgdata/profiles/only-installed.ini" "$tmp/work/env/profiles/env-only.ini"
inst_env="DEFERSIM_DATADIR=$tmp/work/env"
inst replay t.dsev --profile env-only --no-cache -q || fail "\$DEFERSIM_DATADIR/profiles"
inst replay t.dsev --profile x86-desktop --no-cache -q 2>/dev/null &&
	fail "with \$DEFERSIM_DATADIR set, the installed profiles are not looked in"
inst_env=""
ok "\$DEFERSIM_DATADIR overrides the installed data"

# plot templates
mv "$pkgdata/plots" "$tmp/plots.away"
inst plot r.json -o pics -q 2>"$tmp/err" && fail "plot without installed templates fails"
grep -qF "not found in $pkgdata/plots" "$tmp/err" ||
	fail "the error names the installed plots directory: $(cat "$tmp/err")"
mv "$tmp/plots.away" "$pkgdata/plots"
if command -v gnuplot >/dev/null; then
	inst plot r.json -o pics -q || fail "plot with the installed templates"
	[ -s "$tmp/work/pics/cdf.png" ] || fail "plot drew pics/cdf.png"
	ok "plot templates from the installed tree"
else
	echo "# gnuplot missing: plot templates checked by the error message only"
fi

# validation suite
inst validate >"$tmp/val" 2>&1 ||
	fail "validate finds its default suite in the installed tree: $(cat "$tmp/val")"
grep -q 'spec' "$tmp/val" || fail "validate printed its suite"
ok "validate's default suite from the installed tree"

# the sub-commands, as the installed program lists them
inst --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}' >"$tmp/cmds"
[ "$(wc -l <"$tmp/cmds")" -ge 10 ] || fail "defersim --help lists the sub-commands"
# options of one sub-command's --help: every -x and --xxx of its option lines
options() {
	inst "$1" --help | grep -E '^  -' | sed -E 's/  +[^ -].*$//; s/  +$//' |
		grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,' | sort -u
}
# a man page's text with roff's escapes removed
unroff() { sed -E 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g' "$1"; }

[ -f "$man1/defersim.1" ] || fail "man page defersim.1"
while read -r c; do
	page=$man1/defersim-$c.1
	[ -f "$page" ] || fail "man page defersim-$c.1"
	unroff "$man1/defersim.1" | grep -qw -- "$c" || fail "defersim.1 names $c"
	n=0
	for o in $(options "$c"); do
		unroff "$page" | grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" ||
			fail "defersim-$c.1 names $o (in \`defersim $c --help\`)"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ] || fail "defersim $c --help lists options"
	if command -v groff >/dev/null; then
		if ! groff -man -Tutf8 -ww -z "$page" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
			fail "groff renders defersim-$c.1 without warnings: $(cat "$tmp/err")"
		fi
	fi
done <"$tmp/cmds"
ok "a man page per sub-command ($(wc -l <"$tmp/cmds")), each naming every option of its --help"

# bash completion: COMPREPLY of _defersim for the words given
[ -f "$compl" ] || fail "bash completion at $compl"
complete_words() {
	bash --norc --noprofile -c '. "$1"; shift
		complete -p defersim | grep -q -- "-F _defersim" || exit 3
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_defersim; printf "%s\n" "${COMPREPLY[@]}"' sh "$compl" "$@"
}
complete_words defersim "" >"$tmp/got" || fail "completion registered with complete -F _defersim"
while read -r c; do
	grep -qx -- "$c" "$tmp/got" || fail "completion offers sub-command $c"
done <"$tmp/cmds"
[ "$(complete_words defersim repl)" = replay ] || fail "defersim repl<TAB> -> replay"
[ "$(complete_words defersim rep | sort | tr '\n' ' ')" = "replay report " ] ||
	fail "defersim rep<TAB> -> replay, report"
while read -r c; do
	complete_words defersim "$c" -- >"$tmp/got"
	for o in $(options "$c" | grep -- '^--'); do
		grep -qx -- "$o" "$tmp/got" || fail "completion offers $o after defersim $c"
	done
done <"$tmp/cmds"
got=$(complete_words defersim replay --pro)
[ "$got" = --profile ] || fail "defersim replay --pro<TAB> -> --profile (got '$got')"
got=$(complete_words defersim replay t.dsev -H x86-desktop --pool)
[ "$got" = --pool-pages ] || fail "defersim replay ... --pool<TAB> -> --pool-pages (got '$got')"
ok "bash completion: every sub-command, every option of each, --pro -> --profile"
