// SPDX-License-Identifier: MIT
/*
 * test_provenance_cli.c - every cost's origin in the reports (issue 10, items 1, 3 and 7's
 * `defersim profiles`), checked against the profile files themselves: this test reads their
 * origin tags with its own small parser (not sim/origin.c), and against what the bundled
 * captures' provenance files say (accelerator: tcg).  The sensitivity of the hot path to
 * push_ns is checked against an actual run with push_ns doubled.
 *
 * Environment: DS_DEFERSIM, DS_SOURCE_ROOT.
 */
#include <math.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "dstest.h"

/* The tag letters of profiles/README.md, strongest first, and the report's word for each. */
static const char tags[] = "SMDCFAG";
static const char *const words[] = { "stated", "measured-elsewhere", "derived", "calibrated",
				     "fitted", "scaled", "guessed" };

/*
 * key -> origin word of a profile file: the weakest tag in the comment lines above a key
 * ("[X]", "[X, ...]", "[X x ...]"); a key with no comment shares the one above it; a comment
 * without a tag leaves "unstated".
 */
static GHashTable *file_origins(const char *path)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GString *comment = g_string_new(NULL);
	const char *current = "unstated";

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		const char *l = lines[i];
		const char *eq = strchr(l, '=');

		if (l[0] == '#') {
			g_string_append(comment, l);
			continue;
		}
		if (l[0] == '[') {
			g_string_truncate(comment, 0);	/* a group's comment is not a key's */
			current = "unstated";		/* nor is the last group's tag */
			continue;
		}
		if (!eq)
			continue;	/* blank lines stay inside a comment, as in GKeyFile */
		if (comment->len) {
			int weakest = -1;

			for (const char *s = comment->str; (s = strchr(s, '[')); s++) {
				const char *t = s[1] ? strchr(tags, s[1]) : NULL;

				if (t && (s[2] == ']' || s[2] == ' ' || s[2] == ','))
					weakest = MAX(weakest, (int)(t - tags));
			}
			current = weakest < 0 ? "unstated" : words[weakest];
			g_string_truncate(comment, 0);
		}
		g_hash_table_insert(h, g_strstrip(g_strndup(l, (gsize)(eq - l))), (gpointer)current);
	}
	g_string_free(comment, TRUE);
	return h;
}

static JsonObject *parse_out(JsonParser *p, const struct dstest_run *r)
{
	GError *e = NULL;

	if (!json_parser_load_from_data(p, r->out, -1, &e))
		g_error("not JSON (%s): %.200s", e->message, r->out);
	return json_node_get_object(json_parser_get_root(p));
}

static JsonObject *cost_of(JsonObject *root, const char *name)
{
	JsonArray *a = json_object_get_array_member(
		json_object_get_object_member(root, "provenance"), "costs");

	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *c = json_array_get_object_element(a, i);

		if (!strcmp(json_object_get_string_member(c, "name"), name))
			return c;
	}
	g_error("no cost %s in provenance.costs", name);
	return NULL;
}

/* The text report opens with the answer, the guesses it rests on and the emulated warning. */
static void test_text_summary(void)
{
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *md = dstest_bundled("munmap-64m-6.12.md");
	g_autofree char *mdtext = NULL;
	struct dstest_run r = dstest_defersim("replay", t, "--profile", "rpi4b", NULL);
	const char *summary, *rests, *emu, *pool, *params;

	g_assert_cmpint(r.status, ==, 0);
	/* the capture's own provenance says TCG: the report must say emulated */
	g_assert_true(g_file_get_contents(md, &mdtext, NULL, NULL));
	g_assert_nonnull(strstr(mdtext, "accelerator: tcg"));
	summary = strstr(r.out, "\nsummary\n");
	rests = strstr(r.out, "rests on guesses: ");
	emu = strstr(r.out, "EMULATED TIME");
	pool = strstr(r.out, "zram pool");
	params = strstr(r.out, "\nparameters ");
	g_assert_nonnull(summary);
	g_assert_nonnull(rests);
	g_assert_nonnull(emu);
	g_assert_nonnull(pool);
	g_assert_nonnull(params);
	g_assert_true(summary < rests && rests < emu && emu < pool && pool < params);
	g_assert_nonnull(strstr(rests, "push_ns (guessed)"));
	g_assert_null(strstr(r.out, "blocked swaps"));
	dstest_run_clear(&r);
}

