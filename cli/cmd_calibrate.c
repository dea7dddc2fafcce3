// SPDX-License-Identifier: MIT
/*
 * cmd_calibrate.c - `defersim calibrate TRACE... [-o NAME.ini]`: measure a machine's costs
 * from traces with durations and workqueue events, and write them as a hardware profile.
 *
 * Every trace is read as `defersim info` reads it (cache, --map, clock check); the
 * measurements are pooled over the traces (sim/calibrate.c).  The profile is the base
 * profile with what the traces tell replaced, each key commented with its origin.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ds_calib.h"
#include "ds_source.h"
#include "run_common.h"

struct calib_opts {
	char *out;
	char *name;
	char *base;
	char **map;
	gboolean force_clock;
	gboolean accept_damaged;
	gboolean no_cache;
	gboolean quiet;
};

static const char calib_summary[] =
	"Measures from traces recorded without the series (durations from the notify function's\n"
	"return probe, zs_free probes, workqueue events): the synchronous free cost per backend\n"
	"(mean, p50, p99 of the release durations), an upper bound of zs_free's cost (zs_free's\n"
	"entry to the call's return), the worker wake-up latency (queue_work to execute_start of\n"
	"the same work struct) and the mean compressed object size.  With -o it writes a profile:\n"
	"the base profile (--base, default x86-desktop) with those values replaced, every key\n"
	"commented with where it comes from.  The series' own hot-path costs cannot be measured\n"
	"without it and stay the base's.  Traces from emulated guests give emulated time.";

static void calib_opts_free(struct calib_opts *o)
{
	g_free(o->out);
	g_free(o->name);
	g_free(o->base);
	g_strfreev(o->map);
}

static gboolean parse_args(int *argc, char ***argv, struct calib_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Write the calibrated profile to FILE (atomically)", "FILE.ini" },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &o->name, "Profile name (default: FILE without .ini)", "NAME" },
		{ "base", 'b', 0, G_OPTION_ARG_STRING, &o->base, "Profile whose values are kept where the traces tell nothing (default x86-desktop)", "PROFILE" },
		{ "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &o->map, "Map a trace event explicitly (repeatable; see traces/FORMAT.md)", "SYSTEM/EVENT=KIND[:FIELD]" },
		{ "force-clock", 0, 0, G_OPTION_ARG_NONE, &o->force_clock, "Accept a trace clock not synchronised across CPUs", NULL },
		{ "accept-damaged", 0, 0, G_OPTION_ARG_NONE, &o->accept_damaged, "Use what is readable of a damaged trace.dat (the damage is reported) instead of failing", NULL },
		{ "no-cache", 0, 0, G_OPTION_ARG_NONE, &o->no_cache, "Neither read nor write the binary event cache", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Do not print the measurements", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("TRACE... - calibrate a hardware profile from traces");

	g_option_context_set_summary(ctx, calib_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	return g_option_context_parse(ctx, argc, argv, error);
}

static gboolean build_rules(char **specs, GArray *rules, GError **error)
{
	for (char **s = specs; s && *s; s++) {
		struct ds_map_rule r = { 0 };

		if (!ds_map_rule_parse(*s, &r, error))
			return FALSE;
		g_array_append_val(rules, r);
	}
	return TRUE;
}

static void free_rules(GArray *rules)
{
	for (guint i = 0; i < rules->len; i++)
		ds_map_rule_clear(&g_array_index(rules, struct ds_map_rule, i));
	g_array_free(rules, TRUE);
}

static gboolean add_traces(struct ds_calib *c, const struct calib_opts *o, int argc,
			   char **argv, GError **error)
{
	GArray *rules = g_array_new(FALSE, TRUE, sizeof(struct ds_map_rule));
	struct ds_trace_opts topts = {
		.force_clock = o->force_clock,
		.accept_damaged = o->accept_damaged,
		.use_cache = !o->no_cache,
		.progress = isatty(STDERR_FILENO),
	};
	gboolean ok = build_rules(o->map, rules, error);

	topts.map = (const struct ds_map_rule *)rules->data;
	topts.n_map = rules->len;
	for (int i = 1; ok && i < argc; i++) {
		struct ds_source *src = ds_source_open_trace(argv[i], &topts, error);

		ok = src && ds_calib_add(c, src, argv[i], error);
		ds_source_close(src);
	}
	free_rules(rules);
	return ok;
}

static char *default_name(const char *out)
{
	g_autofree char *b = out ? g_path_get_basename(out) : NULL;

	if (!b)
		return g_strdup("calibrated");
	if (g_str_has_suffix(b, ".ini"))
		b[strlen(b) - 4] = '\0';
	return g_strdup(*b ? b : "calibrated");
}

int ds_cmd_calibrate(int argc, char **argv)
{
	struct calib_opts o = { 0 };
	g_autofree char *command = g_strjoinv(" ", argv);
	struct ds_calib *c = NULL;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error))
		goto out;
	if (argc < 2) {
		fprintf(stderr, "defersim calibrate: no trace given\nTry 'defersim calibrate "
			"--help'.\n");
		goto out;
	}
	c = ds_calib_new();
	if (!add_traces(c, &o, argc, argv, &error))
		goto out;
	if (!o.quiet)
		ds_calib_print(c, stdout);
	if (o.out) {
		g_autofree char *name = o.name ? g_strdup(o.name) : default_name(o.out);
		g_autofree char *cmd = g_strconcat("defersim ", command, NULL);

		status = DS_EXIT_FAIL;
		if (!ds_calib_write_profile(c, o.base ? o.base : "x86-desktop", name, cmd, o.out,
					    &error))
			goto out;
		if (!o.quiet)
			printf("wrote profile %s to %s\n", name, o.out);
	}
	status = DS_EXIT_OK;
out:
	if (error) {
		fprintf(stderr, "defersim calibrate: %s\n", error->message);
		/* reading the traces: bad input (2); writing the profile: 1, unless the base
		 * profile was at fault */
		if (status == DS_EXIT_FAIL)
			status = ds_cli_exit_for_run_error(error);
		g_error_free(error);
	}
	ds_calib_free(c);
	calib_opts_free(&o);
	return status;
}
