// SPDX-License-Identifier: MIT
/*
 * test_replay_cli.c - `defersim replay` as users run it: bad input gets a clear error and a
 * non-zero exit; on every bundled real trace, sync with the recorded costs reproduces the
 * recorded timeline and v3 keeps the spec's invariants; output is deterministic and the JSON
 * agrees with what can be computed independently (sha256, release counts, conservation).
 *
 * Environment: DS_DEFERSIM (the binary), DS_SOURCE_ROOT (traces/), DS_FIXTURES (the replay
 * tests' generated trace.dat fixtures).
 */
#include <string.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dstest.h"

static void assert_usage_error(struct dstest_run *r, const char *needle)
{
	if (r->status == 0 || !strstr(r->err, needle))
		g_error("expected a failure mentioning '%s'; exit %d, stderr: %s", needle, r->status,
			r->err);
	dstest_run_clear(r);
}

static void test_bad_params(void)
{
	char *t = dstest_bundled("munmap-64m-6.12.dat");
	struct dstest_run r;

	r = dstest_defersim("replay", NULL);
	g_assert_cmpint(r.status, ==, 2);
	assert_usage_error(&r, "no trace given");
	r = dstest_defersim("replay", t, "--cpus", "0", NULL);
	g_assert_cmpint(r.status, ==, 2);
	assert_usage_error(&r, "cpus");
	r = dstest_defersim("replay", t, "--pool-pages", "-1", NULL);
	g_assert_cmpint(r.status, ==, 2);
	assert_usage_error(&r, "pool_pages");
	r = dstest_defersim("replay", t, "--pool-pages", "12abc", NULL);
	assert_usage_error(&r, "pool_pages");
	r = dstest_defersim("replay", t, "--policy", "nosuch", NULL);
	assert_usage_error(&r, "v3");	/* the message lists the known policies */
	r = dstest_defersim("replay", t, "--set", "no_such_param=1", NULL);
	assert_usage_error(&r, "no_such_param");
	r = dstest_defersim("replay", t, "--set", "pool_pages", NULL);
	assert_usage_error(&r, "NAME=VALUE");
	r = dstest_defersim("replay", t, "--profile", "/nonexistent/p.ini", NULL);
	assert_usage_error(&r, "/nonexistent/p.ini");
	g_free(t);
}

static void test_bad_files(void)
{
	char *dir = dstest_tmp_dir();
	char *trunc = g_build_filename(dir, "truncated.dat", NULL);
	char *src = dstest_bundled("munmap-64m-6.12.dat");
	char *notatrace = dstest_fixture("notatrace.dat");
	char *foreign = dstest_fixture("foreign.dat");
	char *data;
	gsize len;
	struct dstest_run r;

	r = dstest_defersim("replay", "/nonexistent/trace.dat", NULL);
	assert_usage_error(&r, "/nonexistent/trace.dat");
	r = dstest_defersim("replay", notatrace, "--no-cache", NULL);
	assert_usage_error(&r, "notatrace.dat");
	r = dstest_defersim("replay", foreign, "--no-cache", NULL);
	assert_usage_error(&r, "release");
	/* A real trace cut in the middle of its CPU data. */
	g_assert_true(g_file_get_contents(src, &data, &len, NULL));
	g_assert_true(g_file_set_contents(trunc, data, (gssize)(len / 2), NULL));
	r = dstest_defersim("replay", trunc, "--no-cache", NULL);
	assert_usage_error(&r, "truncated");
	dstest_rm_rf(dir);
	g_free(data);
	g_free(trunc);
	g_free(src);
	g_free(notatrace);
	g_free(foreign);
	g_free(dir);
}

static char *sha256_of(const char *path)
{
	char *data;
	gsize len;
	char *hex;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	g_free(data);
	return hex;
}

/*
 * Policy sync fed the recorded costs replays every task exactly as recorded: its simulated
 * end equals its recorded end, except for recorded costs that overlapped the next release
 * (clamped think time, reported per task), by exactly that amount.
 */
