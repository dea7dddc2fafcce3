// SPDX-License-Identifier: MIT
/*
 * test_gen.c - the synthetic generator (synth/synth_gen.c, synth_params.c) against its
 * parameters: counts per workload worked out from the parameters, the shape of every call
 * (entry, zs_free inside, return), slot bookkeeping, Poisson statistics within stated
 * bounds, determinism, parameter errors.
 */
#include <math.h>
#include <string.h>

#include "synthtest.h"

#define EV(a, i) (&g_array_index((a), struct ds_event, (i)))

static guint count_type(const GArray *a, unsigned int type)
{
	guint n = 0;

	for (guint i = 0; i < a->len; i++)
		n += EV(a, i)->type == type;
	return n;
}

/* Same seed: the same stream event for event; another seed: another stream. */
static void test_deterministic(void)
{
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		const char *name = ds_synth_workload_name(w);
		struct ds_synth_params p = synthtest_params(name, NULL);
		g_autoptr(GArray) a = NULL, b = NULL, c = NULL;

		if (w == DS_SYNTH_MUNMAP)
			p.size_mib = 4;
		if (w == DS_SYNTH_CHURN || w == DS_SYNTH_POISSON)
			p.duration_ns = 50000000;
		if (w == DS_SYNTH_POISSON)
			p.count = 5000;
		a = synthtest_stream(&p);
		b = synthtest_stream(&p);
		p.seed = 2;
		c = synthtest_stream(&p);
		g_assert_cmpuint(a->len, >, 100);
		g_assert_cmpuint(a->len, ==, b->len);
		g_assert_cmpmem(a->data, a->len * sizeof(struct ds_event), b->data,
				b->len * sizeof(struct ds_event));
		g_assert_true(c->len != a->len ||
			      memcmp(a->data, c->data, a->len * sizeof(struct ds_event)));
	}
}

/* Time order, and within one instant CPU order: the order the trace reader merges in. */
static void test_order(void)
{
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		struct ds_synth_params p = synthtest_params(ds_synth_workload_name(w), "cpus=3",
							    NULL);
		g_autoptr(GArray) a = NULL;

		p.size_mib = 2;
		p.duration_ns = 20000000;
		p.count = 3000;
		a = synthtest_stream(&p);
		for (guint i = 1; i < a->len; i++) {
			const struct ds_event *x = EV(a, i - 1), *y = EV(a, i);

			g_assert_cmpuint(x->ts, <=, y->ts);
			if (x->ts == y->ts)
				g_assert_cmpuint(x->cpu, <=, y->cpu);
			g_assert_cmpuint(y->cpu, <, 3);
			g_assert_cmpuint(y->ts, >=, p.t0_ns);
		}
	}
}

/*
 * Every release of @a carries its duration; its zs_free comes at (1 - share) of it and its
 * return at its end, with the same pid, CPU and value, before the pid's next release.
 */
static void check_calls(const GArray *a, double share, bool zswap)
{
	GHashTable *open = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	guint ends = 0;

	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);
		struct ds_event *o = g_hash_table_lookup(open, GINT_TO_POINTER(e->pid));

		if (e->type == DS_EV_RELEASE) {
			g_assert_null(o);
			g_assert_true(e->flags & DS_EVF_DURATION);
			g_assert_cmpint(!!(e->flags & DS_EVF_ZSWAP), ==, zswap);
			g_assert_cmpuint(e->aux, >=, 1);
			g_hash_table_insert(open, GINT_TO_POINTER(e->pid), g_memdup2(e, sizeof(*e)));
		} else if (e->type == DS_EV_ZS_FREE) {
			g_assert_nonnull(o);
			g_assert_cmpuint(e->ts, ==, o->ts + (uint64_t)llround((1 - share) * o->aux));
			g_assert_cmpuint(e->cpu, ==, o->cpu);
		} else if (e->type == DS_EV_RELEASE_END) {
			g_assert_nonnull(o);
			g_assert_cmpuint(e->ts, ==, o->ts + o->aux);
			g_assert_cmpuint(e->aux, ==, o->aux);
			g_assert_cmpuint(e->value, ==, o->value);
			g_assert_cmpuint(e->cpu, ==, o->cpu);
			g_assert_cmpint(!!(e->flags & DS_EVF_ZSWAP), ==, zswap);
			g_hash_table_remove(open, GINT_TO_POINTER(e->pid));
			ends++;
		}
	}
	g_assert_cmpuint(g_hash_table_size(open), ==, 0);
	g_assert_cmpuint(ends, ==, count_type(a, DS_EV_RELEASE));
	g_hash_table_destroy(open);
}

