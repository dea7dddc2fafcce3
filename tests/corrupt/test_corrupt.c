// SPDX-License-Identifier: MIT
/*
 * test_corrupt.c - defersim on every entry of the corrupt-input corpus (README.md; made by
 * mkcorrupt.c).  Each run is bounded: killed (and failed) after RUN_TIMEOUT_S, failed if it
 * died of a signal, or if its peak resident memory (getrusage of the child) passed
 * MAX_RSS_KB - a refused input must cost no huge allocation.  An error entry expects exit
 * status 2 and a message naming the file and saying where (an offset, a CPU, a key).
 *
 * Damage entries (too-small commit, garbage page header, CPU size not a page multiple, a
 * corrupted zstd byte, a flipped compressed bit) check the contract of damage reporting:
 * without --accept-damaged, exit 2 naming the file, "damaged" and the CPU; with it, exit 0
 * and a JSON "damage" object in which the undamaged CPUs hold exactly what the writer wrote
 * and the damaged one has a damaged page and no more records than were written
 * (NAME.records): records_expected = written (so read + missing = written), records
 * missing on the damaged CPU, none on the others.  They are skipped while `defersim info
 * --help` does not offer --accept-damaged.
 *
 * struct entry: one corpus file, the command run on it and what is expected.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dstest.h"

#define RUN_TIMEOUT_S 60
#define MAX_RSS_KB (512 * 1024)
#define DAMAGED_CPU 1

struct run {
	int status;		/* exit status; -1 if killed by a signal */
	char *out;
	char *err;
};

static void run_clear(struct run *r)
{
	g_free(r->out);
	g_free(r->err);
}

static char *slurp_fd(int fd)
{
	GString *s = g_string_new(NULL);
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(s, buf, n);
	return g_string_free(s, FALSE);
}

/*
 * Run defersim with @args (NULL-terminated) to completion: stdout and stderr into files
 * (no pipe to fill up), a deadline, the child's peak RSS.  A crash, a hang or a huge
 * allocation fails the test here.
 */
static struct run run_defersim(const char *const *args)
{
	const char *defersim = dstest_env("DS_DEFERSIM");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *outp = g_build_filename(dir, "out", NULL);
	g_autofree char *errp = g_build_filename(dir, "err", NULL);
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autofree char *cmd = NULL;
	struct run r = { 0 };
	struct rusage ru;
	int status = 0, fd;
	pid_t pid, w = 0;

	g_ptr_array_add(argv, (gpointer)defersim);
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (gpointer)*a);
	g_ptr_array_add(argv, NULL);
	cmd = g_strjoinv(" ", (char **)argv->pdata);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int in = open("/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || in < 0)
			_exit(127);
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execv(defersim, (char **)argv->pdata);
		_exit(127);
	}
	for (int t = 0; t < RUN_TIMEOUT_S * 100; t++) {
		w = wait4(pid, &status, WNOHANG, &ru);
		if (w == pid)
			break;
		g_usleep(10000);
	}
	if (w != pid) {
		kill(pid, SIGKILL);
		wait4(pid, &status, 0, &ru);
		g_error("%s: still running after %d s (a hang)", cmd, RUN_TIMEOUT_S);
	}
	fd = open(outp, O_RDONLY);
	r.out = fd >= 0 ? slurp_fd(fd) : g_strdup("");
	if (fd >= 0)
		close(fd);
	fd = open(errp, O_RDONLY);
	r.err = fd >= 0 ? slurp_fd(fd) : g_strdup("");
	if (fd >= 0)
		close(fd);
	dstest_rm_rf(dir);
	if (WIFSIGNALED(status))
		g_error("%s: died of signal %d (a crash); stderr:\n%s", cmd, WTERMSIG(status), r.err);
	r.status = WEXITSTATUS(status);
	g_test_message("%s: exit %d, peak RSS %ld KiB, stderr: %s", cmd, r.status, ru.ru_maxrss,
		       r.err);
	if (ru.ru_maxrss > MAX_RSS_KB)
		g_error("%s: peak RSS %ld KiB > %d KiB (a huge allocation)", cmd, ru.ru_maxrss,
			MAX_RSS_KB);
	return r;
}

static char *corpus(const char *name)
{
	return g_build_filename(dstest_env("DS_CORPUS"), name, NULL);
}

