// SPDX-License-Identifier: MIT
/*
 * cmd_size.c - `defersim size TRACE --target-fallback 0.1% [--target-p99 5ms] ...`: the
 * smallest pool (pages and bytes) meeting the targets for a trace, profile and CPU count.
 *
 * The search (sweep/size.c) says which pool size to try; this file runs the simulator for
 * it and feeds the result back.  struct size_run keeps what the report needs: the inputs,
 * the search, and the JSON of every run made (pool_pages -> JsonNode), so the answer and the
 * size below it can be shown in full.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_report.h"
#include "ds_sweep.h"
#include "run_common.h"

#define DEFAULT_MAX_PAGES 65536

/* The shared run options (run_common.h, without --pool-pages) and the targets. */
struct size_opts {
	struct ds_cli_run_opts run;
	char *target_fallback;
	char *target_p99;
	gint64 max_pages;
	char *json;
	gboolean quiet;
};

struct size_run {
	const struct size_opts *o;
	const char *trace;
	const struct ds_trace_opts *topts;
	struct ds_profile *prof;
	struct ds_params params;
	struct ds_size_targets targets;
	struct ds_size_search *search;
	GHashTable *runs;		/* gint64 pool_pages -> JsonNode * */
	JsonNode *trace_json;		/* "trace" member of a run */
	unsigned int ncpus;
	unsigned int pools;		/* backends with releases */
	FILE *out;			/* the human report: stdout, stderr when JSON goes there */
};

static const char size_summary[] =
	"Finds the smallest pool_pages for which replaying TRACE gives at most the target\n"
	"fallback rate (and, with --target-p99, at most that p99 drain latency): tries 0, then\n"
	"1, 2, 4, ... up to --max-pages until a size meets the targets, then bisects.  Bisection\n"
	"assumes fallbacks never increase with the pool; the sizes visited are checked and any\n"
	"exception is reported.  Rates: 0.1% or 0.001; durations: 5ms, 200us, 1s.";

static void size_opts_free(struct size_opts *o)
{
	ds_cli_run_opts_clear(&o->run);
	g_free(o->target_fallback);
	g_free(o->target_p99);
	g_free(o->json);
}

static gboolean parse_args(int *argc, char ***argv, struct size_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "target-fallback", 'f', 0, G_OPTION_ARG_STRING, &o->target_fallback, "Largest acceptable fallback rate (required)", "RATE" },
		{ "target-p99", 0, 0, G_OPTION_ARG_STRING, &o->target_p99, "Largest acceptable p99 drain latency", "DURATION" },
		{ "max-pages", 0, 0, G_OPTION_ARG_INT64, &o->max_pages, "Largest pool to try (default 65536)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write the answer and every size tried as JSON ('-' = stdout)", "FILE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Only the answer, not each size tried", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("TRACE.dat - smallest pool meeting a fallback target");
	gboolean ok;

	o->max_pages = DEFAULT_MAX_PAGES;
	g_option_context_set_summary(ctx, size_summary);
	ds_cli_exit_help(ctx, NULL, "target not met: no pool size up to --max-pages meets the targets");
	ds_cli_run_add_options(ctx, &o->run, DS_CLI_NO_POOL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	g_option_context_free(ctx);
	return ok;
}

static gboolean build_targets(const struct size_opts *o, struct ds_size_targets *t,
			      GError **error)
{
	if (!o->target_fallback) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "--target-fallback is required (e.g. --target-fallback 0.1%%)");
		return FALSE;
	}
	if (!ds_parse_fraction(o->target_fallback, &t->fallback_rate, error)) {
		g_prefix_error(error, "--target-fallback ");
		return FALSE;
	}
	t->has_p99 = o->target_p99 != NULL;
	if (t->has_p99 && !ds_parse_duration(o->target_p99, &t->p99_ns, error)) {
		g_prefix_error(error, "--target-p99 ");
		return FALSE;
	}
	if (o->max_pages < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--max-pages %" G_GINT64_FORMAT
			    ": expected a number of pages >= 0", o->max_pages);
		return FALSE;
	}
	return TRUE;
}