static gint cmp_u64(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * munmap, 3 processes x 2 MiB on 2 CPUs, fixed cost 500 and gap 100: 3 * 2 * 256 = 1536
 * releases, 512 per pid, each pid's indices one contiguous range, the next release 600 ns
 * after the previous one, 3 exits each after its pid's last release; the third process
 * shares CPU 0 with the first and starts after the first one's exit.
 */
static void test_munmap(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "procs=3", "size_mib=2", "cpus=2",
						    "cost=fixed:500", "gap=fixed:100", "seq=0.99",
						    "exit_delay=fixed:1ms", "wq_items=0", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GHashTable) last = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	g_autoptr(GHashTable) idx = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
							   (GDestroyNotify)g_array_unref);
	uint64_t exit_1000 = 0, first_1002 = 0, steps = 0, plus1 = 0;

	g_assert_cmpuint(count_type(a, DS_EV_RELEASE), ==, 3 * 2 * 256);
	g_assert_cmpuint(count_type(a, DS_EV_EXIT), ==, 3);
	check_calls(a, 0.7, false);
	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);
		struct ds_event *prev = g_hash_table_lookup(last, GINT_TO_POINTER(e->pid));
		GArray *ix = g_hash_table_lookup(idx, GINT_TO_POINTER(e->pid));

		if (e->type == DS_EV_EXIT) {
			g_assert_nonnull(prev);
			g_assert_cmpuint(e->ts, ==, prev->ts + 500 + 1000000);
			if (e->pid == 1000)
				exit_1000 = e->ts;
			continue;
		}
		if (e->type != DS_EV_RELEASE)
			continue;
		g_assert_cmpuint(e->aux, ==, 500);
		g_assert_cmpuint(e->cpu, ==, (unsigned int)(e->pid - 1000) % 2);
		if (e->pid == 1002 && !first_1002)
			first_1002 = e->ts;
		if (prev) {
			g_assert_cmpuint(e->ts, ==, prev->ts + 600);
			steps++;
			plus1 += e->value == prev->value + 1;
		}
		if (!ix) {
			ix = g_array_new(FALSE, FALSE, sizeof(uint64_t));
			g_hash_table_insert(idx, GINT_TO_POINTER(e->pid), ix);
		}
		g_array_append_val(ix, e->value);
		g_hash_table_replace(last, GINT_TO_POINTER(e->pid), g_memdup2(e, sizeof(*e)));
	}
	g_assert_cmpuint(first_1002, >=, exit_1000);
	g_assert_cmpuint(g_hash_table_size(idx), ==, 3);
	for (int32_t pid = 1000; pid < 1003; pid++) {
		GArray *ix = g_hash_table_lookup(idx, GINT_TO_POINTER(pid));

		g_assert_cmpuint(ix->len, ==, 512);
		g_array_sort(ix, cmp_u64);
		for (guint k = 1; k < ix->len; k++)
			g_assert_cmpuint(g_array_index(ix, uint64_t, k), ==,
					 g_array_index(ix, uint64_t, 0) + k);
	}
	/* an out-of-order pick breaks at most 3 adjacencies: >= 1 - 3 * 0.01, minus noise */
	g_assert_cmpfloat((double)plus1 / (double)steps, >=, 0.94);
	g_assert_cmpfloat((double)plus1 / (double)steps, <, 1.0);
}

/* seq=1: strictly ascending by one within each process. */
static void test_munmap_sequential(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=1", "seq=1", "cpus=1", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	uint64_t prev = 0;
	guint n = 0;

	for (guint i = 0; i < a->len; i++) {
		if (EV(a, i)->type != DS_EV_RELEASE)
			continue;
		if (n++)
			g_assert_cmpuint(EV(a, i)->value, ==, prev + 1);
		prev = EV(a, i)->value;
	}
	g_assert_cmpuint(n, ==, 256);
}

