// SPDX-License-Identifier: MIT
/*
 * cmd_cache.c - `defersim cache [list|prune|clear]`: what the binary event cache holds, and
 * removing it.
 *
 * The cache (replay/cache.c) makes a second read of a trace several times faster; each
 * entry is about the size of the trace's events (32 bytes each).  It lives in
 * $XDG_CACHE_HOME/defersim (~/.cache/defersim) unless --cache-dir says otherwise, and is kept
 * under $DEFERSIM_CACHE_MAX (default 2 GiB) by evicting least recently used entries each time
 * one is written (replay/cachedir.c).  struct cache_args holds the parsed options.
 */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "ds_json.h"
#include "ds_report.h"
#include "ds_source.h"

#define CACHE_JSON_VERSION 1	/* of `defersim cache list --json` */

struct cache_args {
	char *cache_dir;
	char *json;
	char *max_size;
	char *older_than;
};

static double mib(uint64_t bytes)
{
	return bytes / 1048576.0;
}

/* "3 d", "5 h", "12 min", "40 s": how long ago @t was, roughly */
static char *age(gint64 t, gint64 now)
{
	gint64 s = now > t ? now - t : 0;

	if (s >= 2 * 86400)
		return g_strdup_printf("%" G_GINT64_FORMAT " d", s / 86400);
	if (s >= 2 * 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT " h", s / 3600);
	if (s >= 120)
		return g_strdup_printf("%" G_GINT64_FORMAT " min", s / 60);
	return g_strdup_printf("%" G_GINT64_FORMAT " s", s);
}

static void print_list(const char *dir, GPtrArray *list, uint64_t cap)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	uint64_t total = 0;

	for (guint i = 0; i < list->len; i++)
		total += ((struct ds_cache_entry *)g_ptr_array_index(list, i))->size;
	printf("cache: %s\nentries: %u, %.1f MiB", dir, list->len, mib(total));
	if (cap)
		printf(" (cap %.1f MiB, DEFERSIM_CACHE_MAX)\n", mib(cap));
	else
		printf(" (no cap: DEFERSIM_CACHE_MAX=0)\n");
	if (!list->len)
		return;
	printf("%-8s %10s %10s  %-8s %s\n", "used", "MiB", "events", "format", "trace");
	for (guint i = 0; i < list->len; i++) {
		const struct ds_cache_entry *e = g_ptr_array_index(list, i);
		g_autofree char *ago = age(e->used, now);
		g_autofree char *fmt = g_strdup_printf("v%u%s", e->version, e->current ? "" : " stale");

		printf("%-8s %10.1f %10" G_GUINT64_FORMAT "  %-8s %s\n", ago, mib(e->size),
		       e->events, fmt, e->trace ? e->trace : e->file);
	}
}

static gboolean write_list_json(const char *dir, GPtrArray *list, uint64_t cap,
				const char *dest, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL, *withnl = NULL;

	json_builder_begin_object(b);
	ds_json_add_u64(b, "schema_version", CACHE_JSON_VERSION);
	ds_json_add_str(b, "dir", dir);
	ds_json_add_u64(b, "max_size", cap);
	json_builder_set_member_name(b, "entries");
	json_builder_begin_array(b);
	for (guint i = 0; i < list->len; i++) {
		const struct ds_cache_entry *e = g_ptr_array_index(list, i);

		json_builder_begin_object(b);
		ds_json_add_str(b, "file", e->file);
		ds_json_add_u64(b, "size", e->size);
		json_builder_set_member_name(b, "used");
		json_builder_add_int_value(b, e->used);
		ds_json_add_u64(b, "format_version", e->version);
		ds_json_add_bool(b, "current", e->current);
		ds_json_add_str(b, "sha256", e->sha256[0] ? e->sha256 : NULL);
		ds_json_add_str(b, "trace", e->trace);
		ds_json_add_u64(b, "events", e->events);
		ds_json_add_u64(b, "releases", e->releases);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	withnl = g_strconcat(text, "\n", NULL);
	return ds_write_atomic(dest, withnl, strlen(withnl), error);
}

/* "90s", "30m" (minutes), "12h", "7d", "2w"; a bare number is seconds */
static gboolean parse_age(const char *s, gint64 *out)
{
	char *end = NULL;
	guint64 v;
	gint64 unit = 1;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	v = g_ascii_strtoull(s, &end, 10);
	switch (*end) {
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 86400; end++; break;
	case 'w': unit = 7 * 86400; end++; break;
	default: break;
	}
	if (*end || v > (guint64)(G_MAXINT64 / unit))
		return FALSE;
	*out = (gint64)v * unit;
	return TRUE;
}

static int do_list(const char *dir, const struct cache_args *a)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) list = ds_cache_list(dir, &err);
	uint64_t cap = ds_cache_max_size(&err);

	if (!list || err) {
		g_printerr("defersim cache: %s\n", err->message);
		return list ? DS_EXIT_USAGE : DS_EXIT_FAIL;
	}
	if (a->json && !write_list_json(dir, list, cap, a->json, &err)) {
		g_printerr("defersim cache: %s\n", err->message);
		return DS_EXIT_FAIL;
	}
	if (!a->json || strcmp(a->json, "-"))
		print_list(dir, list, cap);
	return DS_EXIT_OK;
}

