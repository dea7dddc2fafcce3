// SPDX-License-Identifier: MIT
/*
 * test_timeline.c - the simulated timeline (report/timeline.c, params.observer): a hand-worked
 * run exported and read back event by event; its time window and event cap; the export of a
 * real bundled trace checked for well-formedness and against the run's own counts.
 *
 * The hand-worked run is test_v3.c's test_eager_pool1 (its table is repeated below, worked
 * out from the model with the hand profile of simtest.h): the timeline must show exactly
 * those releases, swaps, fallbacks, wake-ups, drains and counter changes.  Each event of the
 * file is read back as one line "PH|TRACK|NAME|TS_NS|DUR_NS" ("C|NAME|TS_NS|VALUE" for a
 * counter), TRACK being the name the file gives its thread, and the sorted lines compared.
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dstest.h"
#include "ds_report.h"
#include "ds_timeline.h"
#include "simtest.h"

/* the file read back */
struct tl_file {
	JsonParser *parser;
	JsonArray *events;
	JsonObject *other;
	GHashTable *tracks;	/* "pid:tid" -> thread name */
	GPtrArray *lines;	/* sorted canonical lines of the non-metadata events */
};

static uint64_t us_to_ns(JsonObject *e, const char *key)
{
	double us = json_object_get_double_member(e, key);

	g_assert_cmpfloat(us, >=, 0);
	return (uint64_t)llround(us * 1000.0);
}

static char *track_key(JsonObject *e)
{
	return g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
			       json_object_get_int_member(e, "pid"),
			       json_object_get_int_member_with_default(e, "tid", 0));
}

static const char *track_of(struct tl_file *f, JsonObject *e)
{
	g_autofree char *key = track_key(e);
	const char *name;

	if (!strcmp(json_object_get_string_member_with_default(e, "s", "t"), "g"))
		return "global";
	name = g_hash_table_lookup(f->tracks, key);
	g_assert_nonnull(name);	/* every thread an event is on was named */
	return name;
}

