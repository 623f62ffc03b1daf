#!/bin/sh
# manpage.sh FTSIM: docs/ftsim.1 renders (man -l, else groff) without a
# warning, names the version ftsim prints, and has a section for every
# command of the command table with every option of it (the table read
# through `ftsim complete`). Exit 77 (skipped) when neither man nor groff
# is installed (FTSIM_TEST_DEPS=1 scripts/install-deps.sh installs them).
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
page=docs/ftsim.1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# Wide, so that no option is hyphenated across lines; hyphens and minus
# signs as ASCII, no bold or underline.
if command -v man >/dev/null; then
	MANWIDTH=250 MAN_KEEP_FORMATTING= man -l "$page" >"$tmp/raw" 2>"$tmp/err" </dev/null
	how="man -l"
elif command -v groff >/dev/null; then
	groff -man -Tutf8 -rLL=250n -rHY=0 -P-cbou "$page" >"$tmp/raw" 2>"$tmp/err"
	how=groff
else
	echo "neither man nor groff is installed: skipped" >&2
	exit 77
fi
sed -e 's/.\x08//g' -e 's/\xe2\x88\x92/-/g' -e 's/\xe2\x80\x90/-/g' \
	"$tmp/raw" >"$tmp/page"
if [ -s "$tmp/err" ]; then
	echo "FAIL: $how $page says:" >&2
	cat "$tmp/err" >&2
	fail=1
fi
if command -v groff >/dev/null &&
   ! groff -man -Tutf8 -ww -z "$page" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
	echo "FAIL: groff -ww warns about $page:" >&2
	cat "$tmp/err" >&2
	fail=1
fi
grep -q '^NAME' "$tmp/page" && grep -q '^SYNOPSIS' "$tmp/page" &&
	grep -q '^COMMANDS' "$tmp/page" && grep -q '^EXIT STATUS' "$tmp/page" ||
	{ echo "FAIL: $page lacks NAME, SYNOPSIS, COMMANDS or EXIT STATUS" >&2; fail=1; }
v=$("$ftsim" --version)
grep -qF "$v" "$tmp/page" || { echo "FAIL: $page does not name '$v'" >&2; fail=1; }

# Each command's section: from its heading to the next heading.
for c in $("$ftsim" complete commands) complete; do
	awk -v c="$c" '
		/^   [a-z]+$/ { on = ($1 == c); next }
		/^[A-Z]/ { on = 0 }
		on' "$tmp/page" >"$tmp/sec"
	if [ ! -s "$tmp/sec" ]; then
		echo "FAIL: $page has no section for '$c'" >&2
		fail=1
		continue
	fi
	for o in $("$ftsim" complete options "$c"); do
		case $o in --help|-h) continue ;; esac
		# An entry of its own: the option opens a line of the list.
		case $o in
		--*) re="^       (-[a-zA-Z], )?$o( |\$)" ;;
		*) re="^       $o, --" ;;
		esac
		grep -Eq -- "$re" "$tmp/sec" ||
			{ echo "FAIL: $page: section '$c' does not describe $o" >&2; fail=1; }
	done
done
exit $fail
