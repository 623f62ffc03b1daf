#!/bin/sh
# flowlog-check.sh FTSIM: `ftsim flowlog --out` writes files jq loads, in
# the structure of Microsoft's published version 2 sample, and the hidden
# rule scenario logs 1687's deny and nothing at all for 1688.
set -u
ftsim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

for s in scenarios/10-hidden-platform-rule.yaml scenarios/20-hub-spoke-peering.yaml; do
	"$ftsim" flowlog "$s" --out "$work/$(basename "$s" .yaml)" >/dev/null || {
		echo "FAIL: ftsim flowlog $s" >&2; fail=1; }
done
n=0
for f in $(find "$work" -name PT1H.json); do
	n=$((n + 1))
	case $f in
	*/resourceId=/SUBSCRIPTIONS/*/RESOURCEGROUPS/*/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/*/y=*/m=*/d=*/h=*/m=00/macAddress=*/PT1H.json) ;;
	*) echo "FAIL: not Azure's blob layout: $f" >&2; fail=1 ;;
	esac
	if ! jq -e '(.records | length > 0) and all(.records[];
	    (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and
	    .category == "NetworkSecurityGroupFlowEvent" and
	    .operationName == "NetworkSecurityGroupFlowEvents" and
	    (.resourceId | startswith("/SUBSCRIPTIONS/")) and
	    .properties.Version == 2 and
	    all(.properties.flows[]; (.rule | test("^(UserRule|DefaultRule)_")) and
	        all(.flows[]; (.mac | test("^[0-9A-F]{12}$")) and
	            all(.flowTuples[]; split(",") as $t | ($t | length) == 13 and
	                ($t[5] | test("^[TU]$")) and ($t[6] | test("^[IO]$")) and
	                ($t[7] | test("^[AD]$")) and ($t[8] | test("^[BCE]$")) and
	                (if $t[8] == "B" then $t[9:] == ["","","",""]
	                 else ($t[9:] | all(test("^[0-9]+$"))) end)))))' \
	    "$f" >/dev/null; then
		echo "FAIL: $f does not have the structure of a version 2 flow log" >&2
		fail=1
	fi
done
[ "$n" -ge 2 ] || { echo "FAIL: only $n flow log files" >&2; fail=1; }

tuples=$(find "$work/10-hidden-platform-rule" -name PT1H.json -exec \
    jq -r '.records[].properties.flows[].flows[].flowTuples[]' {} +)
echo "$tuples" | grep -q ',23.102.135.246,[0-9]*,1687,T,O,D,B,' || {
	echo "FAIL: no D tuple for 1687" >&2; fail=1; }
if echo "$tuples" | grep -q ',1688,'; then
	echo "FAIL: a tuple for 1688, which the hidden platform rule passed" >&2
	fail=1
fi
# MODEL §8 [fw-rules]: Azure Firewall's logs, as a Log Analytics export:
# every record has the columns of its table; scenario 33 logs the KMS
# network rule that allowed it, scenario 35 the default deny of KMS in the
# network table although an application rule names port 1688, and the
# HTTPS flow its application rule allowed.
for s in 33-firewall-forced-tunnel-breaks-kms 35-firewall-application-rule-kms; do
	"$ftsim" flowlog "scenarios/$s.yaml" --out "$work/$s" >/dev/null || {
		echo "FAIL: ftsim flowlog $s" >&2; fail=1; }
	for tab in AZFWNetworkRule AZFWApplicationRule; do
		f=$work/$s/$tab.json
		jq -e --arg tab "$tab" 'type == "array" and all(.[];
		    .Type == $tab and (.TimeGenerated | test("^2026-01-[0-9]{2}T[0-9:.]+Z$")) and
		    (.Action == "Allow" or .Action == "Deny") and
		    (.SourceIp | test("^[0-9.]+$")) and (.SourcePort | type == "number") and
		    (.DestinationPort | type == "number") and
		    has("Policy") and has("RuleCollectionGroup") and has("RuleCollection") and
		    has("Rule") and has("ActionReason") and
		    (if .Rule == "" then .ActionReason == "Default Action" else .ActionReason == "" end) and
		    (.["_ResourceId"] | test("/MICROSOFT.NETWORK/AZUREFIREWALLS/HUB-FW$")) and
		    (if $tab == "AZFWNetworkRule" then (.DestinationIp | test("^[0-9.]+$")) and
		        (.Protocol | test("^(TCP|UDP|ICMP)$"))
		     else (.Fqdn | type == "string") and (.Protocol | test("^(HTTP|HTTPS|MSSQL)$")) and
		        (.IsTlsInspected | type == "boolean") end))' "$f" >/dev/null || {
			echo "FAIL: $f: not the $tab records of a Log Analytics export" >&2; fail=1; }
	done
done
jq -e 'any(.[]; .DestinationIp == "23.102.135.246" and .DestinationPort == 1688 and
    .Action == "Allow" and .RuleCollection == "kms" and .Rule == "kms")' \
    "$work/33-firewall-forced-tunnel-breaks-kms/AZFWNetworkRule.json" >/dev/null || {
	echo "FAIL: scenario 33 does not log the KMS network rule" >&2; fail=1; }
jq -e 'any(.[]; .DestinationIp == "23.102.135.246" and .DestinationPort == 1688 and
    .Action == "Deny" and .ActionReason == "Default Action")' \
    "$work/35-firewall-application-rule-kms/AZFWNetworkRule.json" >/dev/null || {
	echo "FAIL: scenario 35 does not log the default deny of KMS" >&2; fail=1; }
jq -e 'length == 1 and .[0].Fqdn == "download.windowsupdate.com" and .[0].Action == "Allow"
    and .[0].RuleCollection == "activation" and .[0].Rule == "windows-update"' \
    "$work/35-firewall-application-rule-kms/AZFWApplicationRule.json" >/dev/null || {
	echo "FAIL: scenario 35 does not log the Windows Update application rule" >&2; fail=1; }
[ "$fail" = 0 ] && echo "flowlog-check.sh: $n files checked"

exit "$fail"
