// SPDX-License-Identifier: MIT
/*
 * size.c - the smallest pool meeting a fallback-rate (and drain-latency) target.
 *
 * struct ds_size_search is a pull-style search: it says which pool size to evaluate next,
 * the caller runs the simulator and feeds the result back.  State: the targets, the upper
 * limit, @lo = largest size seen failing (-1: none yet), @hi = smallest size seen meeting
 * (-1: none yet), and every evaluation (visited, in feed order).  Phases: 0 first; while no
 * size meets, 1, 2, 4, ... capped at max_pages (exponential search for an upper bound); then
 * bisection of (lo, hi) until hi = lo + 1.  That finds *the* answer only if meeting the
 * targets is monotone in the pool size, which the spec expects of fallbacks but does not
 * promise (and p99 drain latency may even grow with the pool), so the visited points are
 * checked afterwards and violations reported.
 *
 * A failing size whose pool never ran out (no fallback, no swap that found it empty) is
 * "saturated": more pages could only sit unused.  The search then tries max_pages at once
 * (@probed); if that fails too the target cannot be met by the pool at all
 * (ds_size_search_unmet_by_pool()) and the search stops instead of doubling its way there.
 */
#include <string.h>

#include "ds_report.h"
#include "ds_sweep.h"

struct ds_size_search {
	struct ds_size_targets t;
	int64_t max_pages;
	GArray *visited;	/* struct ds_size_eval, feed order */
	int64_t lo;
	int64_t hi;
	int64_t pending;	/* handed out by next(), not fed yet; -1: none */
	gboolean lo_saturated;	/* the failing size @lo never ran out of pages */
	gboolean done;
};

void ds_size_eval_from_results(const struct ds_results *r, struct ds_size_eval *ev)
{
	struct ds_hist all;

	ds_hist_init(&all);
	ev->pool_pages = r->params.pool_pages;
	ev->releases = r->releases;
	ev->fallbacks = 0;
	ev->swap_failures = 0;
	ev->deferred = 0;
	/* One distribution over both backends: the target is about any value's wait. */
	for (int b = 0; b < DS_BE__COUNT; b++) {
		const struct ds_hist *h = &r->be[b].drain_latency;

		ev->fallbacks += r->be[b].fallbacks;
		ev->swap_failures += r->be[b].swap_failures;
		ev->deferred += h->count;
		if (!h->count)
			continue;
		if (!all.count || h->min < all.min)
			all.min = h->min;
		all.max = MAX(all.max, h->max);
		all.count += h->count;
		all.sum += h->sum;
		for (unsigned int i = 0; i < DS_HIST_BUCKETS; i++)
			all.buckets[i] += h->buckets[i];
	}
	ev->fallback_rate = ev->releases ? (double)ev->fallbacks / (double)ev->releases : 0.0;
	ev->p99_ns = ds_hist_quantile(&all, 0.99);
	ds_hist_clear(&all);
}

gboolean ds_size_meets(const struct ds_size_targets *t, const struct ds_size_eval *ev,
		       char *why)
{
	if (t->fallback_rate >= 0 && ev->fallback_rate > t->fallback_rate) {
		if (why)
			g_snprintf(why, 128, "fallback rate %.4g%% > target %.4g%%",
				   ev->fallback_rate * 100, t->fallback_rate * 100);
		return FALSE;
	}
	if (t->has_p99 && ev->p99_ns > t->p99_ns) {
		char a[32], b[32];

		if (why)
			g_snprintf(why, 128, "p99 drain latency %s > target %s",
				   ds_fmt_ns(a, (double)ev->p99_ns), ds_fmt_ns(b, (double)t->p99_ns));
		return FALSE;
	}
	if (why)
		g_strlcpy(why, "meets the targets", 128);
	return TRUE;
}

struct ds_size_search *ds_size_search_new(const struct ds_size_targets *t, int64_t max_pages)
{
	struct ds_size_search *s = g_new0(struct ds_size_search, 1);