/* NULL if @r exited 2 with a stderr naming @file and holding each of the NULL-terminated
 * @needles, else what differs. */
static char *error_mismatch(const struct run *r, const char *file, const char *const *needles)
{
	if (r->status != 2)
		return g_strdup_printf("exit status %d, not 2; stderr: %s", r->status, r->err);
	if (!strstr(r->err, file))
		return g_strdup_printf("stderr does not name %s: %s", file, r->err);
	for (const char *const *n = needles; n && *n; n++)
		if (!strstr(r->err, *n))
			return g_strdup_printf("stderr does not say \"%s\": %s", *n, r->err);
	return NULL;
}

static void expect_error(const struct run *r, const char *file, const char *const *needles)
{
	g_autofree char *why = error_mismatch(r, file, needles);

	if (why)
		g_error("%s", why);
}

/* --- error entries: one file, one command, one expectation -------------------------------- */

/*
 * The location a message must give: the offset, or the CPU, or for a header field its name.
 * @todo: a defect known today (owned elsewhere): while the outcome differs the entry is
 * reported "not ok # TODO" with the defect, instead of failing the suite; it passes as
 * soon as the defect is fixed.
 */
struct entry {
	const char *path;	/* test path */
	const char *file;	/* corpus name, or an absolute path */
	const char *cmd;	/* "info", "replay" or "size" (with a 1% fallback target) */
	const char *needles[3];	/* besides the file's name */
	const char *todo;
};

static const struct entry entries[] = {
	{ "/corrupt/zstd-pagesize0/info", "zstd-pagesize0.dat", "info", { "page size 0" }, NULL },
	{ "/corrupt/zstd-pagesize0/replay", "zstd-pagesize0.dat", "replay", { "page size 0" }, NULL },
	{ "/corrupt/cpucount-2g/info", "cpucount-2g.dat", "info", { "2147483648", "CPUs" }, NULL },
	{ "/corrupt/cpucount-128m/info", "cpucount-128m.dat", "info", { "134217728", "CPUs" }, NULL },
	{ "/corrupt/cut-header/info", "cut-header.dat", "info", { "truncated or corrupt at offset 12" }, NULL },
	{ "/corrupt/cut-options/info", "cut-options.dat", "info", { "truncated or corrupt at offset" }, NULL },
	{ "/corrupt/cut-cpu0/info", "cut-cpu0.dat", "info", { "truncated or corrupt at offset" }, NULL },
	{ "/corrupt/cut-cpu0/replay", "cut-cpu0.dat", "replay", { "truncated or corrupt at offset" }, NULL },
	{ "/corrupt/cut-buffer/info", "cut-buffer.dat", "info", { "truncated or corrupt at offset" }, NULL },
	{ "/corrupt/cut-zstd-cpu0/info", "cut-zstd-cpu0.dat", "info", { "truncated or corrupt at offset" }, NULL },
	{ "/corrupt/huge-duration/info", "huge-duration.dsev", "info", { "offset", "duration" },
	  NULL },
	{ "/corrupt/huge-duration/replay", "huge-duration.dsev", "replay", { "offset", "duration" },
	  NULL },
	{ "/corrupt/huge-duration/size", "huge-duration.dsev", "size", { "offset", "duration" },
	  NULL },
	{ "/corrupt/dev-zero/info", "/dev/zero", "info", { "not a regular file" }, NULL },
};

static void test_entry(gconstpointer data)
{
	const struct entry *e = data;
	g_autofree char *file = e->file[0] == '/' ? g_strdup(e->file) : corpus(e->file);
	const char *args[] = { e->cmd, file, !strcmp(e->cmd, "size") ? "--target-fallback" : NULL,
			       "1%", NULL };
	struct run r = run_defersim(args);
	g_autofree char *why = error_mismatch(&r, file, e->needles);

	run_clear(&r);
	if (why && e->todo) {
		g_autofree char *msg = g_strdup_printf("known defect: %s", e->todo);

		g_test_message("%s", why);
		g_test_incomplete(msg);
		return;
	}
	if (why)
		g_error("%s", why);
}

