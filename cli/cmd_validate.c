// SPDX-License-Identifier: MIT
/*
 * cmd_validate.c - `defersim validate [SUITE.ini]`: a validation suite's figures beside the
 * model's (include/ds_validate.h), as a table (and --json), with each row's error against the
 * suite's tolerance and what the row is (in sample, a check, fitted).
 *
 * The default suite is the spec's §6 baseline on the Raspberry Pi 4B
 * (docs/validation/spec6-rpi4b.ini).  --fit-handover bisects the profile's lock_handover_ns
 * on the row marked fit=lock_handover_ns and prints the value (profiles/README.md records it).
 * Exit status 1 when a row misses its tolerance.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_json.h"
#include "ds_report.h"
#include "ds_validate.h"
#include "run_common.h"

struct validate_opts {
	char *profile;
	char **set;
	char *json;
	gboolean fit;
};

static const char validate_summary[] =
	"Runs each point of a validation suite (a synthetic munmap benchmark: processes x MiB,\n"
	"labelled synthetic) through the simulator and prints the model's time beside the\n"
	"published or measured one, with the relative error and whether it is within the suite's\n"
	"tolerance.  Rows marked \"in sample\" or \"fitted\" were used to set the profile: they show\n"
	"the model can represent them, they do not test it.  Default suite: the spec's §6\n"
	"munmap baseline on the Raspberry Pi 4B (docs/validation/spec6-rpi4b.ini).";

static char *default_suite(void)
{
	const char *root = g_getenv("DS_SOURCE_ROOT");

	return g_build_filename(root ? root : DS_SOURCE_ROOT, "docs", "validation",
				"spec6-rpi4b.ini", NULL);
}

static void print_table(const struct ds_validate_suite *s, const struct ds_profile *prof,
			FILE *out)
{
	unsigned int ok = 0;

	fprintf(out, "validation suite %s (%s)\n", s->name, s->path);
	if (s->description)
		fprintf(out, "  %s\n", s->description);
	fprintf(out, "  profile %s (zs_class_hold_ns %" G_GUINT64_FORMAT ", lock_handover_ns %"
		G_GUINT64_FORMAT "), policy %s, tolerance %.0f%%; workload gap %" G_GUINT64_FORMAT
		" ns per page, exit %" G_GUINT64_FORMAT " ns; synthetic munmap traces\n\n",
		prof->name, prof->zs_class_hold_ns, prof->lock_handover_ns, s->policy,
		100.0 * s->tolerance, s->gap_ns, s->exit_ns);
	fprintf(out, "  %-18s %5s %5s %11s %11s %8s %12s  %s\n", "point", "procs", "MiB",
		"published", "model", "error", "lock wait", "verdict");
	for (guint i = 0; i < s->points->len; i++) {
		const struct ds_validate_point *pt = &g_array_index(s->points,
								    struct ds_validate_point, i);

		ok += pt->ok;
		fprintf(out, "  %-18s %5u %5u %8.1f ms %8.1f ms %+7.1f%% %9.2f ms  %s%s%s%s\n",
			pt->name, pt->procs, pt->size_mib, pt->published_ms, pt->model_ms,
			100.0 * pt->error, pt->lock_wait_ms, pt->ok ? "ok" : "MISS",
			pt->note ? " (" : "", pt->note ? pt->note : "", pt->note ? ")" : "");
	}
	fprintf(out, "\n%u of %u points within %.0f%%\n", ok, s->points->len, 100.0 * s->tolerance);
}

static JsonNode *to_json(const struct ds_validate_suite *s, const struct ds_profile *prof)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_object(b);
	ds_json_add_str(b, "tool", "defersim " DS_VERSION);
	ds_json_add_str(b, "suite", s->name);
	ds_json_add_str(b, "path", s->path);
	ds_json_add_str(b, "profile", prof->name);
	ds_json_add_u64(b, "zs_class_hold_ns", prof->zs_class_hold_ns);
	ds_json_add_u64(b, "lock_handover_ns", prof->lock_handover_ns);
	ds_json_add_str(b, "policy", s->policy);
	ds_json_add_dbl(b, "tolerance", s->tolerance);
	json_builder_set_member_name(b, "points");
	json_builder_begin_array(b);
	for (guint i = 0; i < s->points->len; i++) {
		const struct ds_validate_point *pt = &g_array_index(s->points,
								    struct ds_validate_point, i);

		json_builder_begin_object(b);
		ds_json_add_str(b, "name", pt->name);
		ds_json_add_u64(b, "procs", pt->procs);
		ds_json_add_u64(b, "size_mib", pt->size_mib);
		ds_json_add_dbl(b, "published_ms", pt->published_ms);
		ds_json_add_dbl(b, "model_ms", pt->model_ms);
		ds_json_add_dbl(b, "error", pt->error);
		ds_json_add_bool(b, "ok", pt->ok);
		ds_json_add_dbl(b, "lock_wait_ms", pt->lock_wait_ms);
		ds_json_add_str(b, "fit", pt->fit);
		ds_json_add_str(b, "note", pt->note);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

static int run(struct validate_opts *o, const char *path)
{
	struct ds_validate_suite s;
	struct ds_profile *prof = NULL;
	struct ds_params p;
	GError *error = NULL;
	int rc = DS_EXIT_USAGE;

	if (!ds_validate_load(path, &s, &error))
		goto out;
	prof = ds_profile_load(o->profile ? o->profile : s.profile, &error);
	if (!prof)
		goto out;
	ds_params_init(&p);
	if (!ds_params_set(&p, "policy", s.policy, &error) || !ds_cli_apply_sets(&p, o->set, &error))
		goto out;
	rc = DS_EXIT_FAIL;
	if (o->fit) {
		uint64_t v;

		if (!ds_validate_fit(&s, prof, &p, &v, &error))
			goto out;
		printf("fitted lock_handover_ns = %" G_GUINT64_FORMAT " (profile %s, "
		       "zs_class_hold_ns %" G_GUINT64_FORMAT "; was %" G_GUINT64_FORMAT ")\n\n", v,
		       prof->name, prof->zs_class_hold_ns, prof->lock_handover_ns);
		prof->lock_handover_ns = v;
	}
	if (!ds_validate_run(&s, prof, &p, &error))
		goto out;
	print_table(&s, prof, stdout);
	if (o->json) {
		JsonNode *node = to_json(&s, prof);
		gboolean w = ds_json_write(node, o->json, &error);

		json_node_unref(node);
		if (!w)
			goto out;
	}
	rc = DS_EXIT_OK;
	for (guint i = 0; i < s.points->len; i++)
		if (!g_array_index(s.points, struct ds_validate_point, i).ok)
			rc = DS_EXIT_FAIL;
out:
	if (error) {
		fprintf(stderr, "defersim validate: %s\n", error->message);
		g_error_free(error);
	}
	ds_profile_free(prof);
	ds_validate_clear(&s);
	return rc;
}

int ds_cmd_validate(int argc, char **argv)
{
	struct validate_opts o = { 0 };
	GOptionEntry entries[] = {
		{ "profile", 'H', 0, G_OPTION_ARG_STRING, &o.profile, "Profile instead of the suite's", "FILE|NAME" },
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.set, "Set a run parameter (repeatable)", "NAME=VALUE" },
		{ "fit-handover", 0, 0, G_OPTION_ARG_NONE, &o.fit, "Fit lock_handover_ns to the row marked fit=lock_handover_ns, print it and use it", NULL },
		{ "json", 'j', 0, G_OPTION_ARG_FILENAME, &o.json, "Write the table as JSON to FILE (- = stdout)", "FILE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[SUITE.ini] - the model against published figures");
	g_autofree char *def = default_suite();
	GError *error = NULL;
	int rc;

	g_option_context_set_summary(ctx, validate_summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc > 2) {
		fprintf(stderr, "defersim validate: %s\n", error ? error->message :
			"at most one suite file");
		g_clear_error(&error);
		rc = DS_EXIT_USAGE;
	} else {
		rc = run(&o, argc == 2 ? argv[1] : def);
	}
	g_free(o.profile);
	g_strfreev(o.set);
	g_free(o.json);
	return rc;
}
