// SPDX-License-Identifier: MIT
/*
 * bench_ingest.c - how fast defersim reads a trace, beside a baseline measured in the same
 * run, and whether its memory grows with trace length.
 *
 * For each trace, in a forked child each (so that peak RSS belongs to one measurement):
 *   baseline  tracecmd_iterate_events() over the file, counting records, nothing else
 *   reader    ds_source_open_trace() without cache, pulling every event
 *   reader-lib  the same with DS_TEST_DECODE_LIBTRACECMD=1: every record read through
 *             libtracecmd (tracecmd_read_data), not the page decoder (replay/pagedec.h)
 *   cache-w   the same with the cache on and empty: reads the trace and writes the cache
 *   cache     ds_source_open_trace() again: served from the cache
 * (--modes picks some) and prints records/s or events/s, the time ratio to the baseline, the
 * CPU time (user + system, the reader children's included: what it costs the machine; split
 * into the main thread, the process's other threads and the children: on 2 cores the read
 * cannot take less than max(main, total / 2)), peak RSS (getrusage;
 * it includes the file pages libtracecmd mmaps) and the anonymous RSS at the end of the
 * stream (the heap: what would grow if anything were kept per event).
 * Traces: the arguments; with none, every traces/NAME.dat, two synthetic traces made by
 * tests/replay/mkfixture --big (N and 10 N releases; its path in DS_MKFIXTURE), and the
 * SYNTHETIC 64-CPU LMK trace of issue 11 made by `defersim synth lmk` (its path in
 * DS_DEFERSIM; --lmk64-procs sets its size: the default 256 processes give 31.9 M records,
 * 902 MB; 0 leaves it out), generated in a temporary directory and deleted after.
 * Each measurement is the best of --repeat runs (3); the 1-minute load average at the time
 * of the best run is printed beside it (the machine may be shared: read ratios with it).
 *
 * struct measure: what one child reports back through a pipe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <trace-cmd.h>

#include "ds_source.h"

#define REPEAT 3	/* default of --repeat */
#define SYNTH_RELEASES 100000

enum mode { M_BASELINE, M_READER, M_READER_LIB, M_CACHE_WRITE, M_CACHE, M__COUNT };
static const char *const mode_names[M__COUNT] = { "baseline", "reader", "reader-lib", "cache-w",
						  "cache" };

struct measure {
	int ok;
	double seconds;
	uint64_t items;
	long maxrss_kb;
	long anon_kb;		/* anonymous RSS at the end of the stream, before closing */
	double load;		/* 1-minute load average when it ended */
	double cpu;		/* user + system seconds, its reader children's included */
	double cpu_main;	/* of the thread that pulls the events (the merge, pairing) */
	double cpu_threads;	/* of the process's other threads (the hash and page walk) */
	double cpu_children;	/* of the reader children */
};

static double ru_seconds(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

static double load_avg(void)
{
	g_autofree char *text = NULL;

	return g_file_get_contents("/proc/loadavg", &text, NULL, NULL) ?
	       g_ascii_strtod(text, NULL) : -1;
}

/* RssAnon of /proc/self/status: heap and anonymous maps, not the file pages mmapped. */
static long rss_anon_kb(void)
{
	g_autofree char *text = NULL;
	const char *p;

	if (!g_file_get_contents("/proc/self/status", &text, NULL, NULL) ||
	    !(p = strstr(text, "RssAnon:")))
		return -1;
	return strtol(p + 8, NULL, 10);
}

static int count_record(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	(void)h;
	(void)r;
	(void)cpu;
	(*(uint64_t *)data)++;
	return 0;
}

static int run_baseline(const char *path, uint64_t *n, long *anon)
{
	struct tracecmd_input *h;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!h)
		return -1;
	*n = 0;
	tracecmd_iterate_events(h, NULL, 0, count_record, n);
	*anon = rss_anon_kb();
	tracecmd_close(h);
	return 0;
}

static int run_reader(const char *path, const struct ds_trace_opts *opts, uint64_t *n,
		      long *anon)
{
	g_autoptr(GError) err = NULL;
	struct ds_source *src = ds_source_open_trace(path, opts, &err);
	struct ds_event ev;
	int r;

	if (!src) {
		fprintf(stderr, "bench_ingest: %s\n", err->message);
		return -1;
	}
	*n = 0;
	while ((r = ds_source_next(src, &ev, &err)) > 0)
		(*n)++;
	if (r < 0)
		fprintf(stderr, "bench_ingest: %s\n", err->message);
	*anon = rss_anon_kb();
	ds_source_close(src);
	return r;
}

