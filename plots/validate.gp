# validate.gp - a validation suite: the model's time beside the measured one per point, the
# measured run-to-run range as error bars (defersim validate --plot DIR).
# Inputs (-e): data, out, title.
# Data: index measured_ms min_ms max_ms model_ms "name" per line.
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
	set terminal pngcairo size 1100,600 noenhanced font 'sans,10'
} else {
	set terminal png size 1100,600 noenhanced
}
set output out
set title 'model vs measured: ' . title
set ylabel 'time (ms)'
set xtics rotate by -30 left
set yrange [0:*]
set grid ytics
set key outside right top box
set offsets 0.5, 0.5, 0, 0
plot data using 1:2:3:4:xticlabels(6) with yerrorbars pointtype 7 pointsize 1.2 linewidth 2 title 'measured (mean, min-max)', \
     data using 1:5 with points pointtype 5 pointsize 1.4 title 'model'
