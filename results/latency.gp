# The per-hop latency of each flow's request on the simulated clock, in
# an `ftsim report` of which a scenario sets `timing:` (without it the
# clock runs on default delays that measure nothing, and there is no
# such plot): one bar per flow, one segment per hop (from one capture
# point to the next), coloured by where the hop leads, a dropped request
# ending in a black segment; flows on the direct path, through an Azure
# hairpin and through a customer hairpin side by side. ftsim runs it in
# the report's folder:
#   latency-size.gp  n0, n1, n2 (flows per panel) and xmax (ms)
#   latency-N.tsv    row, start ms, end ms, point kind, flow label
# and it writes latency.svg and latency.png there.
load "latency-size.gp"
set datafile separator "\t"
set datafile commentschars "#"
set termoption noenhanced
set style fill solid 1.0 border rgb "#ffffff"
set grid xtics
set xlabel "simulated time since the request left (ms)"
set ytics nomirror scale 0 font ",8"
# The same margins in every panel: flow names on the left, the key
# (first panel only) under the plot.
set lmargin 26
set rmargin 3
set bmargin 8
set xrange [0 : xmax * 1.05 + 0.01]
kc(s) = s eq "nic" ? 0x4e79a7 : s eq "fabric" ? 0xa0cbe8 : \
        s eq "azure-edge" ? 0xf28e2b : s eq "gateway" ? 0xb07aa1 : \
        s eq "circuit-private" ? 0x9c755f : s eq "circuit-public" ? 0xe15759 : \
        s eq "onprem-inside" ? 0x59a14f : s eq "onprem-outside" ? 0x8cd17d : \
        s eq "appliance" ? 0xedc948 : s eq "dest" ? 0x76b7b2 : \
        s eq "dropped" ? 0x000000 : 0xbab0ac
nmax = n0 > n1 ? (n0 > n2 ? n0 : n2) : (n1 > n2 ? n1 : n2)
w = 1800
h = 230 + 18 * (nmax > 4 ? nmax : 4)
# cairo draws at most 32,767 px a side: many flows share it
h = h > 32000 ? 32000 : h
array title[3] = ["direct path (no hairpin)", "Azure hairpin", "customer hairpin"]
array count[3] = [n0, n1, n2]
do for [fmt in "svg png"] {
  if (fmt eq "svg") { set terminal svg size w,h font "Helvetica,10" background rgb "#ffffff" } else { set terminal pngcairo size w,h font "Helvetica,10" background rgb "#ffffff" }
  set output "latency.".fmt
  set multiplot layout 1,3 title "Per-hop latency of each flow's request (simulated clock, the scenarios' timing:)" font ",12"
  do for [p = 1:3] {
    set title title[p]." (".count[p]." flow".(count[p] == 1 ? "" : "s").")"
    unset label
    if (count[p] > 0) {
      set yrange [nmax + 0.5 : 0.5]
      set key off
      if (p == 1) { set key at screen 0.35, screen 0.01 center bottom vertical maxrows 3 font ",9" samplen 1 width 2 }
      plot "latency-".(p - 1).".tsv" using (($2 + $3) / 2):1:(($3 - $2) / 2):(0.4):(kc(strcol(4))):ytic(5) \
             with boxxyerror lc rgb variable notitle, \
           NaN with boxes lc rgb "#4e79a7" title "to a NIC", \
           NaN with boxes lc rgb "#a0cbe8" title "to a VNet fabric", \
           NaN with boxes lc rgb "#f28e2b" title "to Azure's edge", \
           NaN with boxes lc rgb "#b07aa1" title "to a gateway", \
           NaN with boxes lc rgb "#9c755f" title "to private peering", \
           NaN with boxes lc rgb "#e15759" title "to public peering", \
           NaN with boxes lc rgb "#59a14f" title "to on-premises (inside)", \
           NaN with boxes lc rgb "#8cd17d" title "to on-premises (outside)", \
           NaN with boxes lc rgb "#edc948" title "to an appliance", \
           NaN with boxes lc rgb "#76b7b2" title "to the destination", \
           NaN with boxes lc rgb "#000000" title "dropped"
    } else {
      set yrange [0 : 1]
      set ytics ("" 0.5)
      set key off
      set label 1 "no flow" at graph 0.5, 0.5 center
      plot 2 notitle
      set ytics nomirror scale 0 font ",8" autofreq
    }
  }
  unset multiplot
}