/*
 * lmk: 6 processes of 1-3 MiB killed within 10 ms on 3 CPUs: 6 exits, each pid's releases a
 * whole number of MiB between 1 and 3, the first process of each CPU starts within the
 * window, a CPU runs one process at a time.
 */
static void test_lmk(void)
{
	struct ds_synth_params p = synthtest_params("lmk", "procs=6", "footprint_mib=1-3",
						    "cpus=3", "window=10ms", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GHashTable) rel = g_hash_table_new(g_direct_hash, g_direct_equal);
	int32_t on_cpu[3] = { 0, 0, 0 };
	bool started[3] = { false, false, false };
	guint total = 0;

	g_assert_cmpuint(count_type(a, DS_EV_EXIT), ==, 6);
	check_calls(a, 0.7, false);
	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);

		if (e->type == DS_EV_SWITCH) {
			if (e->pid) {	/* switched in: the CPU was idle */
				g_assert_cmpint(on_cpu[e->cpu], ==, 0);
				if (!started[e->cpu])
					g_assert_cmpuint(e->ts, <=, p.t0_ns + p.window_ns);
				started[e->cpu] = true;
			} else {
				g_assert_cmpint((int32_t)e->aux, ==, on_cpu[e->cpu]);
			}
			on_cpu[e->cpu] = e->pid;
		} else if (e->type == DS_EV_RELEASE) {
			g_assert_cmpint(e->pid, ==, on_cpu[e->cpu]);
			g_hash_table_insert(rel, GINT_TO_POINTER(e->pid), GUINT_TO_POINTER(
				GPOINTER_TO_UINT(g_hash_table_lookup(rel, GINT_TO_POINTER(e->pid))) + 1));
			total++;
		}
	}
	g_assert_cmpuint(g_hash_table_size(rel), ==, 6);
	for (int32_t pid = 1000; pid < 1006; pid++) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(rel, GINT_TO_POINTER(pid)));

		g_assert_cmpuint(n % 256, ==, 0);
		g_assert_cmpuint(n, >=, 256);
		g_assert_cmpuint(n, <=, 768);
	}
	g_assert_cmpuint(total, ==, count_type(a, DS_EV_RELEASE));
	for (int c = 0; c < 3; c++)
		g_assert_true(started[c]);
}

/*
 * churn, 20000 releases/s and writes/s for 0.5 s: counts are Poisson with mean 10000
 * (standard deviation 100: within 5 of them); a slot is released only while written, written
 * only while free; with reuse=1 every write takes the most recently freed slot (a stack).
 */
static void test_churn(void)
{
	struct ds_synth_params p = synthtest_params("churn", "rate=20000", "write_rate=20000",
						    "duration=500ms", "cpus=2", "slots=1000",
						    "reuse=1", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	guint8 *occupied = g_malloc(1000);
	guint rel = count_type(a, DS_EV_RELEASE), wr = count_type(a, DS_EV_SLOT_WRITE);

	g_assert_cmpfloat(fabs((double)rel - 10000), <, 500);
	g_assert_cmpfloat(fabs((double)wr - 10000), <, 500);
	g_assert_cmpuint(count_type(a, DS_EV_ZS_MALLOC), ==, wr);
	check_calls(a, 0.7, false);
	memset(occupied, 1, 1000);
	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);

		g_assert_cmpuint(e->ts, <=, p.t0_ns + p.duration_ns + 1000000);
		if (e->type == DS_EV_RELEASE) {
			g_assert_cmpuint(e->value, <, 1000);
			g_assert_true(occupied[e->value]);
			occupied[e->value] = 0;
			g_array_append_val(stack, e->value);
		} else if (e->type == DS_EV_SLOT_WRITE) {
			g_assert_false(occupied[e->value]);
			g_assert_cmpuint(stack->len, >, 0);
			g_assert_cmpuint(e->value, ==, g_array_index(stack, uint64_t, stack->len - 1));
			g_array_set_size(stack, stack->len - 1);
			occupied[e->value] = 1;
		}
	}
	g_free(occupied);
}

