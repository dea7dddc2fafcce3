// SPDX-License-Identifier: MIT
/*
 * bench_sim.c - speed and memory of the simulation alone.
 *
 * The stream is SYNTHETIC (no figure in it is measured): tasks exiting one after another
 * (a new one every 30 ms, a few overlapping), each freeing 125000 swap entries back to back
 * as the captures in the spec describe a dying task (consecutive zram indices, an
 * occasional migration, the exit 20-80 ms after the burst), recorded costs 150-350 ns, one
 * task in eight on zswap, sched_switch noise.  A longer stream has more exits, not longer
 * ones: how far a task drifts from its recorded times (and so how far the engine must read
 * ahead) depends on its own burst, not on the trace's length.
 *
 * 1. Throughput: the stream (2M releases by default) is put in memory once; the baseline
 *    pulls every event from an array source and does nothing with it; then ds_sim_run()
 *    (each policy: sync, v2, v3, zsonly) consumes an identical array source.  Events/s and
 *    releases/s of each and the ratio to the baseline measured in the same run are printed.
 * 2. Real traces: each .dat file in traces/ of the source tree (or the files given) is read once
 *    through its binary cache into memory, then baseline and each policy as above (best of 5).
 * 3. lmk64: issue 11's SYNTHETIC 64-CPU trace (`defersim synth lmk -s cpus=64 -s procs=256
 *    -s footprint_mib=64-256 -s window=2000000000`: 31.9 M events, 10.6 M releases),
 *    generated into memory by ds_synth_open() (never a file), then as above; --lmk64-procs
 *    makes it smaller for a quick run.
 * 4. Memory: two child processes replay the stream straight from a generator source (never
 *    in memory) at 1x and 10x length, without check_invariants; their peak RSS is printed.
 *    Streaming means the 10x figure stays close to the 1x one.
 *
 * Usage: bench_sim [--only PARTS] [--policies LIST] [--lmk64-procs N] [RELEASES [TRACE.dat...]]
 * (default 2000000 releases, the .dat files in traces/; --help lists the options).
 * The generator source implements the source vtable (replay/source_impl.h) directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ds_sim.h"
#include "ds_source.h"
#include "ds_synth.h"
#include "source_impl.h"

#define PER_TASK 125000
#define WINDOW 16	/* tasks that can overlap: a burst + exit lasts < WINDOW * 30 ms */
#define NCPUS 8

struct gen_task {
	uint64_t t;		/* time of its next event */
	uint64_t left;		/* releases still to make */
	uint64_t index;
	int32_t pid;
	uint16_t cpu;
	bool zswap;
	bool done;
};

/* The generator: task states and a switch-noise clock, merged by time. */
struct gen_source {
	struct ds_source base;
	GRand *rng;
	struct gen_task *task;
	size_t ntasks;
	size_t lo;		/* first task not done */
	uint64_t next_switch;
};

/* Only WINDOW tasks from the first unfinished one can have the earliest event. */
static int gen_pick(struct gen_source *g)
{
	int best = -1;

	while (g->lo < g->ntasks && g->task[g->lo].done)
		g->lo++;
	for (size_t i = g->lo; i < g->ntasks && i < g->lo + WINDOW; i++)
		if (!g->task[i].done && (best < 0 || g->task[i].t < g->task[best].t))
			best = (int)i;
	return best;
}

static int gen_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct gen_source *g = (struct gen_source *)src;
	int i = gen_pick(g);
	struct gen_task *t;
	uint64_t cost;

	(void)error;
	if (i < 0)
		return 0;
	t = &g->task[i];
	if (g->next_switch < t->t) {
		*ev = (struct ds_event){ .ts = g->next_switch, .type = DS_EV_SWITCH,
			.cpu = (uint16_t)g_rand_int_range(g->rng, 0, NCPUS),
			.pid = g_rand_boolean(g->rng) ? 0 : 7000 + g_rand_int_range(g->rng, 0, 9) };
		g->next_switch += (uint64_t)g_rand_int_range(g->rng, 20000, 200000);
		return 1;
	}
	if (!t->left) {
		*ev = (struct ds_event){ .ts = t->t, .pid = t->pid, .cpu = t->cpu,
					 .type = DS_EV_EXIT };
		t->done = true;
		return 1;
	}
	cost = 150 + (uint64_t)g_rand_int_range(g->rng, 0, 200);
	*ev = (struct ds_event){ .ts = t->t, .value = t->index, .aux = cost, .pid = t->pid,
		.cpu = t->cpu, .type = DS_EV_RELEASE,
		.flags = DS_EVF_DURATION | (t->zswap ? DS_EVF_ZSWAP : 0) };
	t->index += g_rand_int_range(g->rng, 0, 500) ? 1 : 1000;	/* 99.8% consecutive */
	t->t += cost + 200 + (uint64_t)g_rand_int_range(g->rng, 0, 1300);
	if (!g_rand_int_range(g->rng, 0, 5000))
		t->cpu = (uint16_t)g_rand_int_range(g->rng, 0, NCPUS);	/* migrates */
	if (!--t->left)
		t->t += 20000000 + (uint64_t)g_rand_int_range(g->rng, 0, 60000000);
	return 1;
}

