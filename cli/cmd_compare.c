// SPDX-License-Identifier: MIT
/*
 * cmd_compare.c - `defersim compare TRACE`: every policy on the same trace, profile and
 * parameters -> one table, one JSON document, one CSV row per policy.
 *
 * Each policy is one ordinary replay (the pieces of `defersim replay`, run_common.c): the
 * trace is opened once per run, through its binary cache after the first.  Data:
 * struct compare_opts (the options); struct compare_run per policy: its results, its JSON
 * object (ds_report_to_json(), made while its source is open, since it names the trace), and
 * struct compare_row, the summary the table, the JSON "summary" and the CSV share, computed
 * from the results alone.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_json.h"
#include "ds_report.h"
#include "ds_sim.h"
#include "ds_source.h"
#include "run_common.h"
#include "run_timeline.h"

/* The shared run options (run_common.h, without --policy) and compare's own. */
struct compare_opts {
	struct ds_cli_run_opts run;
	char *policies;
	char *json;
	char *csv;
	gboolean quiet;
	struct ds_cli_timeline timeline;
};

/*
 * struct compare_row - one policy's answers
 * @latency: drain latency of both backends together (deferred values freed before teardown)
 * @worst_pid, @worst_hot_ns: the task with the most hot-path time
 * @pending_bytes: sum of the backends' peaks (an upper bound when both are in use)
 */
struct compare_row {
	const char *policy;
	uint64_t releases;
	uint64_t fallbacks;
	uint64_t fallbacks_lock;
	uint64_t teardown_drained;
	struct ds_hist latency;
	uint64_t hot_ns;
	uint64_t sync_ns;
	int32_t worst_pid;
	uint64_t worst_hot_ns;
	uint64_t pending_bytes;
	uint64_t pending_values;
	uint64_t worker_busy_ns;
	uint64_t class_locks;
	bool inv_checked;
	bool inv_ok;
};

struct compare_run {
	struct ds_results *r;
	struct ds_task_spill *spill;	/* its per-task rows for --json (a temporary file) */
	JsonNode *json;
	struct compare_row row;
};

static const char compare_summary[] =
	"Replays one trace.dat under several release policies with the same profile and\n"
	"parameters, and puts their answers side by side: fallback rate, drain latency\n"
	"(p50/p99/max), hot-path time of the releasing tasks (sum and worst task), peak memory\n"
	"pending and worker CPU time.  --json holds every run's full object (as `defersim replay\n"
	"--json`, per-task rows included) and the summary; --csv one row per policy.  The\n"
	"policy parameter is set per run; every other parameter (--set NAME=VALUE) applies to\n"
	"all of them.";

static void compare_opts_free(struct compare_opts *o)
{
	ds_cli_run_opts_clear(&o->run);
	g_free(o->policies);
	g_free(o->json);
	g_free(o->csv);
	ds_cli_timeline_clear(&o->timeline);
}

