// SPDX-License-Identifier: MIT
/*
 * test_exit_status.c - the exit statuses are one contract across every sub-command
 * (cli/exit_status.c, README "Exit status"): for each command a usage error (an unknown
 * option) exits 2, an input error (a missing or malformed input) exits 2, a success exits 0,
 * an output that cannot be written exits 1, and a missed target exits 3 (validate; size's own 3 is tested with size).  The table is the
 * test: one row per command and case, each with the stderr text that must name the problem.
 * Also: every --help ends with the statuses (so every man page has them), -j means jobs
 * (sweep) and nothing else, and a missing profile lists the available ones.  And the other
 * conventions of issue 10, item 7: null (not 0) where a metric does not apply, the warning of
 * --cpus above the recorded CPUs.
 *
 * Inputs are small and made here: a synthetic munmap trace (labelled synthetic: only exit
 * statuses are checked, no figure), a one-point sweep and a two-row validation suite.
 */
#include <string.h>

#include "dstest.h"

#define MAX_ARGS 12

/*
 * struct exit_case - one run of defersim
 * @args: its words; "@T" is the trace, "@D" the scratch directory, "@S" the sweep file,
 *	  "@V" the validation suite that is met, "@M" the one that misses, "@K" kallsyms
 * @status: the exit status expected
 * @needle: text stderr must contain (NULL: none checked)
 */
struct exit_case {
	const char *args[MAX_ARGS];
	int status;
	const char *needle;
};

static const struct exit_case cases[] = {
	/* usage: an unknown option, every command */
	{ { "replay", "--no-such-option", "@T" }, 2, "no-such-option" },
	{ { "info", "--no-such-option", "@T" }, 2, "no-such-option" },
	{ { "record", "--no-such-option" }, 2, "no-such-option" },
	{ { "compare", "--no-such-option", "@T" }, 2, "no-such-option" },
	{ { "synth", "--no-such-option" }, 2, "no-such-option" },
	{ { "calibrate", "--no-such-option", "@T" }, 2, "no-such-option" },
	{ { "sweep", "--no-such-option", "@S" }, 2, "no-such-option" },
	{ { "merge", "--no-such-option", "@D" }, 2, "no-such-option" },
	{ { "size", "--no-such-option", "@T" }, 2, "no-such-option" },
	{ { "plot", "--no-such-option", "@D" }, 2, "no-such-option" },
	{ { "validate", "--no-such-option" }, 2, "no-such-option" },
	{ { "cache", "--no-such-option" }, 2, "no-such-option" },
	{ { "no-such-command" }, 2, "unknown command" },
	/* -j is jobs (sweep) and nothing else: --json has no short form */
	{ { "replay", "-j", "@D/r.json", "@T" }, 2, "-j" },
	{ { "sweep", "@S", "-o", "@D/sw-j", "-j", "-1" }, 2, "-j -1" },
	/* input: a missing or malformed input file, a bad parameter or profile */
	{ { "replay", "/nonexistent.dat" }, 2, "/nonexistent.dat" },
	{ { "replay", "@T", "--profile", "no-such-profile" }, 2, "available profiles: " },
	{ { "replay", "@T", "--set", "pool_pages=-3" }, 2, "pool_pages" },
	{ { "info", "/nonexistent.dat" }, 2, "/nonexistent.dat" },
	{ { "info", "@S" }, 2, "@S" },
	{ { "record", "--print-plan", "--kallsyms", "/nonexistent/kallsyms" }, 2, "/nonexistent" },
	{ { "compare", "/nonexistent.dat" }, 2, "/nonexistent.dat" },
	{ { "synth", "no-such-workload", "-o", "@D/x.dsev" }, 2, "no-such-workload" },
	{ { "calibrate", "/nonexistent.dat" }, 2, "/nonexistent.dat" },
	{ { "sweep", "/nonexistent.ini" }, 2, "/nonexistent.ini" },
	{ { "merge", "/nonexistent" }, 2, "/nonexistent" },
	{ { "size", "/nonexistent.dat", "--target-fallback", "1%" }, 2, "/nonexistent.dat" },
	{ { "plot", "/nonexistent.json", "-o", "@D/p" }, 2, "/nonexistent.json" },
	{ { "validate", "/nonexistent.ini" }, 2, "/nonexistent.ini" },
	{ { "cache", "prune", "--max-size", "lots", "--cache-dir", "@D/cache" }, 2, "lots" },
	/* success */
	{ { "replay", "@T", "-q", "--json", "@D/r.json" }, 0, NULL },
	{ { "info", "@T" }, 0, NULL },
	{ { "record", "--print-plan", "--arch", "x86_64", "--kallsyms", "@K" }, 0, NULL },
	{ { "compare", "@T", "-q", "--policies", "sync,v3" }, 0, NULL },
	{ { "synth", "munmap", "size_mib=1", "-o", "@D/y.dsev", "-q" }, 0, NULL },
	{ { "calibrate", "@T", "-q" }, 0, NULL },
	{ { "sweep", "@S", "-o", "@D/sw", "-q", "-j", "1" }, 0, NULL },
	{ { "merge", "@D/sw", "-o", "@D/merged", "-q" }, 0, NULL },
	{ { "size", "@T", "--target-fallback", "100%", "-q" }, 0, NULL },
	{ { "validate", "@V" }, 0, NULL },
	{ { "cache", "list", "--cache-dir", "@D/cache" }, 0, NULL },
	{ { "plot", "@D/r.json", "-o", "@D/pics", "-q" }, 0, NULL },
	/* runtime: the work failed (here, an output that cannot be written) */
	{ { "replay", "@T", "-q", "--json", "/nonexistent/dir/r.json" }, 1, "/nonexistent/dir" },
	{ { "compare", "@T", "-q", "--csv", "/nonexistent/dir/c.csv" }, 1, "/nonexistent/dir" },
	{ { "synth", "munmap", "size_mib=1", "-o", "/nonexistent/dir/z.dsev" }, 1, "/nonexistent" },
	/* target not met */
	{ { "validate", "@M" }, 3, NULL },
};