/* One measurement in this process (the caller is a fresh child). */
static struct measure measure_here(const char *path, enum mode m, const char *cache_dir)
{
	struct ds_trace_opts opts = { .use_cache = m >= M_CACHE_WRITE, .cache_dir = cache_dir };
	struct measure out = { 0 };
	struct rusage ru;
	gint64 t0 = g_get_monotonic_time();
	int r = m == M_BASELINE ? run_baseline(path, &out.items, &out.anon_kb) :
				  run_reader(path, &opts, &out.items, &out.anon_kb);

	out.seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
	out.ok = r == 0;
	getrusage(RUSAGE_THREAD, &ru);
	out.cpu_main = ru_seconds(&ru);
	getrusage(RUSAGE_SELF, &ru);	/* joined threads included */
	out.maxrss_kb = ru.ru_maxrss;
	out.cpu_threads = ru_seconds(&ru) - out.cpu_main;
	getrusage(RUSAGE_CHILDREN, &ru);	/* the readers, reaped when the source closed */
	out.cpu_children = ru_seconds(&ru);
	out.cpu = out.cpu_main + out.cpu_threads + out.cpu_children;
	return out;
}

static struct measure measure_child(const char *path, enum mode m, const char *cache_dir)
{
	struct measure out = { 0 };
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0)
		return out;
	pid = fork();
	if (pid == 0) {
		if (m == M_READER_LIB)
			g_setenv("DS_TEST_DECODE_LIBTRACECMD", "1", TRUE);
		struct measure res = measure_here(path, m, cache_dir);

		close(fds[0]);
		_exit(write(fds[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &out, sizeof(out)) != sizeof(out))
		out.ok = 0;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	out.load = load_avg();
	return out;
}

static void rm_cache(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		unlink(p);
	}
	if (d)
		g_dir_close(d);
}

/* Which modes run (--modes): a flag per mode. */
struct run_opts {
	int repeat;
	gboolean on[M__COUNT];
};

static void bench_trace(const char *path, const char *label, const char *cache_dir,
			const struct run_opts *ro)
{
	struct measure best[M__COUNT];
	int repeat = ro->repeat;

	rm_cache(cache_dir);
	for (int m = 0; m < M__COUNT; m++) {
		best[m] = (struct measure){ 0 };
		/* the cache mode reads what cache-w wrote: that runs (once) if it is not listed */
		if (!ro->on[m] && !(m == M_CACHE_WRITE && ro->on[M_CACHE]))
			continue;
		for (int rep = 0; rep < (ro->on[m] ? repeat : 1); rep++) {
			if (m == M_CACHE_WRITE)
				rm_cache(cache_dir);
			struct measure x = measure_child(path, (enum mode)m, cache_dir);

			if (!x.ok) {
				printf("%-28s %-10s FAILED\n", label, mode_names[m]);
				return;
			}
			if (!rep || x.seconds < best[m].seconds)
				best[m] = x;
		}
	}
	for (int m = 0; m < M__COUNT; m++) {
		const struct measure *x = &best[m];

		if (!ro->on[m])
			continue;
		printf("%-28s %-10s %10" G_GUINT64_FORMAT " %-7s %8.3f s %12.0f /s  time x%5.2f "
		       "baseline (speed-up %5.2f)  cpu %7.3f s (main %.3f, threads %.3f, readers %.3f)  "
		       "peak RSS %7ld KiB  anon RSS %7ld KiB  load %.2f\n", label, mode_names[m],
		       x->items, m == M_BASELINE ? "records" : "events", x->seconds,
		       (double)x->items / x->seconds, x->seconds / best[M_BASELINE].seconds,
		       best[M_BASELINE].seconds / x->seconds, x->cpu, x->cpu_main, x->cpu_threads,
		       x->cpu_children, x->maxrss_kb, x->anon_kb, x->load);
	}
}

static gboolean make_synthetic(const char *out, unsigned int releases)
{
	const char *gen = g_getenv("DS_MKFIXTURE");	/* set by bench/meson.build */
	g_autofree char *n = g_strdup_printf("%u", releases);
	const char *argv[] = { gen ? gen : "mkfixture", "--big", n, out, NULL };
	int status;

	return g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			    &status, NULL) && g_spawn_check_wait_status(status, NULL);
}