static gboolean parse_args(int *argc, char ***argv, struct compare_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "policies", 'p', 0, G_OPTION_ARG_STRING, &o->policies, "Policies to compare, in this order (default: all)", "A,B,..." },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &o->json, "Write every run and the summary as one JSON document ('-' = stdout)", "FILE" },
		{ "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, "Write one CSV row per policy (summary + the run's scalar metrics)", "FILE" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No table (use with --json/--csv)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("TRACE.dat - compare release policies on one trace");
	gboolean ok;

	g_option_context_set_summary(ctx, compare_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	ds_cli_run_add_options(ctx, &o->run, DS_CLI_NO_POLICY);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ds_cli_timeline_add_options(ctx, &o->timeline, "Write each policy's simulated run as a "
				    "Chrome/Perfetto trace: FILE-POLICY.json (docs/timeline.md)");
	ok = g_option_context_parse(ctx, argc, argv, error) &&
	     ds_cli_timeline_check(&o->timeline, error);
	g_option_context_free(ctx);
	return ok;
}

/* "sync,v2" -> static policy names (ds_params_set checks them); every one by default. */
static GPtrArray *policy_list(const char *text, GError **error)
{
	GPtrArray *list = g_ptr_array_new();
	g_auto(GStrv) items = text ? g_strsplit(text, ",", -1) : NULL;
	struct ds_params p;

	if (!text) {
		for (const char *const *n = ds_policy_names(); *n; n++)
			g_ptr_array_add(list, (gpointer)*n);
		return list;
	}
	ds_params_init(&p);
	for (size_t i = 0; items[i]; i++) {
		const char *name = g_strstrip(items[i]);

		if (!ds_params_set(&p, "policy", name, error))
			goto fail;
		for (guint k = 0; k < list->len; k++) {
			if (!strcmp(g_ptr_array_index(list, k), p.policy)) {
				g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
					    "--policies: %s is listed twice", name);
				goto fail;
			}
		}
		g_ptr_array_add(list, (gpointer)p.policy);
	}
	if (list->len)
		return list;
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--policies: no policy given");
fail:
	g_ptr_array_free(list, TRUE);
	return NULL;
}

static void hist_merge(struct ds_hist *dst, const struct ds_hist *src)
{
	if (!src->count)
		return;
	dst->min = dst->count ? MIN(dst->min, src->min) : src->min;
	dst->max = MAX(dst->max, src->max);
	dst->count += src->count;
	dst->sum += src->sum;
	for (size_t i = 0; i < DS_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

static void row_fill(struct compare_row *row, const struct ds_results *r)
{
	memset(row, 0, sizeof(*row));
	row->policy = r->policy;
	row->releases = r->releases;
	row->hot_ns = r->hot_ns;
	row->sync_ns = r->sync_ns;
	ds_hist_init(&row->latency);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		const struct ds_backend_result *x = &r->be[be];

		row->fallbacks += x->fallbacks;
		row->fallbacks_lock += x->fallbacks_lock;
		row->teardown_drained += x->teardown_drained;
		row->pending_bytes += x->peak_pending_bytes;
		row->pending_values += x->peak_pending_values;
		row->worker_busy_ns += x->worker_busy_ns;
		row->class_locks += x->class_lock_acquisitions;
		hist_merge(&row->latency, &x->drain_latency);
	}
	if (r->task_sum.count) {
		row->worst_hot_ns = r->task_sum.worst_hot.t.hot_ns;
		row->worst_pid = r->task_sum.worst_hot.t.pid;
	}
	row->inv_checked = r->inv.checked;
	row->inv_ok = ds_invariants_hold(&r->inv);
}

static void compare_run_clear(struct compare_run *run)
{
	ds_results_free(run->r);
	ds_task_spill_free(run->spill);
	if (run->json)
		json_node_unref(run->json);
	if (run->row.latency.buckets)
		ds_hist_clear(&run->row.latency);
}

/*
 * struct compare_trace - what the table and the JSON say about the trace (from the first
 * run's source, before it is closed)
 */
struct compare_trace {
	JsonNode *info;
	char *header;
	char *path;
};

static void trace_capture(struct compare_trace *ct, const struct ds_trace_info *info)
{
	char span[32];

	ct->info = ds_trace_info_to_json(info);
	ct->path = g_strdup(info->path);
	ct->header = g_strdup_printf("trace   %s\n        sha256 %s, clock %s, %u recorded CPUs, "
				     "%s replayed, %" G_GUINT64_FORMAT " lost events\n",
				     info->path, info->sha256, info->clock ? info->clock : "unknown",
				     info->ncpus,
				     ds_fmt_ns(span, (double)(info->last_ts - info->start_ts)),
				     info->lost_total);
}

/* One policy's replay.  Returns an exit status and leaves the message in @error. */
static int run_one(const char *trace, const struct ds_trace_opts *topts,
		   const struct ds_profile *prof, const struct ds_params *params, gboolean rows,
		   struct compare_run *run, struct compare_trace *ct, GError **error)
{
	struct ds_params p = *params;
	struct ds_source *src = ds_sim_open_trace(trace, topts, &p, error);
	const struct ds_trace_info *info;
	struct ds_task_sink sink = { 0 };

	if (!src)
		return DS_EXIT_USAGE;
	/* each run's rows wait on disk for --json: memory does not follow the task count */
	if (rows && !(run->spill = ds_task_spill_new(&sink, error))) {
		ds_source_close(src);
		return DS_EXIT_FAIL;
	}
	run->r = ds_sim_run_rows(&p, prof, src, ds_source_info(src)->ncpus, &sink, error);
	info = ds_source_info(src);
	if (run->r) {
		run->json = ds_report_to_json(run->r, prof, info);
		row_fill(&run->row, run->r);
		if (!ct->info) {	/* the same CPUs in every run: said once */
			ds_cli_run_warn("compare", run->r, info);
			trace_capture(ct, info);
		}
	}
	ds_source_close(src);
	return run->r ? DS_EXIT_OK : ds_cli_exit_for_run_error(error ? *error : NULL);
}

static void print_param(const char *name, const char *value, bool inferred, void *data)
{
	if (strcmp(name, "policy"))
		fprintf(data, "  %-24s %s%s\n", name, value, inferred ? "   [inferred]" : "");
}

/* Per deferring policy, the guesses its numbers rest on most (docs/provenance.md). */
static void print_reliance(const struct compare_run *runs, guint n,
			   const struct ds_profile *prof, const struct compare_trace *ct, FILE *out)
{
	struct ds_provenance *pv = g_new(struct ds_provenance, 1);
	bool warned = false;

	fprintf(out, "\n");
	for (guint i = 0; i < n; i++) {
		g_autofree char *indent = g_strdup_printf("%s: ", runs[i].r->policy);

		ds_provenance_compute(runs[i].r, prof, ct->path, pv);
		if (warned)
			pv->trace_time = pv->profile_time = DS_TIME_UNKNOWN;	/* said once */
		warned |= pv->trace_time == DS_TIME_EMULATED || pv->profile_time ==
			DS_TIME_EMULATED;
		ds_report_print_reliance(pv, indent, out);
	}
	g_free(pv);
}

static void print_table(const struct compare_run *runs, guint n, const struct ds_profile *prof,
			const struct compare_trace *ct, FILE *out)
{
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32];

	fprintf(out, "defersim %s compare: profile %s%s%s%s, %u virtual CPUs, %" G_GUINT64_FORMAT
		" releases\n%s\n", DS_VERSION, prof->name, prof->path ? " (" : "",
		prof->path ? prof->path : "", prof->path ? ")" : "", runs[0].r->ncpus,
		runs[0].r->releases, ct->header);
	fprintf(out, "%-8s %19s %10s %10s %10s %9s %11s %11s %11s %11s\n", "policy", "fallbacks",
		"drain p50", "p99", "max", "teardown", "hot total", "worst task", "pending", "worker");
	for (guint i = 0; i < n; i++) {
		const struct compare_row *w = &runs[i].row;
		const struct ds_hist *h = &w->latency;
		g_autofree char *fb = g_strdup_printf("%" G_GUINT64_FORMAT " (%.3f%%)", w->fallbacks,
						      w->releases ? 100.0 * (double)w->fallbacks /
						      (double)w->releases : 0.0);

		fprintf(out, "%-8s %19s %10s %10s %10s %9" G_GUINT64_FORMAT " %11s %11s %11s %11s\n",
			w->policy, fb,
			h->count ? ds_fmt_ns(a, (double)ds_hist_quantile(h, 0.50)) : "n/a",
			h->count ? ds_fmt_ns(b, (double)ds_hist_quantile(h, 0.99)) : "n/a",
			h->count ? ds_fmt_ns(c, (double)h->max) : "n/a", w->teardown_drained,
			ds_fmt_ns(d, (double)w->hot_ns), ds_fmt_ns(e, (double)w->worst_hot_ns),
			ds_fmt_bytes(f, (double)w->pending_bytes),
			ds_fmt_ns(g, (double)w->worker_busy_ns));
	}
	fprintf(out, "\ndrain latency: push to freed of deferred values, both backends; teardown: "
		"values still pending when the trace ended\n(freed by pool destruction, not in the "
		"latency); hot total / worst task: hot-path time of the releasing tasks (%s under "
		"sync);\npending: peak memory of deferred objects; worker: wall time of drain runs.\n",
		ds_fmt_ns(a, (double)runs[0].row.sync_ns));
	for (guint i = 0; i < n; i++) {
		const struct compare_row *w = &runs[i].row;

		if (!strcmp(w->policy, "v2"))
			fprintf(out, "v2: %" G_GUINT64_FORMAT " of its fallbacks found the drain holding "
				"the array lock.\n", w->fallbacks_lock);
		if (!strcmp(w->policy, "zsonly"))
			fprintf(out, "zsonly: %" G_GUINT64_FORMAT " class->lock acquisitions by the drain "
				"(one per run of same-class handles in a page).\n", w->class_locks);
		if (w->inv_checked)
			fprintf(out, "%s: invariants %s\n", w->policy, w->inv_ok ? "hold" : "VIOLATED");
	}
	print_reliance(runs, n, prof, ct, out);
	fprintf(out, "\nparameters of every run (spec's inferred choices marked)\n");
	ds_params_foreach(&runs[0].r->params, print_param, out);
}

static void add_latency(JsonBuilder *b, const char *k, const struct ds_hist *h, double q)
{
	json_builder_set_member_name(b, k);
	if (!h->count)
		json_builder_add_null_value(b);
	else
		json_builder_add_int_value(b, (gint64)(q >= 1.0 ? h->max : ds_hist_quantile(h, q)));
}

static JsonNode *row_json(const struct compare_row *w)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "policy");
	json_builder_add_string_value(b, w->policy);
	ds_json_add_u64(b, "releases", w->releases);
	ds_json_add_u64(b, "fallbacks", w->fallbacks);
	/* null where it does not apply (docs/json.md): sync drains nothing */
	json_builder_set_member_name(b, "fallback_rate");
	if (w->releases)
		json_builder_add_double_value(b, (double)w->fallbacks / (double)w->releases);
	else
		json_builder_add_null_value(b);
	ds_json_add_u64(b, "fallbacks_lock", w->fallbacks_lock);
	ds_json_add_u64(b, "drained_before_teardown", w->latency.count);
	add_latency(b, "drain_latency_p50_ns", &w->latency, 0.50);
	add_latency(b, "drain_latency_p99_ns", &w->latency, 0.99);
	add_latency(b, "drain_latency_max_ns", &w->latency, 1.0);
	ds_json_add_u64(b, "teardown_drained", w->teardown_drained);
	ds_json_add_u64(b, "hot_ns", w->hot_ns);
	ds_json_add_u64(b, "sync_ns", w->sync_ns);
	ds_json_add_u64(b, "worst_task_pid", (uint64_t)w->worst_pid);
	ds_json_add_u64(b, "worst_task_hot_ns", w->worst_hot_ns);
	ds_json_add_u64(b, "peak_pending_bytes", w->pending_bytes);
	ds_json_add_u64(b, "peak_pending_values", w->pending_values);
	ds_json_add_u64(b, "worker_busy_ns", w->worker_busy_ns);
	ds_json_add_u64(b, "class_lock_acquisitions", w->class_locks);
	json_builder_set_member_name(b, "invariants");
	if (w->inv_checked)
		json_builder_add_string_value(b, w->inv_ok ? "hold" : "violated");
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static JsonNode *compare_json(const struct compare_run *runs, guint n,
			      const struct ds_profile *prof, const struct compare_trace *ct)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "tool");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, "defersim");
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, DS_VERSION);
	json_builder_set_member_name(b, "command");
	json_builder_add_string_value(b, "compare");
	/* its runs[] are run objects of this version; summary[] is docs/json.md's too */
	ds_json_add_u64(b, "schema_version", DS_JSON_SCHEMA_VERSION);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "trace");
	json_builder_add_value(b, json_node_copy(ct->info));
	json_builder_set_member_name(b, "profile");
	json_builder_add_string_value(b, prof->name);
	json_builder_set_member_name(b, "summary");
	json_builder_begin_array(b);
	for (guint i = 0; i < n; i++)
		json_builder_add_value(b, row_json(&runs[i].row));
	json_builder_end_array(b);
	json_builder_set_member_name(b, "runs");
	json_builder_begin_array(b);
	for (guint i = 0; i < n; i++)
		json_builder_add_value(b, json_node_copy(runs[i].json));
	json_builder_end_array(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/* One CSV row per policy: its summary ("summary.*") then the run's scalar leaves. */
static gboolean write_csv(const char *path, const struct compare_run *runs, guint n,
			  GError **error)
{
	GPtrArray **keys = g_new0(GPtrArray *, n), **values = g_new0(GPtrArray *, n);
	GString *text;
	gboolean ok;

	for (guint i = 0; i < n; i++) {
		JsonNode *row = ds_json_with_first_member(runs[i].json, "summary",
							  row_json(&runs[i].row));

		keys[i] = g_ptr_array_new_with_free_func(g_free);
		values[i] = g_ptr_array_new_with_free_func(g_free);
		ds_json_flatten(row, keys[i], values[i]);
		json_node_unref(row);
	}
	text = ds_csv_table(keys, values, n);
	ok = ds_write_atomic(path, text->str, text->len, error);
	g_string_free(text, TRUE);
	for (guint i = 0; i < n; i++) {
		g_ptr_array_free(keys[i], TRUE);
		g_ptr_array_free(values[i], TRUE);
	}
	g_free(keys);
	g_free(values);
	return ok;
}

/* Every policy's timeline file opened before the first run: a bad path costs no run. */
static gboolean timelines_open(const struct compare_opts *o, const char *trace,
			       GPtrArray *policies, const struct ds_params *base,
			       const struct ds_profile *prof, struct ds_timeline **tls,
			       GError **error)
{
	for (guint i = 0; o->timeline.path && i < policies->len; i++) {
		struct ds_params p = *base;
		g_autofree char *path = NULL;

		p.policy = g_ptr_array_index(policies, i);
		path = ds_cli_timeline_path_for(o->timeline.path, p.policy);
		tls[i] = ds_cli_timeline_open(&o->timeline, path, &p, prof->name, trace, error);
		if (!tls[i])
			return FALSE;
	}
	return TRUE;
}

static int compare_main(struct compare_opts *o, const char *trace, GPtrArray *policies,
			const struct ds_params *base)
{
	struct ds_timeline **tls = g_new0(struct ds_timeline *, policies->len);
	struct compare_run *runs = g_new0(struct compare_run, policies->len);
	struct compare_trace ct = { 0 };
	struct ds_profile *prof = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;
	guint done = 0;
	bool violated = false;

	prof = ds_cli_profile_load(o->run.profile, o->run.set, &error);
	if (!prof || !ds_cli_run_trace_opts(&o->run, &error) ||
	    !timelines_open(o, trace, policies, base, prof, tls, &error) ||
	    !ds_cli_run_hash_trace(&o->run, trace, &error))
		goto out;
	for (; done < policies->len; done++) {
		struct ds_params p = *base;
		g_autofree char *tl_path = NULL;

		p.policy = g_ptr_array_index(policies, done);
		p.observer = tls[done] ? ds_timeline_observer(tls[done]) : NULL;
		status = run_one(trace, &o->run.topts, prof, &p, o->json != NULL, &runs[done], &ct,
				 &error);
		if (status == DS_EXIT_OK && tls[done]) {
			tl_path = ds_cli_timeline_path_for(o->timeline.path, p.policy);
			if (!ds_cli_timeline_finish(g_steal_pointer(&tls[done]), "compare", tl_path,
						    &p, &error))
				status = DS_EXIT_FAIL;
		}
		if (status != DS_EXIT_OK && error)
			g_prefix_error(&error, "policy %s: ", p.policy);
		if (status != DS_EXIT_OK)
			goto out;
		violated |= runs[done].row.inv_checked && !runs[done].row.inv_ok;
	}
	if (!o->quiet)
		print_table(runs, done, prof, &ct, stdout);
	if (o->json) {
		JsonNode *root = compare_json(runs, done, prof, &ct);
		JsonArray *a = json_object_get_array_member(json_node_get_object(root), "runs");
		struct ds_json_rows *rows = g_new0(struct ds_json_rows, done);
		gboolean ok;

		for (guint i = 0; i < done; i++) {
			JsonObject *run = json_array_get_object_element(a, i);

			rows[i].metrics = json_object_get_object_member(run, "metrics");
			rows[i].r = runs[i].r;
			rows[i].spill = runs[i].spill;
		}
		ok = ds_json_write_rows(root, o->json, rows, done, &error);
		g_free(rows);
		json_node_unref(root);
		if (!ok) {
			status = DS_EXIT_FAIL;
			goto out;
		}
	}
	if (o->csv && !write_csv(o->csv, runs, done, &error)) {
		status = DS_EXIT_FAIL;
		goto out;
	}
	if (violated) {
		g_set_error(&error, DS_ERROR, DS_ERROR_INTERNAL,
			    "an invariant of the spec failed (see the invariants lines above)");
		status = DS_EXIT_FAIL;
	}
out:
	if (error) {
		fprintf(stderr, "defersim compare: %s\n", error->message);
		g_error_free(error);
	}
	for (guint i = 0; i < policies->len; i++) {
		compare_run_clear(&runs[i]);
		ds_timeline_abort(tls[i]);
	}
	g_free(tls);
	g_free(runs);
	if (ct.info)
		json_node_unref(ct.info);
	g_free(ct.header);
	g_free(ct.path);
	ds_profile_free(prof);
	return status;
}

int ds_cmd_compare(int argc, char **argv)
{
	struct compare_opts o = { 0 };
	struct ds_params params;
	GPtrArray *policies = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error) ||
	    !ds_cli_run_params(&o.run, NULL, 0, &params, &error) ||
	    !(policies = policy_list(o.policies, &error))) {
		fprintf(stderr, "defersim compare: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "defersim compare: %s\nTry 'defersim compare --help'.\n",
			argc < 2 ? "no trace given" : "more than one trace given");
		goto out;
	}
	status = compare_main(&o, argv[1], policies, &params);
out:
	if (policies)
		g_ptr_array_free(policies, TRUE);
	compare_opts_free(&o);
	return status;
}
