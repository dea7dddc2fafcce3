// SPDX-License-Identifier: MIT
/*
 * cmd_size.c - `defersim size TRACE... --target-fallback 0.1% [--target-p99 5ms] ...`: the
 * smallest pool (pages and bytes) meeting the targets, with the range the profile's guesses
 * leave around it, and a recommended size with its margin.
 *
 * A search (sweep/size.c) finds the smallest pool for one trace under one profile.  This
 * command runs, per trace, the search under the profile as given, then under each guessed
 * cost the policy reads (ds_profile_origin() == DS_ORIGIN_GUESSED) at x0.5 and at x2, one at a
 * time, then under the worst combination (each of those costs at whichever factor needed more
 * pages): three stages, each a batch of independent searches run on -j threads (size_run.c).
 * The answer is the largest need over the traces; the recommendation is the largest over the
 * whole range.  Exit status: 0 every search met the targets, 3 one did not, 2 bad input.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "run_common.h"
#include "size.h"

#define DEFAULT_MAX_PAGES 65536
#define DS_EXIT_UNMET 3

/* The shared run options (run_common.h, without --pool-pages) and the targets. */
struct size_opts {
	struct ds_cli_run_opts run;
	char *target_fallback;
	char *target_p99;
	gint64 max_pages;
	gint jobs;
	gboolean no_range;
	char *json;
	gboolean quiet;
	char *share_memory;
};

/* Everything one invocation holds. */
struct size_cmd {
	const struct size_opts *o;
	struct ds_profile *prof;
	struct ds_params params;
	struct ds_size_targets targets;
	uint64_t share_budget;		/* --share-memory, bytes */
	GPtrArray *traces;		/* struct size_trace * */
	FILE *out;			/* the human report: stdout, stderr when JSON goes there */
};

static const char size_summary[] =
	"Finds the smallest pool_pages for which replaying TRACE gives at most the target\n"
	"fallback rate (and, with --target-p99, at most that p99 drain latency): tries 0, then\n"
	"1, 2, 4, ... up to --max-pages until a size meets the targets, then bisects.  Bisection\n"
	"assumes fallbacks never increase with the pool; the sizes visited are checked and any\n"
	"exception is reported.  Rates: 0.1% or 0.001; durations: 5ms, 200us, 1s.\n"
	"\n"
	"The search is repeated with each guessed cost of the profile that the policy reads\n"
	"(tag [G] in the profile file) at x0.5 and at x2, one at a time, then with all of them\n"
	"at whichever factor needed more pages (the worst combination): the range of answers,\n"
	"and the recommended size is its top.  With several traces the need is the largest,\n"
	"and the trace that sets it is named.  If the pool never runs out at a size that still\n"
	"fails, no pool size can help: size stops and says which parameter would.";

/* What status 3 means for size (cli/exit_status.c states the others) */
static const char size_target_text[] =
	"target not met: no pool size up to --max-pages meets the targets, under the\n"
	"     profile as given or under one of the range's scaled costs (0 then means met\n"
	"     under every cost of the range)";

/* Costs each pooled policy reads (sim/policy_*.c, task.c, worker.c, pool.c, ent.c); per-backend
 * keys end in _BE_ns and count only for a backend with releases. */
static const char *const v3_costs[] = {
	"push_ns", "swap_ns", "queue_work_ns", "lock_ns", "wake_latency_ns", "drain_page_ns",
	"drain_entry_BE_ns", "sync_free_BE_ns", "zs_class_hold_ns", "lock_handover_ns", NULL
};
static const char *const zsonly_costs[] = {
	"push_ns", "swap_ns", "queue_work_ns", "lock_ns", "wake_latency_ns", "drain_page_ns",
	"zs_free_ns", "sync_free_BE_ns", "zs_class_hold_ns", "lock_handover_ns", NULL
};

static void size_opts_free(struct size_opts *o)
{
	ds_cli_run_opts_clear(&o->run);
	g_free(o->target_fallback);
	g_free(o->target_p99);
	g_free(o->json);
	g_free(o->share_memory);
}

