// SPDX-License-Identifier: MIT
/*
 * cmd_profiles.c - `defersim profiles [NAME|FILE.ini]`: the hardware profiles there are, and
 * where each of their values comes from.
 *
 * Without an argument: every NAME.ini of the data directory's profiles/ (the ones --profile
 * NAME finds) and of each --dir, with its name, description, CPUs, page size, time base and
 * how many values are stated, measured, derived, calibrated, fitted, assumption-scaled,
 * guessed or untagged (the origin tags of profiles/README.md, read by sim/origin.c).  With one:
 * that profile's every value with its origin.  A profile that does not load is listed with its
 * error (and the exit status is 2), so a broken file is seen, not skipped.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ds_datadir.h"
#include "ds_json.h"
#include "ds_prov.h"
#include "ds_report.h"

struct profiles_opts {
	char *json;
	char **dirs;
};

static const char profiles_summary[] =
	"Lists the hardware profiles --profile NAME finds (the data directory's profiles/, and\n"
	"each --dir) with how many of their values are guessed, derived, fitted, calibrated...\n"
	"(the origin tags of profiles/README.md); with NAME or FILE.ini, that profile's values\n"
	"and the origin of each.  Exit status 2 when a profile does not load.";

/* The origins a profile file can tag, in the order the table prints them. */
static const enum ds_origin tagged[] = {
	DS_ORIGIN_STATED, DS_ORIGIN_MEASURED, DS_ORIGIN_DERIVED, DS_ORIGIN_CALIBRATED,
	DS_ORIGIN_FITTED, DS_ORIGIN_SCALED, DS_ORIGIN_GUESSED, DS_ORIGIN_UNSTATED,
};

/* their column heads: the tags of profiles/README.md */
static const char *const tag_label[] = { "[S]", "[M]", "[D]", "[C]", "[F]", "[A]", "[G]", "none" };

struct count_ctx {
	const struct ds_profile *p;
	unsigned int n[DS_ORIGIN__COUNT];
	unsigned int keys;
};

/* name and description say what the profile is; every other key is a value with an origin */
static bool is_value_key(const char *key)
{
	return strcmp(key, "name") && strcmp(key, "description") && strcmp(key, "time_base");
}

static void count_key(const char *group, const char *key, const char *text,
		      enum ds_profile_value kind, void *data)
{
	struct count_ctx *c = data;

	(void)group;
	(void)text;
	(void)kind;
	if (!is_value_key(key))
		return;
	c->n[ds_profile_origin(c->p, key)]++;
	c->keys++;
}

static void add_counts_json(JsonBuilder *b, const struct count_ctx *c)
{
	json_builder_set_member_name(b, "origins");
	json_builder_begin_object(b);
	for (size_t i = 0; i < G_N_ELEMENTS(tagged); i++)
		ds_json_add_u64(b, ds_origin_name(tagged[i]), c->n[tagged[i]]);
	json_builder_end_object(b);
}

static void print_counts(const char *name, const struct ds_profile *p, const GError *e)
{
	struct count_ctx c = { .p = p };

	if (!p) {
		printf("%-14s ERROR %s\n", name, e->message);
		return;
	}
	ds_profile_foreach(p, count_key, &c);
	printf("%-14s %4u %5u  %-8s", p->name, p->cpus, p->page_size,
	       ds_time_base_name(p->time_base));
	for (size_t i = 0; i < G_N_ELEMENTS(tagged); i++)
		printf(" %5u", c.n[tagged[i]]);
	printf("  %s\n", p->description ? p->description : "");
}

struct value_ctx {
	const struct ds_profile *p;
	JsonBuilder *b;
};

static void print_value(const char *group, const char *key, const char *text,
			enum ds_profile_value kind, void *data)
{
	struct value_ctx *c = data;
	enum ds_origin o = ds_profile_origin(c->p, key);

	(void)kind;
	if (c->b) {
		json_builder_begin_object(c->b);
		ds_json_add_str(c->b, "name", key);
		ds_json_add_str(c->b, "group", group);
		ds_json_add_str(c->b, "value", text);
		ds_json_add_str(c->b, "origin", is_value_key(key) ? ds_origin_name(o) : NULL);
		json_builder_end_object(c->b);
		return;
	}
	if (!is_value_key(key))
		return;
	printf("  [%s] %-22s %14s  %-18s %s\n", group, key, text, ds_origin_name(o),
	       ds_origin_meaning(o));
}

