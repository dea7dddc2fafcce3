// SPDX-License-Identifier: MIT
/*
 * size_run.c - one sizing search per struct size_case (size.h), and many of them on a thread
 * pool.  A search is sequential (each size depends on the last answer), so the parallelism is
 * across searches: the profile as given, each guessed cost at x0.5 and x2, each trace.  The
 * runs share nothing but read-only inputs (ds_sweep_run_one() is what sweep's threads use);
 * the caller warms each trace's binary cache first so libtracecmd is never used concurrently.
 */
#include <stdio.h>
#include <string.h>

#include "size.h"

struct size_case *size_case_new(const struct size_trace *t, const struct ds_profile *prof,
				const struct ds_params *params,
				const struct ds_size_targets *targets, int64_t max_pages)
{
	struct size_case *c = g_new0(struct size_case, 1);

	c->trace = t;
	c->prof = ds_sweep_profile_dup(prof);
	c->params = *params;
	c->targets = targets;
	c->max_pages = max_pages;
	c->answer = -1;
	return c;
}

void size_case_free(struct size_case *c)
{
	if (!c)
		return;
	ds_profile_free(c->prof);
	g_free(c->key);
	ds_size_search_free(c->search);
	if (c->runs)
		g_hash_table_destroy(c->runs);
	if (c->trace_json)
		json_node_unref(c->trace_json);
	g_clear_error(&c->error);
	g_free(c);
}

int64_t size_case_need(const struct size_case *c)
{
	return c->answer < 0 ? SIZE_UNMET : c->answer;
}

char *size_case_label(const struct size_case *c)
{
	if (c->worst)
		return g_strdup("worst combination");
	if (!c->key)
		return g_strdup("the profile as given");
	return g_strdup_printf("%s x%g", c->key, c->factor);
}

static void note_run(struct size_case *c, const struct ds_results *r, JsonNode *json)
{
	JsonNode *trace = json ? ds_record_get(json, "trace") : NULL;

	c->ncpus = r->ncpus;
	c->lock_contention = r->params.lock_contention;
	for (int b = 0; b < DS_BE__COUNT; b++)
		c->be_releases[b] = r->be[b].releases;
	if (!c->trace_json && trace)
		c->trace_json = json_node_copy(trace);
}

static gboolean evaluate(struct size_case *c, int64_t pages)
{
	struct ds_results *r = NULL;
	JsonNode *json = NULL;
	struct ds_size_eval ev = { 0 };

	c->params.pool_pages = pages;
	if (!ds_sweep_run_one(c->trace->path, &c->trace->topts, c->prof, &c->params, &r,
			      c->keep_runs ? &json : NULL, &c->error))
		return FALSE;
	ds_size_eval_from_results(r, &ev);
	ds_size_search_feed(c->search, &ev);
	note_run(c, r, json);
	if (json)
		g_hash_table_insert(c->runs, g_memdup2(&pages, sizeof(pages)), json);
	ds_results_free(r);
	return TRUE;
}

static void case_run(struct size_case *c)
{
	int64_t pages;

	c->search = ds_size_search_new(c->targets, c->max_pages);
	if (c->keep_runs)
		c->runs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
						(GDestroyNotify)json_node_unref);
	while (ds_size_search_next(c->search, &pages))
		if (!evaluate(c, pages))
			return;
	c->answer = ds_size_search_answer(c->search);
}

static void pool_job(gpointer data, gpointer user)
{
	case_run(data);
	g_async_queue_push(user, data);
}

static void progress(const struct size_case *c, guint done, guint n)
{
	g_autofree char *label = size_case_label(c);
	g_autofree char *base = g_path_get_basename(c->trace->path);

	if (c->error)
		g_printerr("defersim size: [%u/%u] %s, %s: failed\n", done, n, base, label);
	else if (c->answer < 0)
		g_printerr("defersim size: [%u/%u] %s, %s: not met\n", done, n, base, label);
	else
		g_printerr("defersim size: [%u/%u] %s, %s: %" G_GINT64_FORMAT " pages\n", done, n,
			   base, label, c->answer);
}

gboolean size_cases_run(GPtrArray *cases, guint jobs, gboolean quiet)
{
	GAsyncQueue *done = g_async_queue_new();
	GThreadPool *pool = NULL;
	gboolean ok = TRUE;

	/* even with one job the searches run on a thread, so this one reports progress live */
	pool = g_thread_pool_new(pool_job, done, (gint)MAX(jobs, 1), FALSE, NULL);
	for (guint i = 0; i < cases->len; i++)
		g_thread_pool_push(pool, g_ptr_array_index(cases, i), NULL);
	for (guint i = 0; i < cases->len; i++) {
		struct size_case *c = g_async_queue_pop(done);

		ok = ok && !c->error;
		if (!quiet)
			progress(c, i + 1, cases->len);
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	g_async_queue_unref(done);
	return ok;
}

static void answer_add(struct size_answer *a, const struct size_case *c)
{
	int64_t need = size_case_need(c);

	if (!c)
		return;
	if (!a->sets || need > a->need) {
		a->need = need;
		a->sets = c;
	}
	a->low = MIN(a->low, need);
	a->all_met = a->all_met && c->answer >= 0;
}

void size_answer_of(GPtrArray *traces, gboolean range, struct size_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->low = SIZE_UNMET;
	a->all_met = TRUE;
	a->range = range;
	for (guint i = 0; i < traces->len; i++) {
		const struct size_trace *t = g_ptr_array_index(traces, i);
		int64_t need = size_case_need(t->base);

		if (!a->base_sets || need > a->base_need) {
			a->base_need = need;
			a->base_sets = t->base;
		}
		answer_add(a, t->base);
		for (guint k = 0; k < t->costs->len; k++)
			answer_add(a, g_ptr_array_index(t->costs, k));
		if (t->worst)
			answer_add(a, t->worst);
	}
	a->page_size = a->base_sets->params.page_size ? a->base_sets->params.page_size :
		       a->base_sets->prof->page_size;
}

void size_trace_range(const struct size_trace *t, int64_t *low, int64_t *high)
{
	*low = *high = size_case_need(t->base);
	for (guint k = 0; k < t->costs->len; k++) {
		int64_t n = size_case_need(g_ptr_array_index(t->costs, k));

		*low = MIN(*low, n);
		*high = MAX(*high, n);
	}
	if (t->worst) {
		*low = MIN(*low, size_case_need(t->worst));
		*high = MAX(*high, size_case_need(t->worst));
	}
}
