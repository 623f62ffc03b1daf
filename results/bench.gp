# Plots of ftsim-bench's figures (scripts/bench.sh writes the data):
#   gnuplot -e "dir='results'" results/bench.gp
# reads DIR/lpm.tsv and DIR/nsg.tsv, writes DIR/lpm.svg, DIR/lpm.png,
# DIR/nsg.svg, DIR/nsg.png.
if (!exists("dir")) dir = "results"
set datafile separator "\t"
set datafile commentschars "#"
set logscale xy
set grid
set key top right

lpm = dir."/lpm.tsv"
nsg = dir."/nsg.tsv"
na(x) = (x > 0 ? x : 1/0)

set title "Longest-prefix match, random destinations, one core"
set xlabel "prefixes in the table"
set ylabel "lookups per second"
do for [fmt in "svg png"] {
  if (fmt eq "svg") { set terminal svg size 800,500 } else { set terminal pngcairo size 800,500 }
  set output dir."/lpm.".fmt
  plot lpm using 1:(na($2)) with linespoints title "ftsim poptrie", \
       lpm using 1:(na($5)) with linespoints title "DPDK rte_lpm", \
       lpm using 1:(na($3)) with linespoints title "ftsim binary trie (oracle)", \
       lpm using 1:(na($4)) with linespoints title "linear scan"
}

set title "NSG classification, one core"
set xlabel "rules in the NSG"
set ylabel "classifications per second"
set key bottom left
do for [fmt in "svg png"] {
  if (fmt eq "svg") { set terminal svg size 800,500 } else { set terminal pngcairo size 800,500 }
  set output dir."/nsg.".fmt
  plot nsg using 1:(strcol(2) eq "realistic" ? na($3) : 1/0) with linespoints title "ftsim compiled, realistic", \
       nsg using 1:(strcol(2) eq "worst" ? na($3) : 1/0) with linespoints title "ftsim compiled, worst case", \
       nsg using 1:(strcol(2) eq "realistic" ? na($5) : 1/0) with linespoints title "DPDK rte_acl (bursts of 64), realistic", \
       nsg using 1:(strcol(2) eq "worst" ? na($5) : 1/0) with linespoints title "DPDK rte_acl (bursts of 64), worst case", \
       nsg using 1:(strcol(2) eq "realistic" ? na($4) : 1/0) with linespoints title "linear nsg_eval (oracle), realistic"
}