static gboolean parse_args(int *argc, char ***argv, struct size_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "target-fallback", 'f', 0, G_OPTION_ARG_STRING, &o->target_fallback, "Largest acceptable fallback rate (required)", "RATE" },
		{ "target-p99", 0, 0, G_OPTION_ARG_STRING, &o->target_p99, "Largest acceptable p99 drain latency", "DURATION" },
		{ "max-pages", 0, 0, G_OPTION_ARG_INT64, &o->max_pages, "Largest pool to try (default 65536)", "N" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs, "Searches run at once (default: the CPUs)", "N" },
		{ "no-range", 0, 0, G_OPTION_ARG_NONE, &o->no_range, "Only the answer under the profile as given (no x0.5/x2 of guessed costs)", NULL },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write the answer, the range, the recommendation and every size tried as JSON ('-' = stdout)", "FILE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Only the answer: no sizes tried, no progress", NULL },
		{ "share-memory", 0, 0, G_OPTION_ARG_STRING, &o->share_memory, "Memory the runs may share each trace's decoded event stream in (32 bytes an event), read once instead of once a run: a size (500M, 2G), 0 = never, auto (default) = a quarter of physical memory. Same results either way", "SIZE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("TRACE.dat... - smallest pool meeting a fallback target");
	gboolean ok;

	o->max_pages = DEFAULT_MAX_PAGES;
	g_option_context_set_summary(ctx, size_summary);
	ds_cli_exit_help(ctx, NULL, size_target_text);
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
	if (o->jobs < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--jobs %d: expected a number >= 1",
			    o->jobs);
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

/* --- the traces and their searches --------------------------------------------------------- */

static void size_trace_free(struct size_trace *t)
{
	ds_mem_stream_free(t->stream);	/* after every run that read it */
	size_case_free(t->base);
	size_case_free(t->worst);
	if (t->costs)
		g_ptr_array_free(t->costs, TRUE);
	g_free(t);
}

/*
 * A search replays its trace once per size tried, and the range runs many searches: the
 * trace's decoded events are loaded in memory once (replay/memsource.c, as a sweep's points
 * share them: sweep/share.c) when they fit in --share-memory, and every run reads them there
 * instead of copying and checksumming the binary cache again.  The runs' results are the
 * same; the stream's info is its cache's, as a run opening the cache reports.  @left: what is
 * left of the budget (the streams are held together).  FALSE with @error when the trace
 * cannot be read.
 */
static gboolean share_trace(struct size_cmd *cmd, struct size_trace *t, uint64_t *left,
			    GError **error)
{
	const char *why = NULL;
	uint64_t bytes = 0;
	struct ds_source *src;
	GError *err = NULL;

	if (!*left || !t->topts.use_cache)
		return TRUE;
	t->stream = ds_mem_stream_load(t->path, &t->topts, *left, &bytes, &why, &err);
	if (err) {
		g_propagate_error(error, err);
		return FALSE;
	}
	if (!t->stream) {	/* a .dsev, or too big: each run reads the file or its cache */
		if (bytes && !cmd->o->quiet)
			g_printerr("defersim size: %s: every run reads its binary cache (%s: %.0f "
				   "MiB, %.0f MiB of --share-memory left)\n", t->path, why,
				   (double)bytes / (1 << 20), (double)*left / (1 << 20));
		return TRUE;
	}
	*left -= bytes;
	t->topts.stream = t->stream;
	src = ds_mem_stream_open(t->stream);
	if (!t->sha256[0])
		g_strlcpy(t->sha256, ds_source_info(src)->sha256, sizeof(t->sha256));
	ds_source_close(src);
	if (!cmd->o->quiet)
		g_printerr("defersim size: %s: every run reads its %" G_GUINT64_FORMAT " events from "
			   "memory, decoded once (%.0f MiB)\n", t->path,
			   ds_mem_stream_events(t->stream), (double)bytes / (1 << 20));
	return TRUE;
}

/*
 * Each trace identified once (a search opens it many times): from its cache's header, else
 * by its first read, which hashes it beside the decode and writes its cache
 * (ds_trace_sha256_early()); only a trace that gets no cache is hashed here.  Its cache is
 * written before threads read it, so libtracecmd never runs concurrently: by the load of its
 * shared stream, or ds_sweep_warm_cache(), which are then that first read; with one job and
 * no stream, the first run is.
 */
static gboolean open_traces(struct size_cmd *cmd, char **paths, int n, GError **error)
{
	gboolean parallel = cmd->o->jobs != 1;
	uint64_t left = cmd->share_budget;

	for (int i = 0; i < n; i++) {
		struct size_trace *t = g_new0(struct size_trace, 1);
		int known;

		g_ptr_array_add(cmd->traces, t);
		t->path = paths[i];
		t->topts = cmd->o->run.topts;
		t->costs = g_ptr_array_new_with_free_func((GDestroyNotify)size_case_free);
		known = ds_trace_sha256_early(t->path, &t->topts, t->sha256, error);
		if (known < 0 || !share_trace(cmd, t, &left, error))
			return FALSE;
		if (!t->stream && parallel && t->topts.use_cache &&
		    !ds_sweep_warm_cache(t->path, &t->topts, known ? NULL : t->sha256, error))
			return FALSE;
		if (strlen(t->sha256) == 64)
			t->topts.sha256 = t->sha256;
		t->topts.progress = FALSE;	/* several threads: the progress lines say enough */
	}
	return TRUE;
}

/* A trace first read by its first run (one job, no cache yet): the digest its runs reported. */
static void take_sha256(GPtrArray *traces)
{
	for (guint i = 0; i < traces->len; i++) {
		struct size_trace *t = g_ptr_array_index(traces, i);
		JsonObject *o = t->base && t->base->trace_json &&
				JSON_NODE_HOLDS_OBJECT(t->base->trace_json) ?
				json_node_get_object(t->base->trace_json) : NULL;
		const char *sha = o && json_object_has_member(o, "sha256") ?
				  json_object_get_string_member(o, "sha256") : NULL;

		if (!t->sha256[0] && sha)
			g_strlcpy(t->sha256, sha, sizeof(t->sha256));
	}
}

static guint jobs_of(const struct size_cmd *cmd)
{
	if (!cmd->o->run.topts.use_cache)
		return 1;	/* --no-cache: every run reads the trace.dat (libtracecmd): one at a time */
	return cmd->o->jobs > 0 ? (guint)cmd->o->jobs : g_get_num_processors();
}

static gboolean run_stage(struct size_cmd *cmd, GPtrArray *cases)
{
	gboolean ok = size_cases_run(cases, jobs_of(cmd), cmd->o->quiet);

	for (guint i = 0; !ok && i < cases->len; i++) {
		const struct size_case *c = g_ptr_array_index(cases, i);

		if (c->error) {
			g_autofree char *label = size_case_label(c);

			g_printerr("defersim size: %s (%s): %s\n", c->trace->path, label,
				   c->error->message);
		}
	}
	return ok;
}

/* The cost keys of the policy, per-backend ones for the backends this trace released into. */
static GPtrArray *used_costs(const struct size_case *base)
{
	const char *const *list = !strcmp(base->params.policy, "zsonly") ? zsonly_costs : v3_costs;
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

	for (size_t i = 0; list[i]; i++) {
		const char *be = strstr(list[i], "_BE_");

		if (!strcmp(list[i], "zs_class_hold_ns") && base->lock_contention != DS_LOCKS_ON)
			continue;	/* class locks off: the hold time is never charged */
		if (!be) {
			g_ptr_array_add(keys, g_strdup(list[i]));
			continue;
		}
		for (unsigned int b = 0; b < DS_BE__COUNT; b++)
			if (base->be_releases[b])
				g_ptr_array_add(keys, g_strdup_printf("%.*s_%s_ns", (int)(be - list[i]),
							      list[i], ds_backend_name(b)));
	}
	return keys;
}

static struct size_case *scaled_case(struct size_cmd *cmd, struct size_trace *t,
				     const char *key, double factor)
{
	struct size_case *c = size_case_new(t, cmd->prof, &cmd->params, &cmd->targets,
					    cmd->o->max_pages);

	c->key = g_strdup(key);
	c->factor = factor;
	/* cannot fail: a cost key of the profile, a factor <= 2 of a loaded (bounded) value,
	 * unless that value is above 10^12 / 2 ns: then the x2 search is the profile's own */
	ds_profile_scale_cost(c->prof, key, factor);
	return c;
}

/* Stage 2: every guessed, non-zero cost the policy reads, at x0.5 and x2, for each trace. */
static void plan_costs(struct size_cmd *cmd, GPtrArray *stage)
{
	for (guint i = 0; i < cmd->traces->len; i++) {
		struct size_trace *t = g_ptr_array_index(cmd->traces, i);
		g_autoptr(GPtrArray) used = used_costs(t->base);

		for (guint k = 0; k < used->len; k++) {
			const char *key = g_ptr_array_index(used, k);

			if (ds_profile_origin(cmd->prof, key) != DS_ORIGIN_GUESSED ||
			    !*ds_profile_cost(cmd->prof, key))
				continue;
			g_ptr_array_add(t->costs, scaled_case(cmd, t, key, SIZE_LOW));
			g_ptr_array_add(stage, g_ptr_array_index(t->costs, t->costs->len - 1));
			g_ptr_array_add(t->costs, scaled_case(cmd, t, key, SIZE_HIGH));
			g_ptr_array_add(stage, g_ptr_array_index(t->costs, t->costs->len - 1));
		}
	}
}

/* Stage 3: each cost at the factor that needed more pages (when neither moved the answer, x1;
 * when both moved it equally, x2). */
static void plan_worst(struct size_cmd *cmd, GPtrArray *stage)
{
	for (guint i = 0; i < cmd->traces->len; i++) {
		struct size_trace *t = g_ptr_array_index(cmd->traces, i);
		int64_t base = size_case_need(t->base);

		if (!t->costs->len)
			continue;
		t->worst = size_case_new(t, cmd->prof, &cmd->params, &cmd->targets,
					 cmd->o->max_pages);
		t->worst->worst = TRUE;
		for (guint k = 0; k + 1 < t->costs->len; k += 2) {
			const struct size_case *lo = g_ptr_array_index(t->costs, k);
			const struct size_case *hi = g_ptr_array_index(t->costs, k + 1);
			int64_t nl = size_case_need(lo), nh = size_case_need(hi);

			if (nl == nh && nl == base)
				continue;
			ds_profile_scale_cost(t->worst->prof, lo->key, nl > nh ? lo->factor : hi->factor);
		}
		g_ptr_array_add(stage, t->worst);
	}
}

static gboolean run_all(struct size_cmd *cmd)
{
	g_autoptr(GPtrArray) base = g_ptr_array_new();
	g_autoptr(GPtrArray) costs = g_ptr_array_new();
	g_autoptr(GPtrArray) worst = g_ptr_array_new();

	for (guint i = 0; i < cmd->traces->len; i++) {
		struct size_trace *t = g_ptr_array_index(cmd->traces, i);

		t->base = size_case_new(t, cmd->prof, &cmd->params, &cmd->targets, cmd->o->max_pages);
		t->base->keep_runs = TRUE;
		g_ptr_array_add(base, t->base);
	}
	if (!run_stage(cmd, base))
		return FALSE;
	take_sha256(cmd->traces);
	if (cmd->o->no_range)
		return TRUE;
	plan_costs(cmd, costs);
	if (costs->len && !run_stage(cmd, costs))
		return FALSE;
	plan_worst(cmd, worst);
	return !worst->len || run_stage(cmd, worst);
}

/* --- main ---------------------------------------------------------------------------------- */

static int report(struct size_cmd *cmd)
{
	struct size_answer a;
	GError *error = NULL;
	char p99[32];

	size_answer_of(cmd->traces, !cmd->o->no_range, &a);
	fprintf(cmd->out, "Sizing the pool: fallback rate <= %.4g%%",
		cmd->targets.fallback_rate * 100);
	if (cmd->targets.has_p99)
		fprintf(cmd->out, ", p99 drain latency <= %s",
			ds_fmt_ns(p99, (double)cmd->targets.p99_ns));
	fprintf(cmd->out, " (pool_pages 0..%" G_GINT64_FORMAT ")\n", cmd->o->max_pages);
	size_print_report(cmd->out, cmd->traces, &a, &cmd->targets, cmd->o->max_pages,
			  cmd->o->quiet);
	fflush(cmd->out);
	if (cmd->o->json && !size_write_json(cmd->o->json, cmd->traces, &a, &cmd->targets,
					     cmd->o->max_pages, &error)) {
		g_printerr("defersim size: %s\n", error->message);
		g_error_free(error);
		return DS_EXIT_FAIL;
	}
	if (!a.all_met) {
		g_autofree char *label = size_case_label(a.sets);

		g_printerr("defersim size: the targets are not met under %s on %s: %s\n", label,
			   a.sets->trace->path, ds_size_search_unmet_by_pool(a.sets->search) ?
			   "no pool size meets them (the report says what would)" :
			   "even --max-pages does not meet them");
		return DS_EXIT_UNMET;
	}
	return DS_EXIT_OK;
}

static gboolean setup(struct size_cmd *cmd, struct size_opts *o, int *argc, char ***argv,
		      GError **error)
{
	if (!parse_args(argc, argv, o, error) || !build_targets(o, &cmd->targets, error) ||
	    !build_params(o, &cmd->params, error))
		return FALSE;
	if (*argc < 2) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "no trace given");
		return FALSE;
	}
	if (!ds_sweep_share_budget(o->share_memory, &cmd->share_budget, error))
		return FALSE;
	cmd->prof = ds_cli_profile_load(o->run.profile, o->run.set, error);
	if (!cmd->prof || !ds_cli_run_trace_opts(&o->run, error))
		return FALSE;
	cmd->out = o->json && !strcmp(o->json, "-") ? stderr : stdout;
	return open_traces(cmd, *argv + 1, *argc - 1, error);
}

int ds_cmd_size(int argc, char **argv)
{
	struct size_opts o = { 0 };
	struct size_cmd cmd = { .o = &o };
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	cmd.traces = g_ptr_array_new_with_free_func((GDestroyNotify)size_trace_free);
	if (!setup(&cmd, &o, &argc, &argv, &error)) {
		g_printerr("defersim size: %s\n", error->message);
		g_error_free(error);
	} else if (!run_all(&cmd)) {
		status = DS_EXIT_FAIL;
		for (guint i = 0; i < cmd.traces->len; i++) {
			struct size_trace *t = g_ptr_array_index(cmd.traces, i);

			if (t->base && t->base->error &&
			    ds_cli_exit_for_run_error(t->base->error) == DS_EXIT_USAGE)
				status = DS_EXIT_USAGE;
		}
	} else {
		status = report(&cmd);
	}
	g_ptr_array_free(cmd.traces, TRUE);
	ds_profile_free(cmd.prof);
	size_opts_free(&o);
	return status;
}
