# cdf.gp - how long deferred values waited between push and free, as CDFs (ms, log x).
# Per curve (a run, or a run's backend) two lines in one colour: solid, every deferred value
# with those freed at teardown (free_latency: what memory actually waited); dashed, the
# values drained before teardown only (drain_latency: the design without the trace's end).
# Inputs (-e): data, title, ncurves, ndrain, dmap, xmin, xmax, out, fmt.
# Data: blocks 0..ncurves-1, header line "LABEL" fraction, rows: wait_ms fraction (solid);
# then ndrain blocks (header commented out) for the dashed lines; dmap: for each of them the
# solid curve it belongs to ("0 2": dashed block 1 goes with curve 0, block 2 with curve 2).
if (!exists("fmt")) fmt = 'png'
if (!exists("ndrain")) ndrain = 0
if (fmt eq 'svg') {
	set terminal svg size 1100,600 dynamic noenhanced font 'sans,12'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 1100,600 noenhanced font 'sans,10'
	} else {
		set terminal png size 1100,600 noenhanced
	}
}
set output out
# linetypes 9..16: gnuplot has 8 colours before repeating; a picture may have 12 curves
set linetype 9 linecolor rgb '#8c564b'
set linetype 10 linecolor rgb '#7f7f7f'
set linetype 11 linecolor rgb '#bcbd22'
set linetype 12 linecolor rgb '#17becf'
set linetype 13 linecolor rgb '#e377c2'
set linetype 14 linecolor rgb '#1f3f8f'
set linetype 15 linecolor rgb '#ff7f0e'
set linetype 16 linecolor rgb '#2ca02c'
set linetype cycle 16
set title 'Wait from push to free of deferred values (CDF)' . "\n" . title
set xlabel 'wait from push to free (ms, log scale)'
set ylabel 'fraction of deferred values'
set logscale x 10
set format x '%g'
set xrange [xmin:xmax]
set yrange [0:1.02]
set grid xtics ytics mxtics
set key outside right top box
pos(v) = v > 0 ? v : 1/0
solid = "plot for [i=0:ncurves-1] data index i using (pos($1)):2 with lines linewidth 2 " . \
	"linecolor i+1 title columnheader(1)"
dashed = ", for [j=1:ndrain] data index (ncurves+j-1) using (pos($1)):2 with lines " . \
	"linewidth 1 dashtype 2 linecolor (word(dmap,j)+1) notitle"
keys = ", keyentry with lines linewidth 2 linecolor 'black' title 'solid: every deferred value, teardown included'" . \
	(ndrain > 0 ? ", keyentry with lines linewidth 1 dashtype 2 linecolor 'black' title 'dashed: drained before teardown (drain latency)'" : "")
# an empty `for` still reads its block once in gnuplot 5.4: leave the dashed part out instead
eval solid . (ndrain > 0 ? dashed : "") . keys