static gboolean build_params(const struct size_opts *o, struct ds_params *p, GError **error)
{
	for (char **set = o->run.set; set && *set; set++) {
		if (g_str_has_prefix(*set, "pool_pages=")) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "--set pool_pages: size chooses pool_pages itself");
			return FALSE;
		}
	}
	if (!ds_cli_run_params(&o->run, NULL, 0, p, error))
		return FALSE;
	if (!strcmp(p->policy, "sync")) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "--policy sync frees everything synchronously: it has no pool to size");
		return FALSE;
	}
	if (!strcmp(p->policy, "v2")) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "--policy v2 has no page pool (pool_pages does not apply to it): it "
			    "keeps one array of v2_array_entries handles per pool; compare array "
			    "sizes with `defersim sweep` over v2_array_entries instead");
		return FALSE;
	}
	return TRUE;
}

/* --- evaluating one size ------------------------------------------------------------------ */

static void print_eval(const struct size_run *run, const struct ds_size_eval *ev)
{
	char why[128], p99[32];

	ds_size_meets(&run->targets, ev, why);
	fprintf(run->out, "  pool_pages=%-6" G_GINT64_FORMAT " fallback rate %.4f%% (%" G_GUINT64_FORMAT
	       " of %" G_GUINT64_FORMAT "), p99 drain latency %s: %s\n", ev->pool_pages,
	       ev->fallback_rate * 100, ev->fallbacks, ev->releases,
	       ev->deferred ? ds_fmt_ns(p99, (double)ev->p99_ns) : "- (nothing deferred)", why);
}

static void note_run(struct size_run *run, const struct ds_results *r, JsonNode *json)
{
	JsonNode *trace = ds_record_get(json, "trace");

	run->ncpus = r->ncpus;
	run->pools = 0;
	for (int b = 0; b < DS_BE__COUNT; b++)
		run->pools += r->be[b].releases > 0;
	if (!run->trace_json && trace)
		run->trace_json = json_node_copy(trace);
}

static gboolean evaluate(struct size_run *run, int64_t pages, GError **error)
{
	struct ds_results *r = NULL;
	JsonNode *json = NULL;
	struct ds_size_eval ev = { 0 };

	run->params.pool_pages = pages;
	if (!ds_sweep_run_one(run->trace, run->topts, run->prof, &run->params, &r, &json, error))
		return FALSE;
	ds_size_eval_from_results(r, &ev);
	ds_size_search_feed(run->search, &ev);
	note_run(run, r, json);
	g_hash_table_insert(run->runs, g_memdup2(&pages, sizeof(pages)), json);
	ds_results_free(r);
	if (!run->o->quiet) {
		print_eval(run, ds_size_search_lookup(run->search, pages));
		fflush(run->out);
	}
	return TRUE;
}

/* --- the answer ---------------------------------------------------------------------------- */

static unsigned int page_size(const struct size_run *run)
{
	return run->params.page_size ? run->params.page_size : run->prof->page_size;
}

static void print_violations(const struct size_run *run)
{
	g_autoptr(GArray) v = ds_size_search_violations(run->search);

	for (guint i = 0; i + 1 < v->len; i += 2) {
		const struct ds_size_eval *a = &g_array_index(v, struct ds_size_eval, i);
		const struct ds_size_eval *b = &g_array_index(v, struct ds_size_eval, i + 1);

		g_printerr("defersim size: warning: not monotone: pool_pages=%" G_GINT64_FORMAT
			   " gave %" G_GUINT64_FORMAT " fallbacks%s, the larger pool_pages=%"
			   G_GINT64_FORMAT " gave %" G_GUINT64_FORMAT "%s; the bisection's answer "
			   "may not be the smallest size that works\n", a->pool_pages, a->fallbacks,
			   a->meets ? " (meets)" : "", b->pool_pages, b->fallbacks,
			   b->meets ? " (meets)" : " (fails)");
	}
}

