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

GArray *simtest_array(const struct ds_event *evs, guint n)
{
	GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(struct ds_event), n);

	g_array_append_vals(a, evs, n);
	return a;
}

GArray *simtest_burst(unsigned int n, uint64_t exit_think)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_event ev;

	for (unsigned int k = 0; k < n; k++) {
		ev = simtest_release(10000 + 400 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
	}
	ev = simtest_exit(10000 + 400 * (uint64_t)(n - 1) + 300 + exit_think, 100, 0);
	g_array_append_val(evs, ev);
	return evs;
}

GArray *simtest_two_tasks(void)
{
	GArray *evs = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	struct ds_event ev;

	for (unsigned int k = 0; k < 4; k++) {
		ev = simtest_release(10000 + 400 * (uint64_t)k, 100, 0, k);
		g_array_append_val(evs, ev);
		ev = simtest_release(10000 + 400 * (uint64_t)k, 200, 1, 100 + k);
		g_array_append_val(evs, ev);
	}
	ev = simtest_exit(11600, 100, 0);
	g_array_append_val(evs, ev);
	ev = simtest_exit(11600, 200, 1);
	g_array_append_val(evs, ev);
	return evs;
}

void simtest_params(struct ds_params *p)
{
	ds_params_init(p);
	p->cost_source = DS_COST_PROFILE;
	p->page_size = 16;
	p->pool_pages = 64;
	/* the hand streams were "recorded" on the hand machine: its sync costs are in them */
	p->record_sync_ns[DS_BE_ZRAM] = 300;
	p->record_sync_ns[DS_BE_ZSWAP] = 400;
}

void simtest_v3_choices(struct ds_params *p, unsigned int v)
{
	p->pool_pages = (int64_t)(v * 3) % 7;
	p->push_semantics = v & 1 ? DS_PUSH_LAZY : DS_PUSH_EAGER;
	p->retry_swap_on_full = !(v & 2);
	p->percpu_pages_from_pool = v & 4;
	p->drain_order = v % 3 ? DS_DRAIN_FIFO : DS_DRAIN_LIFO;
	p->drainers_per_pool = 1 + v % 2;
	p->idle_flush_ns = v == 5 ? 50000 : 0;
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

struct ds_results *simtest_run_hand(const GArray *evs, const struct ds_params *p,
				    unsigned int ncpus_recorded)
{
	struct ds_profile *prof = simtest_profile();
	struct ds_results *r = simtest_run(evs, p, prof, ncpus_recorded);

	ds_profile_free(prof);
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
	    !hist_equal(&a->teardown_latency, &b->teardown_latency) ||
	    !hist_equal(&a->free_latency, &b->free_latency))
		return FALSE;
	memset(&x.drain_latency, 0, sizeof(x.drain_latency));
	memset(&y.drain_latency, 0, sizeof(y.drain_latency));
	memset(&x.teardown_latency, 0, sizeof(x.teardown_latency));
	memset(&y.teardown_latency, 0, sizeof(y.teardown_latency));
	memset(&x.free_latency, 0, sizeof(x.free_latency));
	memset(&y.free_latency, 0, sizeof(y.free_latency));
	return !memcmp(&x, &y, sizeof(x));
}

