// SPDX-License-Identifier: MIT
/*
 * helpers.c - see helpers.h.
 */
#include <string.h>

#include "helpers.h"
#include "source_impl.h"

gboolean read_all(struct ds_source *src, GArray *evs, GError **error)
{
	struct ds_event ev;
	int r;

	while ((r = ds_source_next(src, &ev, error)) > 0)
		g_array_append_val(evs, ev);
	return r == 0;
}

GArray *decode(const char *path, const struct ds_trace_opts *opts)
{
	g_autoptr(GError) err = NULL;
	GArray *evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, opts, &err);

	g_assert_no_error(err);
	g_assert_nonnull(src);
	read_all(src, evs, &err);
	g_assert_no_error(err);
	ds_source_close(src);
	return evs;
}

static void fail_at(size_t i, const char *what, uint64_t want, uint64_t got)
{
	g_autofree char *msg = g_strdup_printf("event %zu: %s is %" G_GUINT64_FORMAT
					       ", expected %" G_GUINT64_FORMAT, i, what, got, want);

	g_assertion_message(G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, msg);
}

void assert_events(const struct ds_event *want, size_t n, const GArray *got)
{
	for (size_t i = 0; i < n && i < got->len; i++) {
		const struct ds_event *w = &want[i], *g = &g_array_index(got, struct ds_event, i);

		if (w->ts != g->ts)
			fail_at(i, "ts", w->ts, g->ts);
		if (w->type != g->type)
			fail_at(i, "type", w->type, g->type);
		if (w->cpu != g->cpu)
			fail_at(i, "cpu", w->cpu, g->cpu);
		if (w->pid != g->pid)
			fail_at(i, "pid", (uint64_t)w->pid, (uint64_t)g->pid);
		if (w->value != g->value)
			fail_at(i, "value", w->value, g->value);
		if (w->aux != g->aux)
			fail_at(i, "aux", w->aux, g->aux);
		if (w->flags != g->flags)
			fail_at(i, "flags", w->flags, g->flags);
	}
	g_assert_cmpuint(got->len, ==, n);
}

void assert_ordered(const GArray *got)
{
	for (guint i = 1; i < got->len; i++)
		g_assert_cmpuint(g_array_index(got, struct ds_event, i - 1).ts, <=,
				 g_array_index(got, struct ds_event, i).ts);
}

struct run read_run(const char *path, const struct ds_trace_opts *opts)
{
	g_autoptr(GError) err = NULL;
	struct run r = { .evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event)) };
	struct ds_source *src = ds_source_open_trace(path, opts, &err);

	g_assert_no_error(err);
	r.ops = src->ops;
	g_assert_true(read_all(src, r.evs, &err));
	g_assert_no_error(err);
	r.copy = *ds_source_info(src);
	r.copy.path = NULL;
	r.copy.clock = NULL;
	r.copy.releases_per_cpu = r.copy.lost_per_cpu = r.copy.lost_markers_per_cpu = NULL;
	r.copy.maps = NULL;
	ds_source_close(src);
	return r;
}

void assert_same_run(const struct run *a, const struct run *b)
{
	g_assert_cmpuint(a->evs->len, ==, b->evs->len);
	g_assert_cmpint(memcmp(a->evs->data, b->evs->data, a->evs->len * sizeof(struct ds_event)),
			==, 0);
	const struct ds_trace_info *x = &a->copy, *y = &b->copy;

	g_assert_cmpstr(x->sha256, ==, y->sha256);
	g_assert_cmpuint(x->file_size, ==, y->file_size);
	g_assert_cmpuint(x->file_version, ==, y->file_version);
	g_assert_cmpint(x->clock_synced, ==, y->clock_synced);
	g_assert_cmpuint(x->ncpus, ==, y->ncpus);
	g_assert_cmpuint(x->cpus_with_events, ==, y->cpus_with_events);
	g_assert_cmpuint(x->first_ts, ==, y->first_ts);
	g_assert_cmpuint(x->start_ts, ==, y->start_ts);
	g_assert_cmpuint(x->last_ts, ==, y->last_ts);
	g_assert_cmpint(memcmp(x->events_per_type, y->events_per_type, sizeof(x->events_per_type)),
			==, 0);
	g_assert_cmpuint(x->dropped_before_start, ==, y->dropped_before_start);
	g_assert_cmpuint(x->unpaired_ends, ==, y->unpaired_ends);
	g_assert_cmpuint(x->reordered, ==, y->reordered);
	g_assert_cmpuint(x->releases_per_backend[0], ==, y->releases_per_backend[0]);
	g_assert_cmpuint(x->releases_per_backend[1], ==, y->releases_per_backend[1]);
	g_assert_cmpuint(x->lost_total, ==, y->lost_total);
	g_assert_cmpuint(x->lost_unknown, ==, y->lost_unknown);
	g_assert_cmpuint(x->durations, ==, y->durations);
	g_assert_cmpuint(x->dur_p50_ns, ==, y->dur_p50_ns);
	g_assert_cmpuint(x->dur_p99_ns, ==, y->dur_p99_ns);
	g_assert_cmpuint(x->dur_max_ns, ==, y->dur_max_ns);
	g_assert_cmpuint(x->unreturned, ==, y->unreturned);
}
