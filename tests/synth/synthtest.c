// SPDX-License-Identifier: MIT
/*
 * synthtest.c - helpers of the synthetic-trace tests (synthtest.h).  The temporary directory
 * is per test program ($TMPDIR/ds-synthtest-PID), removed at exit by synthtest_cleanup().
 */
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "synthtest.h"

struct ds_synth_params synthtest_params(const char *name, ...)
{
	struct ds_synth_params p;
	GError *err = NULL;
	va_list ap;
	const char *word;

	g_assert_true(ds_synth_params_init(&p, name, &err));
	va_start(ap, name);
	while ((word = va_arg(ap, const char *))) {
		const char *eq = strchr(word, '=');
		g_autofree char *k = NULL;

		g_assert_nonnull(eq);
		k = g_strndup(word, (gsize)(eq - word));
		if (!ds_synth_params_set(&p, k, eq + 1, &err))
			g_error("%s: %s", word, err->message);
	}
	va_end(ap);
	g_assert_true(ds_synth_params_validate(&p, &err));
	return p;
}

GArray *synthtest_drain(struct ds_source *src)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct ds_event));
	GError *err = NULL;
	struct ds_event ev;
	int rc;

	g_assert_nonnull(src);
	while ((rc = ds_source_next(src, &ev, &err)) > 0)
		g_array_append_val(a, ev);
	g_assert_no_error(err);
	g_assert_cmpint(rc, ==, 0);
	ds_source_close(src);
	return a;
}

GArray *synthtest_stream(const struct ds_synth_params *p)
{
	GError *err = NULL;
	struct ds_source *src = ds_synth_open(p, &err);

	g_assert_no_error(err);
	return synthtest_drain(src);
}

/* The test program's own directory: named by its pid, so no state needs keeping. */
static char *tmp_dir(void)
{
	return g_strdup_printf("%s/ds-synthtest-%d", g_get_tmp_dir(), (int)getpid());
}

char *synthtest_tmp(const char *name)
{
	g_autofree char *dir = tmp_dir();

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	return g_build_filename(dir, name, NULL);
}

void synthtest_cleanup(void)
{
	g_autofree char *dir = tmp_dir();

	dstest_rm_rf(dir);
}

GBytes *synthtest_read(const char *path)
{
	gchar *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return NULL;
	return g_bytes_new_take(data, len);
}

int synthtest_run(char **out, char **err, const char *arg0, ...)
{
	struct dstest_run r;
	const char *first;
	va_list ap;

	va_start(ap, arg0);
	first = va_arg(ap, const char *);
	r = dstest_spawn_va(arg0, NULL, first, ap);
	va_end(ap);
	*out = r.out;
	*err = r.err;
	return r.status;
}

const char *synthtest_defersim(void)
{
	return g_getenv("DS_DEFERSIM");
}

gboolean synthtest_have_trace_cmd(void)
{
	g_autofree char *p = g_find_program_in_path("trace-cmd");

	return p != NULL;
}
