#!/bin/sh
# did-you-mean.sh FTSIM: a VM or flow name that is not in the scenario
# (--vm of routes, rules, nexthop, verify; --from of replay; --flow of
# diagram), or a name a change file refers to that is not in the network
# (whatif: an NSG, a VNet, a subnet, a circuit, a route table, a route,
# a rule), is an error, exit 2, that names the nearest name when one is
# near enough to be a typo, and no name otherwise. Run from the source
# tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
s2=scenarios/02-forced-tunnel-breaks-kms.yaml
s10=scenarios/10-hidden-platform-rule.yaml

# said WANT ARGS...: exit 2, nothing on stdout, stderr is the line WANT.
said() {
	want=$1; shift
	"$ftsim" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ -s "$tmp/out" ] || [ "$(cat "$tmp/err")" != "$want" ]; then
		echo "FAIL: ftsim $*: exit $rc, stderr:" >&2
		cat "$tmp/err" >&2
		echo "want: $want" >&2
		fail=1
	fi
}
said "$s2: error: no VM named 'vm2'; did you mean 'vm1'?" routes $s2 --vm vm2
said "$s2: error: no VM named 'mv1'; did you mean 'vm1'?" rules $s2 --vm mv1
said "$s2: error: no VM named 'database'" routes $s2 --vm database
said "$s2: error: no VM named 'vm11'; did you mean 'vm1'?" nexthop $s2 --vm vm11 --dest 1.1.1.1
said "$s10: error: no VM named 'winmv'; did you mean 'winvm'?" verify $s10 --vm winmv \
	--direction Outbound --protocol TCP --local 10.2.1.4:1 --remote 1.1.1.1:1
said "<stdin>: error: no VM named 'vm2'; did you mean 'vm1'?" routes - --vm vm2 <$s2
said "$s2: error: no flow named 'kms-activaton'; did you mean 'kms-activation'?" \
	diagram $s2 --flow kms-activaton
said "$s2: error: no flow named 'nothing-like-it'" diagram $s2 --flow nothing-like-it
said "$s2: error: no VM named 'vm2'; did you mean 'vm1'?" replay --scenario $s2 --from vm2 /dev/null

# Change files: the name nearest to the one written, at its line and
# column; what a stacked change file before added counts.
s12=scenarios/12-forced-tunnel-nsg-deny-internet.yaml
chg() { printf 'operations:\n  - %s\n' "$1" >"$tmp/$2.yaml"; }
chg '{op: add_nsg_rule, nsg: deny-internt, rule: {name: X, priority: 100, direction: Outbound, access: Deny}}' nsg
said "$tmp/nsg.yaml:2:29: error: no NSG 'deny-internt'; did you mean 'deny-internet'?" \
	whatif $s12 "$tmp/nsg.yaml"
chg '{op: dissociate_route_table, vnet: ArmVnet-MD, subnet: Subnet-1}' vnet
said "$tmp/vnet.yaml:2:40: error: no VNet 'ArmVnet-MD'; did you mean 'ArmVNet-DM'?" \
	whatif $s12 "$tmp/vnet.yaml"
chg '{op: withdraw, circuit: er-circiut, prefixes: [0.0.0.0/0]}' circuit
said "$tmp/circuit.yaml:2:29: error: no ExpressRoute circuit 'er-circiut'; did you mean 'er-circuit'?" \
	whatif $s12 "$tmp/circuit.yaml"
chg '{op: remove_route, route_table: KmsDirectRoute, name: DirectRouteToKSM}' route
said "$tmp/route.yaml:2:59: error: route table 'KmsDirectRoute' has no route 'DirectRouteToKSM'; did you mean 'DirectRouteToKMS'?" \
	whatif $s12 "$tmp/route.yaml"
chg '{op: associate_route_table, vnet: ArmVNet-DM, subnet: Subnet-1, route_table: KmsDirectRoutes}' rt
said "$tmp/rt.yaml:2:82: error: no route table 'KmsDirectRoutes'; the route tables are 'KmsDirectRoute' (in $s12, line 23); did you mean 'KmsDirectRoute'?" \
	whatif $s12 "$tmp/rt.yaml"
chg '{op: remove_nsg_rule, nsg: deny-internet, name: DenyInternetOutbond}' rule
said "$tmp/rule.yaml:2:53: error: NSG 'deny-internet' has no rule 'DenyInternetOutbond'; did you mean 'DenyInternetOutbound'?" \
	whatif $s12 "$tmp/rule.yaml"
chg '{op: associate_route_table, vnet: ArmVNet-DM, subnet: Subnet-2, route_table: Subnet1-KmsDirectRout}' stacked
said "$tmp/stacked.yaml:2:82: error: no route table 'Subnet1-KmsDirectRout'; the route tables are 'KmsDirectRoute' (in $s12, line 23), 'Subnet1-KmsDirectRoute' (added in scenarios/changes/kms-udr-nsg-denies-internet.yaml, line 12); did you mean 'Subnet1-KmsDirectRoute'?" \
	whatif $s12 scenarios/changes/kms-udr-nsg-denies-internet.yaml "$tmp/stacked.yaml"
chg '{op: add_nsg_rule, nsg: nothing-like-it, rule: {name: X, priority: 100, direction: Outbound, access: Deny}}' far
said "$tmp/far.yaml:2:29: error: no NSG 'nothing-like-it'" whatif $s12 "$tmp/far.yaml"
exit $fail