/* The words of @c with the placeholders filled in (g_strfreev() it). */
static char **expand(const struct exit_case *c, GHashTable *vars)
{
	GPtrArray *v = g_ptr_array_new();

	for (guint i = 0; i < MAX_ARGS && c->args[i]; i++) {
		const char *a = c->args[i];
		const char *val = a[0] == '@' ? g_hash_table_lookup(vars, (char[]){ a[0], a[1], 0 })
					      : NULL;

		g_ptr_array_add(v, val ? g_strconcat(val, a + 2, NULL) : g_strdup(a));
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

static GHashTable *make_inputs(const char *dir)
{
	GHashTable *vars = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	char *trace = g_build_filename(dir, "t.dsev", NULL);
	static const char suite_fmt[] = "[suite]\nname=%s\nprofile=rpi4b\npolicy=sync\n"
					"tolerance=%s\ngap_ns=143\nexit_ns=0\n"
					"[a]\nprocs=1\nsize_mib=1\npublished_ms=%s\n";
	g_autofree char *met = g_strdup_printf(suite_fmt, "met", "1000", "1");
	g_autofree char *miss = g_strdup_printf(suite_fmt, "missed", "0.01", "1000");
	g_autofree char *sweep = NULL;
	struct dstest_run r = dstest_defersim("synth", "munmap", "size_mib=1", "procs=2", "-o",
					      trace, "-q", NULL);

	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	sweep = g_strdup_printf("[sweep]\ntrace = %s\npool_pages = 1\n", trace);
	g_hash_table_insert(vars, "@T", trace);
	g_hash_table_insert(vars, "@D", g_strdup(dir));
	g_hash_table_insert(vars, "@S", dstest_write(dir, "s.ini", sweep));
	g_hash_table_insert(vars, "@V", dstest_write(dir, "met.ini", met));
	g_hash_table_insert(vars, "@M", dstest_write(dir, "miss.ini", miss));
	g_hash_table_insert(vars, "@K", g_build_filename(dstest_env("DS_SOURCE_ROOT"), "tests",
							 "record", "kallsyms-6.12.txt", NULL));
	return vars;
}

static void test_table(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autoptr(GHashTable) vars = make_inputs(dir);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_auto(GStrv) words = expand(&cases[i], vars);
		g_autofree char *cmd = g_strjoinv(" ", words);
		g_autofree char *needle = NULL;
		struct dstest_run r = dstest_spawn(dstest_env("DS_DEFERSIM"), NULL,
						   (const char *const *)words);

		g_test_message("defersim %s -> %d", cmd, r.status);
		if (r.status != cases[i].status)
			g_error("defersim %s: exit %d, expected %d; stderr: %s", cmd, r.status,
				cases[i].status, r.err);
		if (cases[i].needle) {
			struct exit_case one = { { cases[i].needle }, 0, NULL };
			g_auto(GStrv) n = expand(&one, vars);

			needle = g_strdup(n[0]);
			if (!strstr(r.err, needle))
				g_error("defersim %s: stderr lacks \"%s\": %s", cmd, needle, r.err);
		}
		dstest_run_clear(&r);
	}
	dstest_rm_rf(dir);
}

/* Every command's --help (hence its man page, cli/gendoc.py) ends with the four statuses. */
static void test_help(void)
{
	static const char *const cmds[] = { "replay", "info", "record", "compare", "synth",
					    "calibrate", "sweep", "merge", "size", "plot",
					    "validate", "cache" };

	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		struct dstest_run r = dstest_defersim(cmds[i], "--help", NULL);
		const char *s = strstr(r.out, "\nExit status:\n");

		g_assert_cmpint(r.status, ==, 0);
		if (!s)
			g_error("defersim %s --help has no \"Exit status:\"", cmds[i]);
		g_assert_nonnull(strstr(s, "\n  0  success\n"));
		g_assert_nonnull(strstr(s, "\n  1  runtime error"));
		g_assert_nonnull(strstr(s, "\n  2  usage or input error"));
		g_assert_nonnull(strstr(s, "\n  3  "));
		/* --json has no -j; only sweep's -j (jobs) */
		g_assert_null(strstr(r.out, "-j, --json"));
		if (!strcmp(cmds[i], "sweep"))
			g_assert_nonnull(strstr(r.out, "-j, --jobs=N"));
		dstest_run_clear(&r);
	}
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A profile name not in profiles/ is refused with the names that are, sorted: the source
 * tree's profiles/NAME.ini, which the build mirrors as the data directory's. */
static void test_profile_names(void)
{
	g_autofree char *dir = dstest_source("profiles");
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *want = NULL, *list = NULL;
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	struct dstest_run r;

	g_assert_nonnull(d);
	while ((n = g_dir_read_name(d)))
		if (g_str_has_suffix(n, ".ini"))
			g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
	g_dir_close(d);
	g_assert_cmpuint(names->len, >, 0);
	g_ptr_array_sort(names, cmp_str);
	g_ptr_array_add(names, NULL);
	list = g_strjoinv(", ", (char **)names->pdata);
	want = g_strdup_printf("(available profiles: %s; or give an .ini file)", list);
	r = dstest_defersim("size", "/nonexistent.dat", "--target-fallback", "1%", "--profile",
			    "no-such-phone", NULL);
	g_assert_cmpint(r.status, ==, 2);
	if (!strstr(r.err, "profile 'no-such-phone'") || !strstr(r.err, want))
		g_error("stderr \"%s\" lacks \"%s\"", r.err, want);
	dstest_run_clear(&r);
}

/* The JSON member at @dotted below @o, NULL when a step is missing. */
static JsonNode *member(JsonObject *o, const char *dotted)
{
	g_auto(GStrv) parts = g_strsplit(dotted, ".", -1);
	JsonNode *n = NULL;

	for (guint i = 0; parts[i]; i++) {
		if (!o || !json_object_has_member(o, parts[i]))
			return NULL;
		n = json_object_get_member(o, parts[i]);
		o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
	}
	return n;
}

/* One CSV line split into fields, RFC 4180 quoting undone (g_strfreev() it). */
static char **csv_split(const char *line)
{
	GPtrArray *f = g_ptr_array_new();
	GString *cur = g_string_new(NULL);
	gboolean quoted = FALSE;

	for (const char *p = line; *p; p++) {
		if (quoted && *p == '"' && p[1] == '"') {
			g_string_append_c(cur, *p++);
		} else if (*p == '"') {
			quoted = !quoted;
		} else if (*p == ',' && !quoted) {
			g_ptr_array_add(f, g_string_free(cur, FALSE));
			cur = g_string_new(NULL);
		} else {
			g_string_append_c(cur, *p);
		}
	}
	g_ptr_array_add(f, g_string_free(cur, FALSE));
	g_ptr_array_add(f, NULL);
	return (char **)g_ptr_array_free(f, FALSE);
}

/* The field of @column in the one data row of a run CSV (no line breaks inside fields). */
static char *csv_field(const char *path, const char *column)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL, head = NULL, row = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	g_assert_cmpuint(g_strv_length(lines), ==, 3);	/* header, row, "" */
	head = csv_split(lines[0]);
	row = csv_split(lines[1]);
	g_assert_cmpuint(g_strv_length(head), ==, g_strv_length(row));
	for (guint i = 0; head[i]; i++)
		if (!strcmp(head[i], column))
			return g_strdup(row[i]);
	g_error("%s: no column %s", path, column);
	return NULL;
}