/* Every profile cost's origin in the JSON is the tag of its line in the profile file. */
static void check_origins(const char *profile, const char *trace_name, gboolean emulated)
{
	g_autofree char *t = dstest_bundled(trace_name);
	g_autofree char *file = g_strdup_printf("profiles/%s.ini", profile);
	g_autofree char *ini = dstest_source(file);
	g_autoptr(GHashTable) tagsof = file_origins(ini);
	g_autoptr(JsonParser) p = json_parser_new();
	struct dstest_run r = dstest_defersim("replay", t, "--profile", profile, "-q", "--json",
					      "-", NULL);
	JsonObject *root, *prov;
	JsonArray *costs;
	guint checked = 0;

	g_assert_cmpint(r.status, ==, 0);
	root = parse_out(p, &r);
	prov = json_object_get_object_member(root, "provenance");
	g_assert_cmpstr(json_object_get_string_member(prov, "trace_time"), ==,
			emulated ? "emulated" : "unknown");
	costs = json_object_get_array_member(prov, "costs");
	for (guint i = 0; i < json_array_get_length(costs); i++) {
		JsonObject *c = json_array_get_object_element(costs, i);
		const char *name = json_object_get_string_member(c, "name");
		const char *want = g_hash_table_lookup(tagsof, name);

		if (!want)
			continue;	/* a trace-side cost */
		g_assert_cmpstr(json_object_get_string_member(c, "origin"), ==, want);
		g_assert_cmpfloat(json_object_get_double_member(c, "scaled_by"), ==, 1.0);
		checked++;
	}
	g_assert_cmpuint(checked, >=, 15);
	/* measured in this emulated trace: flagged */
	g_assert_true(json_object_get_boolean_member_with_default(cost_of(root, "think_time"),
								  "emulated", FALSE) == emulated);
	dstest_run_clear(&r);
}

static void test_json_origins(void)
{
	check_origins("rpi4b", "munmap-64m-6.12.dat", TRUE);
	check_origins("x86-desktop", "munmap-64m-6.12.dat", TRUE);
}

/* --set page_size changes a profile value: "set"; cost_source=trace: "measured", emulated. */
static void test_set_and_trace(void)
{
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	g_autoptr(JsonParser) p = json_parser_new();
	struct dstest_run r = dstest_defersim("replay", t, "--profile", "rpi4b", "-q", "--json",
					      "-", "--set", "page_size=16384", "--set",
					      "cost_source=trace", NULL);
	JsonObject *root, *c;

	g_assert_cmpint(r.status, ==, 0);
	root = parse_out(p, &r);
	c = cost_of(root, "page_size");
	g_assert_cmpstr(json_object_get_string_member(c, "origin"), ==, "set");
	g_assert_cmpint(json_object_get_int_member(c, "value"), ==, 16384);
	c = cost_of(root, "recorded_release_ns");
	g_assert_cmpstr(json_object_get_string_member(c, "origin"), ==, "measured");
	g_assert_true(json_object_get_boolean_member(c, "emulated"));
	dstest_run_clear(&r);
}

/* A sweep's scale.push = 3 shows as scaled_by 3 of the guess, the value tripled. */
static void test_scaled(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *ini_text = g_strdup_printf("[sweep]\ntrace = %s\nprofile = rpi4b\n"
						    "scale.push = 3\n", t);
	g_autofree char *ini = dstest_write(dir, "s.ini", ini_text);
	g_autofree char *out = g_build_filename(dir, "out", NULL);
	g_autofree char *jsonl = g_build_filename(out, "results.jsonl", NULL);
	g_autofree char *csv = g_build_filename(out, "results.csv", NULL);
	g_autofree char *text = NULL, *csvtext = NULL;
	g_autoptr(JsonParser) p = json_parser_new();
	struct dstest_run r = dstest_defersim("sweep", ini, "-o", out, "--quiet", NULL);
	JsonObject *c;

	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	g_assert_true(g_file_get_contents(jsonl, &text, NULL, NULL));
	g_assert_true(json_parser_load_from_data(p, text, -1, NULL));
	c = cost_of(json_node_get_object(json_parser_get_root(p)), "push_ns");
	g_assert_cmpfloat(json_object_get_double_member(c, "scaled_by"), ==, 3.0);
	g_assert_cmpint(json_object_get_int_member(c, "value"), ==, 45);	/* rpi4b: 15 */
	g_assert_cmpstr(json_object_get_string_member(c, "origin"), ==, "guessed");
	/* the CSV has the provenance as columns */
	g_assert_true(g_file_get_contents(csv, &csvtext, NULL, NULL));
	g_assert_nonnull(strstr(csvtext, "provenance.costs.push_ns.origin"));
	g_assert_nonnull(strstr(csvtext, "provenance.costs.push_ns.scaled_by"));
	dstest_rm_rf(dir);
}

static double json_hot(const struct dstest_run *r, double *push_share)
{
	g_autoptr(JsonParser) p = json_parser_new();
	JsonObject *root = parse_out(p, r);
	JsonArray *a = json_object_get_array_member(
		json_object_get_object_member(root, "sensitivity"), "costs");

	for (guint i = 0; push_share && i < json_array_get_length(a); i++) {
		JsonObject *c = json_array_get_object_element(a, i);

		if (!strcmp(json_object_get_string_member(c, "name"), "push_ns"))
			*push_share = json_object_get_double_member(c, "hot_path");
	}
	return (double)dstest_json_int(root, "metrics.hot_ns");
}