static int do_prune(const char *dir, const struct cache_args *a, gboolean all)
{
	g_autoptr(GError) err = NULL;
	struct ds_cache_prune how = { .all = all };
	struct ds_cache_pruned res;

	if (a->max_size && !ds_parse_bytes(a->max_size, &how.max_size)) {
		g_printerr("defersim cache: --max-size %s: expected a size in bytes with an optional "
			   "K, M, G or T suffix (binary units)\n", a->max_size);
		return DS_EXIT_USAGE;
	}
	if (a->older_than && (!parse_age(a->older_than, &how.older_than_s) || !how.older_than_s)) {
		g_printerr("defersim cache: --older-than %s: expected an age above 0 such as 90s, "
			   "30m, 12h, 7d or 2w\n", a->older_than);
		return DS_EXIT_USAGE;
	}
	if (!all && !a->max_size && !a->older_than) {
		how.max_size = ds_cache_max_size(&err);
		if (err) {
			g_printerr("defersim cache: %s\n", err->message);
			return DS_EXIT_USAGE;
		}
	}
	if (!ds_cache_prune(dir, &how, &res, &err)) {
		g_printerr("defersim cache: %s\n", err->message);
		return DS_EXIT_FAIL;
	}
	printf("cache: %s\nremoved: %u files, %.1f MiB\nleft: %.1f MiB\n", dir, res.removed,
	       mib(res.freed), mib(res.kept_bytes));
	return DS_EXIT_OK;
}

int ds_cmd_cache(int argc, char **argv)
{
	struct cache_args a = { 0 };
	GOptionEntry entries[] = {
		{ "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &a.cache_dir,
		  "Cache directory (default: $XDG_CACHE_HOME/defersim, ~/.cache/defersim)", "DIR" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &a.json,
		  "list: also write the entries as JSON to FILE ('-': only JSON, on stdout)", "FILE" },
		{ "max-size", 0, 0, G_OPTION_ARG_STRING, &a.max_size,
		  "prune: evict least recently used entries until the cache is at most SIZE "
		  "(e.g. 500M, 2G; default: $DEFERSIM_CACHE_MAX, else 2G)", "SIZE" },
		{ "older-than", 0, 0, G_OPTION_ARG_STRING, &a.older_than,
		  "prune: remove entries not used for longer than AGE (e.g. 12h, 7d)", "AGE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("[list|prune|clear]");
	g_autoptr(GError) err = NULL;
	g_autofree char *dir = NULL;
	const char *what;
	int status;

	g_option_context_set_summary(ctx, "The binary event cache of traces already read: list "
				     "its entries (default), prune them (stale formats always; "
				     "then by age or size), or clear it.\nEach write keeps the "
				     "cache under $DEFERSIM_CACHE_MAX (default 2G; 0: no cap) by "
				     "evicting the least recently used entries.");
	ds_cli_exit_help(ctx, NULL, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		g_printerr("defersim cache: %s\nTry 'defersim cache --help'.\n", err->message);
		return DS_EXIT_USAGE;
	}
	what = argc > 1 ? argv[1] : "list";
	dir = ds_cache_dir(a.cache_dir);
	if (argc > 2 || (strcmp(what, "list") && strcmp(what, "prune") && strcmp(what, "clear"))) {
		g_printerr("defersim cache: expected list, prune or clear, got '%s'\nTry "
			   "'defersim cache --help'.\n", argc > 2 ? argv[2] : what);
		status = DS_EXIT_USAGE;
	} else if (!strcmp(what, "list")) {
		status = do_list(dir, &a);
	} else if ((a.max_size || a.older_than) && !strcmp(what, "clear")) {
		g_printerr("defersim cache: clear removes everything: --max-size and --older-than "
			   "are for prune\n");
		status = DS_EXIT_USAGE;
	} else {
		status = do_prune(dir, &a, !strcmp(what, "clear"));
	}
	g_free(a.cache_dir);
	g_free(a.json);
	g_free(a.max_size);
	g_free(a.older_than);
	return status;
}
