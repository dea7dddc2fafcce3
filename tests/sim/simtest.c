// SPDX-License-Identifier: MIT
/*
 * simtest.c - see simtest.h.  Streams made here are synthetic: they follow the shape of the
 * captures described in the spec (bursts of frees from a dying task, consecutive indices,
 * migrations, exits after the burst) but no figure in them is measured.
 */
#include <string.h>

#include "simtest.h"

struct ds_profile *simtest_profile(void)
{
	struct ds_profile *p = g_new0(struct ds_profile, 1);

	p->name = g_strdup("hand");
	p->cpus = 0;
	p->page_size = 4096;
	p->push_ns = 10;
	p->swap_ns = 100;
	p->queue_work_ns = 50;
	p->lock_ns = 5;
	p->wake_latency_ns = 1000;
	p->wake_dist = DS_DIST_FIXED;
	p->drain_page_ns = 20;
	p->drain_entry_ns[DS_BE_ZRAM] = 100;
	p->drain_entry_ns[DS_BE_ZSWAP] = 200;
	p->sync_free_ns[DS_BE_ZRAM] = 300;
	p->sync_free_ns[DS_BE_ZSWAP] = 400;
	p->zs_free_ns = 250;
	p->object_bytes = 100;
	return p;
}

static struct ds_event mk(uint64_t ts, int32_t pid, uint16_t cpu, unsigned int type,
			  unsigned int flags, uint64_t value, uint64_t aux)
{
	struct ds_event ev = { .ts = ts, .value = value, .aux = aux, .pid = pid, .cpu = cpu,
			       .type = (uint8_t)type, .flags = (uint8_t)flags };

	return ev;
}

struct ds_event simtest_release(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value)
{
	return mk(ts, pid, cpu, DS_EV_RELEASE, 0, value, 0);
}

struct ds_event simtest_release_zswap(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value)
{
	return mk(ts, pid, cpu, DS_EV_RELEASE, DS_EVF_ZSWAP, value, 0);
}

struct ds_event simtest_release_dur(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t value,
				    uint64_t dur, bool zswap)
{
	return mk(ts, pid, cpu, DS_EV_RELEASE, DS_EVF_DURATION | (zswap ? DS_EVF_ZSWAP : 0),
		  value, dur);
}

struct ds_event simtest_exit(uint64_t ts, int32_t pid, uint16_t cpu)
{
	return mk(ts, pid, cpu, DS_EV_EXIT, 0, 0, 0);
}

struct ds_event simtest_write(uint64_t ts, int32_t pid, uint16_t cpu, uint64_t index)
{
	return mk(ts, pid, cpu, DS_EV_SLOT_WRITE, 0, index, 0);
}

struct ds_event simtest_switch(uint64_t ts, uint16_t cpu, int32_t prev, int32_t next)
{
	return mk(ts, next, cpu, DS_EV_SWITCH, 0, 0, (uint64_t)(int64_t)prev);
}

struct ds_event simtest_lost(uint64_t ts, uint16_t cpu, uint64_t count)
{
	return mk(ts, 0, cpu, DS_EV_LOST, 0, count, 0);
}

void simtest_params(struct ds_params *p)
{
	ds_params_init(p);
	p->cost_source = DS_COST_PROFILE;
	p->page_size = 16;
}

struct ds_results *simtest_run(const GArray *evs, const struct ds_params *p,
			       const struct ds_profile *prof, unsigned int ncpus_recorded)
{
	struct ds_source *src = ds_source_new_array((const struct ds_event *)(void *)evs->data,
						    evs->len);
	GError *error = NULL;
	struct ds_results *r = ds_sim_run(p, prof, src, ncpus_recorded, &error);

	g_assert_no_error(error);
	g_assert_nonnull(r);
	ds_source_close(src);
	return r;
}

const struct ds_task_result *simtest_task(const struct ds_results *r, int32_t pid)
{
	for (guint i = 0; i < r->tasks->len; i++)
		if (g_array_index(r->tasks, struct ds_task_result, i).pid == pid)
			return &g_array_index(r->tasks, struct ds_task_result, i);
	g_assert_not_reached();
	return NULL;
}

