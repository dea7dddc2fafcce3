// SPDX-License-Identifier: MIT
/*
 * test_signal.c - a termination signal during `defersim synth` leaves no temporary file
 * (synth/synth_signal.c).  Before that fix the default action killed the process mid-write
 * and left the output's ".tmp.XXXXXX" (and, for a trace.dat, the writer's tracing directory
 * in $TMPDIR) behind.
 *
 * Each case starts `defersim synth poisson count=10000000` (a write of many seconds: about
 * 1 GB of .dsev), with TMPDIR pointing at a directory of the test, waits until the write has
 * visibly started (the .dsev's temporary file exists; for a trace.dat, the writer's tracing
 * directory), sends the signal and checks by hand-stated expectations: the process ended by
 * that very signal (it is raised again after the clean-up), the output directory holds
 * nothing (no output, no temporary file) and TMPDIR is empty.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "synthtest.h"

#define WAIT_STEP_US 10000
#define WAIT_START_US (20 * G_USEC_PER_SEC)	/* the write starts within this */
#define WAIT_END_US (60 * G_USEC_PER_SEC)	/* and stops within this of the signal */

/* Names in @dir, sorted, joined by spaces ("" when empty). */
static char *dir_list(const char *dir)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	while (d && (n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(n));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
	g_ptr_array_add(names, NULL);
	return g_strjoinv(" ", (char **)names->pdata);
}

/* Does a name in @dir start with @prefix? */
static gboolean dir_has_prefix(const char *dir, const char *prefix)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	gboolean yes = FALSE;

	while (d && !yes && (n = g_dir_read_name(d)))
		yes = g_str_has_prefix(n, prefix);
	if (d)
		g_dir_close(d);
	return yes;
}

static void interrupt_case(const char *ext, int sig)
{
	const char *defersim = synthtest_defersim();
	g_autofree char *outdir = synthtest_tmp("out");
	g_autofree char *tmpdir = synthtest_tmp("tmp");
	g_autofree char *out = NULL;
	g_autofree char *watch = NULL;
	g_autofree char *prefix = NULL;
	g_autofree char *left_out = NULL;
	g_autofree char *left_tmp = NULL;
	g_auto(GStrv) env = NULL;
	GPid pid;
	int status = 0;
	gint64 t;
	GError *error = NULL;

	if (!defersim)
		return;
	if (g_str_equal(ext, ".dat") && !synthtest_have_trace_cmd()) {
		g_test_skip("no trace-cmd");
		return;
	}
	g_mkdir_with_parents(outdir, 0755);
	g_mkdir_with_parents(tmpdir, 0755);
	out = g_strdup_printf("%s/big%s", outdir, ext);
	env = g_environ_setenv(g_get_environ(), "TMPDIR", tmpdir, TRUE);
	{
		char *argv[] = { (char *)defersim, "synth", "poisson", "count=10000000", "-q",
				 "-o", out, NULL };

		g_assert_true(g_spawn_async(NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD |
					    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
					    NULL, NULL, &pid, &error));
	}
	g_assert_no_error(error);
	/* the write has started: .dsev streams into OUT.tmp.XXXXXX from its first event; a
	 * trace.dat's records go into the writer's tracing directory first */
	watch = g_strdup(g_str_equal(ext, ".dsev") ? outdir : tmpdir);
	prefix = g_str_equal(ext, ".dsev") ? g_strdup("big.dsev.tmp.") :
		 g_strdup("defersim-synth-");
	for (t = 0; t < WAIT_START_US && !dir_has_prefix(watch, prefix); t += WAIT_STEP_US)
		g_usleep(WAIT_STEP_US);
	g_assert_cmpint(t, <, WAIT_START_US);
	g_usleep(100000);	/* well inside the write (it lasts seconds) */
	g_assert_cmpint(kill(pid, sig), ==, 0);
	for (t = 0; t < WAIT_END_US; t += WAIT_STEP_US) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		g_usleep(WAIT_STEP_US);
	}
	if (t >= WAIT_END_US) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		g_error("defersim synth did not stop within %d s of signal %d",
			(int)(WAIT_END_US / G_USEC_PER_SEC), sig);
	}
	g_spawn_close_pid(pid);
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, sig);
	left_out = dir_list(outdir);
	left_tmp = dir_list(tmpdir);
	g_assert_cmpstr(left_out, ==, "");
	g_assert_cmpstr(left_tmp, ==, "");
	g_rmdir(outdir);
	g_rmdir(tmpdir);
}

static void test_term_dsev(void)
{
	interrupt_case(".dsev", SIGTERM);
}

static void test_term_dat(void)
{
	interrupt_case(".dat", SIGTERM);
}

static void test_int_dsev(void)
{
	interrupt_case(".dsev", SIGINT);
}

static void test_hup_dat(void)
{
	interrupt_case(".dat", SIGHUP);
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/synth/signal/term-dsev", test_term_dsev);
	g_test_add_func("/synth/signal/term-dat", test_term_dat);
	g_test_add_func("/synth/signal/int-dsev", test_int_dsev);
	g_test_add_func("/synth/signal/hup-dat", test_hup_dat);
	rc = g_test_run();
	synthtest_cleanup();
	return rc;
}
