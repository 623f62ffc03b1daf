# The outcome matrix of an `ftsim report`: one row per scenario (a
# scenario of more than 40 flows takes a row per 40), one cell per flow,
# coloured by outcome. ftsim runs it in the report's folder:
#   matrix-size.gp  nrows, ncols (at most 40), written by ftsim
#   matrix.tsv      row, column, outcome, flow, row label
# and it writes matrix.svg and matrix.png there (at most 32,000 px a
# side: cairo draws no more).
load "matrix-size.gp"
set datafile separator "\t"
set datafile commentschars "#"
set termoption noenhanced
unset border
unset xtics
set ytics nomirror scale 0 font ",10"
set yrange [nrows + 0.5 : 0.5]
set xrange [0.5 : ncols + 0.5]
set key outside bottom center horizontal samplen 1 font ",10"
set title "Flows of each scenario, coloured by outcome" font ",12"
set style fill solid 1.0 border rgb "#ffffff"
# outcome: 1 expectations held (delivered), 2 expectations held (not
# delivered), 3 an expectation failed, 4 no expectation
col(o) = o == 1 ? 0x59a14f : o == 2 ? 0x4e79a7 : o == 3 ? 0xe15759 : 0xbab0ac
w = 360 + 150 * ncols
h = 110 + 26 * nrows
h = h > 32000 ? 32000 : h
do for [fmt in "svg png"] {
  if (fmt eq "svg") { set terminal svg size w,h font "Helvetica,10" background rgb "#ffffff" } else { set terminal pngcairo size w,h font "Helvetica,10" background rgb "#ffffff" }
  set output "matrix.".fmt
  plot "matrix.tsv" using 2:1:(0.5):(0.5):(col($3)):ytic(5) with boxxyerror lc rgb variable notitle, \
       "" using 2:1:4 with labels font ",8" tc rgb "#ffffff" notitle, \
       NaN with boxes lc rgb "#59a14f" title "held, delivered", \
       NaN with boxes lc rgb "#4e79a7" title "held, not delivered", \
       NaN with boxes lc rgb "#e15759" title "expectation failed", \
       NaN with boxes lc rgb "#bab0ac" title "no expectation"
}