/*
 * poisson, 100000/s, 20000 releases of fixed cost 1000 ns on 4 CPUs, one pid each exiting
 * when its release returns.  Mean gap 10 us: its estimate has a standard deviation of
 * 10 us / sqrt(20000) = 71 ns (bound: 4 of them); the gaps' CV is 1 with a standard deviation
 * of about 1/sqrt(20000) = 0.007 for exponential gaps (bound 0.04); each CPU gets 5000 +- 61
 * (bound 5 of them).
 */
static void test_poisson(void)
{
	struct ds_synth_params p = synthtest_params("poisson", "rate=100000", "count=20000",
						    "cpus=4", "cost=fixed:1000", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GHashTable) pids = g_hash_table_new(g_direct_hash, g_direct_equal);
	double sum = 0, sumsq = 0, mean, cv;
	guint n = 0, per_cpu[4] = { 0 };
	uint64_t prev = 0;

	g_assert_cmpuint(count_type(a, DS_EV_RELEASE), ==, 20000);
	g_assert_cmpuint(count_type(a, DS_EV_EXIT), ==, 20000);
	check_calls(a, 0, false);
	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);

		if (e->type == DS_EV_EXIT) {
			g_assert_true(g_hash_table_contains(pids, GINT_TO_POINTER(e->pid)));
			continue;
		}
		if (e->type != DS_EV_RELEASE)
			continue;
		g_assert_cmpuint(e->aux, ==, 1000);
		g_assert_false(g_hash_table_contains(pids, GINT_TO_POINTER(e->pid)));
		g_hash_table_add(pids, GINT_TO_POINTER(e->pid));
		per_cpu[e->cpu]++;
		if (n++) {
			double g = (double)(e->ts - prev);

			sum += g;
			sumsq += g * g;
		}
		prev = e->ts;
	}
	mean = sum / (n - 1);
	cv = sqrt(sumsq / (n - 1) - mean * mean) / mean;
	g_assert_cmpfloat(fabs(mean - 10000), <, 4 * 71);
	g_assert_cmpfloat(fabs(cv - 1), <, 0.04);
	for (int c = 0; c < 4; c++)
		g_assert_cmpfloat(fabs(per_cpu[c] - 5000.0), <, 5 * 61.2);
}

/* poisson by duration: 100 ms at 100000/s is Poisson(10000) releases (bound 5 sigma). */
static void test_poisson_duration(void)
{
	struct ds_synth_params p = synthtest_params("poisson", "rate=100000", "count=0",
						    "duration=100ms", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);

	g_assert_cmpfloat(fabs(count_type(a, DS_EV_RELEASE) - 10000.0), <, 500);
}

/* Work items: queue and activate at once, start a fixed 7 us later, end 2 us after that. */
static void test_workqueue(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=8", "wq_items=3",
						    "wq_gap=exp:50us", "wq_wake=fixed:7us",
						    "wq_run=fixed:2us", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);
	g_autoptr(GHashTable) q = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GHashTable) s = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GHashTable) works = g_hash_table_new(g_direct_hash, g_direct_equal);
	guint starts = 0;

	for (guint i = 0; i < a->len; i++) {
		const struct ds_event *e = EV(a, i);
		gpointer w = GSIZE_TO_POINTER((gsize)e->aux);

		switch (e->type) {
		case DS_EV_WQ_QUEUE:
			g_assert_false(g_hash_table_contains(q, w));
			g_hash_table_insert(q, w, GSIZE_TO_POINTER((gsize)e->ts));
			g_hash_table_add(works, w);
			break;
		case DS_EV_WQ_ACTIVATE:
			g_assert_cmpuint((gsize)g_hash_table_lookup(q, w), ==, e->ts);
			break;
		case DS_EV_WQ_START:
			g_assert_cmpuint(e->ts - (gsize)g_hash_table_lookup(q, w), ==, 7000);
			g_hash_table_remove(q, w);
			g_hash_table_insert(s, w, GSIZE_TO_POINTER((gsize)e->ts));
			starts++;
			break;
		case DS_EV_WQ_END:
			g_assert_cmpuint(e->ts - (gsize)g_hash_table_lookup(s, w), ==, 2000);
			g_hash_table_remove(s, w);
			break;
		default:
			break;
		}
	}
	g_assert_cmpuint(g_hash_table_size(works), ==, 3);
	g_assert_cmpuint(starts, ==, count_type(a, DS_EV_WQ_QUEUE));
	g_assert_cmpuint(starts, >, 20);
}