static void gen_close(struct ds_source *src)
{
	struct gen_source *g = (struct gen_source *)src;

	g_rand_free(g->rng);
	g_free(g->task);
	g_free(g);
}

static const struct ds_source_ops gen_ops = { .next = gen_next, .close = gen_close };

static struct ds_source *gen_new(uint64_t releases, guint32 seed)
{
	struct gen_source *g = g_new0(struct gen_source, 1);

	g->base.ops = &gen_ops;
	g->rng = g_rand_new_with_seed(seed);
	g->ntasks = (releases + PER_TASK - 1) / PER_TASK;
	g->task = g_new0(struct gen_task, g->ntasks);
	for (size_t i = 0; i < g->ntasks; i++) {
		struct gen_task *t = &g->task[i];

		t->pid = 2000 + (int32_t)i;
		t->cpu = (uint16_t)(i % NCPUS);
		t->zswap = i % 8 == 7;
		t->index = (uint64_t)i << 32;
		t->left = MIN(PER_TASK, releases - i * PER_TASK);
		/* staggered starts: a new exit every ~30 ms */
		t->t = (uint64_t)i * 30000000 + (uint64_t)g_rand_int_range(g->rng, 0, 1000000);
	}
	return &g->base;
}

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

/* CPU time of this process (user + system), s: a figure less bent than wall time by other
 * jobs on the machine (still not immune: they share its caches) */
static double cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ds_results *run_sim(const char *policy, struct ds_source *src,
				  unsigned int ncpus)
{
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p;
	GError *error = NULL;
	struct ds_results *r;

	ds_params_init(&p);
	ds_params_set(&p, "policy", policy, NULL);
	r = ds_sim_run(&p, prof, src, ncpus, &error);
	if (!r) {
		fprintf(stderr, "bench_sim: %s\n", error->message);
		exit(1);
	}
	ds_profile_free(prof);
	return r;
}

/* Best of @reps: pulling every event of @evs from an array source, doing nothing. */
static double time_baseline(const GArray *evs, int reps)
{
	double best = G_MAXDOUBLE;
	uint64_t sum = 0;
	struct ds_event ev;

	for (int i = 0; i < reps; i++) {
		struct ds_source *src = ds_source_new_array(
			(const struct ds_event *)(void *)evs->data, evs->len);
		double t0 = now_s();

		while (ds_source_next(src, &ev, NULL) > 0)
			sum += ev.ts ^ ev.value;
		best = MIN(best, now_s() - t0);
		ds_source_close(src);
	}
	if (sum == 42)
		printf("(checksum)\n");	/* keeps the loop from being optimised away */
	return best;
}

/* Best of @reps: ds_sim_run() on an array source over @evs (its CPU time: *@cpu). */
static double time_sim(const GArray *evs, const char *policy, unsigned int ncpus, int reps,
		       uint64_t *fallbacks, double *cpu)
{
	double best = G_MAXDOUBLE;

	*cpu = G_MAXDOUBLE;
	for (int i = 0; i < reps; i++) {
		struct ds_source *src = ds_source_new_array(
			(const struct ds_event *)(void *)evs->data, evs->len);
		double t0 = now_s(), c0 = cpu_s();
		struct ds_results *r = run_sim(policy, src, ncpus);

		*cpu = MIN(*cpu, cpu_s() - c0);
		best = MIN(best, now_s() - t0);
		*fallbacks = r->be[DS_BE_ZRAM].fallbacks + r->be[DS_BE_ZSWAP].fallbacks;
		ds_results_free(r);
		ds_source_close(src);
	}
	return best;
}

/* Releases in @evs: the unit (an engine's work follows them, not the other events). */
static uint64_t count_releases(const GArray *evs)
{
	const struct ds_event *ev = (const struct ds_event *)(void *)evs->data;
	uint64_t n = 0;

	for (guint i = 0; i < evs->len; i++)
		n += ev[i].type == DS_EV_RELEASE;
	return n;
}

