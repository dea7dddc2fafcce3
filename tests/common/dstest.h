/* SPDX-License-Identifier: MIT */
/*
 * dstest.h - helpers shared by test programs of every area: running a program (the built
 * defersim, trace-cmd) to completion, where the bundled traces, the generated fixtures and
 * other source files are, a trace's provenance file, temporary directories, JSON reports.
 *
 * Paths come from the environment meson gives each test (tests/meson.build and the areas'
 * meson.build): DS_DEFERSIM, DS_SOURCE_ROOT, DS_FIXTURES.  A helper that needs one of them
 * fails the test when it is unset rather than guess a path.  Everything here fails the test
 * on error, so that a test reads as what it checks.
 */
#ifndef DS_DSTEST_H
#define DS_DSTEST_H

#include <stdarg.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* struct dstest_run - one finished run of a program: exit status and what it printed */
struct dstest_run {
	int status;
	char *out;
	char *err;
};

void dstest_run_clear(struct dstest_run *r);

/*
 * Run @binary (a bare name is looked up on PATH), then @subcommand unless NULL, then the
 * NULL-terminated @args, to completion.  The test fails if it cannot be started or if it
 * died of a signal: a crash never passes for an exit status.
 */
struct dstest_run dstest_spawn(const char *binary, const char *subcommand,
			       const char *const *args);
/* The same with the words @first and the rest of @ap (NULL-terminated). */
struct dstest_run dstest_spawn_va(const char *binary, const char *subcommand, const char *first,
				  va_list ap);
/* $DS_DEFERSIM (the built binary) with the NULL-terminated words. */
struct dstest_run dstest_defersim(const char *first, ...) G_GNUC_NULL_TERMINATED;

/* The value of the environment variable @name; the test fails if it is unset. */
const char *dstest_env(const char *name);

/* $DS_SOURCE_ROOT/@relpath; g_free() it. */
char *dstest_source(const char *relpath);
/* $DS_SOURCE_ROOT/traces/@name, a bundled real capture; g_free() it. */
char *dstest_bundled(const char *name);
/*
 * Every bundled capture, traces/NAME.dat (and NAME.dat.xz too when @with_xz: only the
 * reader's test unpacks those), full paths sorted by name, possibly none: the caller decides
 * whether an empty traces/ skips or fails.
 */
GPtrArray *dstest_bundled_traces(gboolean with_xz);
/*
 * One test PREFIX/NAME per bundled trace (dstest_bundled_traces()), @func given its path, or
 * one skipped test PREFIX/none when traces/ has none; the paths must outlive g_test_run():
 * g_ptr_array_unref() the list after it.
 */
GPtrArray *dstest_add_bundled_tests(const char *prefix, gboolean with_xz, GTestDataFunc func);
/*
 * The number after "KEY: " at the start of a line of @trace's provenance file (NAME.md
 * beside NAME.dat, written at capture time).  FALSE if there is no such file or line.
 */
gboolean dstest_provenance(const char *trace, const char *key, guint64 *value);

/* $DS_FIXTURES/@name (the trace.dat fixtures generated at build time); g_free() it. */
char *dstest_fixture(const char *name);

/* A new empty temporary directory; dstest_rm_rf() it when done. */
char *dstest_tmp_dir(void);
/* Remove @dir and everything below it; the test fails if anything is left. */
void dstest_rm_rf(const char *dir);
/* @text written to @dir/@name; returns the path (g_free() it). */
char *dstest_write(const char *dir, const char *name, const char *text);

/* A g_test_add() fixture: a temporary directory made before the test, removed after it. */
struct dstest_tmp {
	char *dir;
};

void dstest_tmp_setup(struct dstest_tmp *t, gconstpointer data);
void dstest_tmp_teardown(struct dstest_tmp *t, gconstpointer data);
/* g_test_add() of @test with that fixture. */
void dstest_add_tmp(const char *path, void (*test)(struct dstest_tmp *t, gconstpointer data));

/* The root object of the JSON file @path, parsed with @parser (which owns it). */
JsonObject *dstest_json_load(JsonParser *parser, const char *path);
/* The integer member at @dotted ("metrics.zram.releases") below @o. */
gint64 dstest_json_int(JsonObject *o, const char *dotted);

#endif
