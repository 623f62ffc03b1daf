# Scenario regressions: every bundled scenario passes; its text trace and
# JSON equal the golden copies (input + golden output, compared with
# diff -u); a scenario with wrong expectations exits 1; each bad input
# exits 2 with its golden message.
set(RUNCASE ${CMAKE_CURRENT_SOURCE_DIR}/run-case.sh)
# ftsim as the tests run it: under FTSIM_TEST_WRAPPER when one is set,
# through a script so that test scripts taking one path get it too (not
# the 100 MB file test, which limits ftsim's address space).
if(FTSIM_TEST_WRAPPER)
  list(JOIN FTSIM_TEST_WRAPPER "' '" wrapper)
  file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/ftsim-wrapped
    CONTENT "#!/bin/sh\nexec '${wrapper}' '$<TARGET_FILE:ftsim>' \"$@\"\n"
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                     WORLD_READ WORLD_EXECUTE)
  set(FTSIM ${CMAKE_CURRENT_BINARY_DIR}/ftsim-wrapped)
else()
  set(FTSIM $<TARGET_FILE:ftsim>)
endif()
set(TOP ${PROJECT_SOURCE_DIR})

file(GLOB FTSIM_SCENARIOS RELATIVE ${TOP} ${TOP}/scenarios/*.yaml)
foreach(s ${FTSIM_SCENARIOS})
  get_filename_component(name ${s} NAME_WE)
  add_test(NAME scenario.${name}
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/${name}.txt 0
            -- ${FTSIM} run --no-color ${s}
    WORKING_DIRECTORY ${TOP})
  add_test(NAME scenario.${name}.json
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/${name}.json 0
            -- ${FTSIM} run --json ${s}
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(scenario.${name} scenario.${name}.json PROPERTIES LABELS scenario)
endforeach()

add_test(NAME scenario.all-at-once
  COMMAND ${RUNCASE} exit 0 -- ${FTSIM} run ${FTSIM_SCENARIOS}
  WORKING_DIRECTORY ${TOP})
add_test(NAME scenario.wrong-expectations-exit-1
  COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/wrong-expectations.txt 1
          -- ${FTSIM} run --no-color tests/scenarios/wrong-expectations.yaml
  WORKING_DIRECTORY ${TOP})

file(GLOB FTSIM_ROUTES RELATIVE ${TOP} ${CMAKE_CURRENT_SOURCE_DIR}/golden/routes/*.args)
foreach(a ${FTSIM_ROUTES})
  get_filename_component(name ${a} NAME_WE)
  file(READ ${TOP}/${a} args)
  string(STRIP "${args}" args)
  separate_arguments(args)
  add_test(NAME routes.${name}
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/routes/${name}.txt 0
            -- ${FTSIM} routes ${args}
    WORKING_DIRECTORY ${TOP})
endforeach()

# Other commands: tests/golden/cli/NAME.args holds the arguments after
# `ftsim`, NAME.txt the expected output.
file(GLOB FTSIM_CLI RELATIVE ${TOP} ${CMAKE_CURRENT_SOURCE_DIR}/golden/cli/*.args)
foreach(a ${FTSIM_CLI})
  get_filename_component(name ${a} NAME_WE)
  file(READ ${TOP}/${a} args)
  string(STRIP "${args}" args)
  separate_arguments(args)
  add_test(NAME cli.${name}
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/cli/${name}.txt 0
            -- ${FTSIM} ${args}
    WORKING_DIRECTORY ${TOP})
endforeach()

file(GLOB FTSIM_BAD RELATIVE ${TOP} ${CMAKE_CURRENT_SOURCE_DIR}/bad/*.yaml)
foreach(b ${FTSIM_BAD})
  get_filename_component(name ${b} NAME_WE)
  add_test(NAME bad.${name}
    COMMAND ${RUNCASE} stderr ${CMAKE_CURRENT_SOURCE_DIR}/bad/${name}.err 2
            -- ${FTSIM} run ${b}
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(bad.${name} PROPERTIES LABELS bad)
endforeach()

# Inputs that are not files of tests/bad: a directory, an empty device,
# and a 100 MB file made at test time (tests/huge-file.sh).
foreach(name directory dev-null)
  if(name STREQUAL directory)
    set(arg tests/bad)
  else()
    set(arg /dev/null)
  endif()
  add_test(NAME bad.${name}
    COMMAND ${RUNCASE} stderr ${CMAKE_CURRENT_SOURCE_DIR}/bad/special/${name}.err 2
            -- ${FTSIM} run ${arg}
    WORKING_DIRECTORY ${TOP})
endforeach()
add_test(NAME bad.huge-file
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/huge-file.sh ${CMAKE_CURRENT_BINARY_DIR}
          $<TARGET_FILE:ftsim> ${FTSIM_SANITIZE})
set_tests_properties(bad.directory bad.dev-null bad.huge-file PROPERTIES LABELS bad)
set_tests_properties(bad.huge-file PROPERTIES TIMEOUT 120)

# Regressions that are not bundled scenarios (they need test data, or
# show a run-time refusal such as a routing loop).
foreach(name service-tags-file routing-loop firewall-then-appliance-snat)
  add_test(NAME regress.${name}
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/${name}.txt 0
            -- ${FTSIM} run --no-color tests/scenarios/${name}.yaml
    WORKING_DIRECTORY ${TOP})
endforeach()

# Bad arguments to the Network Watcher commands exit 2.
add_test(NAME cli.verify-local-not-vm
  COMMAND ${RUNCASE} exit 2 -- ${FTSIM} verify scenarios/10-hidden-platform-rule.yaml
          --vm winvm --direction Outbound --protocol TCP --local 10.9.9.9:1 --remote 23.102.135.246:1688
  WORKING_DIRECTORY ${TOP})
add_test(NAME cli.nexthop-bad-dest
  COMMAND ${RUNCASE} exit 2 -- ${FTSIM} nexthop scenarios/03-udr-kms-fix.yaml
          --vm vm1 --dest 23.102.135.999
  WORKING_DIRECTORY ${TOP})
add_test(NAME cli.rules-unknown-vm
  COMMAND ${RUNCASE} exit 2 -- ${FTSIM} rules scenarios/10-hidden-platform-rule.yaml
          --vm nosuchvm
  WORKING_DIRECTORY ${TOP})
add_test(NAME cli.rules-no-vm
  COMMAND ${RUNCASE} exit 2 -- ${FTSIM} rules scenarios/10-hidden-platform-rule.yaml
  WORKING_DIRECTORY ${TOP})

# Test reports: JUnit read back by a real XML parser, TAP as golden text.
add_test(NAME report.junit
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/junit-check.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
foreach(name wrong-expectations report-escaping)
  add_test(NAME report.tap.${name}
    COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/tap/${name}.tap 1
            -- ${FTSIM} run --tap tests/scenarios/${name}.yaml
    WORKING_DIRECTORY ${TOP})
endforeach()
add_test(NAME report.tap.passing
  COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/tap/10-hidden-platform-rule.tap 0
          -- ${FTSIM} run --tap scenarios/10-hidden-platform-rule.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME report.tap-and-json-exit-2
  COMMAND ${RUNCASE} exit 2 -- ${FTSIM} run --tap --json scenarios/10-hidden-platform-rule.yaml
  WORKING_DIRECTORY ${TOP})

# Azure's own REST examples against the same questions asked of ftsim.
add_test(NAME azure.examples
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/azure-examples.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
# Published effective route tables of hub-and-spoke, VPN and Route Server
# networks (MODEL §8), row for row.
add_test(NAME azure.estate-tables
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/estate-tables.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
foreach(name azure-next-hop azure-ip-flow-verify)
  add_test(NAME azure.${name}
    COMMAND ${RUNCASE} exit 0 -- ${FTSIM} run tests/scenarios/${name}.yaml
    WORKING_DIRECTORY ${TOP})
endforeach()

# Captures of every scenario, read by tshark: no malformed packet, no bad
# checksum, the source at each destination as --json says, byte-identical
# run to run, and --capture selecting points.
add_test(NAME captures.tshark
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/captures.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(captures.tshark PROPERTIES LABELS capture)

# `ftsim replay` of every scenario's NIC captures: run's verdicts and
# per-hop captures again; other link types, pcapng, filters, damaged
# files (tests/replay/*.hex through text2pcap).
add_test(NAME captures.replay
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/replay.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(captures.replay PROPERTIES LABELS capture TIMEOUT 600)

# Pictures: `ftsim diagram` as DOT, SVG and PNG (Graphviz), and `ftsim
# report` over the whole suite opened in headless Chromium (skipped, 77,
# when Chromium is not installed).
add_test(NAME pictures.diagram
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/pictures.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(pictures.diagram PROPERTIES LABELS pictures)
add_test(NAME pictures.report
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/report.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(pictures.report PROPERTIES LABELS pictures
  SKIP_RETURN_CODE 77 TIMEOUT 300)
# The report's flow table read back (html.parser) against `run --json`:
# works / broken with the reason, expectations apart, the summary's
# counts, diagrams at their own size, the plots (tests/report-answers.sh).
add_test(NAME pictures.report-answers
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/report-answers.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(pictures.report-answers PROPERTIES LABELS pictures
  TIMEOUT 300)

# What-if and diff (sim/whatif.h): a change on a base scenario, or two
# scenarios, against golden output; exit 1 when something changed, 0 when
# nothing did, 2 for a change that cannot apply.
set(FT ${TOP}/scenarios/02-forced-tunnel-breaks-kms.yaml)
set(GW ${CMAKE_CURRENT_SOURCE_DIR}/golden/whatif)
foreach(c arm-kms-udr udr-default-appliance)
  add_test(NAME whatif.${c}
    COMMAND ${RUNCASE} golden ${GW}/${c}.txt 1
            -- ${FTSIM} whatif scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/changes/${c}.yaml
    WORKING_DIRECTORY ${TOP})
endforeach()
add_test(NAME whatif.arm-kms-udr.services.json
  COMMAND ${RUNCASE} golden ${GW}/arm-kms-udr.services.json 1
          -- ${FTSIM} whatif --json --services scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/changes/arm-kms-udr.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.udr-default-appliance.all.json
  COMMAND ${RUNCASE} golden ${GW}/udr-default-appliance.json 1
          -- ${FTSIM} whatif --json scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/changes/udr-default-appliance.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.classic-kms-route
  COMMAND ${RUNCASE} stderr ${GW}/classic-kms-route.err 2
          -- ${FTSIM} whatif scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/changes/classic-kms-route.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME diff.forced-tunnel-vs-udr-fix
  COMMAND ${RUNCASE} golden ${GW}/diff-02-03.txt 1
          -- ${FTSIM} diff --services scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/03-udr-kms-fix.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME diff.same-file-exit-0
  COMMAND ${RUNCASE} golden ${GW}/diff-same.txt 0
          -- ${FTSIM} diff --services scenarios/16-nva-firewall-snat.yaml scenarios/16-nva-firewall-snat.yaml
  WORKING_DIRECTORY ${TOP})
# Estate changes (MODEL §8): a spoke stops using the hub's gateway; VPN
# default sites move; a change that breaks gateway transit is refused.
add_test(NAME whatif.spoke-stops-using-hub-gateway
  COMMAND ${RUNCASE} golden ${GW}/spoke-stops-using-hub-gateway.txt 1
          -- ${FTSIM} whatif scenarios/25-spoke-transit-breaks-kms.yaml scenarios/changes/spoke-stops-using-hub-gateway.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.vpn-default-site-moves.json
  COMMAND ${RUNCASE} golden ${GW}/vpn-default-site-moves.json 1
          -- ${FTSIM} whatif --json scenarios/28-vpn-default-site.yaml scenarios/changes/vpn-default-site-moves.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.transit-broken
  COMMAND ${RUNCASE} stderr ${GW}/transit-broken.err 2
          -- ${FTSIM} whatif scenarios/25-spoke-transit-breaks-kms.yaml tests/changes/transit-broken.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME diff.spoke1-without-transit
  COMMAND ${RUNCASE} golden ${GW}/diff-spoke1-without-transit.txt 1
          -- ${FTSIM} diff scenarios/25-spoke-transit-breaks-kms.yaml tests/scenarios/estates/spoke1-without-transit.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.route-filter-add-west-us
  COMMAND ${RUNCASE} golden ${GW}/route-filter-add-west-us.txt 1
          -- ${FTSIM} whatif scenarios/32-microsoft-peering-route-filter.yaml scenarios/changes/route-filter-add-west-us.yaml
  WORKING_DIRECTORY ${TOP})
# Still failing: the /32 KMS route on a subnet whose NSG denies Internet
# moves the next hop, and activation is dropped by DenyInternetOutbound
# before and after (text and JSON say so, with the rule and the route).
add_test(NAME whatif.kms-udr-nsg-denies-internet
  COMMAND ${RUNCASE} golden ${GW}/kms-udr-nsg-denies-internet.txt 1
          -- ${FTSIM} whatif scenarios/12-forced-tunnel-nsg-deny-internet.yaml scenarios/changes/kms-udr-nsg-denies-internet.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.kms-udr-nsg-denies-internet.json
  COMMAND ${RUNCASE} golden ${GW}/kms-udr-nsg-denies-internet.json 1
          -- ${FTSIM} whatif --json --services scenarios/12-forced-tunnel-nsg-deny-internet.yaml scenarios/changes/kms-udr-nsg-denies-internet.yaml
  WORKING_DIRECTORY ${TOP})
# Stacked change files apply in order: the route and the rule removed
# together get vm1's activation accepted, which neither does alone
# (tests/whatif-stack.sh checks that, and --write-after); an error in
# the second file names it, and the first's table where it was added.
add_test(NAME whatif.stacked
  COMMAND ${RUNCASE} golden ${GW}/stacked-kms-udr-remove-deny.txt 1
          -- ${FTSIM} whatif scenarios/12-forced-tunnel-nsg-deny-internet.yaml scenarios/changes/kms-udr-nsg-denies-internet.yaml tests/changes/remove-deny-internet.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.stacked-second-fails
  COMMAND ${RUNCASE} stderr ${GW}/stacked-second-fails.err 2
          -- ${FTSIM} whatif scenarios/02-forced-tunnel-breaks-kms.yaml scenarios/changes/arm-kms-udr.yaml scenarios/changes/classic-kms-route.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.stack-write-after
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/whatif-stack.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(whatif.stack-write-after PROPERTIES SKIP_RETURN_CODE 77)
# Azure Firewall (MODEL §8): the network rule that fixes what the
# application rule for 1688 did not; the route filter fix behind a
# forced-tunnelling firewall; a firewall that loses its 0.0.0.0/0 ->
# Internet; leaving forced tunnelling without a public IP is refused.
add_test(NAME whatif.firewall-kms-network-rule
  COMMAND ${RUNCASE} golden ${GW}/firewall-kms-network-rule.txt 1
          -- ${FTSIM} whatif scenarios/35-firewall-application-rule-kms.yaml scenarios/changes/firewall-kms-network-rule.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.firewall-route-filter.json
  COMMAND ${RUNCASE} golden ${GW}/firewall-route-filter.json 1
          -- ${FTSIM} whatif --json scenarios/36-firewall-forced-tunnel-microsoft-peering.yaml scenarios/changes/route-filter-add-west-us.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.firewall-loses-internet
  COMMAND ${RUNCASE} golden ${GW}/firewall-loses-internet.txt 1
          -- ${FTSIM} whatif scenarios/34-firewall-direct-kms-accepted.yaml tests/changes/firewall-loses-internet.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.firewall-forced-tunneling-off
  COMMAND ${RUNCASE} stderr ${GW}/firewall-forced-tunneling-off.err 2
          -- ${FTSIM} whatif scenarios/33-firewall-forced-tunnel-breaks-kms.yaml tests/changes/firewall-forced-tunneling-off.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.firewall-management-route
  COMMAND ${RUNCASE} stderr ${GW}/firewall-management-route.err 2
          -- ${FTSIM} whatif scenarios/33-firewall-forced-tunnel-breaks-kms.yaml tests/changes/firewall-management-route.yaml
  WORKING_DIRECTORY ${TOP})
set_tests_properties(whatif.firewall-management-route PROPERTIES LABELS whatif)
set_tests_properties(whatif.firewall-kms-network-rule whatif.firewall-route-filter.json
  whatif.firewall-loses-internet whatif.firewall-forced-tunneling-off PROPERTIES LABELS whatif)
set_tests_properties(whatif.route-filter-add-west-us diff.spoke1-without-transit whatif.spoke-stops-using-hub-gateway
  whatif.vpn-default-site-moves.json whatif.transit-broken whatif.kms-udr-nsg-denies-internet
  whatif.kms-udr-nsg-denies-internet.json whatif.stacked whatif.stacked-second-fails
  whatif.stack-write-after PROPERTIES LABELS whatif)
# Virtual WAN (MODEL §8 [vwan]): a connection stops propagating the
# default route (scenario 40's KMS fix), routing intent turned off, a
# VNet disconnected, a peered VNet connected; routing intent on a hub
# without a firewall is refused.
add_test(NAME whatif.vwan-spoke1-stops-propagating
  COMMAND ${RUNCASE} golden ${GW}/vwan-spoke1-stops-propagating.txt 1
          -- ${FTSIM} whatif scenarios/40-vwan-propagate-default-kms.yaml scenarios/changes/vwan-spoke1-stops-propagating.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.vwan-routing-intent-off.json
  COMMAND ${RUNCASE} golden ${GW}/vwan-routing-intent-off.json 1
          -- ${FTSIM} whatif --json scenarios/42-vwan-routing-intent-direct.yaml tests/changes/vwan-routing-intent-off.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.vwan-disconnect-spoke2
  COMMAND ${RUNCASE} golden ${GW}/vwan-disconnect-spoke2.txt 1
          -- ${FTSIM} whatif scenarios/40-vwan-propagate-default-kms.yaml tests/changes/vwan-disconnect-spoke2.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.vwan-connect-partner
  COMMAND ${RUNCASE} golden ${GW}/vwan-connect-partner.txt 1
          -- ${FTSIM} whatif scenarios/43-vwan-peered-no-transit.yaml tests/changes/vwan-connect-partner.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.vwan-intent-without-firewall
  COMMAND ${RUNCASE} stderr ${GW}/vwan-intent-without-firewall.err 2
          -- ${FTSIM} whatif scenarios/40-vwan-propagate-default-kms.yaml tests/changes/vwan-intent-without-firewall.yaml
  WORKING_DIRECTORY ${TOP})
set_tests_properties(whatif.vwan-spoke1-stops-propagating whatif.vwan-routing-intent-off.json
  whatif.vwan-disconnect-spoke2 whatif.vwan-connect-partner whatif.vwan-intent-without-firewall
  PROPERTIES LABELS whatif)
file(GLOB FTSIM_BAD_CHANGES RELATIVE ${TOP} ${CMAKE_CURRENT_SOURCE_DIR}/changes/bad/*.yaml)
foreach(b ${FTSIM_BAD_CHANGES})
  get_filename_component(name ${b} NAME_WE)
  add_test(NAME whatif.bad.${name}
    COMMAND ${RUNCASE} stderr ${CMAKE_CURRENT_SOURCE_DIR}/changes/bad/${name}.err 2
            -- ${FTSIM} whatif scenarios/02-forced-tunnel-breaks-kms.yaml ${b}
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(whatif.bad.${name} PROPERTIES LABELS bad)
endforeach()

# ftsim import: Azure exports written from the documented shapes.
set(AZ tests/data/azure-export)
add_test(NAME import.az-cli
  COMMAND ${RUNCASE} golden ${GW}/import-az-cli.yaml 0
          -- ${FTSIM} import ${AZ}/vnet-show.json ${AZ}/route-table-list.json
             ${AZ}/nsg-show.json ${AZ}/nic-show.json ${AZ}/effective-routes.json
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.arm-template
  COMMAND ${RUNCASE} golden ${GW}/import-arm.yaml 0
          -- ${FTSIM} import ${AZ}/arm-export.json ${AZ}/effective-routes.json
  WORKING_DIRECTORY ${TOP})
# An export with a UTF-8 byte-order mark (PowerShell 5) imports as the
# same export without; a UTF-16 one is refused with what to do.
add_test(NAME import.utf8-bom
  COMMAND ${RUNCASE} golden ${GW}/import-utf8-bom.yaml 0
          -- ${FTSIM} import tests/data/azure-bom/arm-export-utf8-bom.json ${AZ}/effective-routes.json
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.utf16
  COMMAND ${RUNCASE} stderr ${GW}/import-utf16.err 2
          -- ${FTSIM} import tests/data/azure-bom/route-table-list-utf16.json
  WORKING_DIRECTORY ${TOP})
add_test(NAME whatif.arm-export-json
  COMMAND ${RUNCASE} golden ${GW}/arm-export-remove-kms.txt 1
          -- ${FTSIM} whatif ${AZ}/arm-export.json tests/changes/remove-kms-route.yaml
  WORKING_DIRECTORY ${TOP})
set_tests_properties(whatif.arm-kms-udr whatif.udr-default-appliance
  whatif.arm-kms-udr.services.json whatif.udr-default-appliance.all.json
  whatif.classic-kms-route diff.forced-tunnel-vs-udr-fix diff.same-file-exit-0
  import.az-cli import.arm-template import.utf8-bom import.utf16
  whatif.arm-export-json PROPERTIES LABELS whatif)

# NSG flow logs: Azure's blob layout and record structure, read by jq.
add_test(NAME flowlog.structure
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/flowlog-check.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})

# Interrupted runs and full disks (tests/faults.sh): every writer leaves
# nothing under its final name and no temporary file, and exits non-zero
# naming the file and the cause. SIGINT and SIGTERM mid-write (strace
# holds each write), `ulimit -f`, a full tmpfs (root only); a case that
# cannot run here is skipped with a message.
# The signal case runs ftsim itself even under FTSIM_TEST_WRAPPER: a
# signal must reach ftsim's handler, and strace cannot hold the writes of
# a program running inside valgrind.
foreach(case signal ulimit tmpfs)
  if(case STREQUAL "signal")
    set(bin $<TARGET_FILE:ftsim>)
  else()
    set(bin ${FTSIM})
  endif()
  add_test(NAME faults.${case}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/faults.sh ${bin} ${case}
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(faults.${case} PROPERTIES LABELS faults
    SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# Every command that prints, with stdout on /dev/full: exit 2 and the
# cause on stderr (tests/stdout-full.sh).
add_test(NAME output.stdout-full
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/stdout-full.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(output.stdout-full PROPERTIES LABELS output SKIP_RETURN_CODE 77)

# Names from a scenario that would climb out of an output folder ("..",
# '/') stay inside it, for every command that writes files; names one
# path would merge are refused (tests/hostile-names.sh).
add_test(NAME output.hostile-names
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/hostile-names.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(output.hostile-names PROPERTIES LABELS output TIMEOUT 300)

# A capture folder holds one set: a run replaces the set ftsim wrote
# there (its .ftsim-captures manifest), refuses to mix with captures it
# did not write, and concurrent runs take turns (tests/capture-sets.sh).
add_test(NAME captures.sets
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/capture-sets.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(captures.sets PROPERTIES LABELS capture TIMEOUT 300)

# An output path that is one of the inputs is refused, the input intact
# (tests/output-is-input.sh).
add_test(NAME output.is-input
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/output-is-input.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(output.is-input PROPERTIES LABELS output)

# `report` and `diagram -o` interrupted while a helper program runs, and
# on a disk that fills up under dot (root: a tmpfs): nothing left, the
# helper killed, the real cause named (tests/report-faults.sh).
add_test(NAME faults.report
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report-faults.sh $<TARGET_FILE:ftsim>
  WORKING_DIRECTORY ${TOP})
set_tests_properties(faults.report PROPERTIES LABELS faults
  SKIP_RETURN_CODE 77 TIMEOUT 300)

# Reports and JSON at the loader's cap of 1,000 flows: the plots fit
# cairo's 32,767 px (tests/report-scale.sh, dot stood in for), and a JSON
# document is whole or not printed at all under any memory limit
# (tests/json-oom.sh; ftsim itself: a wrapper would take the limit).
add_test(NAME report.scale
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/report-scale.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
add_test(NAME output.json-oom
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/json-oom.sh $<TARGET_FILE:ftsim> ${FTSIM_SANITIZE}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(report.scale PROPERTIES LABELS pictures SKIP_RETURN_CODE 77 TIMEOUT 300)
set_tests_properties(output.json-oom PROPERTIES LABELS output SKIP_RETURN_CODE 77 TIMEOUT 300)

# ftsim import of estates (tests/data/azure-estate, README there): a hub
# with an active-active VPN gateway, a BGP site and a Route Server, and a
# spoke using the hub's gateways, as `az ... show/list` print them; and an
# ARM template with child peerings, a default site and a Route Server's
# nested children. Each imported scenario loads (`ftsim run` exits 0) and,
# for the az CLI export, `ftsim routes` on the spoke's VM gives the rows
# of its effective route table (check-import.sh).
set(AZE tests/data/azure-estate)
set(AZE_CLI ${AZE}/hub-vnet-show.json ${AZE}/spoke1-vnet-show.json
  ${AZE}/spoke1-peering-list.json ${AZE}/vpngw-show.json
  ${AZE}/public-ip-list.json ${AZE}/local-gateway-list.json
  ${AZE}/vpn-connection-show.json ${AZE}/routeserver-show.json
  ${AZE}/routeserver-peering-list.json ${AZE}/nic-list.json
  ${AZE}/effective-routes-spoke1.json)
add_test(NAME import.estate-az-cli
  COMMAND ${RUNCASE} golden ${GW}/import-estate-az-cli.yaml 0
          -- ${FTSIM} import ${AZE_CLI}
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.estate-arm
  COMMAND ${RUNCASE} golden ${GW}/import-estate-arm.yaml 0
          -- ${FTSIM} import ${AZE}/arm-estate.json
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.estate-az-cli-routes
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/data/azure-estate/check-import.sh
          ${FTSIM} spoke1-vm ${AZE}/effective-routes-spoke1.json ${AZE_CLI}
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.estate-arm-runs
  COMMAND sh -c "t=$(mktemp) && trap 'rm -f $t' EXIT && $0 import --out $t $1 2>/dev/null && $0 run $t >/dev/null"
          ${FTSIM} ${AZE}/arm-estate.json
  WORKING_DIRECTORY ${TOP})
# ftsim import of Azure Firewall (MODEL §8, tests/data/azure-firewall,
# README there): Azure's REST example of a firewall in forced tunnelling
# mode with classic rules, and a firewall whose policy's rule collection
# groups hold its rules; a circuit's Microsoft peering with its route
# filter's regions named by the service communities list. Each imported
# scenario loads.
set(AZF tests/data/azure-firewall)
set(AZF_FW ${AZF}/vnet2-show.json ${AZF}/vnet3-show.json ${AZF}/public-ip-list.json
  ${AZF}/azurefirewall.json ${AZF}/policy-firewall-show.json ${AZF}/rule-collection-group-list.json)
set(AZF_MS ${AZ}/vnet-show.json ${AZ}/route-table-list.json ${AZ}/nsg-show.json ${AZ}/nic-show.json
  ${AZ}/effective-routes.json ${AZF}/circuit-show.json ${AZF}/route-filter-show.json
  ${AZF}/service-communities.json)
add_test(NAME import.firewall
  COMMAND ${RUNCASE} golden ${GW}/import-firewall.yaml 0 -- ${FTSIM} import ${AZF_FW}
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.microsoft-peering
  COMMAND ${RUNCASE} golden ${GW}/import-microsoft-peering.yaml 0 -- ${FTSIM} import ${AZF_MS}
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.firewall-runs
  COMMAND sh -c "t=$(mktemp) && trap 'rm -f $t' EXIT && f=$0 && $f import --out $t \"$@\" 2>/dev/null && $f run $t >/dev/null"
          ${FTSIM} ${AZF_FW}
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.microsoft-peering-runs
  COMMAND sh -c "t=$(mktemp) && trap 'rm -f $t' EXIT && f=$0 && $f import --out $t \"$@\" 2>/dev/null && $f run $t >/dev/null"
          ${FTSIM} ${AZF_MS}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(import.firewall import.microsoft-peering import.firewall-runs
  import.microsoft-peering-runs PROPERTIES LABELS whatif)
set_tests_properties(import.estate-az-cli import.estate-arm
  import.estate-az-cli-routes import.estate-arm-runs PROPERTIES LABELS whatif)
# Virtual WAN (MODEL §8 [vwan]): a secured hub with its connections,
# gateways, site, firewall and routing intent, imported from az CLI
# shapes; the result is a scenario that runs.
add_test(NAME import.vwan-az-cli
  COMMAND ${RUNCASE} golden ${GW}/import-vwan-az-cli.yaml 0
          -- ${FTSIM} import tests/data/azure-vwan/er-circuit-show.json
             tests/data/azure-vwan/er-gateway-show.json tests/data/azure-vwan/firewall-show.json
             tests/data/azure-vwan/routing-intent-show.json tests/data/azure-vwan/vhub-connection-list.json
             tests/data/azure-vwan/vhub-show.json tests/data/azure-vwan/vnet-list.json
             tests/data/azure-vwan/vpn-gateway-show.json tests/data/azure-vwan/vpn-site-show.json
             tests/data/azure-vwan/vwan-show.json
  WORKING_DIRECTORY ${TOP})
add_test(NAME import.vwan-runs
  COMMAND sh -c "t=$(mktemp) && trap 'rm -f $t' EXIT && $0 import --out $t tests/data/azure-vwan/*.json 2>/dev/null && $0 run $t >/dev/null"
          ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(import.vwan-az-cli import.vwan-runs PROPERTIES LABELS whatif)
# "-" reads standard input for every command that reads a scenario, an
# Azure export or a change file; its errors name <stdin>:LINE:COL
# (tests/stdin.sh).
add_test(NAME cli.stdin
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/stdin.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(cli.stdin PROPERTIES LABELS cli)

# Per-command help from the command table (cli/help.c), every parsed
# option in it, and one-line usage errors (tests/help.sh).
add_test(NAME cli.help
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/help.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(cli.help PROPERTIES LABELS cli TIMEOUT 300)

# The man page renders and describes every command and option of the
# table (tests/manpage.sh); the bash and zsh completions offer commands,

# Every citation key used in docs/*.md is defined in that document; no
# document points at a specification outside the repository
# (tests/doc-refs.sh).
add_test(NAME docs.references
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/doc-refs.sh)
# docs/tutorial.md as written: its files written, its commands run, their
# exit status and the output it shows (tests/tutorial.sh).
add_test(NAME docs.tutorial
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/tutorial.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(docs.references docs.tutorial PROPERTIES LABELS docs)
# options, choices and the scenario's VMs and flows (tests/completions.sh).
add_test(NAME cli.manpage
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/manpage.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
add_test(NAME cli.completions
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/completions.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(cli.manpage cli.completions PROPERTIES LABELS cli
  SKIP_RETURN_CODE 77 TIMEOUT 300)

# `cmake --install` into a scratch DESTDIR, and the Debian package of
# `cpack -G DEB`: its files and its Depends (tests/install.sh).
foreach(mode install deb)
  add_test(NAME package.${mode}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install.sh ${mode}
            ${PROJECT_BINARY_DIR} ${CMAKE_COMMAND} ${CMAKE_CPACK_COMMAND}
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(package.${mode} PROPERTIES LABELS package
    SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
set_tests_properties(package.deb PROPERTIES DEPENDS package.install)

# Colour only on a terminal, never with NO_COLOR or TERM=dumb; ASCII signs
# when the locale is not UTF-8 (tests/term.sh).
add_test(NAME cli.term
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/term.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(cli.term PROPERTIES LABELS cli SKIP_RETURN_CODE 77)

# A mistyped VM or flow name: the error names the nearest one
# (tests/did-you-mean.sh).
add_test(NAME cli.did-you-mean
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/did-you-mean.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(cli.did-you-mean PROPERTIES LABELS cli)

# nexthop --dest takes a name as a flow's `to` does (the first address of
# azkms.core.windows.net), and refuses one nothing resolves.
add_test(NAME nw.nexthop-by-name
  COMMAND ${RUNCASE} golden ${CMAKE_CURRENT_SOURCE_DIR}/golden/nexthop-by-name.txt 0
          -- ${FTSIM} nexthop scenarios/02-forced-tunnel-breaks-kms.yaml --vm vm1 --dest azkms.core.windows.net
  WORKING_DIRECTORY ${TOP})
add_test(NAME nw.nexthop-unknown-name
  COMMAND ${RUNCASE} stderr ${CMAKE_CURRENT_SOURCE_DIR}/golden/nexthop-unknown-name.err 2
          -- ${FTSIM} nexthop scenarios/02-forced-tunnel-breaks-kms.yaml --vm vm1 --dest nowhere.example
  WORKING_DIRECTORY ${TOP})
set_tests_properties(nw.nexthop-by-name nw.nexthop-unknown-name PROPERTIES LABELS cli)

# ftsim advise (cli/advise.c): each VM class's services, works or broken
# and why, the least-disturbing fix proven by the exhaustive what-if, and
# the lints, against golden text and JSON; exit 1 when something is
# broken, 0 when everything works. advise-no-clean-fix: the one candidate
# that fixes KMS (a route filter region) changes a whole region, so no fix
# is proposed; scenario 19's isolated subnet has no way out at all;
# advise-firewall-fix: a route cannot help (no outbound), a firewall
# network rule does.
set(GA ${CMAKE_CURRENT_SOURCE_DIR}/golden/advise)
foreach(s 02-forced-tunnel-breaks-kms 08-kms-fix-out-of-date
          11-platform-tag-denies 12-forced-tunnel-nsg-deny-internet
          19-snat-order 25-spoke-transit-breaks-kms
          33-firewall-forced-tunnel-breaks-kms 35-firewall-application-rule-kms)
  add_test(NAME advise.${s}
    COMMAND ${RUNCASE} golden ${GA}/${s}.txt 1
            -- ${FTSIM} advise scenarios/${s}.yaml
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(advise.${s} PROPERTIES LABELS advise)
endforeach()
foreach(s 02-forced-tunnel-breaks-kms 12-forced-tunnel-nsg-deny-internet
          05-public-peering-forced-tunnel)
  if(s STREQUAL 05-public-peering-forced-tunnel)
    set(code 0)
  else()
    set(code 1)
  endif()
  add_test(NAME advise.${s}.json
    COMMAND ${RUNCASE} golden ${GA}/${s}.json ${code}
            -- ${FTSIM} advise --json scenarios/${s}.yaml
    WORKING_DIRECTORY ${TOP})
  set_tests_properties(advise.${s}.json PROPERTIES LABELS advise)
endforeach()
add_test(NAME advise.no-clean-fix
  COMMAND ${RUNCASE} golden ${GA}/no-clean-fix.txt 1
          -- ${FTSIM} advise tests/scenarios/advise-no-clean-fix.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME advise.no-clean-fix.json
  COMMAND ${RUNCASE} golden ${GA}/no-clean-fix.json 1
          -- ${FTSIM} advise --json --services kms tests/scenarios/advise-no-clean-fix.yaml
  WORKING_DIRECTORY ${TOP})
add_test(NAME advise.firewall-fix
  COMMAND ${RUNCASE} golden ${GA}/firewall-fix.txt 1
          -- ${FTSIM} advise tests/scenarios/advise-firewall-fix.yaml
  WORKING_DIRECTORY ${TOP})
# A /32 table no subnet uses: the lint route-table-unused, and the fix.
add_test(NAME advise.unused-table
  COMMAND ${RUNCASE} golden ${GA}/unused-table.txt 1
          -- ${FTSIM} advise tests/scenarios/advise-unused-table.yaml
  WORKING_DIRECTORY ${TOP})
set_tests_properties(advise.unused-table PROPERTIES LABELS advise)
add_test(NAME advise.works
  COMMAND ${RUNCASE} golden ${GA}/01-no-forced-tunnel.txt 0
          -- ${FTSIM} advise scenarios/01-no-forced-tunnel.yaml
  WORKING_DIRECTORY ${TOP})
# Every bundled scenario: exit codes, the -o change through whatif (it
# shows the fix, only service addresses change), advise after the fix,
# bad input (tests/advise.sh).
add_test(NAME advise.round-trip
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/advise.sh ${FTSIM}
  WORKING_DIRECTORY ${TOP})
set_tests_properties(advise.no-clean-fix advise.no-clean-fix.json advise.works
  advise.firewall-fix
  advise.round-trip PROPERTIES LABELS advise)
set_tests_properties(advise.round-trip PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