static void check_sync_timeline(const char *trace, const char *json)
{
	JsonParser *p = json_parser_new();
	JsonObject *o;
	JsonArray *tasks;
	/* the recorded costs as recorded: no probe cost taken out (spec §5) */
	struct dstest_run r = dstest_defersim("replay", trace, "--policy", "sync", "--cost-source",
					      "trace", "--check", "-q", "--json", json, "--set",
					      "probe_overhead_ns=0", "--set", "probe_gap_ns=0", NULL);

	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	o = dstest_json_load(p, json);
	g_assert_cmpint(dstest_json_int(o, "invariants.freed_twice"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "invariants.never_freed"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "invariants.cpu_violations"), ==, 0);
	tasks = json_object_get_array_member(json_object_get_object_member(o, "metrics"), "tasks");
	g_assert_cmpuint(json_array_get_length(tasks), >, 0);
	for (guint i = 0; i < json_array_get_length(tasks); i++) {
		JsonObject *t = json_array_get_object_element(tasks, i);

		g_assert_cmpint(json_object_get_int_member(t, "sim_end_ts") -
				json_object_get_int_member(t, "rec_end_ts"), ==,
				json_object_get_int_member(t, "think_clamped_ns"));
		g_assert_cmpint(json_object_get_int_member(t, "hot_ns"), ==,
				json_object_get_int_member(t, "sync_ns"));
	}
	g_object_unref(p);
}

/*
 * v3 on the same trace: invariants hold and every release is accounted for once; with the
 * trace's costs on the recorded CPUs, and with a profile's (class locks modelled) on one
 * virtual CPU (every task and the worker share it).
 */
static void check_v3_conservation(const char *trace, const char *json, gboolean squeezed)
{
	JsonParser *p = json_parser_new();
	JsonObject *o;
	gint64 releases = 0;
	struct dstest_run r = squeezed ?
		dstest_defersim("replay", trace, "--policy", "v3", "--check", "-q", "--json", json,
				"--profile", "rpi4b", "--cpus", "1", NULL) :
		dstest_defersim("replay", trace, "--policy", "v3", "--check", "-q", "--json", json,
				NULL);
	char *sha = sha256_of(trace);

	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	o = dstest_json_load(p, json);
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(o, "trace"),
						      "sha256"), ==, sha);
	g_assert_cmpint(dstest_json_int(o, "invariants.freed_twice"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "invariants.never_freed"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "invariants.pages_violations"), ==, 0);
	g_assert_cmpint(dstest_json_int(o, "invariants.cpu_violations"), ==, 0);
	for (int be = 0; be < 2; be++) {
		const char *name = be ? "metrics.zswap." : "metrics.zram.";
		char *k[5];
		const char *f[5] = { "releases", "pushed", "fallbacks", "drained", "stale_drains" };

		for (int i = 0; i < 5; i++)
			k[i] = g_strconcat(name, f[i], NULL);
		/* Each release is pushed or falls back; each pushed value is drained or stale. */
		g_assert_cmpint(dstest_json_int(o, k[0]), ==,
				dstest_json_int(o, k[1]) + dstest_json_int(o, k[2]));
		g_assert_cmpint(dstest_json_int(o, k[1]), ==,
				dstest_json_int(o, k[3]) + dstest_json_int(o, k[4]));
		releases += dstest_json_int(o, k[0]);
		for (int i = 0; i < 5; i++)
			g_free(k[i]);
	}
	g_assert_cmpint(releases, ==, dstest_json_int(o, "trace.releases"));
	g_assert_cmpint(releases, ==, dstest_json_int(o, "metrics.releases"));
	g_free(sha);
	g_object_unref(p);
}

static void test_bundled_traces(void)
{
	GPtrArray *list = dstest_bundled_traces(FALSE);
	char *dir = dstest_tmp_dir();
	char *json = g_build_filename(dir, "r.json", NULL);

	g_assert_cmpuint(list->len, >, 0);
	for (guint i = 0; i < list->len; i++) {
		g_test_message("trace %s", (char *)list->pdata[i]);
		check_sync_timeline(list->pdata[i], json);
		check_v3_conservation(list->pdata[i], json, FALSE);
		check_v3_conservation(list->pdata[i], json, TRUE);
	}
	dstest_rm_rf(dir);
	g_free(json);
	g_free(dir);
	g_ptr_array_free(list, TRUE);
}