static void report_throughput(const GArray *evs, unsigned int ncpus, int reps,
			      char **policies)
{
	double base = time_baseline(evs, reps);
	uint64_t rel = count_releases(evs);

	printf("  baseline (pull every event, no work): %.4f s, %.1f M events/s\n", base,
	       evs->len / base / 1e6);
	for (size_t i = 0; policies[i]; i++) {
		uint64_t fb = 0;
		double cpu;
		double sim = time_sim(evs, policies[i], ncpus, reps, &fb, &cpu);

		printf("  sim %-6s: %.4f s, %.2f M events/s, %.2f M releases/s = %.1fx the "
		       "baseline's time (fallbacks %" G_GUINT64_FORMAT "; CPU time %.4f s: %.2f M "
		       "releases/s)\n", policies[i], sim, evs->len / sim / 1e6, rel / sim / 1e6,
		       sim / base, fb, cpu, cpu > 0 ? rel / cpu / 1e6 : 0.0);
	}
}

static void bench_synthetic(uint64_t releases, int reps, char **policies)
{
	struct ds_source *gen = gen_new(releases, 1);
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_event ev;

	while (ds_source_next(gen, &ev, NULL) > 0)
		g_array_append_val(evs, ev);
	ds_source_close(gen);
	printf("synthetic stream: %u events (%" G_GUINT64_FORMAT " releases), in memory, "
	       "%d CPUs\n", evs->len, releases, NCPUS);
	report_throughput(evs, NCPUS, reps, policies);
	g_array_free(evs, TRUE);
}

/*
 * The 64-CPU trace: `defersim synth lmk -s cpus=64 -s procs=256 -s
 * footprint_mib=64-256 -s window=2000000000` (SYNTHETIC: 31.9 M events, 10.6 M releases),
 * generated straight into memory (ds_synth_open(): the same events as its .dsev or
 * trace.dat, no file).  @procs scales it for a quick run: the kill window scales with it,
 * so the density of releases (what the engine's queues hold at once) stays the issue's.
 */
static void bench_lmk64(unsigned int procs, int reps, char **policies)
{
	g_autofree char *nprocs = g_strdup_printf("%u", procs);
	g_autofree char *window = g_strdup_printf("%" G_GUINT64_FORMAT,
						  (uint64_t)2000000000 * procs / 256);
	struct ds_synth_params sp;
	GError *error = NULL;
	struct ds_source *src;
	GArray *evs;
	struct ds_event ev;
	double t0 = now_s();

	if (!ds_synth_params_init(&sp, "lmk", &error) ||
	    !ds_synth_params_set(&sp, "cpus", "64", &error) ||
	    !ds_synth_params_set(&sp, "procs", nprocs, &error) ||
	    !ds_synth_params_set(&sp, "footprint_mib", "64-256", &error) ||
	    !ds_synth_params_set(&sp, "window", window, &error) ||
	    !(src = ds_synth_open(&sp, &error))) {
		fprintf(stderr, "bench_sim: lmk64: %s\n", error->message);
		exit(1);
	}
	evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	while (ds_source_next(src, &ev, NULL) > 0)
		g_array_append_val(evs, ev);
	ds_source_close(src);
	printf("lmk64 (SYNTHETIC: defersim synth lmk -s cpus=64 -s procs=%u -s "
	       "footprint_mib=64-256 -s window=%s): %u events, %" G_GUINT64_FORMAT " releases, "
	       "64 CPUs, generated into memory in %.1f s (best of %d)\n", procs, window,
	       evs->len, count_releases(evs), now_s() - t0, reps);
	report_throughput(evs, 64, reps, policies);
	g_array_free(evs, TRUE);
}

static void bench_trace(const char *path, int reps, char **policies)
{
	struct ds_trace_opts opts = { .use_cache = TRUE };
	GError *error = NULL;
	struct ds_source *src = ds_source_open_trace(path, &opts, &error);
	GArray *evs;
	struct ds_event ev;
	unsigned int ncpus;
	int rc;

	if (!src) {
		printf("trace %s: skipped (%s)\n", path, error->message);
		g_error_free(error);
		return;
	}
	evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	while ((rc = ds_source_next(src, &ev, &error)) > 0)
		g_array_append_val(evs, ev);
	ncpus = ds_source_info(src)->ncpus;
	ds_source_close(src);
	if (rc < 0) {
		printf("trace %s: skipped (%s)\n", path, error->message);
		g_error_free(error);
	} else {
		printf("trace %s: %u events, %u CPUs, in memory (best of %d)\n", path, evs->len,
		       ncpus, reps);
		report_throughput(evs, ncpus, reps, policies);
	}
	g_array_free(evs, TRUE);
}