static char *canonical(struct tl_file *f, JsonObject *e)
{
	const char *ph = json_object_get_string_member(e, "ph");
	const char *name = json_object_get_string_member(e, "name");
	JsonObject *args = json_object_get_object_member(e, "args");

	if (!strcmp(ph, "X"))
		return g_strdup_printf("X|%s|%s|%" G_GUINT64_FORMAT "|%" G_GUINT64_FORMAT,
				       track_of(f, e), name, us_to_ns(e, "ts"), us_to_ns(e, "dur"));
	if (!strcmp(ph, "i"))
		return g_strdup_printf("i|%s|%s|%" G_GUINT64_FORMAT, track_of(f, e), name,
				       us_to_ns(e, "ts"));
	g_assert_cmpstr(ph, ==, "C");
	g_assert_cmpuint(json_object_get_size(args), ==, 1);
	return g_strdup_printf("C|%s|%" G_GUINT64_FORMAT "|%" G_GINT64_FORMAT, name,
			       us_to_ns(e, "ts"), json_node_get_int(
				       json_object_get_member(args, json_object_get_members(args)->data)));
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void tl_load(struct tl_file *f, const char *path)
{
	JsonObject *root;
	GError *error = NULL;

	memset(f, 0, sizeof(*f));
	f->parser = json_parser_new();
	g_assert_true(json_parser_load_from_file(f->parser, path, &error));
	g_assert_no_error(error);
	root = json_node_get_object(json_parser_get_root(f->parser));
	g_assert_cmpstr(json_object_get_string_member(root, "displayTimeUnit"), ==, "ns");
	f->events = json_object_get_array_member(root, "traceEvents");
	f->other = json_object_get_object_member(root, "otherData");
	f->tracks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->lines = g_ptr_array_new_with_free_func(g_free);
	/* names first: metadata may follow an event in a valid file */
	for (guint i = 0; i < json_array_get_length(f->events); i++) {
		JsonObject *e = json_array_get_object_element(f->events, i);

		if (!strcmp(json_object_get_string_member(e, "ph"), "M") &&
		    !strcmp(json_object_get_string_member(e, "name"), "thread_name"))
			g_hash_table_insert(f->tracks, track_key(e), (gpointer)json_object_get_string_member(
				json_object_get_object_member(e, "args"), "name"));
	}
	for (guint i = 0; i < json_array_get_length(f->events); i++) {
		JsonObject *e = json_array_get_object_element(f->events, i);

		if (strcmp(json_object_get_string_member(e, "ph"), "M"))
			g_ptr_array_add(f->lines, canonical(f, e));
	}
	g_ptr_array_sort(f->lines, cmp_str);
}

static void tl_clear(struct tl_file *f)
{
	g_ptr_array_free(f->lines, TRUE);
	g_hash_table_destroy(f->tracks);
	g_object_unref(f->parser);
}

/* Run @evs with a timeline at @path under @o; the results. */
static struct ds_results *run_export(const GArray *evs, struct ds_params *p,
				     const struct ds_timeline_opts *o, const char *path,
				     struct ds_timeline_stats *st)
{
	GError *error = NULL;
	struct ds_timeline *tl = ds_timeline_open(path, o, &error);
	struct ds_results *r;

	g_assert_no_error(error);
	p->observer = ds_timeline_observer(tl);
	r = simtest_run_hand(evs, p, 2);
	p->observer = NULL;
	g_assert_null(r->params.observer);
	g_assert_true(ds_timeline_commit(tl, st, &error));
	g_assert_no_error(error);
	return r;
}

static void pool1_params(struct ds_params *p)
{
	simtest_params(p);
	p->pool_pages = 1;
	p->check_invariants = true;
}

/*
 * test_v3.c's test_eager_pool1: eager, 2 CPUs, pool of 1 page, CAP 4, task 100 releasing 12
 * zram values on CPU 0 from 10000, think 100.  Hot paths (s_k, h_k):
 *   k0-2  10000, 10110, 10220: push, 10 each
 *   k3    10330: push fills A, swap (pool 1 -> 0), queue_work: 10 + 100 + 50 = 160
 *   k4-6  10590, 10700, 10810: push, 10 each
 *   k7    10920: push fills B, swap fails (pool empty): 10 + 5 = 15
 *   k8    11035: full, retry fails: fallback 10 + 5 + 300 = 315 (its sync free 11050-11350)
 *   k9    11450: the same (A comes back only at 11755): 315 (sync free 11465-11765)
 *   k10   11865: retry succeeds (swap: pool 1 -> 0), B queued, queue_work: 160
 *   k11   12125: push, 10
 * Worker: queued 10330, wakes 11330 on CPU 1 (idle, not the producer), drains A (4 values:
 * 5 + 400 + 20) to 11755; queued 11865, wakes 12865 on CPU 1, drains B to 13290.  Teardown
 * at 13290 kicks it (no producer: -1), it wakes 14290 on CPU 1 (where it last ran), drains C
 * (2 values: 5 + 200 + 20) to 14515.
 * Counters (a value each time it changes):
 *   zram free pool pages: 1 at 10000, 0 at 10330 (swap), 1 at 11755 (A back), 0 at 11865,
 *   1 at 13290 (B back); teardown's CPU buffer pages (CPU 1's empty one at 13290, C at 14515)
 *   are not pool pages and are not counted (issue 10, item 6): the count stays 1
 *   zram values pending: +1 per push 10000..10920 (1..8), 4 at 11755, 5 at 11865, 6 at
 *   12125, 2 at 13290, 0 at 14515
 *   zswap: seen once, at teardown: free 1 (its 2 CPU pages not counted), pending 0.
 */
static const char *const pool1_expected[] = {
	"X|cpu 0|release: push|10000|10",
	"X|cpu 0|release: push|10110|10",
	"X|cpu 0|release: push|10220|10",
	"X|cpu 0|release: push|10330|160",
	"i|cpu 0|page swap|10330",
	"X|cpu 0|release: push|10590|10",
	"X|cpu 0|release: push|10700|10",
	"X|cpu 0|release: push|10810|10",
	"X|cpu 0|release: push|10920|15",
	"i|cpu 0|swap failed: pool empty|10920",
	"X|cpu 0|release: fallback|11035|315",
	"i|cpu 0|swap failed: pool empty|11035",
	"i|cpu 0|fallback|11035",
	"X|cpu 0|sync free|11050|300",
	"X|cpu 0|release: fallback|11450|315",
	"i|cpu 0|swap failed: pool empty|11450",
	"i|cpu 0|fallback|11450",
	"X|cpu 0|sync free|11465|300",
	"X|cpu 0|release: push|11865|160",
	"i|cpu 0|page swap|11865",
	"X|cpu 0|release: push|12125|10",
	"X|zram worker 0|wake-up latency|10330|1000",
	"X|zram worker 0|worker run|11330|425",
	"X|zram worker 0|drain page|11330|425",
	"X|cpu 1|drain page (zram worker 0)|11330|425",
	"X|zram worker 0|wake-up latency|11865|1000",
	"X|zram worker 0|worker run|12865|425",
	"X|zram worker 0|drain page|12865|425",
	"X|cpu 1|drain page (zram worker 0)|12865|425",
	"X|zram worker 0|wake-up latency|13290|1000",
	"X|zram worker 0|worker run|14290|225",
	"X|zram worker 0|drain page|14290|225",
	"X|cpu 1|drain page (zram worker 0)|14290|225",
	"C|zram free pool pages|10000|1",
	"C|zram free pool pages|10330|0",
	"C|zram free pool pages|11755|1",
	"C|zram free pool pages|11865|0",
	"C|zram free pool pages|13290|1",
	"C|zram values pending|10000|1",
	"C|zram values pending|10110|2",
	"C|zram values pending|10220|3",
	"C|zram values pending|10330|4",
	"C|zram values pending|10590|5",
	"C|zram values pending|10700|6",
	"C|zram values pending|10810|7",
	"C|zram values pending|10920|8",
	"C|zram values pending|11755|4",
	"C|zram values pending|11865|5",
	"C|zram values pending|12125|6",
	"C|zram values pending|13290|2",
	"C|zram values pending|14515|0",
	"C|zswap free pool pages|13290|1",
	"C|zswap values pending|13290|0",
};

static void assert_lines(const struct tl_file *f, const char *const *want, guint n)
{
	g_autoptr(GPtrArray) w = g_ptr_array_new();

	for (guint i = 0; i < n; i++)
		g_ptr_array_add(w, (gpointer)want[i]);
	g_ptr_array_sort(w, cmp_str);
	for (guint i = 0; i < MIN(n, f->lines->len); i++)
		g_assert_cmpstr(g_ptr_array_index(f->lines, i), ==, g_ptr_array_index(w, i));
	g_assert_cmpuint(f->lines->len, ==, n);
}

static void test_hand_pool1(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	g_autofree char *path = g_build_filename(t->dir, "tl.json", NULL);
	struct ds_timeline_opts o;
	struct ds_timeline_stats st;
	struct ds_params p;
	struct ds_results *r, *plain;
	struct tl_file f;

	(void)data;
	pool1_params(&p);
	ds_timeline_opts_init(&o);
	o.policy = "v3";
	r = run_export(evs, &p, &o, path, &st);
	tl_load(&f, path);
	assert_lines(&f, pool1_expected, G_N_ELEMENTS(pool1_expected));
	g_assert_false(st.truncated);
	g_assert_cmpuint(st.written, ==, G_N_ELEMENTS(pool1_expected));
	g_assert_false(json_object_get_boolean_member(f.other, "truncated"));
	g_assert_cmpint(json_object_get_int_member(f.other, "first_event_ns"), ==, 10000);
	g_assert_cmpint(json_object_get_int_member(f.other, "end_ns"), ==, 14515);
	g_assert_cmpstr(json_object_get_string_member(f.other, "policy"), ==, "v3");
	/* the observer watches, it does not change the run */
	plain = simtest_run_hand(evs, &p, 2);
	g_assert_true(simtest_results_equal(r, plain));
	tl_clear(&f);
	ds_results_free(plain);
	ds_results_free(r);
}

/*
 * Window 1000..1500 ns after the first event (10000): [11000, 11500].  In it: k8 and k9
 * (whole slices, with their swaps, fallbacks and sync frees; k9 ends after the window but
 * starts in it), the worker's first wake-up (10330-11330) and run and page (11330-11755);
 * not k7 (ends 10935).  Counters: the values current at 11000 (free 0, pending 8) written
 * at 11000; the next changes (11755) are after the window.
 */
static void test_window(struct dstest_tmp *t, gconstpointer data)
{
	static const char *const want[] = {
		"X|cpu 0|release: fallback|11035|315",
		"i|cpu 0|swap failed: pool empty|11035",
		"i|cpu 0|fallback|11035",
		"X|cpu 0|sync free|11050|300",
		"X|cpu 0|release: fallback|11450|315",
		"i|cpu 0|swap failed: pool empty|11450",
		"i|cpu 0|fallback|11450",
		"X|cpu 0|sync free|11465|300",
		"X|zram worker 0|wake-up latency|10330|1000",
		"X|zram worker 0|worker run|11330|425",
		"X|zram worker 0|drain page|11330|425",
		"X|cpu 1|drain page (zram worker 0)|11330|425",
		"C|zram free pool pages|11000|0",
		"C|zram values pending|11000|8",
	};
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	g_autofree char *path = g_build_filename(t->dir, "w.json", NULL);
	struct ds_timeline_opts o;
	struct ds_params p;
	struct tl_file f;

	(void)data;
	pool1_params(&p);
	ds_timeline_opts_init(&o);
	o.from_ns = 1000;
	o.to_ns = 1500;
	ds_results_free(run_export(evs, &p, &o, path, NULL));
	tl_load(&f, path);
	assert_lines(&f, want, G_N_ELEMENTS(want));
	g_assert_cmpint(json_object_get_int_member(f.other, "window_from_ns"), ==, 1000);
	g_assert_cmpint(json_object_get_int_member(f.other, "window_to_ns"), ==, 1500);
	tl_clear(&f);
}

/*
 * A cap of 10 events: the first 10 records the run reports are written (the run reports
 * k0's counters and its slice, ...), the rest counted as dropped, and the file says so: a
 * global instant "timeline truncated..." and otherData.truncated, with the totals adding up
 * to the uncapped file's 53 events.
 */
static void test_cap(struct dstest_tmp *t, gconstpointer data)
{
	g_autoptr(GArray) evs = simtest_burst(12, 100);
	g_autofree char *path = g_build_filename(t->dir, "cap.json", NULL);
	struct ds_timeline_opts o;
	struct ds_timeline_stats st;
	struct ds_params p;
	struct tl_file f;
	guint marker = 0;

	(void)data;
	pool1_params(&p);
	ds_timeline_opts_init(&o);
	o.max_events = 10;
	ds_results_free(run_export(evs, &p, &o, path, &st));
	tl_load(&f, path);
	g_assert_true(st.truncated);
	g_assert_cmpuint(st.written, ==, 10);
	g_assert_cmpuint(st.written + st.dropped, ==, G_N_ELEMENTS(pool1_expected));
	g_assert_cmpuint(f.lines->len, ==, 10 + 1);
	for (guint i = 0; i < f.lines->len; i++)
		marker += g_str_has_prefix(g_ptr_array_index(f.lines, i),
					   "i|global|timeline truncated");
	g_assert_cmpuint(marker, ==, 1);
	g_assert_true(json_object_get_boolean_member(f.other, "truncated"));
	g_assert_cmpint(json_object_get_int_member(f.other, "events_written"), ==, 10);
	g_assert_cmpint(json_object_get_int_member(f.other, "events_dropped"), ==,
			(gint64)st.dropped);
	g_assert_cmpint(json_object_get_int_member(f.other, "truncated_at_ns"), ==,
			(gint64)st.cut_at_ns);
	tl_clear(&f);
}

/* A file that cannot be created is an error before any run, and leaves nothing behind. */
static void test_bad_path(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *path = g_build_filename(t->dir, "no-such-dir", "tl.json", NULL);
	struct ds_timeline_opts o;
	GError *error = NULL;

	(void)data;
	ds_timeline_opts_init(&o);
	g_assert_null(ds_timeline_open(path, &o, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_IO);
	g_assert_nonnull(strstr(error->message, path));
	g_clear_error(&error);
	g_assert_null(ds_timeline_open(t->dir, &o, &error));	/* a directory */
	g_assert_error(error, DS_ERROR, DS_ERROR_IO);
	g_error_free(error);
}

/* X events of one thread, by start */
struct span {
	uint64_t ts, end;
	const char *name;
};

static gint cmp_span(gconstpointer a, gconstpointer b)
{
	const struct span *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts ? 1 : (x->end > y->end ? -1 : x->end < y->end);
}

/*
 * On one CPU thread: the top-level slices (releases, drain pages) never overlap, and every
 * "sync free" lies inside the release it belongs to (the one it nests in).
 */
static void assert_cpu_thread(GArray *spans)
{
	uint64_t top_end = 0;
	bool any = false;

	g_array_sort(spans, cmp_span);
	for (guint i = 0; i < spans->len; i++) {
		const struct span *s = &g_array_index(spans, struct span, i);

		if (!strcmp(s->name, "sync free")) {
			g_assert_true(any);
			g_assert_cmpuint(s->end, <=, top_end);
			continue;
		}
		if (any)
			g_assert_cmpuint(s->ts, >=, top_end);
		top_end = s->end;
		any = true;
	}
}

struct real_counts {
	uint64_t releases, fallbacks, pages, values, runs, swaps, swap_fail;
	uint64_t free_min;
	int64_t last_pending;
};

static void count_event(JsonObject *e, GHashTable *cpu_threads, struct real_counts *c)
{
	const char *ph = json_object_get_string_member(e, "ph");
	const char *name = json_object_get_string_member(e, "name");
	gint64 pid = json_object_get_int_member(e, "pid");
	JsonObject *args = json_object_get_object_member(e, "args");

	if (!strcmp(ph, "X")) {
		struct span s = { us_to_ns(e, "ts"), 0, name };
		g_autofree char *key = track_key(e);
		GArray *a;

		s.end = s.ts + us_to_ns(e, "dur");	/* us_to_ns() asserts dur >= 0 */
		c->releases += g_str_has_prefix(name, "release: ");
		if (pid == 2 && !strcmp(name, "drain page")) {
			c->pages++;
			c->values += (uint64_t)json_object_get_int_member(args, "values");
		}
		c->runs += pid == 2 && !strcmp(name, "worker run");
		if (pid != 1)
			return;
		a = g_hash_table_lookup(cpu_threads, key);
		if (!a) {
			a = g_array_new(FALSE, FALSE, sizeof(struct span));
			g_hash_table_insert(cpu_threads, g_steal_pointer(&key), a);
		}
		g_array_append_val(a, s);
	} else if (!strcmp(ph, "i")) {
		c->fallbacks += !strcmp(name, "fallback");
		c->swaps += !strcmp(name, "page swap");
		c->swap_fail += !strcmp(name, "swap failed: pool empty");
	} else if (!strcmp(ph, "C") && !strcmp(name, "zram free pool pages")) {
		c->free_min = MIN(c->free_min, (uint64_t)json_object_get_int_member(args, "pages"));
	} else if (!strcmp(ph, "C") && !strcmp(name, "zram values pending")) {
		c->last_pending = json_object_get_int_member(args, "values");
	}
}

static void free_array(gpointer a)
{
	g_array_free(a, TRUE);
}

/*
 * A real capture (traces/munmap-64m-6.12.dat, 16 384 zram releases) under v3 with a small
 * pool, so that it falls back: the file is valid JSON, every X has dur >= 0, no two slices
 * overlap on a CPU thread, and its counts are the run's: one release slice per release,
 * one fallback instant per fallback, one swap instant per swap and per failed swap, the
 * drain pages' values add up to what the workers drained (stale ones included), worker runs
 * and the pool's minimum agree, and nothing is pending at the end.
 */
static void test_real_trace(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *path = g_build_filename(t->dir, "real.json", NULL);
	g_autoptr(GHashTable) cpu_threads = g_hash_table_new_full(g_str_hash, g_str_equal,
								    g_free, free_array);
	struct ds_trace_opts topts = { .use_cache = FALSE };
	struct real_counts c = { .free_min = UINT64_MAX, .last_pending = -1 };
	struct ds_profile *prof = simtest_profile();
	struct ds_timeline_opts o;
	struct ds_timeline_stats st;
	struct ds_params p;
	struct ds_source *src;
	struct ds_results *r;
	struct ds_timeline *tl;
	struct tl_file f;
	const struct ds_backend_result *z;
	GHashTableIter it;
	gpointer a;
	GError *error = NULL;

	(void)data;
	ds_params_init(&p);
	p.pool_pages = 2;
	p.cpus = 2;
	src = ds_sim_open_trace(trace, &topts, &p, &error);
	g_assert_no_error(error);
	ds_timeline_opts_init(&o);
	tl = ds_timeline_open(path, &o, &error);
	g_assert_no_error(error);
	p.observer = ds_timeline_observer(tl);
	r = ds_sim_run(&p, prof, src, ds_source_info(src)->ncpus, &error);
	g_assert_no_error(error);
	g_assert_true(ds_timeline_commit(tl, &st, &error));
	g_assert_false(st.truncated);
	g_assert_cmpuint(st.lane_overflow, ==, 0);
	tl_load(&f, path);
	for (guint i = 0; i < json_array_get_length(f.events); i++) {
		JsonObject *e = json_array_get_object_element(f.events, i);

		if (strcmp(json_object_get_string_member(e, "ph"), "M"))
			count_event(e, cpu_threads, &c);
	}
	g_hash_table_iter_init(&it, cpu_threads);
	while (g_hash_table_iter_next(&it, NULL, &a))
		assert_cpu_thread(a);
	z = &r->be[DS_BE_ZRAM];
	g_assert_cmpuint(z->fallbacks, >, 0);	/* the case this test is about */
	g_assert_cmpuint(c.releases, ==, r->releases);
	g_assert_cmpuint(c.fallbacks, ==, z->fallbacks + r->be[DS_BE_ZSWAP].fallbacks);
	g_assert_cmpuint(c.swaps, ==, z->swaps + r->be[DS_BE_ZSWAP].swaps);
	g_assert_cmpuint(c.swap_fail, ==, z->swap_failures + r->be[DS_BE_ZSWAP].swap_failures);
	g_assert_cmpuint(c.values, ==, z->drained + z->stale_drains);
	g_assert_cmpuint(c.runs, ==, z->worker_runs);
	g_assert_cmpuint(c.free_min, ==, z->pool_free_min);
	g_assert_cmpint(c.last_pending, ==, 0);
	g_assert_cmpuint(st.written, ==, f.lines->len);
	tl_clear(&f);
	ds_results_free(r);
	ds_source_close(src);
	ds_profile_free(prof);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	dstest_add_tmp("/timeline/hand-pool1", test_hand_pool1);
	dstest_add_tmp("/timeline/window", test_window);
	dstest_add_tmp("/timeline/cap", test_cap);
	dstest_add_tmp("/timeline/bad-path", test_bad_path);
	dstest_add_tmp("/timeline/real-trace", test_real_trace);
	return g_test_run();
}