static void print_answer(const struct size_run *run, int64_t answer)
{
	const struct ds_size_eval *at = ds_size_search_lookup(run->search, answer);
	const struct ds_size_eval *below = ds_size_search_lookup(run->search, answer - 1);
	unsigned int ps = page_size(run);
	gboolean percpu_extra = !run->params.percpu_pages_from_pool;
	char b1[32], b2[32], why[128];

	fprintf(run->out, "\nSmallest pool for %s (profile %s, policy %s, %u CPUs):\n", run->trace,
	       run->prof->name, run->params.policy, run->ncpus);
	fprintf(run->out, "  pool_pages = %" G_GINT64_FORMAT " = %s per pool (page size %u B)\n", answer,
	       ds_fmt_bytes(b1, (double)answer * ps), ps);
	if (percpu_extra)
		fprintf(run->out, "  plus %u per-CPU buffer pages per pool: %s in all for %u pool%s\n",
		       run->ncpus, ds_fmt_bytes(b2, (double)(answer + run->ncpus) * ps *
						MAX(run->pools, 1)), MAX(run->pools, 1),
		       run->pools > 1 ? "s" : "");
	fprintf(run->out, "  at %" G_GINT64_FORMAT " pages:\n  ", answer);
	print_eval(run, at);
	if (below) {
		ds_size_meets(&run->targets, below, why);
		fprintf(run->out, "  one page less fails (%s):\n  ", why);
		print_eval(run, below);
	} else {
		fprintf(run->out, "  (0 pages already meets the targets: no smaller size exists)\n");
	}
}

static JsonNode *evals_json(const struct size_run *run)
{
	g_autoptr(GArray) v = ds_size_search_visited(run->search);
	JsonArray *a = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	for (guint i = 0; i < v->len; i++) {
		const struct ds_size_eval *e = &g_array_index(v, struct ds_size_eval, i);
		JsonObject *o = json_object_new();

		json_object_set_int_member(o, "pool_pages", e->pool_pages);
		json_object_set_int_member(o, "releases", (gint64)e->releases);
		json_object_set_int_member(o, "fallbacks", (gint64)e->fallbacks);
		json_object_set_double_member(o, "fallback_rate", e->fallback_rate);
		json_object_set_int_member(o, "deferred", (gint64)e->deferred);
		if (e->deferred)	/* null: nothing deferred, no latency (docs/json.md) */
			json_object_set_int_member(o, "p99_ns", (gint64)e->p99_ns);
		else
			json_object_set_null_member(o, "p99_ns");
		json_object_set_boolean_member(o, "meets", e->meets);
		json_array_add_object_element(a, o);
	}
	json_node_take_array(n, a);
	return n;
}

static JsonNode *run_json(const struct size_run *run, int64_t pages)
{
	JsonNode *n = pages >= 0 ? g_hash_table_lookup(run->runs, &pages) : NULL;

	return n ? json_node_copy(n) : json_node_new(JSON_NODE_NULL);
}

static gboolean write_json(const struct size_run *run, int64_t answer, GError **error)
{
	g_autoptr(GArray) viol = ds_size_search_violations(run->search);
	JsonObject *o = json_object_new(), *tool = json_object_new(), *t = json_object_new();
	JsonNode *root = json_node_new(JSON_NODE_OBJECT);
	unsigned int ps = page_size(run);
	gboolean ok;

	json_object_set_string_member(tool, "name", "defersim size");
	json_object_set_string_member(tool, "version", DS_VERSION);
	json_object_set_int_member(tool, "schema_version", DS_JSON_SCHEMA_VERSION);
	json_object_set_object_member(o, "tool", tool);
	json_object_set_member(o, "trace", run->trace_json ? json_node_copy(run->trace_json) :
			       json_node_new(JSON_NODE_NULL));
	json_object_set_string_member(o, "profile", run->prof->name);
	json_object_set_string_member(o, "policy", run->params.policy);
	json_object_set_int_member(o, "ncpus", run->ncpus);
	json_object_set_double_member(t, "fallback_rate", run->targets.fallback_rate);
	if (run->targets.has_p99)
		json_object_set_int_member(t, "p99_ns", (gint64)run->targets.p99_ns);
	else
		json_object_set_null_member(t, "p99_ns");
	json_object_set_object_member(o, "targets", t);
	json_object_set_int_member(o, "max_pages", run->o->max_pages);
	if (answer >= 0) {
		JsonObject *a = json_object_new();

		json_object_set_int_member(a, "pool_pages", answer);
		json_object_set_int_member(a, "page_size", ps);
		json_object_set_int_member(a, "pool_bytes", answer * ps);
		json_object_set_int_member(a, "pools", MAX(run->pools, 1));
		json_object_set_int_member(a, "percpu_pages_per_pool",
					   run->params.percpu_pages_from_pool ? 0 : run->ncpus);
		json_object_set_object_member(o, "answer", a);
	} else {
		json_object_set_null_member(o, "answer");
	}
	json_object_set_boolean_member(o, "monotone", viol->len == 0);
	json_object_set_member(o, "evaluations", evals_json(run));
	json_object_set_member(o, "at_answer", run_json(run, answer));
	json_object_set_member(o, "below_answer", run_json(run, answer > 0 ? answer - 1 : -1));
	json_node_take_object(root, o);
	ok = ds_json_write(root, run->o->json, error);
	json_node_unref(root);
	return ok;
}

