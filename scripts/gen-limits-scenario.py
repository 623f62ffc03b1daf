#!/usr/bin/env python3
"""Write a scenario at Azure's limits and a change for it, for timing
`ftsim whatif` (the exhaustive diff): 400 UDRs in one route table, 10,000
prefixes learned over a Premium circuit (0.0.0.0/0 among them), an NSG
with port rules. Usage: gen-limits-scenario.py DIR"""
import os
import sys

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
routes = []
for i in range(400):
    a, b = divmod(i, 256)
    routes.append("      - {name: udr%d, prefix: 52.%d.%d.0/24, next_hop_type: %s}"
                  % (i, 100 + a, b, "Internet" if i % 2 else "VirtualAppliance, next_hop_ip: 10.1.2.4"))
with open(os.path.join(d, "limits.yaml"), "w") as f:
    f.write("""scenario: azure-limits
vnets:
  - name: hub
    address_space: [10.1.0.0/16]
    gateway: er-gw
    subnets:
      - {name: app, prefix: 10.1.1.0/24, route_table: big, nsg: app-nsg}
      - {name: fw, prefix: 10.1.2.0/24}
vms:
  - {name: vm1, vnet: hub, subnet: app, ip: 10.1.1.4}
  - {name: fw1, vnet: hub, subnet: fw, ip: 10.1.2.4, ip_forwarding: true, snat: true}
route_tables:
  - name: big
    routes:
%s
nsgs:
  - name: app-nsg
    rules:
      - {name: DenyWeb, priority: 200, direction: Outbound, access: Deny, protocol: Tcp,
         destination: 198.51.100.0/24, destination_ports: [80, 443]}
      - {name: AllowSsh, priority: 300, direction: Outbound, access: Allow, protocol: Tcp,
         destination: '*', destination_ports: 22}
expressroute:
  - name: er
    sku: Premium
    gateway: er-gw
    private_peering:
      advertised: [0.0.0.0/0]
      advertised_generate: {start: 100.0.0.0/24, count: 9999}
      next_hops: [192.168.255.1]
onprem:
  name: contoso
  prefixes: [100.0.0.0/8]
  internet_edge_ip: 198.51.100.10
""" % "\n".join(routes))
with open(os.path.join(d, "change.yaml"), "w") as f:
    f.write("""change: replace-one-udr
operations:
  - op: replace_route
    route_table: big
    route: {name: udr0, prefix: 52.100.0.0/23, next_hop_type: Internet}
  - op: withdraw
    circuit: er
    prefixes: [100.0.5.0/24]
""")
