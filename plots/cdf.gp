# cdf.gp - drain-latency CDF: how long deferred values waited between push and free.
# One curve per run (a block of `data`).  Inputs (-e): data, title, ncurves, out, fmt.
# Data: per curve a header line "LABEL" fraction, then rows: latency_us fraction.
# By hand: gnuplot -e "data='cdf.dat'; title='t'; ncurves=2; out='cdf.png'; fmt='png'" cdf.gp
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
set title 'Drain latency CDF (push to free of deferred values)' . "\n" . title
set xlabel 'drain latency (us, log scale)'
set ylabel 'fraction of deferred values'
set logscale x 10
set yrange [0:1.02]
set grid xtics ytics mxtics
set key bottom right box opaque
plot for [i=0:ncurves-1] data index i using 1:2 with lines linewidth 2 title columnheader(1)
