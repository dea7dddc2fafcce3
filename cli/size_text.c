// SPDX-License-Identifier: MIT
/*
 * size_text.c - `defersim size`'s text report: per trace the sizes tried under the profile as
 * given and the answer (or why no pool size meets the targets), then the range over the
 * guessed costs, the per-trace needs, and the recommended size with its margin.
 */
#include <string.h>

#include "size.h"

static void print_eval(FILE *out, const struct ds_size_targets *t, const struct ds_size_eval *ev)
{
	char why[128], p99[32];

	ds_size_meets(t, ev, why);
	fprintf(out, "  pool_pages=%-6" G_GINT64_FORMAT " fallback rate %.4f%% (%" G_GUINT64_FORMAT
		" of %" G_GUINT64_FORMAT "), p99 drain latency %s: %s\n", ev->pool_pages,
		ev->fallback_rate * 100, ev->fallbacks, ev->releases,
		ev->deferred ? ds_fmt_ns(p99, (double)ev->p99_ns) : "- (nothing deferred)", why);
}

static void print_violations(const struct size_case *c)
{
	g_autoptr(GArray) v = ds_size_search_violations(c->search);
	g_autofree char *label = size_case_label(c);

	for (guint i = 0; i + 1 < v->len; i += 2) {
		const struct ds_size_eval *a = &g_array_index(v, struct ds_size_eval, i);
		const struct ds_size_eval *b = &g_array_index(v, struct ds_size_eval, i + 1);

		g_printerr("defersim size: warning: %s (%s): not monotone: pool_pages=%"
			   G_GINT64_FORMAT " gave %" G_GUINT64_FORMAT " fallbacks%s, the larger "
			   "pool_pages=%" G_GINT64_FORMAT " gave %" G_GUINT64_FORMAT "%s; the "
			   "bisection's answer may not be the smallest size that works\n",
			   c->trace->path, label, a->pool_pages, a->fallbacks,
			   a->meets ? " (meets)" : "", b->pool_pages, b->fallbacks,
			   b->meets ? " (meets)" : " (fails)");
	}
}

/* The smallest failing size whose pool never ran out: where the search saw it saturate. */
static const struct ds_size_eval *first_saturated(const struct size_case *c)
{
	g_autoptr(GArray) v = ds_size_search_visited(c->search);

	for (guint i = 0; i < v->len; i++) {
		const struct ds_size_eval *e = &g_array_index(v, struct ds_size_eval, i);

		if (!e->meets && ds_size_eval_saturated(e))
			return ds_size_search_lookup(c->search, e->pool_pages);
	}
	return NULL;
}

/* Why no pool size meets the targets, and what would change that. */
static void print_unmet(FILE *out, const struct size_case *c, int64_t max_pages)
{
	const struct ds_size_eval *top = ds_size_search_lookup(c->search, max_pages);
	const struct ds_size_eval *sat = first_saturated(c);
	unsigned int ps = c->params.page_size ? c->params.page_size : c->prof->page_size;
	char why[128], flush[32];

	ds_size_meets(c->targets, top, why);
	if (!ds_size_search_unmet_by_pool(c->search)) {
		fprintf(out, "  not met: even --max-pages %" G_GINT64_FORMAT " fails (%s), and the "
			"pool still ran out there: try a larger --max-pages\n", max_pages, why);
		return;
	}
	fprintf(out, "  not met by any pool size: at pool_pages=%" G_GINT64_FORMAT " the pool "
		"never ran out (no fallback, no swap found it empty), so more pages stay unused; "
		"at --max-pages %" G_GINT64_FORMAT " it still fails (%s).\n",
		sat ? sat->pool_pages : max_pages, max_pages, why);
	if (c->targets->has_p99 && top->p99_ns > c->targets->p99_ns)
		fprintf(out, "  The p99 drain latency is a value's wait in a per-CPU buffer that is "
			"not full yet (a %u B page holds %u zram or %u zswap values; it goes to the "
			"worker only when full, or after idle_flush_ns without a push: %s), then the "
			"worker's wake-up and drain.  What changes it: idle_flush_ns (flush partial "
			"buffers), page_size (fewer values per buffer), cpus (fewer buffers share the "
			"releases), the wake_latency and drain costs; not pool_pages.\n",
			ps, ps / 4, ps / 8, c->params.idle_flush_ns ?
			ds_fmt_ns(flush, (double)c->params.idle_flush_ns) : "off");
	else
		fprintf(out, "  The fallbacks there do not come from an empty pool: the policy's "
			"other limits (zsonly_pages_per_run, max_pages_per_run) set them.\n");
}

static void print_base(FILE *out, const struct size_case *c, int64_t max_pages, gboolean quiet)
{
	const struct ds_size_eval *below = ds_size_search_lookup(c->search, c->answer - 1);
	unsigned int ps = c->params.page_size ? c->params.page_size : c->prof->page_size;
	char b[32], why[128];

	fprintf(out, "\n%s (profile %s as given, policy %s, %u CPUs):\n", c->trace->path,
		c->prof->name, c->params.policy, c->ncpus);
	if (!quiet) {
		g_autoptr(GArray) v = ds_size_search_visited(c->search);

		for (guint i = 0; i < v->len; i++)
			print_eval(out, c->targets, &g_array_index(v, struct ds_size_eval, i));
	}
	print_violations(c);
	if (c->answer < 0) {
		print_unmet(out, c, max_pages);
		return;
	}
	fprintf(out, "  smallest pool: pool_pages = %" G_GINT64_FORMAT " = %s per pool (page size "
		"%u B)\n", c->answer, ds_fmt_bytes(b, (double)c->answer * ps), ps);
	if (!c->params.percpu_pages_from_pool) {
		unsigned int pools = (c->be_releases[DS_BE_ZRAM] > 0) +
				     (c->be_releases[DS_BE_ZSWAP] > 0);

		fprintf(out, "  plus %u per-CPU buffer pages per pool: %s in all for %u pool%s\n",
			c->ncpus, ds_fmt_bytes(b, (double)(c->answer + c->ncpus) * ps * MAX(pools, 1)),
			MAX(pools, 1), pools > 1 ? "s" : "");
	}
	if (below) {
		ds_size_meets(c->targets, below, why);
		fprintf(out, "  one page less fails (%s)\n", why);
	} else {
		fprintf(out, "  (0 pages already meets the targets: no smaller size exists)\n");
	}
}