static gint ev_cmp(gconstpointer a, gconstpointer b)
{
	const struct ds_event *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* One task's life: bursts of releases separated by sleeps, an exit (most of the time). */
static void gen_task(GArray *evs, GRand *rng, int32_t pid, unsigned int n, unsigned int ncpus,
		     bool zswap, bool durations, uint64_t *next_index)
{
	uint64_t t = (uint64_t)g_rand_int_range(rng, 0, 2000000);
	uint16_t cpu = (uint16_t)g_rand_int_range(rng, 0, (gint32)ncpus);
	bool dur = g_rand_boolean(rng) || durations;
	uint64_t index = *next_index;

	*next_index += n + 1000;
	for (unsigned int k = 0; k < n; k++) {
		bool zs = zswap && g_rand_int_range(rng, 0, 4) == 0;
		uint64_t cost = (uint64_t)g_rand_int_range(rng, 150, 900);
		struct ds_event ev = dur ? simtest_release_dur(t, pid, cpu, index, cost, zs) :
			(zs ? simtest_release_zswap(t, pid, cpu, index) :
			 simtest_release(t, pid, cpu, index));

		g_array_append_val(evs, ev);
		if (!zs && g_rand_int_range(rng, 0, 50) == 0) {
			/* the slot is reused by a write soon after */
			struct ds_event w = simtest_write(t + (uint64_t)g_rand_int_range(rng, 1000,
				200000), 9999, cpu, index);

			g_array_append_val(evs, w);
		}
		index++;
		t += cost + (uint64_t)g_rand_int_range(rng, 0, 3000);
		if (g_rand_int_range(rng, 0, 200) == 0)
			t += (uint64_t)g_rand_int_range(rng, 1000000, 20000000);	/* asleep */
		if (g_rand_int_range(rng, 0, 100) == 0)
			cpu = (uint16_t)g_rand_int_range(rng, 0, (gint32)ncpus);	/* migrates */
	}
	if (g_rand_int_range(rng, 0, 5)) {
		struct ds_event ex = simtest_exit(t + (uint64_t)g_rand_int_range(rng, 0, 3000000),
						  pid, cpu);

		g_array_append_val(evs, ex);
	}
}

GArray *simtest_generate(guint32 seed, unsigned int ntasks, unsigned int releases_per_task,
			 unsigned int ncpus, bool zswap, bool durations)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	GRand *rng = g_rand_new_with_seed(seed);
	uint64_t next_index = 1;
	uint64_t end = 0;

	for (unsigned int i = 0; i < ntasks; i++) {
		/* every fourth task reuses the pid of the task before it (pid reuse) */
		int32_t pid = (int32_t)(1000 + (i % 4 == 3 ? i - 1 : i));
		guint before = evs->len;

		gen_task(evs, rng, pid, releases_per_task, ncpus, zswap, durations, &next_index);
		if (i % 4 == 3) {
			/* shift it after its predecessor's last event so that the pid is free */
			for (guint k = before; k < evs->len; k++)
				g_array_index(evs, struct ds_event, k).ts += end + 1;
		}
		for (guint k = 0; k < evs->len; k++)
			end = MAX(end, g_array_index(evs, struct ds_event, k).ts);
	}
	for (unsigned int k = 0; k < 200; k++) {
		/* foreign tasks and idle on the recorded CPUs */
		uint16_t cpu = (uint16_t)g_rand_int_range(rng, 0, (gint32)ncpus);
		int32_t next = g_rand_boolean(rng) ? 0 : 5000 + g_rand_int_range(rng, 0, 5);
		struct ds_event sw = simtest_switch((uint64_t)g_rand_int_range(rng, 0,
			(gint32)MIN(end, (uint64_t)G_MAXINT32)), cpu, 0, next);

		g_array_append_val(evs, sw);
	}
	g_array_sort(evs, ev_cmp);
	g_rand_free(rng);
	return evs;
}

static gboolean hist_equal(const struct ds_hist *a, const struct ds_hist *b)
{
	return a->count == b->count && a->min == b->min && a->max == b->max && a->sum == b->sum &&
		!memcmp(a->buckets, b->buckets, DS_HIST_BUCKETS * sizeof(uint64_t));
}

static gboolean backend_equal(const struct ds_backend_result *a,
			      const struct ds_backend_result *b)
{
	struct ds_backend_result x = *a, y = *b;

	if (!hist_equal(&a->drain_latency, &b->drain_latency) ||
	    !hist_equal(&a->teardown_latency, &b->teardown_latency))
		return FALSE;
	memset(&x.drain_latency, 0, sizeof(x.drain_latency));
	memset(&y.drain_latency, 0, sizeof(y.drain_latency));
	memset(&x.teardown_latency, 0, sizeof(x.teardown_latency));
	memset(&y.teardown_latency, 0, sizeof(y.teardown_latency));
	return !memcmp(&x, &y, sizeof(x));
}

gboolean simtest_results_equal(const struct ds_results *a, const struct ds_results *b)
{
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		if (!backend_equal(&a->be[be], &b->be[be]))
			return FALSE;
	if (a->tasks->len != b->tasks->len || a->timeseries->len != b->timeseries->len)
		return FALSE;
	/* task rows have padding: compare field by field */
	for (guint i = 0; i < a->tasks->len; i++) {
		const struct ds_task_result *x = &g_array_index(a->tasks, struct ds_task_result, i);
		const struct ds_task_result *y = &g_array_index(b->tasks, struct ds_task_result, i);

		if (x->pid != y->pid || x->releases != y->releases || x->fallbacks != y->fallbacks ||
		    x->hot_ns != y->hot_ns || x->sync_ns != y->sync_ns ||
		    x->first_ts != y->first_ts || x->rec_end_ts != y->rec_end_ts ||
		    x->sim_end_ts != y->sim_end_ts || x->exited != y->exited)
			return FALSE;
	}
	for (guint i = 0; i < a->timeseries->len; i++)
		if (memcmp(&g_array_index(a->timeseries, struct ds_ts_sample, i),
			   &g_array_index(b->timeseries, struct ds_ts_sample, i),
			   sizeof(struct ds_ts_sample)))
			return FALSE;
	return a->ncpus == b->ncpus && a->rec_start_ts == b->rec_start_ts &&
		a->rec_end_ts == b->rec_end_ts && a->sim_end_ts == b->sim_end_ts &&
		a->releases == b->releases && a->hot_ns == b->hot_ns && a->sync_ns == b->sync_ns &&
		a->events_in == b->events_in && a->inv.freed_twice == b->inv.freed_twice &&
		a->inv.never_freed == b->inv.never_freed &&
		a->inv.pages_violations == b->inv.pages_violations;
}
