// SPDX-License-Identifier: MIT
/*
 * cmd_info.c - `defersim info TRACE`: what a trace holds and how defersim reads it.
 *
 * Reads the whole event stream (from the binary cache when it is valid) so that every
 * counter of struct ds_trace_info is final, then prints its human form, and its JSON form
 * with --json.  struct info_args holds the parsed options.
 */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "ds_report.h"
#include "ds_source.h"

#define INFO_JSON_VERSION 1	/* of `info --json` (docs/json.md) */

struct info_args {
	char **map;
	gboolean force_clock;
	gboolean accept_damaged;
	gboolean verify;
	gboolean no_cache;
	gboolean events;
	gboolean progress;
	char *json;
	char *cache_dir;
};

/* A trace that cannot be opened is bad input (2), like every command's; a read failing
 * after it opened is 2 for bad data, 1 for an I/O error (ds_cli_exit_for_run_error()). */
static int exit_code(const GError *err, gboolean opened)
{
	if (!opened)
		return DS_EXIT_USAGE;
	return err->domain == DS_ERROR && err->code == DS_ERROR_IO ? DS_EXIT_FAIL : DS_EXIT_USAGE;
}

static void print_event(const struct ds_event *ev)
{
	printf("%" G_GUINT64_FORMAT " cpu=%u pid=%d %s value=%" G_GUINT64_FORMAT " aux=%"
	       G_GUINT64_FORMAT "%s%s%s%s\n", ev->ts, ev->cpu, ev->pid, ds_ev_type_name(ev->type),
	       ev->value, ev->aux, ev->flags & DS_EVF_ZSWAP ? " zswap" : "",
	       ev->flags & DS_EVF_NOVALUE ? " novalue" : "",
	       ev->flags & DS_EVF_UNPAIRED ? " unpaired" : "",
	       ev->flags & DS_EVF_DURATION ? " duration" : "");
}

static gboolean write_json(const struct ds_trace_info *info, const char *dest, GError **error)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = ds_trace_info_to_json(info);
	g_autofree char *text = NULL;

	/* here, not in the trace object a run's JSON embeds (it would be a CSV column) */
	json_object_set_int_member(json_node_get_object(root), "schema_version",
				   INFO_JSON_VERSION);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	if (!strcmp(dest, "-")) {
		printf("%s\n", text);
		return TRUE;
	}
	/* atomic for a file, straight into a device or FIFO (never renamed over it) */
	g_autofree char *withnl = g_strconcat(text, "\n", NULL);

	return ds_write_atomic(dest, withnl, strlen(withnl), error);
}

/* Where the trace's cache is (a trace.dat's only: a .dsev file is not cached). */
static void print_cache(const struct ds_trace_info *info, const struct ds_trace_opts *opts)
{
	g_autofree char *dir = ds_cache_dir(opts->cache_dir);
	g_autofree char *file = NULL;

	if (!info->file_version)
		return;
	if (!opts->use_cache) {
		printf("cache: off (--no-cache); directory %s\n", dir);
		return;
	}
	file = ds_cache_path(info->path, opts, NULL);
	if (!file)
		return;
	printf("cache: %s (%s)\n", file, g_file_test(file, G_FILE_TEST_EXISTS) ? "present" :
	       "not written: a damaged read is never cached");
}

static int run(const char *path, const struct info_args *a, const struct ds_map_rule *rules,
	       size_t n_rules)
{
	struct ds_trace_opts opts = {
		.map = rules,
		.n_map = n_rules,
		.force_clock = a->force_clock,
		.accept_damaged = a->accept_damaged,
		.verify = a->verify,
		.use_cache = !a->no_cache,
		.cache_dir = a->cache_dir,
		.progress = a->progress,
	};
	g_autoptr(GError) err = NULL;
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);
	struct ds_event ev;
	int r;

	if (!src) {
		fprintf(stderr, "defersim info: %s\n", err->message);
		return exit_code(err, FALSE);
	}
	while ((r = ds_source_next(src, &ev, &err)) > 0)
		if (a->events)
			print_event(&ev);
	if (r < 0) {
		fprintf(stderr, "defersim info: %s\n", err->message);
		ds_source_close(src);
		return exit_code(err, TRUE);
	}
	const struct ds_trace_info *info = ds_source_info(src);

	if (!a->json || strcmp(a->json, "-")) {
		ds_trace_info_print(info, stdout);
		print_cache(info, &opts);
	}
	if (a->json && !write_json(info, a->json, &err)) {
		fprintf(stderr, "defersim info: %s: %s\n", a->json, err->message);
		ds_source_close(src);
		return DS_EXIT_FAIL;
	}
	ds_source_close(src);
	return DS_EXIT_OK;
}

