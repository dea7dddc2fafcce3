# timeseries.gp - one run's pool over time: free pool pages and queued full pages (left
# axis), values pending in buffers (right axis), and a mark per sample at which the count of
# fallbacks had risen (the fallbacks happened since the sample before it).
# Inputs (-e): data, title, backend, xmin, xmax (first and last sample: the x axis ends with
# the data), ymax (largest page count, or the pool size), y2max (largest pending count),
# nmarks (samples with new fallbacks), nfallbacks (in all), pool (pool_pages, a dotted line;
# < 0: not known), out, fmt.
# Data: block 0, header "# t_s pool_free queued_pages pending_values fallbacks", a row per
# sample; block 1 (when nmarks > 0): "t_s new_fallbacks fallbacks" per sample with new ones.
if (!exists("fmt")) fmt = 'png'
if (!exists("pool")) pool = -1
if (!exists("nmarks")) nmarks = 0
if (fmt eq 'svg') {
	set terminal svg size 1100,640 dynamic noenhanced font 'sans,12'
} else {
	if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
		set terminal pngcairo size 1100,640 noenhanced font 'sans,10'
	} else {
		set terminal png size 1100,640 noenhanced
	}
}
set output out
set title 'Pool, pending values and fallbacks over time (' . backend . ')' . "\n" . title
set xlabel 'time since the first replayed event (s)'
set ylabel 'pages'
set y2label 'values pending (pushed, not yet freed)'
set ytics nomirror
set y2tics
set xrange [xmin:xmax]
# headroom above the curves for the row of fallback marks
top = (ymax > 0 ? ymax : 1) * 1.25
mark_y = (ymax > 0 ? ymax : 1) * 1.12
set yrange [0:top]
set y2range [0:(y2max > 0 ? y2max : 1) * 1.25]
set grid
set key outside below center horizontal box
if (pool >= 0) {
	set arrow from graph 0, first pool to graph 1, first pool nohead dashtype 3 linewidth 2 linecolor 'gray40'
}
curves = "plot data index 0 using 1:2 with steps linewidth 2 linecolor 1 title 'free pool pages', " . \
	"data index 0 using 1:3 with steps linewidth 2 linecolor 2 title 'queued full pages', " . \
	"data index 0 using 1:4 axes x1y2 with steps linewidth 1 linecolor 3 title 'values pending (right axis)'"
poolkey = pool >= 0 ? sprintf(", keyentry with lines dashtype 3 linewidth 2 linecolor 'gray40' title 'pool size (pool_pages = %d)'", pool) : ""
marks = nmarks > 0 ? \
	sprintf(", data index 1 using 1:(mark_y) with points pointtype 11 pointsize 1.2 linecolor 'red' title 'fallbacks since the sample before (%d in all)'", nfallbacks) : \
	", keyentry with points pointtype 11 linecolor 'red' title 'no fallback'"
# a plot element for an empty block makes gnuplot warn: the marks are only read when there are some
eval curves . poolkey . marks