/*
 * sync defers nothing: its drain latency does not apply.  JSON null (and the compare
 * summary's), CSV an empty field, text "n/a", never 0; a measured 0 (its fallbacks) stays 0.
 */
static void test_null_not_zero(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autoptr(GHashTable) vars = make_inputs(dir);
	const char *trace = g_hash_table_lookup(vars, "@T");
	g_autofree char *json = g_build_filename(dir, "s.json", NULL);
	g_autofree char *csv = g_build_filename(dir, "s.csv", NULL);
	g_autofree char *cjson = g_build_filename(dir, "c.json", NULL);
	g_autofree char *p99 = NULL, *fb = NULL, *version = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonParser) cparser = json_parser_new();
	struct dstest_run r = dstest_defersim("replay", trace, "--policy", "sync", "--json", json,
					      "--csv", csv, NULL);
	JsonObject *root, *croot;
	JsonNode *n;

	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "  drain latency         n/a "));
	g_assert_nonnull(strstr(r.out, "  pool pages free       n/a "));
	dstest_run_clear(&r);
	root = dstest_json_load(parser, json);
	g_assert_cmpint(dstest_json_int(root, "tool.schema_version"), ==, 3);
	n = member(root, "metrics.zram.drain_latency.p99_ns");
	g_assert_nonnull(n);
	g_assert_true(JSON_NODE_HOLDS_NULL(n));
	g_assert_true(JSON_NODE_HOLDS_NULL(member(root, "metrics.zram.pool_free_min")));
	g_assert_true(JSON_NODE_HOLDS_NULL(member(root, "metrics.zswap.fallback_rate")));
	g_assert_cmpint(dstest_json_int(root, "metrics.zram.drain_latency.count"), ==, 0);
	g_assert_cmpint(dstest_json_int(root, "metrics.fallbacks"), ==, 0);
	p99 = csv_field(csv, "metrics.zram.drain_latency.p99_ns");
	fb = csv_field(csv, "metrics.fallbacks");
	version = csv_field(csv, "schema_version");
	g_assert_cmpstr(p99, ==, "");
	g_assert_cmpstr(fb, ==, "0");
	g_assert_cmpstr(version, ==, "1");

	r = dstest_defersim("compare", trace, "--policies", "sync,v3", "-q", "--json", cjson,
			    NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	croot = dstest_json_load(cparser, cjson);
	g_assert_cmpint(dstest_json_int(croot, "tool.schema_version"), ==, 3);
	{
		JsonArray *rows = json_object_get_array_member(croot, "summary");
		JsonObject *sync = json_array_get_object_element(rows, 0);
		JsonObject *v3 = json_array_get_object_element(rows, 1);

		g_assert_cmpstr(json_object_get_string_member(sync, "policy"), ==, "sync");
		g_assert_true(json_object_get_null_member(sync, "drain_latency_p99_ns"));
		/* v3: null exactly when nothing was drained before teardown (on this small
		 * trace the per-CPU pages may never fill), a number otherwise */
		g_assert_cmpint(json_object_get_null_member(v3, "drain_latency_p99_ns"), ==,
				json_object_get_int_member(v3, "drained_before_teardown") == 0);
	}
	dstest_rm_rf(dir);
}

