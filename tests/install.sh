#!/bin/sh
# install.sh install|deb BUILD CMAKE CPACK: what ftsim installs.
#   install: `cmake --install` into a scratch DESTDIR puts the command,
#            its man page, the bash and zsh completions and the docs in
#            the GNUInstallDirs places, and the installed command runs;
#   deb:     `cpack -G DEB` builds a package holding the same files whose
#            Depends name the runtime libraries (libyaml, jansson, libpcap,
#            libnet), listed with dpkg-deb -c and unpacked into a scratch
#            root where the command runs. Exit 77 (skipped) without
#            dpkg-deb.
set -u
mode=$1 build=$2 cmake=$3 cpack=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
files="usr/bin/ftsim usr/share/man/man1/ftsim.1
usr/share/bash-completion/completions/ftsim
usr/share/zsh/vendor-completions/_ftsim usr/share/doc/ftsim/README.md
usr/share/doc/ftsim/format.md usr/share/doc/ftsim/model.md
usr/share/doc/ftsim/examples/02-forced-tunnel-breaks-kms.yaml"

runs() {
	root=$1
	v=$("$root/usr/bin/ftsim" --version) &&
		"$root/usr/bin/ftsim" run --json \
		"$root/usr/share/doc/ftsim/examples/02-forced-tunnel-breaks-kms.yaml" >/dev/null ||
		{ echo "FAIL: the installed ftsim does not run ($v)" >&2; fail=1; }
}

case $mode in
install)
	if ! DESTDIR="$tmp/root" "$cmake" --install "$build" --prefix /usr \
	    >"$tmp/log" 2>&1; then
		echo "FAIL: cmake --install:" >&2
		cat "$tmp/log" >&2
		exit 1
	fi
	for f in $files; do
		[ -s "$tmp/root/$f" ] || { echo "FAIL: not installed: /$f" >&2; fail=1; }
	done
	[ -x "$tmp/root/usr/bin/ftsim" ] || { echo "FAIL: /usr/bin/ftsim is not executable" >&2; fail=1; }
	runs "$tmp/root"
	;;
deb)
	if ! command -v dpkg-deb >/dev/null; then
		echo "dpkg-deb is not installed: skipped" >&2
		exit 77
	fi
	if ! "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" \
	    >"$tmp/log" 2>&1; then
		echo "FAIL: cpack -G DEB:" >&2
		cat "$tmp/log" >&2
		exit 1
	fi
	set -- "$tmp"/pkg/ftsim_*.deb
	if [ ! -f "$1" ]; then
		echo "FAIL: cpack made no ftsim_*.deb:" >&2
		ls "$tmp/pkg" >&2
		exit 1
	fi
	deb=$1
	dpkg-deb -c "$deb" >"$tmp/list" || fail=1
	for f in $files; do
		grep -q " \./$f\$" "$tmp/list" || { echo "FAIL: $deb lacks /$f" >&2; fail=1; }
	done
	[ "$(dpkg-deb -f "$deb" Package)" = ftsim ] || { echo "FAIL: Package is not ftsim" >&2; fail=1; }
	dep=$(dpkg-deb -f "$deb" Depends)
	for lib in libyaml-0-2 libjansson4 libpcap0.8 libnet1; do
		case ", $dep," in
		*", $lib "*|*", $lib,"*) ;;
		*) echo "FAIL: Depends ($dep) lacks $lib" >&2; fail=1 ;;
		esac
	done
	dpkg-deb -x "$deb" "$tmp/root" || fail=1
	runs "$tmp/root"
	[ $fail -eq 0 ] && echo "$deb: Depends: $dep"
	;;
*)
	echo "usage: install.sh install|deb BUILD CMAKE CPACK" >&2
	exit 2 ;;
esac
exit $fail