static const char *need_text(char buf[32], int64_t need)
{
	if (need == SIZE_UNMET)
		return "not met";
	g_snprintf(buf, 32, "%" G_GINT64_FORMAT, need);
	return buf;
}

static void print_range(FILE *out, const struct size_trace *t)
{
	char a[32], b[32], c[32];
	int64_t low, high;

	if (!t->costs->len) {
		fprintf(out, "  no guessed cost that the policy reads: no range\n");
		return;
	}
	fprintf(out, "\n  Range over the guessed costs (pool_pages; each cost alone, then together):\n");
	fprintf(out, "    %-22s %10s  %6s  %6s\n", "cost [G]", "value", "x0.5", "x2");
	for (guint k = 0; k + 1 < t->costs->len; k += 2) {
		const struct size_case *lo = g_ptr_array_index(t->costs, k);
		const struct size_case *hi = g_ptr_array_index(t->costs, k + 1);

		fprintf(out, "    %-22s %10s  %6s  %6s\n", lo->key,
			ds_fmt_ns(c, (double)*ds_profile_cost(t->base->prof, lo->key)),
			need_text(a, size_case_need(lo)), need_text(b, size_case_need(hi)));
	}
	if (t->worst) {
		GString *f = g_string_new(NULL);

		for (guint k = 0; k + 1 < t->costs->len; k += 2) {
			const struct size_case *lo = g_ptr_array_index(t->costs, k);
			double s = ds_profile_scale_of(t->worst->prof, lo->key);

			if (s != 1.0)
				g_string_append_printf(f, "%s%s x%g", f->len ? ", " : "", lo->key, s);
		}
		fprintf(out, "    worst combination: %s pages (%s)\n",
			need_text(a, size_case_need(t->worst)), f->len ? f->str :
			"no cost moved the answer: the profile as given");
		g_string_free(f, TRUE);
	}
	size_trace_range(t, &low, &high);
	fprintf(out, "    range: %s..%s pages (as given: %s)\n", need_text(a, low),
		need_text(b, high), need_text(c, size_case_need(t->base)));
}

static void print_traces(FILE *out, GPtrArray *traces, const struct size_answer *a)
{
	char x[32], y[32], z[32];

	fprintf(out, "\nPer trace (pool_pages):\n  %-40s %9s  %11s\n", "trace", "as given",
		a->range ? "range" : "");
	for (guint i = 0; i < traces->len; i++) {
		const struct size_trace *t = g_ptr_array_index(traces, i);
		int64_t low, high;

		size_trace_range(t, &low, &high);
		if (a->range)
			fprintf(out, "  %-40s %9s  %5s..%-5s%s\n", t->path,
				need_text(x, size_case_need(t->base)), need_text(y, low),
				need_text(z, high), a->sets->trace == t ? "  <- sets the need" : "");
		else
			fprintf(out, "  %-40s %9s%s\n", t->path, need_text(x, size_case_need(t->base)),
				a->sets->trace == t ? "  <- sets the need" : "");
	}
}

static void print_recommendation(FILE *out, const struct size_answer *a)
{
	g_autofree char *label = size_case_label(a->sets);
	char b[32];

	if (!a->all_met) {
		fprintf(out, "\nNo recommendation: the targets are not met under %s on %s "
			"(see above).\n", label, a->sets->trace->path);
		return;
	}
	fprintf(out, "\nRecommended: pool_pages = %" G_GINT64_FORMAT " (%s per pool), set by %s "
		"under %s.\n", a->need, ds_fmt_bytes(b, (double)a->need * a->page_size),
		a->sets->trace->path, label);
	if (!a->range) {
		fprintf(out, "  No margin (--no-range): the profile's guessed costs may move it.\n");
		return;
	}
	fprintf(out, "  Margin: +%" G_GINT64_FORMAT " pages (%+.0f%%) over the %" G_GINT64_FORMAT
		" needed under the profile as given: it is the top of the range, so the targets "
		"hold with every guessed cost the policy reads off by up to 2x either way, alone "
		"or all together in the direction that needs more pages.  Not rounded further: "
		"pages are whole, and the range is the margin.\n", a->need - a->base_need,
		a->base_need ? 100.0 * (double)(a->need - a->base_need) / (double)a->base_need : 0.0,
		a->base_need);
}

void size_print_report(FILE *out, GPtrArray *traces, const struct size_answer *a,
		       const struct ds_size_targets *t, int64_t max_pages, gboolean quiet)
{
	(void)t;
	for (guint i = 0; i < traces->len; i++) {
		const struct size_trace *tr = g_ptr_array_index(traces, i);

		print_base(out, tr->base, max_pages, quiet);
		if (a->range)
			print_range(out, tr);
		for (guint k = 0; k < tr->costs->len; k++)
			print_violations(g_ptr_array_index(tr->costs, k));
		if (tr->worst)
			print_violations(tr->worst);
	}
	if (traces->len > 1)
		print_traces(out, traces, a);
	print_recommendation(out, a);
}