/* Fields of one CSV line: commas outside double quotes, plus one. */
static guint csv_fields(const char *line)
{
	gboolean quoted = FALSE;
	guint n = 1;

	for (const char *p = line; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ',' && !quoted)
			n++;
	}
	g_assert_false(quoted);
	return n;
}

/* Same inputs, same seed: byte-identical JSON and CSV. */
static void test_deterministic(void)
{
	char *t = dstest_bundled("lmk-4x64m-6.12.dat");
	char *dir = dstest_tmp_dir();
	char *f[4];
	char *data[4];
	gsize len[4];

	for (int i = 0; i < 4; i++)
		f[i] = g_strdup_printf("%s/out%d.%s", dir, i / 2, i % 2 ? "csv" : "json");
	for (int run = 0; run < 2; run++) {
		struct dstest_run r = dstest_defersim("replay", t, "--pool-pages", "4", "--seed",
						      "7", "--profile", "x86-desktop", "-q",
						      "--json", f[2 * run], "--csv", f[2 * run + 1],
						      NULL);

		g_assert_cmpint(r.status, ==, 0);
		dstest_run_clear(&r);
	}
	for (int i = 0; i < 4; i++)
		g_assert_true(g_file_get_contents(f[i], &data[i], &len[i], NULL));
	g_assert_cmpmem(data[0], len[0], data[2], len[2]);
	g_assert_cmpmem(data[1], len[1], data[3], len[3]);
	/* The CSV is a header and one row with as many fields (RFC 4180: commas inside
	 * quotes, such as the profile's description, do not separate). */
	{
		char **lines = g_strsplit(data[1], "\n", -1);

		g_assert_cmpuint(g_strv_length(lines), ==, 3);
		g_assert_cmpstr(lines[2], ==, "");
		g_assert_cmpuint(strlen(lines[0]), >, 0);
		g_assert_cmpuint(csv_fields(lines[0]), ==, csv_fields(lines[1]));
		g_assert_cmpuint(csv_fields(lines[0]), >, 50);
		g_strfreev(lines);
	}
	for (int i = 0; i < 4; i++) {
		g_free(f[i]);
		g_free(data[i]);
	}
	dstest_rm_rf(dir);
	g_free(dir);
	g_free(t);
}

/* A trace with lost events is replayed, but the report says so. */
static void test_lost_events_reported(void)
{
	char *t = dstest_fixture("lost.dat");
	struct dstest_run r = dstest_defersim("replay", t, "--no-cache", NULL);

	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "WARNING"));
	g_assert_nonnull(strstr(r.out, "lost"));
	dstest_run_clear(&r);
	g_free(t);
}

/* The report names the profile and prints every inferred parameter of the spec. */
static void test_report_names_assumptions(void)
{
	char *t = dstest_bundled("munmap-64m-6.12.dat");
	struct dstest_run r = dstest_defersim("replay", t, "--profile", "rpi4b", NULL);
	const char *inferred[] = { "percpu_pages_from_pool", "push_semantics",
				   "retry_swap_on_full", "drain_order", "drainers_per_pool",
				   "max_pages_per_run", "idle_flush_ns", "stale_policy" };

	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "profile rpi4b"));
	for (size_t i = 0; i < G_N_ELEMENTS(inferred); i++) {
		const char *line = strstr(r.out, inferred[i]);

		g_assert_nonnull(line);
		g_assert_true(strstr(line, "[inferred]") < strchr(line, '\n'));
	}
	dstest_run_clear(&r);
	g_free(t);
}

/*
 * The probes' own cost comes from the capture's provenance (TRACE.md beside TRACE.dat) unless
 * given: a copy of a bundled trace with a provenance stating 1000 ns per call and 500 per gap,
 * replayed under sync with its own costs, ends earlier than recorded by exactly the time taken
 * out, which the report states; --set overrides the provenance.
 */