static gint path_cmp(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

static void bench_traces(int argc, char **argv, int reps, char **policies)
{
	g_autofree char *dir = g_build_filename(DS_SOURCE_ROOT, "traces", NULL);
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GDir *d;
	const char *name;

	for (int i = 2; i < argc; i++)
		g_ptr_array_add(files, g_strdup(argv[i]));
	if (argc <= 2 && (d = g_dir_open(dir, 0, NULL))) {
		while ((name = g_dir_read_name(d)))
			if (g_str_has_suffix(name, ".dat"))
				g_ptr_array_add(files, g_build_filename(dir, name, NULL));
		g_dir_close(d);
	}
	g_ptr_array_sort(files, path_cmp);
	for (guint i = 0; i < files->len; i++)
		bench_trace(g_ptr_array_index(files, i), reps, policies);
	g_ptr_array_free(files, TRUE);
}

/* Peak RSS (KiB) of a child replaying @releases straight from the generator. */
static long child_rss(uint64_t releases, double *secs)
{
	struct rusage ru;
	int status;
	double t0 = now_s();
	pid_t pid = fork();

	if (pid == 0) {
		struct ds_source *gen = gen_new(releases, 1);
		struct ds_results *r = run_sim("v3", gen, NCPUS);

		ds_results_free(r);
		ds_source_close(gen);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "bench_sim: child failed\n");
		exit(1);
	}
	*secs = now_s() - t0;
	return ru.ru_maxrss;
}

/* What to run: everything by default (meson test --benchmark sim). */
struct bench_opts {
	char *policies;
	char *only;
	int reps;
	int big_reps;
	int lmk64_procs;
};

static gboolean want(const struct bench_opts *o, const char *part)
{
	g_auto(GStrv) parts = o->only ? g_strsplit(o->only, ",", -1) : NULL;

	return !parts || g_strv_contains((const char *const *)parts, part);
}

static void parse_opts(int *argc, char ***argv, struct bench_opts *o)
{
	const GOptionEntry entries[] = {
		{ "policies", 'p', 0, G_OPTION_ARG_STRING, &o->policies,
		  "Policies to time, comma-separated (default sync,v2,v3,zsonly)", "LIST" },
		{ "only", 0, 0, G_OPTION_ARG_STRING, &o->only,
		  "Parts to run, comma-separated: synthetic, traces, lmk64, memory (default all)",
		  "LIST" },
		{ "reps", 'r', 0, G_OPTION_ARG_INT, &o->reps,
		  "Best of N runs for the bundled traces (default 5)", "N" },
		{ "big-reps", 0, 0, G_OPTION_ARG_INT, &o->big_reps,
		  "Best of N runs for the synthetic and lmk64 streams (default 1)", "N" },
		{ "lmk64-procs", 0, 0, G_OPTION_ARG_INT, &o->lmk64_procs,
		  "Processes of the 64-CPU LMK stream (default 256: the issue's 10.6 M releases; "
		  "fewer for a quick run)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[RELEASES [TRACE.dat...]]");
	GError *error = NULL;

	g_option_context_set_summary(ctx, "Simulation speed (events/s, releases/s) against "
				     "pulling the same in-memory events, and peak RSS at 1x/10x "
				     "length (bench/README.md).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		fprintf(stderr, "bench_sim: %s\n", error->message);
		exit(2);
	}
	if (o->reps < 1 || o->big_reps < 1 || o->lmk64_procs < 1) {
		fprintf(stderr, "bench_sim: --reps, --big-reps and --lmk64-procs must be >= 1\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 5, .big_reps = 1, .lmk64_procs = 256 };
	g_auto(GStrv) policies = NULL;
	uint64_t releases;
	double s1, s10;
	long rss1, rss10;

	parse_opts(&argc, &argv, &o);
	releases = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 2000000;
	if (!releases) {
		fprintf(stderr, "usage: bench_sim [OPTION...] [RELEASES [TRACE.dat...]]\n");
		return 2;
	}
	policies = g_strsplit(o.policies ? o.policies : "sync,v2,v3,zsonly", ",", -1);
	if (want(&o, "synthetic"))
		bench_synthetic(releases, o.big_reps, policies);
	if (want(&o, "traces"))
		bench_traces(argc, argv, o.reps, policies);
	if (want(&o, "lmk64"))
		bench_lmk64((unsigned int)o.lmk64_procs, o.big_reps, policies);
	if (!want(&o, "memory"))
		return 0;
	rss1 = child_rss(releases, &s1);
	rss10 = child_rss(releases * 10, &s10);
	printf("memory (v3, streamed from a generator, no ledger): peak RSS %.1f MiB for 1x "
	       "(%.1f s), %.1f MiB for 10x (%.1f s): ratio %.2f\n", rss1 / 1024.0, s1,
	       rss10 / 1024.0, s10, (double)rss10 / (double)rss1);
	return 0;
}