/* The healthy traces read (the corpus's mutations start from files that work). */
static void test_healthy(void)
{
	const char *names[] = { "healthy.dat", "healthy-zstd.dat" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *file = corpus(names[i]);
		const char *args[] = { "info", file, NULL };
		struct run r = run_defersim(args);

		g_assert_cmpint(r.status, ==, 0);
		/* 300 releases on each of 2 CPUs (mkcorrupt.c); replay starts at CPU 1's first
		 * record (1.005 ms), so CPU 0's first release (1 ms) and its return are dropped */
		g_assert_nonnull(strstr(r.out, "cpus: 2\n"));
		g_assert_nonnull(strstr(r.out, "releases: 599\n"));
		g_assert_nonnull(strstr(r.out, "events dropped before replay start: 2\n"));
		run_clear(&r);
	}
}

/* A profile whose page_size is 2^31: refused naming the file and the key. */
static void test_profile_page_size(void)
{
	g_autofree char *trace = corpus("healthy.dat");
	g_autofree char *ini = corpus("profile-pagesize-2g.ini");
	const char *args[] = { "replay", trace, "--profile", ini, NULL };
	const char *needles[] = { "page_size", "power of two", NULL };
	struct run r = run_defersim(args);

	expect_error(&r, ini, needles);
	run_clear(&r);
}

/* A FIFO as the trace: refused before it is opened (opening would block). */
static void test_fifo(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *fifo = g_build_filename(dir, "trace.dat", NULL);
	const char *args[] = { "info", fifo, NULL };
	const char *needles[] = { "not a regular file", NULL };
	struct run r;

	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	r = run_defersim(args);
	expect_error(&r, fifo, needles);
	run_clear(&r);
	dstest_rm_rf(dir);
}

/* --- damage entries ---------------------------------------------------------------------- */

static gboolean damage_available(void)
{
	const char *args[] = { "info", "--help", NULL };
	struct run r = run_defersim(args);
	gboolean yes = strstr(r.out, "--accept-damaged") != NULL;

	run_clear(&r);
	return yes;
}

/* NAME.records: "CPU RECORDS" per line, what the writer put on each CPU. */
static GArray *written_records(const char *name)
{
	g_autofree char *p = g_strdup_printf("%s/%s.records", dstest_env("DS_CORPUS"), name);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GArray *a = g_array_new(FALSE, TRUE, sizeof(guint64));

	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l && **l; l++) {
		guint cpu;
		guint64 n;

		g_assert_cmpint(sscanf(*l, "%u %" G_GUINT64_FORMAT, &cpu, &n), ==, 2);
		g_assert_cmpuint(cpu, ==, a->len);
		g_array_append_val(a, n);
	}
	return a;
}

static gint64 member_int(JsonObject *o, const char *name)
{
	g_assert_true(json_object_has_member(o, name));
	return json_object_get_int_member(o, name);
}

/*
 * @readable: FALSE where libtracecmd cannot even open the file (the corrupted zstd byte is
 * in the first chunk, which it decompresses while opening): then nothing can be replayed,
 * and --accept-damaged must still fail, saying so.
 */
struct damaged_entry {
	const char *name;
	gboolean readable;
};

static const struct damaged_entry damaged[] = {
	{ "short-commit.dat", TRUE }, { "garbage-page.dat", TRUE },
	{ "cpusize-unaligned.dat", TRUE }, { "zstd-byte.dat", FALSE },
	{ "zstd-bitflip.dat", TRUE },
};