/* The elasticity the run derives for push_ns against a run with push_ns doubled. */
static void test_elasticity_vs_rerun(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *t = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *src = dstest_source("profiles/rpi4b.ini");
	g_autofree char *text = NULL;
	g_autoptr(GRegex) re = g_regex_new("^push_ns=15$", G_REGEX_MULTILINE, 0, NULL);
	g_autofree char *x2 = NULL, *x2path = NULL;
	struct dstest_run a, b;
	double share = -1, h1, h2;

	g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
	x2 = g_regex_replace_literal(re, text, -1, 0, "push_ns=30", 0, NULL);
	g_assert_cmpstr(x2, !=, text);
	x2path = dstest_write(dir, "x2.ini", x2);
	a = dstest_defersim("replay", t, "--profile", "rpi4b", "--cpus", "4", "--pool-pages", "4",
			    "-q", "--json", "-", NULL);
	b = dstest_defersim("replay", t, "--profile", x2path, "--cpus", "4", "--pool-pages",
			    "4", "-q", "--json", "-", NULL);
	g_assert_cmpint(a.status, ==, 0);
	g_assert_cmpint(b.status, ==, 0);
	h1 = json_hot(&a, &share);
	h2 = json_hot(&b, NULL);
	g_test_message("push_ns: predicted elasticity %.4f, measured %.4f", share, h2 / h1 - 1);
	g_assert_cmpfloat(share, >, 0.2);
	g_assert_cmpfloat(fabs(share - (h2 / h1 - 1)), <, 0.05);
	dstest_run_clear(&a);
	dstest_run_clear(&b);
	dstest_rm_rf(dir);
}

/* `defersim profiles` lists every shipped .ini, with counts this test makes from the files. */
static void test_profiles_list(void)
{
	g_autofree char *dir = dstest_source("profiles");
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_autoptr(JsonParser) p = json_parser_new();
	struct dstest_run r = dstest_defersim("profiles", "--json", "-", NULL);
	JsonArray *list;
	const char *f;
	guint shipped = 0;

	g_assert_cmpint(r.status, ==, 0);
	list = json_object_get_array_member(parse_out(p, &r), "profiles");
	while ((f = g_dir_read_name(d))) {
		g_autofree char *path = NULL, *name = NULL;
		g_autoptr(GHashTable) o = NULL;
		JsonObject *entry = NULL, *counts;
		GHashTableIter it;
		gpointer k, v;
		guint want[G_N_ELEMENTS(words)] = { 0 }, unstated = 0, tagged;

		if (!g_str_has_suffix(f, ".ini"))
			continue;
		shipped++;
		path = g_build_filename(dir, f, NULL);
		name = g_strndup(f, strlen(f) - 4);
		o = file_origins(path);
		g_hash_table_iter_init(&it, o);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			if (!strcmp(k, "name") || !strcmp(k, "description") ||
			    !strcmp(k, "time_base"))
				continue;
			for (size_t w = 0; w < G_N_ELEMENTS(words); w++)
				want[w] += !strcmp(v, words[w]);
			unstated += !strcmp(v, "unstated");
		}
		for (guint i = 0; i < json_array_get_length(list); i++) {
			JsonObject *e = json_array_get_object_element(list, i);

			if (!strcmp(json_object_get_string_member(e, "name"), name))
				entry = e;
		}
		g_assert_nonnull(entry);
		counts = json_object_get_object_member(entry, "origins");
		tagged = 0;
		for (size_t w = 0; w < G_N_ELEMENTS(words); w++) {
			g_assert_cmpint(json_object_get_int_member(counts, words[w]), ==, want[w]);
			tagged += want[w];
		}
		/* untagged: the file's untagged keys, and the keys it leaves to their default */
		g_assert_cmpint(json_object_get_int_member(counts, "unstated"), >=, unstated);
		g_assert_cmpint(json_object_get_int_member(counts, "unstated"), ==,
				json_object_get_int_member(entry, "values") - tagged);
		if (g_str_has_prefix(name, "tcg-"))
			g_assert_cmpstr(json_object_get_string_member(entry, "time_base"), ==,
					"emulated");
	}
	g_assert_cmpuint(json_array_get_length(list), ==, shipped);
	dstest_run_clear(&r);
	r = dstest_defersim("profiles", "rpi4b", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "push_ns"));
	g_assert_nonnull(strstr(r.out, "guessed"));
	dstest_run_clear(&r);
	r = dstest_defersim("profiles", "nosuch", NULL);
	g_assert_cmpint(r.status, ==, 2);
	dstest_run_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/provenance/text-summary", test_text_summary);
	g_test_add_func("/provenance/json-origins", test_json_origins);
	g_test_add_func("/provenance/set-and-trace", test_set_and_trace);
	g_test_add_func("/provenance/scaled", test_scaled);
	g_test_add_func("/provenance/elasticity-vs-rerun", test_elasticity_vs_rerun);
	g_test_add_func("/provenance/profiles-list", test_profiles_list);
	return g_test_run();
}
