#!/bin/sh
# check-import.sh FTSIM VM EFFECTIVE.json FILE.json...: import the files,
# check that the scenario they make loads (`ftsim run` exits 0) and that
# `ftsim routes --vm VM` gives the rows of the effective route table the
# export holds (EFFECTIVE.json, one of the files), one row per next hop,
# whether the export lists several next hops in one row or one per row.
set -eu
ftsim=$1 vm=$2 eff=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ftsim" import --out "$tmp/imported.yaml" "$@" 2>/dev/null
"$ftsim" run "$tmp/imported.yaml" >/dev/null
rows='[.value[] | . as $r | (if (.nextHopIpAddress | length) == 0 then [""]
       else .nextHopIpAddress end)[] | [$r.source, $r.state,
       ($r.addressPrefix | join(",")), $r.nextHopType, .] | join(" ")] | sort[]'
jq -r "$rows" "$eff" >"$tmp/want"
"$ftsim" routes "$tmp/imported.yaml" --vm "$vm" --json | jq -r "$rows" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