	s->t = *t;
	s->max_pages = MAX(max_pages, 0);
	s->visited = g_array_new(FALSE, FALSE, sizeof(struct ds_size_eval));
	s->lo = -1;
	s->hi = -1;
	s->pending = -1;
	return s;
}

void ds_size_search_free(struct ds_size_search *s)
{
	if (!s)
		return;
	g_array_free(s->visited, TRUE);
	g_free(s);
}

static int64_t next_size(const struct ds_size_search *s)
{
	if (s->hi < 0) {
		if (s->lo >= s->max_pages)
			return -1;	/* even the limit fails */
		if (s->lo < 0)
			return 0;
		if (s->lo_saturated)
			return s->max_pages;	/* more pages cannot help below it: check the top */
		return s->lo == 0 ? 1 : MIN(s->lo * 2, s->max_pages);
	}
	if (s->hi - s->lo <= 1)
		return -1;
	return s->lo + (s->hi - s->lo) / 2;
}

gboolean ds_size_search_next(struct ds_size_search *s, int64_t *pages)
{
	if (s->done)
		return FALSE;
	if (s->pending < 0)
		s->pending = next_size(s);
	if (s->pending < 0) {
		s->done = TRUE;
		return FALSE;
	}
	*pages = s->pending;
	return TRUE;
}

void ds_size_search_feed(struct ds_size_search *s, const struct ds_size_eval *ev)
{
	struct ds_size_eval e = *ev;

	e.meets = ds_size_meets(&s->t, &e, NULL);
	g_array_append_val(s->visited, e);
	if (e.meets)
		s->hi = s->hi < 0 ? e.pool_pages : MIN(s->hi, e.pool_pages);
	else if (e.pool_pages > s->lo) {
		s->lo = e.pool_pages;
		s->lo_saturated = ds_size_eval_saturated(&e);
	}
	s->pending = -1;
}

gboolean ds_size_eval_saturated(const struct ds_size_eval *ev)
{
	return !ev->fallbacks && !ev->swap_failures;
}

gboolean ds_size_search_unmet_by_pool(const struct ds_size_search *s)
{
	const struct ds_size_eval *top = ds_size_search_lookup(s, s->max_pages);

	return s->done && s->hi < 0 && top && !top->meets && ds_size_eval_saturated(top);
}

int64_t ds_size_search_answer(const struct ds_size_search *s)
{
	return s->done ? s->hi : -1;
}

const struct ds_size_eval *ds_size_search_lookup(const struct ds_size_search *s, int64_t pages)
{
	for (guint i = 0; i < s->visited->len; i++) {
		const struct ds_size_eval *e = &g_array_index(s->visited, struct ds_size_eval, i);

		if (e->pool_pages == pages)
			return e;
	}
	return NULL;
}

static gint by_pages(gconstpointer a, gconstpointer b)
{
	const struct ds_size_eval *x = a, *y = b;

	return x->pool_pages < y->pool_pages ? -1 : x->pool_pages > y->pool_pages;
}

GArray *ds_size_search_visited(const struct ds_size_search *s)
{
	GArray *v = g_array_sized_new(FALSE, FALSE, sizeof(struct ds_size_eval), s->visited->len);

	g_array_append_vals(v, s->visited->data, s->visited->len);
	g_array_sort(v, by_pages);
	return v;
}

GArray *ds_size_search_violations(const struct ds_size_search *s)
{
	GArray *v = ds_size_search_visited(s);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct ds_size_eval));

	for (guint i = 1; i < v->len; i++) {
		const struct ds_size_eval *a = &g_array_index(v, struct ds_size_eval, i - 1);
		const struct ds_size_eval *b = &g_array_index(v, struct ds_size_eval, i);

		if (b->fallbacks > a->fallbacks || (a->meets && !b->meets)) {
			g_array_append_vals(out, a, 1);
			g_array_append_vals(out, b, 1);
		}
	}
	g_array_free(v, TRUE);
	return out;
}
