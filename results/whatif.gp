# What each change of an `ftsim report --whatif` run changes: the address
# space whose next hop changes and the space whose fate (delivery,
# activation, source seen, ...) changes on some port, summed over the
# base scenario's VMs, and the flows whose outcome changes. ftsim runs it
# in the report's folder:
#   whatif-size.gp  nchanges, any (1 when some count is not zero),
#                   maxflows (the most flows one change changes)
#   whatif.tsv      change, next-hop addresses, fate addresses, flows
# and it writes whatif.svg and whatif.png there.
load "whatif-size.gp"
set datafile separator "\t"
set datafile commentschars "#"
set termoption noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 1.0 border rgb "#ffffff"
set grid ytics
set key outside top center horizontal
set ylabel "addresses (summed over VMs)"
set y2label "flows"
set ytics nomirror
set y2tics
set y2range [0 : maxflows + 1]
set xtics nomirror rotate by -20 font ",9"
if (any) { set logscale y; set yrange [0.8 : *] } else { set yrange [0 : 1] }
set title "Changed address space per change" font ",12"
# zero: below the axis (log scale), never an empty column
na(x) = x > 0 ? x : 0.5
w = 420 + 200 * nchanges
do for [fmt in "svg png"] {
  if (fmt eq "svg") { set terminal svg size w,480 font "Helvetica,10" background rgb "#ffffff" } else { set terminal pngcairo size w,480 font "Helvetica,10" background rgb "#ffffff" }
  set output "whatif.".fmt
  plot "whatif.tsv" using (na($2)):xtic(1) lc rgb "#4e79a7" title "next hop changed", \
       "" using (na($3)) lc rgb "#e15759" title "fate changed (some port)", \
       "" using ($0):4 axes x1y2 with points pt 7 ps 1.5 lc rgb "#000000" title "flows changed (right axis)"
}
