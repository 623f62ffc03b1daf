#!/bin/sh
# junit-check.sh FTSIM: `ftsim run --junit` writes JUnit XML that a real
# XML parser (python3's xml.etree) reads, with one test case per
# expectation, the failures counted right, names unescaped back to what
# the scenario says, and the file written whole or not at all.
set -u
ftsim=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "junit-check: $*" >&2; exit 1; }

# check.py XML TESTS FAILURES SKIPPED [SUITE-NAME]: parse and count.
cat >"$dir/check.py" <<'PY'
import sys
import xml.etree.ElementTree as ET

path, tests, failures, skipped = sys.argv[1], *map(int, sys.argv[2:5])
root = ET.parse(path).getroot()
assert root.tag == "testsuites", root.tag
cases = root.findall("./testsuite/testcase")
fails = root.findall("./testsuite/testcase/failure")
skips = root.findall("./testsuite/testcase/skipped")
got = (len(cases), len(fails), len(skips))
assert got == (tests, failures, skipped), f"cases/failures/skipped {got}"
assert (int(root.get("tests")), int(root.get("failures")),
        int(root.get("skipped"))) == got, root.attrib
for s in root.findall("testsuite"):
    n = len(s.findall("testcase"))
    assert int(s.get("tests")) == n, (s.get("name"), s.get("tests"), n)
    assert int(s.get("failures")) == len(s.findall("testcase/failure"))
for f in fails:
    assert f.get("message").startswith("want "), f.get("message")
    assert "\ntrace of flow " in f.text and "   1  " in f.text, f.text
if len(sys.argv) > 5:
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names == [sys.argv[5]], names
    classes = {c.get("classname") for c in cases}
    assert sys.argv[5] + '.a<b>&c "d" #e' in classes, classes
PY

# The wrong-expectations scenario: 10 expectations, all failing.
"$ftsim" run --junit "$dir/wrong.xml" tests/scenarios/wrong-expectations.yaml \
	>/dev/null 2>&1
[ $? = 1 ] || fail "wrong-expectations must exit 1"
python3 "$dir/check.py" "$dir/wrong.xml" 10 10 0 || fail "wrong-expectations.xml"

# A passing scenario: as many cases as its JSON lists expectations.
"$ftsim" run --json scenarios/10-hidden-platform-rule.yaml >"$dir/10.json" ||
	fail "scenario 10 must pass"
n=$(python3 -c 'import json,sys; print(sum(len(f["expectations"]) for f in json.load(open(sys.argv[1]))["flows"]))' "$dir/10.json")
[ "$n" -gt 0 ] || fail "scenario 10 has no expectations"
"$ftsim" run --junit "$dir/10.xml" scenarios/10-hidden-platform-rule.yaml \
	>/dev/null 2>&1 || fail "scenario 10 with --junit must exit 0"
python3 "$dir/check.py" "$dir/10.xml" "$n" 0 0 || fail "10.xml"

# Names with XML's special characters; a flow without expectations.
"$ftsim" run --junit "$dir/esc.xml" tests/scenarios/report-escaping.yaml \
	>/dev/null 2>&1
[ $? = 1 ] || fail "report-escaping must exit 1"
python3 "$dir/check.py" "$dir/esc.xml" 3 1 1 \
	"report <escaping> & \"quotes\" 'too' #1" || fail "esc.xml"

# Written whole or not at all: no temporary file left beside it, and
# nothing at all when the directory does not exist.
[ "$(ls -A "$dir" | grep -c '\.xml\.')" = 0 ] || fail "temporary file left"
"$ftsim" run --junit "$dir/missing/r.xml" scenarios/01-no-forced-tunnel.yaml \
	>"$dir/out" 2>/dev/null
[ $? = 2 ] || fail "an unwritable report must exit 2"
[ -s "$dir/out" ] && fail "stdout not empty when the report failed"
[ -e "$dir/missing" ] && fail "something was written"
exit 0
