# vs_pool.gp - a metric against the pool size, one line per other swept value (CPU count,
# policy, profile ...).  Used for the fallback rate and for the p99 drain latency.
# Inputs (-e): data, title, ncurves, logx (1: log2 x axis), xnote (x label remark), ylab,
# what, out, fmt.
# Data: per line a header "LABEL" metric, then rows: pool_pages value.
if (!exists("fmt")) fmt = 'png'
if (!exists("logx")) logx = 0
if (!exists("what")) what = ylab
if (!exists("xnote")) xnote = ''

if (fmt eq 'svg') {
	set terminal svg size 960,600 dynamic noenhanced font 'sans,12'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 960,600 noenhanced font 'sans,10'
	} else {
		set terminal png size 960,600 noenhanced
	}
}
set output out
set title what . ' vs pool size' . "\n" . title
set xlabel 'pool_pages (pre-allocated pool pages per pool)' . (strlen(xnote) ? '; ' . xnote : '')
set ylabel ylab
if (logx) set logscale x 2
set yrange [0:*]
set grid
set key outside right top box
plot for [i=0:ncurves-1] data index i using 1:2 with linespoints linewidth 2 pointtype 7 title columnheader(1)
