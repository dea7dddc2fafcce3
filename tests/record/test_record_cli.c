// SPDX-License-Identifier: MIT
/*
 * test_record_cli.c - `defersim record` as a user runs it, on the machine the tests run on.
 *
 * The kprobe-less path is the one this project's build machines take (their kernels have
 * no kprobe_events): the command must say so, point to scripts/capture-vm, exit non-zero
 * and leave nothing behind (no output file, no dynamic event).  On a machine with kprobes
 * that test is skipped; the real recording path is exercised by the slow VM test
 * (test-capture-vm.sh).  The dry-run and parameter tests need no kernel support at all.
 */
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "dstest.h"

static char *fixture(const char *name)
{
	return g_test_build_filename(G_TEST_DIST, name, NULL);
}

/*
 * run_defersim() - run `defersim record ARGS...` (NULL-terminated) to completion; the binary
 * is the one built in $DS_BUILD_ROOT (this area's tests are not given $DS_DEFERSIM).
 */
static void run_defersim(struct dstest_run *r, const char *first, ...)
{
	g_autofree char *defersim = g_build_filename(dstest_env("DS_BUILD_ROOT"), "cli",
						     "defersim", NULL);
	va_list ap;

	va_start(ap, first);
	*r = dstest_spawn_va(defersim, "record", first, ap);
	va_end(ap);
}

static char *dynamic_events(void)
{
	char *text = NULL;

	if (!g_file_get_contents("/sys/kernel/tracing/dynamic_events", &text, NULL, NULL))
		return g_strdup("(unreadable)");
	return text;
}

static gboolean dir_is_empty(const char *path)
{
	g_autoptr(GDir) d = g_dir_open(path, 0, NULL);

	return d && !g_dir_read_name(d);
}

static void test_no_kprobes(void)
{
	g_autofree char *dir = NULL;
	g_autofree char *out = NULL;
	g_autofree char *before = NULL;
	g_autofree char *after = NULL;
	struct dstest_run r = { 0 };

	if (geteuid() != 0) {
		g_test_skip("needs root to see tracefs");
		return;
	}
	if (g_file_test("/sys/kernel/tracing/kprobe_events", G_FILE_TEST_EXISTS)) {
		g_test_skip("this kernel has kprobes; the VM test covers the recording path");
		return;
	}
	dir = g_dir_make_tmp("ds-record-XXXXXX", NULL);
	out = g_build_filename(dir, "trace.dat", NULL);
	before = dynamic_events();
	run_defersim(&r, "-o", out, "--zram", "--", "true", NULL);
	after = dynamic_events();
	g_assert_cmpint(r.status, ==, 1);
	g_assert_nonnull(strstr(r.err, "has no kprobes"));
	g_assert_nonnull(strstr(r.err, "kprobe_events does not exist"));
	g_assert_nonnull(strstr(r.err, "scripts/capture-vm"));
	g_assert_cmpstr(r.out, ==, "");
	/* nothing left behind: no file at all in the output directory, no dynamic event */
	g_assert_true(dir_is_empty(dir));
	g_assert_cmpstr(before, ==, after);
	g_rmdir(dir);
	dstest_run_clear(&r);
}

static void expect_usage_error(const char *param, const char *a1, const char *a2, const char *a3)
{
	struct dstest_run r = { 0 };

	run_defersim(&r, a1, a2, a3, NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, param));
	g_assert_nonnull(strstr(r.err, "defersim record: "));
	dstest_run_clear(&r);
}

static void test_bad_params(void)
{
	expect_usage_error("--duration '0'", "--dry-run", "--duration", "0");
	expect_usage_error("--duration '3x'", "--dry-run", "--duration", "3x");
	expect_usage_error("--duration '-5'", "--dry-run", "--duration=-5", NULL);
	expect_usage_error("--buffer-kib '10'", "--dry-run", "--buffer-kib", "10");
	expect_usage_error("--output /nonexistent/dir/t.dat", "-o", "/nonexistent/dir/t.dat", NULL);
	expect_usage_error("Unknown option --frobnicate", "--frobnicate", NULL, NULL);
}