/*
 * --cpus above the recorded CPUs: a warning on stderr and in the JSON's "warnings" (the
 * synthetic munmap trace records 4 CPUs); at the recorded count, none.
 */
static void test_cpus_warning(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autoptr(GHashTable) vars = make_inputs(dir);
	const char *trace = g_hash_table_lookup(vars, "@T");
	g_autofree char *json = g_build_filename(dir, "w.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	static const char say[] = "cpus 6 is more than the 4 CPUs recorded in the trace";
	struct dstest_run r = dstest_defersim("replay", trace, "--cpus", "6", "-q", "--json", json,
					      NULL);
	JsonArray *w;

	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.err, "defersim replay: warning: "));
	g_assert_nonnull(strstr(r.err, say));
	g_assert_nonnull(strstr(r.err, "virtual CPUs 4..5 get no releases"));
	dstest_run_clear(&r);
	w = json_object_get_array_member(dstest_json_load(parser, json), "warnings");
	g_assert_cmpuint(json_array_get_length(w), ==, 1);
	g_assert_nonnull(strstr(json_array_get_string_element(w, 0), say));

	r = dstest_defersim("replay", trace, "--cpus", "4", "-q", "--json", json, NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_null(strstr(r.err, "warning"));
	dstest_run_clear(&r);
	{
		g_autoptr(JsonParser) p2 = json_parser_new();

		w = json_object_get_array_member(dstest_json_load(p2, json), "warnings");
		g_assert_cmpuint(json_array_get_length(w), ==, 0);
	}
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cli/exit-status/table", test_table);
	g_test_add_func("/cli/exit-status/help", test_help);
	g_test_add_func("/cli/exit-status/profile-names", test_profile_names);
	g_test_add_func("/cli/null/sync-latency", test_null_not_zero);
	g_test_add_func("/cli/warnings/cpus", test_cpus_warning);
	return g_test_run();
}