/* --- main ---------------------------------------------------------------------------------- */

static int search(struct size_run *run)
{
	GError *error = NULL;
	int64_t pages, answer;
	int status;
	char p99[32];

	if (!run->o->quiet) {
		fprintf(run->out, "Sizing the pool: fallback rate <= %.4g%%", run->targets.fallback_rate * 100);
		if (run->targets.has_p99)
			fprintf(run->out, ", p99 drain latency <= %s", ds_fmt_ns(p99, (double)run->targets.p99_ns));
		fprintf(run->out, " (pool_pages 0..%" G_GINT64_FORMAT ")\n", run->o->max_pages);
	}
	while (ds_size_search_next(run->search, &pages))
		if (!evaluate(run, pages, &error))
			goto fail;
	answer = ds_size_search_answer(run->search);
	print_violations(run);
	if (run->o->json && !write_json(run, answer, &error))
		goto fail;
	if (answer < 0) {
		const struct ds_size_eval *top = ds_size_search_lookup(run->search, run->o->max_pages);
		char why[128];

		ds_size_meets(&run->targets, top, why);
		g_printerr("defersim size: even --max-pages %" G_GINT64_FORMAT " does not meet the "
			   "targets (%s)\n", run->o->max_pages, why);
		return DS_EXIT_FAIL;
	}
	print_answer(run, answer);
	return DS_EXIT_OK;
fail:
	g_printerr("defersim size: %s\n", error->message);
	status = ds_cli_exit_for_run_error(error);
	g_error_free(error);
	return status;
}

int ds_cmd_size(int argc, char **argv)
{
	struct size_opts o = { 0 };
	struct size_run run = { .o = &o };
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error) || !build_targets(&o, &run.targets, &error) ||
	    !build_params(&o, &run.params, &error))
		goto out;
	if (argc != 2) {
		g_set_error(&error, DS_ERROR, DS_ERROR_PARAM, "%s", argc < 2 ? "no trace given" :
			    "more than one trace given");
		goto out;
	}
	run.prof = ds_cli_profile_load(o.run.profile, &error);
	if (!run.prof || !ds_cli_run_trace_opts(&o.run, &error) ||
	    !ds_cli_run_hash_trace(&o.run, argv[1], &error))
		goto out;
	run.trace = argv[1];
	run.out = o.json && !strcmp(o.json, "-") ? stderr : stdout;
	run.topts = &o.run.topts;
	run.search = ds_size_search_new(&run.targets, o.max_pages);
	run.runs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
					 (GDestroyNotify)json_node_unref);
	status = search(&run);
out:
	if (error) {
		g_printerr("defersim size: %s\n", error->message);
		g_error_free(error);
	}
	if (run.runs)
		g_hash_table_destroy(run.runs);
	if (run.trace_json)
		json_node_unref(run.trace_json);
	ds_size_search_free(run.search);
	ds_profile_free(run.prof);
	size_opts_free(&o);
	return status;
}
