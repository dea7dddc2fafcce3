# hotpath.gp - time each task spent releasing swap entries: sync (mainline) vs the policy.
# Inputs (-e): data, title, policy, out, fmt.
# Data: header "pid sync_ms policy_ms", then one row per task (largest sync time first).
if (!exists("fmt")) fmt = 'png'
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
set title 'Exit hot-path time per task: sync vs ' . policy . "\n" . title
set xlabel 'task (pid)'
set ylabel 'time releasing swap entries (ms, log scale)'
set logscale y 10
stats data using 2 nooutput
set xrange [-0.6:STATS_records - 0.4]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -45
set grid ytics
set key outside right top box
plot data using 2:xtic(1) title 'sync (mainline)', '' using 3 title policy
