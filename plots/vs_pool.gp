# vs_pool.gp - a metric against the pool size, one line per other swept value (CPU count,
# policy, profile ...).  Used for the fallback rate (log y) and for the p99 drain latency.
# Inputs (-e): data, title, ncurves, logx (1: log2 x axis), xnote (x label remark), ylab,
# what, xmin, xmax (the pool sizes drawn: the x axis ends with the data), target (a line at
# this y; <= 0: none) and tnote (its legend: the value and where it comes from), logy (1:
# log y axis; a value of 0 is drawn at yfloor, a tic labelled "0" a decade below ydecade,
# where the axis's own tics start), answer (pool_pages `defersim size` answered: a vertical
# line; < 0: none) and anote (its legend), out, fmt.
# Data: per line a header "LABEL" metric, then rows: pool_pages value.
if (!exists("fmt")) fmt = 'png'
if (!exists("logx")) logx = 0
if (!exists("logy")) logy = 0
if (!exists("what")) what = ylab
if (!exists("xnote")) xnote = ''
if (!exists("target")) target = -1
if (!exists("tnote")) tnote = ''
if (!exists("answer")) answer = -1
if (!exists("anote") || strlen(anote) == 0) anote = sprintf('size answer: pool_pages = %d', answer)

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
set title what . ' vs pool size' . "\n" . title
set xlabel 'pool_pages (pre-allocated pool pages per pool)' . (strlen(xnote) ? '; ' . xnote : '')
set ylabel ylab . (logy ? ' (log scale)' : '')
if (logx) set logscale x 2
set xrange [xmin:xmax]
set grid
set key outside right top box
if (logy) {
	set logscale y 10
	set format y '%g'
	set yrange [yfloor / 2.0:*]
	set ytics ydecade, 10
	set ytics add ('0' yfloor)
	set arrow from graph 0, first yfloor to graph 1, first yfloor nohead dashtype 3 linecolor 'gray'
	y(v) = v > 0 ? v : yfloor
	zero(v) = v > 0 ? 1/0 : yfloor
} else {
	set yrange [0:*]
	y(v) = v
	zero(v) = 1/0
}
tline(x) = target > 0 ? target : 1/0
shown = answer >= xmin && answer <= xmax && (answer > 0 || !logx)
if (shown) {
	set arrow from first answer, graph 0 to first answer, graph 1 nohead dashtype 4 linewidth 2 linecolor 'dark-green'
}
plot for [i=0:ncurves-1] data index i using 1:(y($2)) with linespoints linewidth 2 pointtype 7 linecolor i+1 title columnheader(1), \
     for [i=0:ncurves-1] data index i using 1:(zero($2)) with points pointtype 6 pointsize 2.2 linewidth 2 linecolor i+1 notitle, \
     (logy ? 1/0 : 1/0) with points pointtype 6 pointsize 2 linecolor 'black' title (logy ? 'open circle: 0 (none), drawn at the "0" tic' : ''), \
     tline(x) with lines dashtype 2 linewidth 2 linecolor 'red' title (target > 0 ? tnote : ''), \
     1/0 with lines dashtype 4 linewidth 2 linecolor 'dark-green' title (shown ? anote : '')
