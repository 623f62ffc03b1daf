#!/bin/sh
# azure-examples.sh FTSIM: ftsim's Network Watcher answers against Azure's
# own REST examples (tests/data/azure-examples, see its README), each on a
# scenario that rebuilds the example's network (tests/scenarios/azure-*).
set -u
ftsim=$1
ex=tests/data/azure-examples
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "azure-examples: $*" >&2; exit 1; }

# Effective routes: `.value` equals the example's `value`, order aside.
# Our rows carry more fields (name, disableBgpRoutePropagation, as az
# prints them): rows are compared on the example's keys, and every one
# of our rows must have all of them, so no row is missing or extra.
"$ftsim" routes tests/scenarios/azure-effective-routes.yaml --vm nic1 --json \
	>"$dir/routes.json" || fail "routes exited $?"
jq -e -n --slurpfile ex "$ex/NetworkInterfaceEffectiveRouteTableList.json" \
	--slurpfile got "$dir/routes.json" '
	($ex[0].responses."200".body.value) as $want
	| ($want[0] | keys) as $k
	| ($got[0].value) as $rows
	| ($rows | length) == ($want | length)
	  and all($rows[]; (keys - (keys - $k)) == $k)
	  and ($rows | map(with_entries(select(.key as $x | $k | index($x))))
	       | sort) == ($want | sort)' >/dev/null ||
	fail "routes --json differs from NetworkInterfaceEffectiveRouteTableList.json"

# Next hop: nextHopType and routeTableId (the user route's table, by the
# id the scenario gives rt1) as in the example. nextHopIpAddress: the
# example answers 10.0.0.1 (the subnet's gateway address) for VnetLocal;
# no documentation defines that value, and ftsim answers what the route
# holds, no address (docs/model.md §6), so the test checks "".
f=$ex/NetworkWatcherNextHopGet.json
dst=$(jq -r .parameters.parameters.destinationIPAddress "$f")
"$ftsim" nexthop tests/scenarios/azure-next-hop.yaml --vm vm1 --dest "$dst" \
	--json >"$dir/nexthop.json" || fail "nexthop exited $?"
jq -e -n --slurpfile ex "$f" --slurpfile got "$dir/nexthop.json" '
	($ex[0].responses."200".body) as $want | $got[0] as $g
	| $g.nextHopType == $want.nextHopType
	  and $g.routeTableId == $want.routeTableId
	  and $g.nextHopIpAddress == ""' >/dev/null ||
	fail "nexthop --json differs from NetworkWatcherNextHopGet.json"

# IP flow verify with the example's parameters: access equal; ruleName
# is "securityRules/" + the example's "Rule1": the API returns the
# prefixed name (docs/model.md §6), the example abbreviates it.
f=$ex/NetworkWatcherIpFlowVerify.json
p() { jq -r ".parameters.parameters.$1" "$f"; }
"$ftsim" verify tests/scenarios/azure-ip-flow-verify.yaml --vm vm1 \
	--direction "$(p direction)" --protocol "$(p protocol)" \
	--local "$(p localIPAddress):$(p localPort)" \
	--remote "$(p remoteIPAddress):$(p remotePort)" --json \
	>"$dir/verify.json" || fail "verify exited $?"
jq -e -n --slurpfile ex "$f" --slurpfile got "$dir/verify.json" '
	($ex[0].responses."200".body) as $want | $got[0] as $g
	| $g.access == $want.access
	  and $g.ruleName == "securityRules/" + $want.ruleName' >/dev/null ||
	fail "verify --json differs from NetworkWatcherIpFlowVerify.json"
exit 0