gboolean simtest_results_equal(const struct ds_results *a, const struct ds_results *b)
{
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		if (!backend_equal(&a->be[be], &b->be[be])) {
			g_test_message("results differ: backend %u", be);
			return FALSE;
		}
	if (a->tasks->len != b->tasks->len || a->timeseries->len != b->timeseries->len) {
		g_test_message("results differ: %u/%u tasks, %u/%u samples", a->tasks->len,
			       b->tasks->len, a->timeseries->len, b->timeseries->len);
		return FALSE;
	}
	/* task rows have padding: compare field by field */
	for (guint i = 0; i < a->tasks->len; i++) {
		const struct ds_task_result *x = &g_array_index(a->tasks, struct ds_task_result, i);
		const struct ds_task_result *y = &g_array_index(b->tasks, struct ds_task_result, i);

		if (x->pid != y->pid || x->releases != y->releases || x->fallbacks != y->fallbacks ||
		    x->hot_ns != y->hot_ns || x->sync_ns != y->sync_ns ||
		    x->first_ts != y->first_ts || x->rec_end_ts != y->rec_end_ts ||
		    x->sim_end_ts != y->sim_end_ts || x->exited != y->exited ||
		    x->think_oncpu_ns != y->think_oncpu_ns ||
		    x->think_offcpu_ns != y->think_offcpu_ns || x->freed_ts != y->freed_ts) {
			g_test_message("results differ: task row %u (pid %d)", i, x->pid);
			return FALSE;
		}
	}
	if (memcmp(a->locks, b->locks, sizeof(a->locks)) ||
	    a->cpu_busy_ns->len != b->cpu_busy_ns->len ||
	    memcmp(a->cpu_busy_ns->data, b->cpu_busy_ns->data,
		   a->cpu_busy_ns->len * sizeof(double))) {
		g_test_message("results differ: locks or CPU busy time");
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

void simtest_assert_hist(const struct ds_hist *h, uint64_t count, uint64_t min, uint64_t max,
			 double sum)
{
	g_assert_cmpuint(h->count, ==, count);
	if (!count)
		return;
	g_assert_cmpuint(h->min, ==, min);
	g_assert_cmpuint(h->max, ==, max);
	g_assert_cmpfloat(h->sum, ==, sum);
}

void simtest_count(const GArray *evs, unsigned int ncpus, struct simtest_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		c->per_cpu[be] = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < evs->len; i++) {
		const struct ds_event *ev = &g_array_index(evs, struct ds_event, i);
		unsigned int be = ds_ev_is_zswap(ev) ? DS_BE_ZSWAP : DS_BE_ZRAM;
		gpointer key = GUINT_TO_POINTER(ev->cpu % ncpus);

		if (ev->type != DS_EV_RELEASE)
			continue;
		c->releases[be]++;
		g_hash_table_insert(c->per_cpu[be], key, GUINT_TO_POINTER(
			GPOINTER_TO_UINT(g_hash_table_lookup(c->per_cpu[be], key)) + 1));
	}
}

void simtest_counts_clear(struct simtest_counts *c)
{
	for (unsigned int be = 0; be < DS_BE__COUNT; be++)
		g_hash_table_destroy(c->per_cpu[be]);
}

uint64_t simtest_counts_over(const struct simtest_counts *c, unsigned int be, uint64_t cap)
{
	uint64_t over = 0;
	GHashTableIter it;
	gpointer n;

	g_hash_table_iter_init(&it, c->per_cpu[be]);
	while (g_hash_table_iter_next(&it, NULL, &n)) {
		uint64_t k = GPOINTER_TO_UINT(n);

		over += k > cap ? k - cap : 0;
	}
	return over;
}

void simtest_assert_clean(const struct ds_results *r)
{
	g_assert_true(r->inv.checked);
	g_assert_cmpuint(r->inv.freed_twice, ==, 0);
	g_assert_cmpuint(r->inv.never_freed, ==, 0);
	g_assert_cmpuint(r->inv.pages_violations, ==, 0);
	g_assert_cmpuint(r->inv.cpu_violations, ==, 0);
}

void simtest_assert_conservation(const struct ds_results *r, const struct simtest_counts *c)
{
	bool is_sync = !strcmp(r->policy, "sync");
	uint64_t rel = 0, hot = 0, sync = 0, fb = 0, task_fb = 0;

	simtest_assert_clean(r);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		const struct ds_backend_result *x = &r->be[be];

		g_assert_cmpuint(x->releases, ==, c->releases[be]);
		if (is_sync) {
			/* everything freed synchronously: the ledger above saw each once */
			g_assert_cmpuint(x->pushed + x->fallbacks + x->drained, ==, 0);
			continue;
		}
		g_assert_cmpuint(x->releases, ==, x->pushed + x->fallbacks);
		g_assert_cmpuint(x->pushed, ==, x->drained + x->stale_drains);
		g_assert_cmpuint(x->stale_drains, ==, x->slot_reuse_pending);
		g_assert_cmpuint(x->drained, ==, x->drain_latency.count + x->teardown_drained);
		g_assert_cmpuint(x->teardown_latency.count, ==, x->teardown_drained);
		g_assert_cmpuint(x->queue_work_noops, <=, x->queue_work_calls);
		fb += x->fallbacks;
	}
	for (guint i = 0; i < r->tasks->len; i++) {
		const struct ds_task_result *t = &g_array_index(r->tasks, struct ds_task_result, i);

		rel += t->releases;
		hot += t->hot_ns;
		sync += t->sync_ns;
		task_fb += t->fallbacks;
		g_assert_cmpuint(t->sim_end_ts, >=, t->first_ts);
	}
	g_assert_cmpuint(rel, ==, r->releases);
	g_assert_cmpuint(hot, ==, r->hot_ns);
	g_assert_cmpuint(sync, ==, r->sync_ns);
	g_assert_cmpuint(task_fb, ==, fb);
}

void simtest_assert_fallbacks_monotonic(const GArray *evs, const struct ds_params *base,
					unsigned int ncpus, guint32 seed)
{
	uint64_t prev = G_MAXUINT64;

	for (int64_t pool = 0; pool <= 24; pool++) {
		struct ds_params p = *base;
		struct ds_results *r;
		uint64_t fb;

		p.pool_pages = pool;
		r = simtest_run_hand(evs, &p, ncpus);
		fb = r->be[DS_BE_ZRAM].fallbacks + r->be[DS_BE_ZSWAP].fallbacks;
		if (fb > prev)
			g_test_message("seed %u: %" G_GUINT64_FORMAT " fallbacks with pool %"
				       G_GINT64_FORMAT " > %" G_GUINT64_FORMAT " with %"
				       G_GINT64_FORMAT, seed, fb, pool, prev, pool - 1);
		g_assert_cmpuint(fb, <=, prev);
		prev = fb;
		ds_results_free(r);
	}
	g_assert_cmpuint(prev, ==, 0);	/* and it reaches 0 within the range */
}
