// SPDX-License-Identifier: MIT
/*
 * cmd_synth.c - `defersim synth WORKLOAD [NAME=VALUE...] -o OUT`: write a synthetic trace.
 *
 * Parameters come as NAME=VALUE words after the workload or as --set NAME=VALUE (the same
 * thing; --seed is seed=N), each parsed in exactly one place (ds_synth_params_set()).  After
 * writing, the file is read back the way `defersim info` reads it, so a trace that the reader
 * would refuse is reported here and not later.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_source.h"
#include "ds_synth.h"

struct synth_opts {
	char *out;
	char *seed;
	char **set;
	gboolean list;
	gboolean quiet;
};

static const char synth_summary[] =
	"Writes a synthetic trace of a parametrised workload: the same event stream a recorded\n"
	"trace gives the replay (releases with durations, zs_free, exits, switches, workqueue\n"
	"events), seeded and deterministic (same parameters and seed => byte-identical file).\n"
	"OUT ending in .dat gives a trace.dat (kprobe group \"defersim_synth\"; needs trace-cmd),\n"
	"ending in .dsev a synthetic event file; both are labelled synthetic and both are read\n"
	"by `defersim info`, `replay` and `calibrate`.\n\n"
	"Workloads: munmap (P processes each free S MiB in one burst: the series' benchmark),\n"
	"lmk (K processes killed within a window), churn (steady Poisson releases and slot-reusing\n"
	"writes), poisson (Poisson arrivals, fixed costs, one task per release: analytic oracles).\n"
	"`defersim synth --list [WORKLOAD]` prints every parameter with its default.";

static void synth_opts_free(struct synth_opts *o)
{
	g_free(o->out);
	g_free(o->seed);
	g_strfreev(o->set);
}

static gboolean parse_args(int *argc, char ***argv, struct synth_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->out, "Write the trace to FILE (.dat or .dsev)", "FILE" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed, "Random seed (default 1); the same as seed=N", "N" },
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->set, "Set a workload parameter (repeatable)", "NAME=VALUE" },
		{ "list", 'l', 0, G_OPTION_ARG_NONE, &o->list, "List the parameters of WORKLOAD (or of all) with defaults", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "Print nothing on success", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("WORKLOAD [NAME=VALUE...] -o OUT - write a synthetic trace");

	g_option_context_set_summary(ctx, synth_summary);
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	return g_option_context_parse(ctx, argc, argv, error);
}

static gboolean set_word(struct ds_synth_params *p, const char *word, GError **error)
{
	const char *eq = strchr(word, '=');
	g_autofree char *name = NULL;

	if (!eq) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': expected NAME=VALUE", word);
		return FALSE;
	}
	name = g_strndup(word, (gsize)(eq - word));
	return ds_synth_params_set(p, name, eq + 1, error);
}

/* Workload defaults, then the words after it, then --set, then --seed. */
static gboolean build_params(const struct synth_opts *o, int argc, char **argv,
			     struct ds_synth_params *p, GError **error)
{
	if (!ds_synth_params_init(p, argv[1], error))
		return FALSE;
	for (int i = 2; i < argc; i++)
		if (!set_word(p, argv[i], error))
			return FALSE;
	for (char **s = o->set; s && *s; s++)
		if (!set_word(p, *s, error))
			return FALSE;
	if (o->seed && !ds_synth_params_set(p, "seed", o->seed, error))
		return FALSE;
	return ds_synth_params_validate(p, error);
}

/* Read the new file back as `defersim info` would, and say what it holds. */
static gboolean read_back(const char *path, gboolean quiet, GError **error)
{
	struct ds_trace_opts topts = { .use_cache = FALSE };
	struct ds_source *src = ds_source_open_trace(path, &topts, error);
	const struct ds_trace_info *info;
	int rc;

	if (!src)
		return FALSE;
	rc = ds_source_drain(src, error) < 0 ? -1 : 0;
	info = ds_source_info(src);
	if (rc == 0 && !quiet)
		printf("wrote %s: %s trace, %u CPUs, %" G_GUINT64_FORMAT " releases (%"
		       G_GUINT64_FORMAT " with duration), %" G_GUINT64_FORMAT " exits, %"
		       G_GUINT64_FORMAT " workqueue starts\n", path,
		       ds_trace_info_is_synthetic(info) ? "synthetic" : "NOT SYNTHETIC?",
		       info->ncpus, info->events_per_type[DS_EV_RELEASE], info->durations,
		       info->events_per_type[DS_EV_EXIT], info->events_per_type[DS_EV_WQ_START]);
	ds_source_close(src);
	return rc == 0;
}

int ds_cmd_synth(int argc, char **argv)
{
	struct synth_opts o = { 0 };
	struct ds_synth_params p;
	struct ds_synth_signals sigs;
	GError *error = NULL;
	int status = DS_EXIT_USAGE;
	gboolean ok;

	if (!parse_args(&argc, &argv, &o, &error))
		goto out;
	if (o.list) {
		g_autofree char *help = NULL;
		struct ds_synth_params q;

		if (argc >= 2 && !ds_synth_params_init(&q, argv[1], &error))
			goto out;
		help = ds_synth_params_help(argc >= 2 ? q.workload : DS_SYNTH__COUNT);
		fputs(help, stdout);
		status = DS_EXIT_OK;
		goto out;
	}
	if (argc < 2) {
		fprintf(stderr, "defersim synth: no workload given (munmap, lmk, churn, poisson)\n"
			"Try 'defersim synth --help'.\n");
		goto out;
	}
	if (!build_params(&o, argc, argv, &p, &error))
		goto out;
	if (!o.out) {
		fprintf(stderr, "defersim synth: no output given (-o FILE.dat or FILE.dsev)\n");
		goto out;
	}
	status = DS_EXIT_FAIL;
	/* a termination signal stops the write with its temporary files removed, then ends
	 * the process (ds_synth_signals_release() raises it again) */
	ds_synth_signals_catch(&sigs);
	ok = ds_synth_write(&p, o.out, &error);
	if (!ok) {	/* said before a caught signal is raised again */
		fprintf(stderr, "defersim synth: %s\n", error->message);
		if (error->domain == DS_ERROR && error->code == DS_ERROR_PARAM)
			status = DS_EXIT_USAGE;
		g_clear_error(&error);
	}
	ds_synth_signals_release(&sigs);
	if (!ok)
		goto out;
	if (!read_back(o.out, o.quiet, &error))
		goto out;
	status = DS_EXIT_OK;
out:
	if (error) {
		fprintf(stderr, "defersim synth: %s\n", error->message);
		if (error->domain == DS_ERROR && error->code == DS_ERROR_PARAM)
			status = DS_EXIT_USAGE;
		g_error_free(error);
	}
	synth_opts_free(&o);
	return status;
}