/* The 64-CPU LMK trace (synthetic), of @procs killed processes (issue 11: 256). */
static gboolean make_lmk64(const char *out, int procs)
{
	const char *gen = g_getenv("DS_DEFERSIM");	/* set by bench/meson.build */
	g_autofree char *nprocs = g_strdup_printf("procs=%d", procs);
	const char *argv[] = { gen ? gen : "defersim", "synth", "lmk", "-q", "-s", "cpus=64",
			       "-s", nprocs, "-s", "footprint_mib=64-256", "-s",
			       "window=2000000000", "-o", out, NULL };
	int status;

	return g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			    &status, NULL) && g_spawn_check_wait_status(status, NULL);
}

static void bench_lmk64(const char *tmp, const char *cache_dir, int procs,
			const struct run_opts *ro)
{
	g_autofree char *p = g_build_filename(tmp, "lmk64.dat", NULL);
	g_autofree char *label = g_strdup_printf("synthetic lmk 64 CPUs %d procs", procs);

	if (procs <= 0)
		return;
	if (!make_lmk64(p, procs)) {
		printf("%-28s cannot generate (needs defersim and trace-cmd)\n", label);
		return;
	}
	bench_trace(p, label, cache_dir, ro);
	unlink(p);
}

static gboolean parse_modes(const char *list, struct run_opts *ro, GError **error)
{
	g_auto(GStrv) names = g_strsplit(list ? list : "baseline,reader,cache-w,cache", ",", -1);

	for (char **n = names; *n; n++) {
		int m = 0;

		while (m < M__COUNT && strcmp(*n, mode_names[m]))
			m++;
		if (m == M__COUNT) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--modes: no mode "
				    "\"%s\" (baseline, reader, reader-lib, cache-w, cache)", *n);
			return FALSE;
		}
		ro->on[m] = TRUE;
	}
	return TRUE;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	int procs = 256, repeat = REPEAT;
	g_autofree char *modes = NULL;
	struct run_opts ro = { 0 };
	GOptionEntry entries[] = {
		{ "modes", 0, 0, G_OPTION_ARG_STRING, &modes, "Modes to run, comma-separated (default "
		  "baseline,reader,cache-w,cache; also reader-lib; a ratio needs the baseline)", "LIST" },
		{ "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs of each measurement, the best "
		  "kept (default 3)", "N" },
		{ "lmk64-procs", 0, 0, G_OPTION_ARG_INT, &procs, "Processes of the generated 64-CPU "
		  "LMK trace (default 256: 31.9 M records, 902 MB; 0: none)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[TRACE.dat...]");

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || !parse_modes(modes, &ro, &err)) {
		fprintf(stderr, "bench_ingest: %s\n", err->message);
		return 2;
	}
	repeat = MAX(repeat, 1);
	ro.repeat = repeat;
	g_autofree char *tmp = g_dir_make_tmp("ds-bench-ingest-XXXXXX", &err);
	g_autofree char *cache_dir = tmp ? g_build_filename(tmp, "cache", NULL) : NULL;

	if (!tmp) {
		fprintf(stderr, "bench_ingest: %s\n", err->message);
		return 1;
	}
	g_mkdir_with_parents(cache_dir, 0755);
	printf("bench_ingest: best of %d; time ratio = seconds / baseline seconds, speed-up = its "
	       "inverse (baseline: tracecmd_iterate_events counting records); %u cores\n", repeat,
	       g_get_num_processors());
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			bench_trace(argv[i], argv[i], cache_dir, &ro);
	} else {
		const char *root = g_getenv("DS_SOURCE_ROOT");
		g_autofree char *tdir = g_build_filename(root ? root : ".", "traces", NULL);
		GDir *d = g_dir_open(tdir, 0, NULL);
		const char *name;

		while (d && (name = g_dir_read_name(d))) {
			if (!g_str_has_suffix(name, ".dat"))
				continue;
			g_autofree char *p = g_build_filename(tdir, name, NULL);

			bench_trace(p, name, cache_dir, &ro);
		}
		if (d)
			g_dir_close(d);
		for (unsigned int k = 1; k <= 10; k *= 10) {
			g_autofree char *p = g_strdup_printf("%s/synthetic-%ux.dat", tmp, k);
			g_autofree char *label = g_strdup_printf("synthetic %u releases", k * SYNTH_RELEASES);

			if (!make_synthetic(p, k * SYNTH_RELEASES)) {
				printf("%-28s cannot generate (needs tests/replay/mkfixture and trace-cmd)\n", label);
				continue;
			}
			bench_trace(p, label, cache_dir, &ro);
			unlink(p);
		}
		bench_lmk64(tmp, cache_dir, procs, &ro);
	}
	rm_cache(cache_dir);
	rmdir(cache_dir);
	rmdir(tmp);
	return 0;
}