static void test_damage(gconstpointer data)
{
	const struct damaged_entry *de = data;
	const char *name = de->name;
	g_autofree char *file = corpus(name);
	g_autoptr(GArray) written = NULL;
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *cpu_word = g_strdup_printf("CPU %d", DAMAGED_CPU);
	const char *needles[] = { "damaged", NULL };
	JsonObject *root, *damage;
	JsonArray *cpus;
	gint64 missing = 0, pages = 0;
	struct run r;

	if (!damage_available()) {
		g_test_skip("damage reporting not available");
		return;
	}
	written = written_records(name);
	{	/* refused by default, naming the file, the damage and the CPU */
		const char *args[] = { "info", file, NULL };

		r = run_defersim(args);
		expect_error(&r, file, needles);
		if (!strstr(r.err, cpu_word) && !strstr(r.err, "cpu 1"))
			g_error("stderr does not name %s:\n%s", cpu_word, r.err);
		run_clear(&r);
	}
	{	/* accepted on request */
		const char *args[] = { "info", file, "--accept-damaged", "--json", "-", NULL };

		r = run_defersim(args);
		if (!de->readable) {
			const char *none[] = { "damaged", "Nothing of it is readable", NULL };

			expect_error(&r, file, none);
			run_clear(&r);
			return;
		}
		g_assert_cmpint(r.status, ==, 0);
		g_assert_true(json_parser_load_from_data(parser, r.out, -1, NULL));
		run_clear(&r);
	}
	root = json_node_get_object(json_parser_get_root(parser));
	damage = json_object_get_object_member(root, "damage");
	g_assert_nonnull(damage);
	cpus = json_object_get_array_member(damage, "cpus");
	g_assert_nonnull(cpus);
	for (guint c = 0; c < written->len; c++) {
		guint64 w = g_array_index(written, guint64, c);
		JsonObject *co = NULL;

		for (guint i = 0; i < json_array_get_length(cpus); i++) {
			JsonObject *o = json_array_get_object_element(cpus, i);

			if (member_int(o, "cpu") == (gint64)c)
				co = o;
		}
		g_assert_nonnull(co);
		gint64 exp = member_int(co, "records_expected"), got = member_int(co, "records_read");

		if (c == DAMAGED_CPU) {
			/*
			 * The page walk counts the records it can parse: what lay on a damaged
			 * page past the damage (or in a chunk that does not decompress) is not
			 * knowable, so expected <= written; libtracecmd may read some of it,
			 * garbage included, or stop there.  The damage itself is certain.
			 */
			g_assert_cmpint(exp, <=, (gint64)w);
			g_assert_cmpint(member_int(co, "pages_damaged"), >=, 1);
			g_assert_cmpint(got, <=, (gint64)w);
		} else {
			/* an undamaged CPU: both readers agree with the writer */
			g_assert_cmpint(exp, ==, (gint64)w);
			g_assert_cmpint(got, ==, (gint64)w);
			g_assert_cmpint(member_int(co, "pages_damaged"), ==, 0);
		}
		missing += exp > got ? exp - got : 0;
		pages += member_int(co, "pages_damaged");
	}
	g_assert_cmpint(member_int(damage, "records_missing"), ==, missing);
	g_assert_cmpint(member_int(damage, "pages_damaged"), ==, pages);

	/* a replay of it says so too: the report's trace.damage, and a warning in the text */
	const char *rargs[] = { "replay", file, "--accept-damaged", "--no-cache", "-q", "--json",
				"-", NULL };
	g_autoptr(JsonParser) rp = json_parser_new();
	JsonObject *trace;

	r = run_defersim(rargs);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(json_parser_load_from_data(rp, r.out, -1, NULL));
	run_clear(&r);
	trace = json_object_get_object_member(json_node_get_object(json_parser_get_root(rp)),
					      "trace");
	g_assert_nonnull(trace);
	g_assert_cmpint(member_int(json_object_get_object_member(trace, "damage"),
				   "pages_damaged"), ==, pages);
	const char *targs[] = { "replay", file, "--accept-damaged", "--no-cache", NULL };

	r = run_defersim(targs);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "WARNING the trace file is damaged"));
	run_clear(&r);
}

/* With damage reporting, a healthy file's "damage" is null. */
static void test_damage_null(void)
{
	g_autofree char *file = corpus("healthy.dat");
	const char *args[] = { "info", file, "--accept-damaged", "--json", "-", NULL };
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *root;
	struct run r;

	if (!damage_available()) {
		g_test_skip("damage reporting not available");
		return;
	}
	r = run_defersim(args);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(json_parser_load_from_data(parser, r.out, -1, NULL));
	root = json_node_get_object(json_parser_get_root(parser));
	g_assert_true(json_object_has_member(root, "damage"));
	g_assert_true(JSON_NODE_HOLDS_NULL(json_object_get_member(root, "damage")));
	run_clear(&r);
}


int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/corrupt/healthy", test_healthy);
	for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
		g_test_add_data_func(entries[i].path, &entries[i], test_entry);
	g_test_add_func("/corrupt/profile-pagesize-2g/replay", test_profile_page_size);
	g_test_add_func("/corrupt/fifo/info", test_fifo);
	g_test_add_func("/corrupt/damage/healthy-null", test_damage_null);
	for (guint i = 0; i < G_N_ELEMENTS(damaged); i++) {
		g_autofree char *path = g_strdup_printf("/corrupt/damage/%s", damaged[i].name);

		g_test_add_data_func(path, &damaged[i], test_damage);
	}
	return g_test_run();
}