static void add_profile_json(JsonBuilder *b, const char *name, const struct ds_profile *p,
			     const GError *e, bool values)
{
	struct count_ctx c = { .p = p };

	json_builder_begin_object(b);
	ds_json_add_str(b, "name", p ? p->name : name);
	if (!p) {
		ds_json_add_str(b, "error", e->message);
		json_builder_end_object(b);
		return;
	}
	ds_json_add_str(b, "path", p->path);
	ds_json_add_str(b, "description", p->description);
	ds_json_add_u64(b, "cpus", p->cpus);
	ds_json_add_u64(b, "page_size", p->page_size);
	ds_json_add_str(b, "time_base", ds_time_base_name(p->time_base));
	ds_profile_foreach(p, count_key, &c);
	ds_json_add_u64(b, "values", c.keys);
	add_counts_json(b, &c);
	if (values) {
		struct value_ctx v = { p, b };

		json_builder_set_member_name(b, "keys");
		json_builder_begin_array(b);
		ds_profile_foreach(p, print_value, &v);
		json_builder_end_array(b);
	}
	json_builder_end_object(b);
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every NAME.ini of @dir, sorted, as paths (appended to @paths). */
static void list_dir(const char *dir, GPtrArray *paths)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(GPtrArray) found = g_ptr_array_new();
	const char *f;

	while (d && (f = g_dir_read_name(d)))
		if (g_str_has_suffix(f, ".ini"))
			g_ptr_array_add(found, g_build_filename(dir, f, NULL));
	g_ptr_array_sort(found, by_name);
	for (guint i = 0; i < found->len; i++)
		g_ptr_array_add(paths, found->pdata[i]);
}

static int list_all(const struct profiles_opts *o)
{
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *data = ds_data_dir("profiles");
	g_autoptr(JsonBuilder) b = o->json ? json_builder_new() : NULL;
	int status = DS_EXIT_OK;

	if (data)
		list_dir(data, paths);
	for (char **d = o->dirs; d && *d; d++)
		list_dir(*d, paths);
	if (b) {
		json_builder_begin_object(b);
		ds_json_add_str(b, "profiles_dir", data);
		json_builder_set_member_name(b, "profiles");
		json_builder_begin_array(b);
	} else {
		printf("profiles in %s%s\n", data ? data : "(no data directory found)",
		       o->dirs ? " and --dir" : "");
		printf("%-14s %4s %5s  %-8s", "name", "cpus", "page", "time");
		for (size_t i = 0; i < G_N_ELEMENTS(tagged); i++)
			printf(" %5s", tag_label[i]);
		printf("  description\n");
	}
	for (guint i = 0; i < paths->len; i++) {
		GError *e = NULL;
		struct ds_profile *p = ds_profile_load(paths->pdata[i], &e);
		g_autofree char *base = g_path_get_basename(paths->pdata[i]);

		base[strlen(base) - 4] = 0;
		if (b)
			add_profile_json(b, base, p, e, false);
		else
			print_counts(base, p, e);
		if (!p)
			status = DS_EXIT_USAGE;
		g_clear_error(&e);
		ds_profile_free(p);
	}
	if (!b) {
		printf("\n(counts of values by origin: stated [S], measured elsewhere [M], derived "
		       "[D], calibrated [C], fitted [F], scaled by an assumption [A], guessed [G], "
		       "untagged; `defersim profiles NAME` shows each value)\n");
		return status;
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	{
		g_autoptr(JsonNode) root = json_builder_get_root(b);
		GError *e = NULL;

		if (!ds_json_write(root, o->json, &e)) {
			fprintf(stderr, "defersim profiles: %s\n", e->message);
			g_error_free(e);
			return DS_EXIT_FAIL;
		}
	}
	return status;
}

static int show_one(const struct profiles_opts *o, const char *name)
{
	GError *e = NULL;
	struct ds_profile *p = ds_profile_load(name, &e);
	struct value_ctx v = { p, NULL };
	int status = DS_EXIT_OK;

	if (!p) {
		fprintf(stderr, "defersim profiles: %s\n", e->message);
		g_error_free(e);
		return DS_EXIT_USAGE;
	}
	if (o->json) {
		g_autoptr(JsonBuilder) b = json_builder_new();
		g_autoptr(JsonNode) root = NULL;

		add_profile_json(b, name, p, NULL, true);
		root = json_builder_get_root(b);
		if (!ds_json_write(root, o->json, &e)) {
			fprintf(stderr, "defersim profiles: %s\n", e->message);
			g_error_free(e);
			status = DS_EXIT_FAIL;
		}
	} else {
		printf("profile %s (%s)\n  %s\n  time base of its measured values: %s\n",
		       p->name, p->path, p->description ? p->description : "",
		       ds_time_base_name(p->time_base));
		ds_profile_foreach(p, print_value, &v);
	}
	ds_profile_free(p);
	return status;
}

int ds_cmd_profiles(int argc, char **argv)
{
	struct profiles_opts o = { 0 };
	GOptionEntry entries[] = {
		{ "json", 'j', 0, G_OPTION_ARG_FILENAME, &o.json, "Write the list (or the profile) as JSON ('-' = stdout)", "FILE" },
		{ "dir", 'd', 0, G_OPTION_ARG_FILENAME_ARRAY, &o.dirs, "Also list the .ini files of DIR (repeatable)", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("[NAME|FILE.ini] - the hardware profiles and the origin of their values");
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	g_option_context_set_summary(ctx, profiles_summary);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "defersim profiles: %s\n", error->message);
		g_error_free(error);
	} else if (argc > 2) {
		fprintf(stderr, "defersim profiles: more than one profile given\n"
			"Try 'defersim profiles --help'.\n");
	} else {
		status = argc == 2 ? show_one(&o, argv[1]) : list_all(&o);
	}
	g_option_context_free(ctx);
	g_free(o.json);
	g_strfreev(o.dirs);
	return status;
}