static void test_probe_provenance(void)
{
	g_autofree char *src = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *dat = g_build_filename(dir, "t.dat", NULL);
	g_autofree char *json = g_build_filename(dir, "r.json", NULL);
	g_autofree char *text = NULL;
	gsize len = 0;
	JsonParser *p = json_parser_new();
	JsonObject *o;
	struct dstest_run r;

	g_assert_true(g_file_get_contents(src, &text, &len, NULL));
	g_assert_true(g_file_set_contents(dat, text, (gssize)len, NULL));
	g_free(dstest_write(dir, "t.md", "# t.dat\n\nprobe_overhead_ns: 1000\nprobe_gap_ns: 500\n"));
	r = dstest_defersim("replay", dat, "--policy", "sync", "--cost-source", "trace", "-q",
			    "--json", json, NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	o = dstest_json_load(p, json);
	g_assert_cmpstr(json_object_get_string_member(json_object_get_object_member(o, "params"),
						      "probe_overhead_ns"), ==, "1000");
	g_assert_true(json_object_get_boolean_member(
		json_object_get_object_member(json_object_get_object_member(o, "metrics"), "think"),
		"probe_from_provenance"));
	g_assert_cmpint(dstest_json_int(o, "metrics.think.probe_removed_ns"), >, 0);
	g_object_unref(p);

	r = dstest_defersim("replay", dat, "--policy", "sync", "-q", "--json", json, "--set",
			    "probe_overhead_ns=0", "--set", "probe_gap_ns=0", NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	p = json_parser_new();
	o = dstest_json_load(p, json);
	g_assert_false(json_object_get_boolean_member(
		json_object_get_object_member(json_object_get_object_member(o, "metrics"), "think"),
		"probe_from_provenance"));
	g_assert_cmpint(dstest_json_int(o, "metrics.think.probe_removed_ns"), ==, 0);
	g_object_unref(p);
	dstest_rm_rf(dir);
}

/*
 * Outputs never replace what is not a regular file: --json/--csv into /dev/null write into the
 * device (it stays a character device, even for root), and a writer that can only rename
 * (synth) refuses a FIFO with the reason, leaving it a FIFO.  Inputs that are not regular
 * files are refused before anything opens them (no blocking on a FIFO, no endless read).
 */
static void test_special_outputs(void)
{
	g_autofree char *trace = dstest_bundled("munmap-64m-6.12.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *fifo = g_build_filename(dir, "out.dsev", NULL);
	struct stat st;
	struct dstest_run r;

	g_assert_cmpint(stat("/dev/null", &st), ==, 0);
	g_assert_true(S_ISCHR(st.st_mode));
	r = dstest_defersim("replay", trace, "-q", "--json", "/dev/null", "--csv", "/dev/null",
			    NULL);
	g_assert_cmpint(r.status, ==, 0);
	dstest_run_clear(&r);
	g_assert_cmpint(stat("/dev/null", &st), ==, 0);
	g_assert_true(S_ISCHR(st.st_mode));

	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	r = dstest_defersim("synth", "munmap", "-o", fifo, NULL);
	g_assert_cmpint(r.status, !=, 0);
	g_assert_nonnull(strstr(r.err, "is not a regular file (a FIFO)"));
	dstest_run_clear(&r);
	g_assert_cmpint(stat(fifo, &st), ==, 0);
	g_assert_true(S_ISFIFO(st.st_mode));
	/* nor are they read as traces: a FIFO would block, /dev/zero never end */
	r = dstest_defersim("replay", fifo, "-q", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, "not a regular file"));
	dstest_run_clear(&r);
	r = dstest_defersim("info", "/dev/zero", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, "/dev/zero: not a regular file"));
	dstest_run_clear(&r);
	g_assert_cmpint(g_unlink(fifo), ==, 0);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay-cli/bad-params", test_bad_params);
	g_test_add_func("/replay-cli/bad-files", test_bad_files);
	g_test_add_func("/replay-cli/bundled-traces", test_bundled_traces);
	g_test_add_func("/replay-cli/probe-provenance", test_probe_provenance);
	g_test_add_func("/replay-cli/special-outputs", test_special_outputs);
	g_test_add_func("/replay-cli/deterministic", test_deterministic);
	g_test_add_func("/replay-cli/lost-events-reported", test_lost_events_reported);
	g_test_add_func("/replay-cli/report-names-assumptions", test_report_names_assumptions);
	return g_test_run();
}