static void test_zswap(void)
{
	struct ds_synth_params p = synthtest_params("lmk", "backend=zswap", "procs=2",
						    "footprint_mib=1", "zs_share=0.5", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);

	g_assert_cmpuint(count_type(a, DS_EV_RELEASE), ==, 512);
	check_calls(a, 0.5, true);
}

/* No returns: releases without duration, nothing else changes in the calls. */
static void test_no_durations(void)
{
	struct ds_synth_params p = synthtest_params("munmap", "size_mib=1", "durations=false",
						    "zs_free=false", "wq_items=0", NULL);
	g_autoptr(GArray) a = synthtest_stream(&p);

	g_assert_cmpuint(count_type(a, DS_EV_RELEASE), ==, 256);
	g_assert_cmpuint(count_type(a, DS_EV_RELEASE_END), ==, 0);
	g_assert_cmpuint(count_type(a, DS_EV_ZS_FREE), ==, 0);
	for (guint i = 0; i < a->len; i++)
		if (EV(a, i)->type == DS_EV_RELEASE)
			g_assert_cmpuint(EV(a, i)->flags & DS_EVF_DURATION, ==, 0);
}

static void expect_param_error(const char *workload, const char *name, const char *value,
			       const char *needle)
{
	struct ds_synth_params p;
	GError *err = NULL;

	g_assert_true(ds_synth_params_init(&p, workload, NULL));
	g_assert_false(ds_synth_params_set(&p, name, value, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	if (!strstr(err->message, needle))
		g_error("'%s' does not contain '%s'", err->message, needle);
	g_error_free(err);
}

static void test_param_errors(void)
{
	struct ds_synth_params p;
	GError *err = NULL;

	g_assert_false(ds_synth_params_init(&p, "oom", &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(err->message, "oom"));
	g_clear_error(&err);
	expect_param_error("munmap", "nosuch", "1", "unknown synth parameter 'nosuch'");
	expect_param_error("munmap", "rate", "1", "does not apply to workload munmap");
	expect_param_error("poisson", "procs", "2", "does not apply to workload poisson");
	expect_param_error("munmap", "cost", "gauss:3", "cost = 'gauss:3'");
	expect_param_error("munmap", "cost", "lognormal:700", "cost = 'lognormal:700'");
	expect_param_error("munmap", "cost", "uniform:9:3", "uniform:MIN:MAX");
	expect_param_error("munmap", "cost", "-5", "cost = '-5'");
	expect_param_error("munmap", "t0", "3 parsecs", "t0 = '3 parsecs'");
	expect_param_error("munmap", "seq", "1.5", "from 0 to 1");
	expect_param_error("churn", "rate", "0", "rate > 0");
	expect_param_error("lmk", "footprint_mib", "9-3", "MIN <= MAX");
	expect_param_error("munmap", "backend", "zfs", "zram or zswap");
	expect_param_error("munmap", "procs", "", "no value");
	g_assert_true(ds_synth_params_init(&p, "munmap", NULL));
	p.cpus = 0;
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(err->message, "cpus"));
	g_clear_error(&err);
	g_assert_null(ds_synth_open(&p, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
	g_clear_error(&err);
	/* runs that would not end, or not fit a pid: refused up front */
	p = synthtest_params("churn", NULL);
	g_assert_true(ds_synth_params_set(&p, "rate", "1e12", NULL));
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_nonnull(strstr(err->message, "10^10 releases"));
	g_clear_error(&err);
	g_assert_true(ds_synth_params_init(&p, "poisson", NULL));
	g_assert_true(ds_synth_params_set(&p, "count", "0", NULL));
	g_assert_true(ds_synth_params_set(&p, "rate", "1e9", NULL));
	g_assert_true(ds_synth_params_set(&p, "duration", "10s", NULL));
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_nonnull(strstr(err->message, "2^30"));
	g_clear_error(&err);
	g_assert_true(ds_synth_params_init(&p, "munmap", NULL));
	g_assert_true(ds_synth_params_set(&p, "wq_gap", "0", NULL));
	g_assert_true(ds_synth_params_set(&p, "wq_wake", "0", NULL));
	g_assert_true(ds_synth_params_set(&p, "wq_run", "0", NULL));
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_nonnull(strstr(err->message, "wq_gap"));
	g_clear_error(&err);
	/* the output grows with the span too: a 1000 s release, or work items cycling 10^9
	 * times over the span, are refused before anything is written */
	g_assert_true(ds_synth_params_init(&p, "munmap", NULL));
	g_assert_true(ds_synth_params_set(&p, "cost", "fixed:1000s", NULL));
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_nonnull(strstr(err->message, "more than 10 s"));
	g_clear_error(&err);
	g_assert_true(ds_synth_params_init(&p, "munmap", NULL));
	g_assert_true(ds_synth_params_set(&p, "cost", "fixed:5s", NULL));
	g_assert_true(ds_synth_params_set(&p, "wq_items", "4096", NULL));
	g_assert_true(ds_synth_params_set(&p, "wq_gap", "fixed:100", NULL));
	g_assert_false(ds_synth_params_validate(&p, &err));
	g_assert_nonnull(strstr(err->message, "10^9 events"));
	g_clear_error(&err);
}

/* Units and distributions parse to what they say. */
static void test_param_values(void)
{
	struct ds_synth_params p = synthtest_params("lmk", "window=1.5ms", "cost=lognormal:2us:0.5",
						    "gap=uniform:1us:3us", "exit_delay=exp:20ms",
						    "footprint_mib=7", "backend=zswap", NULL);

	g_assert_cmpuint(p.window_ns, ==, 1500000);
	g_assert_cmpint(p.cost.kind, ==, DS_SD_LOGNORMAL);
	g_assert_cmpfloat(p.cost.a, ==, 2000);
	g_assert_cmpfloat(p.cost.b, ==, 0.5);
	g_assert_cmpfloat_with_epsilon(ds_synth_dist_mean(&p.cost), 2000 * exp(0.125), 1e-9);
	g_assert_cmpfloat(ds_synth_dist_mean(&p.gap), ==, 2000);
	g_assert_cmpfloat(ds_synth_dist_mean(&p.exit_delay), ==, 20e6);
	g_assert_cmpuint(p.fp_min_mib, ==, 7);
	g_assert_cmpuint(p.fp_max_mib, ==, 7);
	g_assert_true(p.zswap);
}

/* describe() lists every parameter; setting them all back gives the same description. */
static void test_describe_round_trip(void)
{
	for (unsigned int w = 0; w < DS_SYNTH__COUNT; w++) {
		struct ds_synth_params p = synthtest_params(ds_synth_workload_name(w), "seed=77",
							    "cost=uniform:100:300", NULL), q;
		g_autofree char *d1 = ds_synth_params_describe(&p), *d2 = NULL;
		g_auto(GStrv) words = g_strsplit(d1, " ", -1);

		g_assert_true(g_str_has_prefix(d1, "workload="));
		g_assert_nonnull(strstr(d1, " seed=77 "));
		g_assert_true(ds_synth_params_init(&q, ds_synth_workload_name(w), NULL));
		for (guint i = 1; words[i]; i++) {
			char *eq = strchr(words[i], '=');

			*eq = '\0';
			g_assert_true(ds_synth_params_set(&q, words[i], eq + 1, NULL));
		}
		d2 = ds_synth_params_describe(&q);
		g_assert_cmpstr(d1, ==, d2);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/synth/gen/deterministic", test_deterministic);
	g_test_add_func("/synth/gen/order", test_order);
	g_test_add_func("/synth/gen/munmap", test_munmap);
	g_test_add_func("/synth/gen/munmap-sequential", test_munmap_sequential);
	g_test_add_func("/synth/gen/lmk", test_lmk);
	g_test_add_func("/synth/gen/churn", test_churn);
	g_test_add_func("/synth/gen/poisson", test_poisson);
	g_test_add_func("/synth/gen/poisson-duration", test_poisson_duration);
	g_test_add_func("/synth/gen/workqueue", test_workqueue);
	g_test_add_func("/synth/gen/zswap", test_zswap);
	g_test_add_func("/synth/gen/no-durations", test_no_durations);
	g_test_add_func("/synth/params/errors", test_param_errors);
	g_test_add_func("/synth/params/values", test_param_values);
	g_test_add_func("/synth/params/describe", test_describe_round_trip);
	return g_test_run();
}
