# timeseries.gp - one run's pool over time: free pool pages, queued full pages (left axis)
# and values pending in buffers (right axis).
# Inputs (-e): data, title, backend, out, fmt.
# Data: header "t_s pool_free queued_pages pending_values", then one row per sample.
if (!exists("fmt")) fmt = 'png'
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
set title 'Pool and pending values over time (' . backend . ')' . "\n" . title
set xlabel 'time since the first replayed event (s)'
set ylabel 'pages'
set y2label 'values pending (pushed, not yet freed)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
set key top right box opaque
plot data using 1:2 with steps linewidth 2 title 'free pool pages', \
     data using 1:3 with steps linewidth 2 title 'queued full pages', \
     data using 1:4 axes x1y2 with steps linewidth 1 title 'values pending'