int ds_cmd_info(int argc, char **argv)
{
	struct info_args a = { 0 };
	GOptionEntry entries[] = {
		{ "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &a.map,
		  "Map a trace event: SYSTEM/EVENT=KIND[:FIELD] (repeatable; KIND: zram_release, "
		  "zswap_release, *_end, zs_free, zs_malloc, slot_write, switch, exit, wq_*, ignore)",
		  "RULE" },
		{ "force-clock", 0, 0, G_OPTION_ARG_NONE, &a.force_clock,
		  "Accept a trace clock that is not synchronised across CPUs (local, perf, counter)",
		  NULL },
		{ "verify", 0, 0, G_OPTION_ARG_NONE, &a.verify,
		  "Rehash the trace and check its whole cache before using it (the cache is "
		  "otherwise found by the file's size, mtime, inode and first and last 64 KiB)",
		  NULL },
		{ "accept-damaged", 0, 0, G_OPTION_ARG_NONE, &a.accept_damaged,
		  "Read what is readable of a damaged trace.dat and report the damage (records not "
		  "read, damaged pages, a crash of the decoder) instead of failing", NULL },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &a.json,
		  "Also write the information as JSON to FILE ('-': only JSON, on stdout)", "FILE" },
		{ "no-cache", 0, 0, G_OPTION_ARG_NONE, &a.no_cache,
		  "Neither read nor write the binary cache of the trace", NULL },
		{ "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &a.cache_dir,
		  "Directory of binary caches (default: $XDG_CACHE_HOME/defersim)", "DIR" },
		{ "events", 'e', 0, G_OPTION_ARG_NONE, &a.events,
		  "Also print every decoded event, one per line, before the summary", NULL },
		{ "progress", 0, 0, G_OPTION_ARG_NONE, &a.progress,
		  "Report reading progress on stderr", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) rules = g_array_new(FALSE, TRUE, sizeof(struct ds_map_rule));
	int status;

	g_option_context_set_summary(ctx, "Print what a trace holds: events per type and CPU, time "
				     "span, clock, lost events,\nreleases per backend, call durations, "
				     "and which trace events were recognised as what.\nThe lines "
				     "\"releases: N\", \"cpus: N\" and \"lost events: N\" are stable.");
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc != 2) {
		fprintf(stderr, "defersim info: %s\nTry 'defersim info --help'.\n",
			err ? err->message : "expected exactly one TRACE argument");
		status = DS_EXIT_USAGE;
		goto out;
	}
	if (a.events && a.json && !strcmp(a.json, "-")) {
		fprintf(stderr, "defersim info: --events and --json - both write to stdout\n");
		status = DS_EXIT_USAGE;
		goto out;
	}
	for (char **m = a.map; m && *m; m++) {
		struct ds_map_rule r;

		if (!ds_map_rule_parse(*m, &r, &err)) {
			fprintf(stderr, "defersim info: %s\n", err->message);
			status = DS_EXIT_USAGE;
			goto out;
		}
		g_array_append_val(rules, r);
	}
	status = run(argv[1], &a, (const struct ds_map_rule *)(void *)rules->data, rules->len);
out:
	for (guint i = 0; i < rules->len; i++)
		ds_map_rule_clear(&g_array_index(rules, struct ds_map_rule, i));
	g_strfreev(a.map);
	g_free(a.json);
	g_free(a.cache_dir);
	return status;
}