static void test_dry_run(void)
{
	g_autofree char *syms = fixture("kallsyms-6.1.txt");
	struct dstest_run r = { 0 };

	run_defersim(&r, "--dry-run", "--kallsyms", syms, "--zswap", "-o", "/nonexistent/t.dat",
		     "--compress", "--arch", "x86_64", "--", "sleep", "1", NULL);
	g_assert_cmpint(r.status, ==, 0);
	/* the 6.1 zswap hook, as traces/FORMAT.md spells it */
	g_assert_nonnull(strstr(r.out, "  p:defersim/zswap_inv zswap_frontswap_invalidate_page type=%di:u32 offset=%si:u64\n"));
	g_assert_nonnull(strstr(r.out, "  r:defersim/zswap_inv_ret zswap_frontswap_invalidate_page\n"));
	g_assert_null(strstr(r.out, "zram_free"));
	g_assert_nonnull(strstr(r.out, "command: trace-cmd record -C mono -b 32768 -o /nonexistent/t.dat -e defersim "));
	g_assert_nonnull(strstr(r.out, " -e sched:sched_switch -e sched:sched_process_exit "));
	g_assert_nonnull(strstr(r.out, " -e workqueue:workqueue_execute_end --file-version 7 --compression zstd sleep 1\n"));
	g_assert_false(g_file_test("/nonexistent/t.dat", G_FILE_TEST_EXISTS));
	dstest_run_clear(&r);
}

static void test_dry_run_graph_duration(void)
{
	g_autofree char *syms = fixture("kallsyms-6.12.txt");
	struct dstest_run r = { 0 };

	run_defersim(&r, "--dry-run", "--kallsyms", syms, "--zram", "--graph", "--duration", "7", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "kprobes (group defersim):\n  (none)\n"));
	g_assert_nonnull(strstr(r.out, "function_graph: zram_slot_free_notify\n"));
	g_assert_nonnull(strstr(r.out, "-p function_graph --max-graph-depth 1 -g zram_slot_free_notify "));
	/* without a command, --duration records `sleep S` */
	g_assert_true(g_str_has_suffix(r.out, " sleep 7\n"));
	g_assert_null(strstr(r.out, "-e defersim"));
	dstest_run_clear(&r);
}

static void test_dry_run_missing_zram(void)
{
	g_autofree char *syms = fixture("kallsyms-nozram.txt");
	struct dstest_run r = { 0 };

	run_defersim(&r, "--dry-run", "--kallsyms", syms, "--zram", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_nonnull(strstr(r.err, "zram_slot_free_notify is not in kallsyms"));
	g_assert_nonnull(strstr(r.err, "modprobe zram"));
	dstest_run_clear(&r);
}

/*
 * --print-plan: the lines scripts/record-android writes into a phone's tracefs, with the
 * arm64 argument registers (6.1 zswap hook: type in x0, offset in x1), no root needed.
 */
static void test_print_plan(void)
{
	g_autofree char *syms = fixture("kallsyms-6.1.txt");
	struct dstest_run r = { 0 };

	run_defersim(&r, "--print-plan", "--arch", "arm64", "--kallsyms", syms, "--zswap", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(g_str_has_prefix(r.out, "kprobe required p:defersim/zswap_inv "
				       "zswap_frontswap_invalidate_page type=%x0:u32 offset=%x1:u64\n"
				       "kprobe optional r:defersim/zswap_inv_ret "
				       "zswap_frontswap_invalidate_page\n"));
	g_assert_nonnull(strstr(r.out, "\nevent sched/sched_switch\n"));
	g_assert_true(g_str_has_suffix(r.out, "\nevent workqueue/workqueue_execute_end\n"));
	g_assert_null(strstr(r.out, "%si"));
	dstest_run_clear(&r);
	expect_usage_error("architecture 'sparc'", "--print-plan", "--arch", "sparc");
}

/* --restore: a directory that is not a copied tracing directory is bad input, named */
static void test_restore_errors(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *out = g_build_filename(dir, "t.dat", NULL);
	struct dstest_run r = { 0 };

	expect_usage_error("--restore /nonexistent: not a directory", "--restore", "/nonexistent",
			   NULL);
	run_defersim(&r, "--restore", dir, "-o", out, NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, "events/header_page: missing"));
	g_assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
	dstest_run_clear(&r);
	dstest_rm_rf(dir);
}

static void test_help(void)
{
	struct dstest_run r = { 0 };

	run_defersim(&r, "--help", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "--zswap"));
	g_assert_nonnull(strstr(r.out, "--duration=S"));
	g_assert_nonnull(strstr(r.out, "scripts/capture-vm"));
	dstest_run_clear(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/record/cli/no-kprobes", test_no_kprobes);
	g_test_add_func("/record/cli/bad-params", test_bad_params);
	g_test_add_func("/record/cli/dry-run", test_dry_run);
	g_test_add_func("/record/cli/dry-run-graph-duration", test_dry_run_graph_duration);
	g_test_add_func("/record/cli/dry-run-missing-zram", test_dry_run_missing_zram);
	g_test_add_func("/record/cli/print-plan", test_print_plan);
	g_test_add_func("/record/cli/restore-errors", test_restore_errors);
	g_test_add_func("/record/cli/help", test_help);
	return g_test_run();
}
