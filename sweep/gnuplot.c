// SPDX-License-Identifier: MIT
/*
 * gnuplot.c - running gnuplot on a plots/ template through a script written beside the image:
 * OUTDIR/NAME.gp holds the job's variables (data file, title, axis ranges, target ...) and
 * loads the template, so what was drawn can be read and redrawn by hand (`gnuplot NAME.gp`);
 * the picture is `gnuplot -e "out=TMP; fmt=FORMAT" NAME.gp`.
 *
 * The template draws into a temporary file named by the `out` variable; the image is renamed
 * into place only when gnuplot succeeded and wrote something, so a half-drawn picture never
 * replaces a good one.  gnuplot runs with its argv (no shell), so names and titles need only
 * gnuplot's own string quoting (ds_plot_quote()).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ds_datadir.h"
#include "ds_plot.h"
#include "ds_report.h"
#include "ds_source.h"

char *ds_plot_templates_dir(void)
{
	const char *env = g_getenv("DS_PLOT_TEMPLATES");
	char *dir = env ? g_strdup(env) : ds_data_dir("plots");
	g_autofree char *probe = dir ? g_build_filename(dir, "cdf.gp", NULL) : NULL;

	if (probe && !g_file_test(probe, G_FILE_TEST_IS_REGULAR))
		g_clear_pointer(&dir, g_free);
	return dir;
}

/* OUTDIR/NAME.gp: the job's variables, defaults for out and fmt, and the template loaded. */
static gboolean write_script(const struct ds_plot_job *job, const char *template,
			     const char *script, GError **error)
{
	g_autofree char *abs = g_canonicalize_filename(template, NULL);
	g_autofree char *qt = ds_plot_quote(abs);
	g_autofree char *qname = ds_plot_quote(job->name);
	GString *s = g_string_new(NULL);
	gboolean ok;

	g_string_append_printf(s, "# %s.gp - written by defersim: the values %s was drawn with.\n"
			       "# Redraw: gnuplot %s.gp (%s.png), or gnuplot -e \"out='x.svg'; "
			       "fmt='svg'\" %s.gp\n", job->name, job->name, job->name, job->name,
			       job->name);
	for (guint i = 0; i < job->vars->len; i++)
		g_string_append_printf(s, "%s\n", (char *)g_ptr_array_index(job->vars, i));
	g_string_append_printf(s, "if (!exists(\"fmt\")) fmt = 'png'\n"
			       "if (!exists(\"out\")) out = %s . '.' . fmt\n"
			       "load %s\n", qname, qt);
	ok = ds_write_atomic(script, s->str, s->len, error);
	g_string_free(s, TRUE);
	return ok;
}

/*
 * gnuplot does not fail when it cannot write (a full disk leaves a truncated image and exit
 * status 0): an image is whole only if it ends as its format ends, PNG with its IEND chunk,
 * SVG with its closing tag.
 */
static gboolean image_whole(const char *path, const char *format)
{
	static const guchar iend[] = { 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return FALSE;
	if (!strcmp(format, "png"))
		return len >= sizeof(iend) && !memcmp(data + len - sizeof(iend), iend, sizeof(iend));
	return g_strrstr_len(data, (gssize)len, "</svg>") != NULL;
}

gboolean ds_plot_render(const struct ds_plot_job *job, const char *templates,
			const char *outdir, const char *format, char **out, char **warnings,
			GError **error)
{
	g_autofree char *template = g_build_filename(templates, job->template, NULL);
	g_autofree char *file = g_strdup_printf("%s.%s", job->name, format);
	g_autofree char *sname = g_strdup_printf("%s.gp", job->name);
	g_autofree char *script = g_build_filename(outdir, sname, NULL);
	g_autofree char *final = g_build_filename(outdir, file, NULL);
	g_autofree char *tmp = g_strdup_printf("%s.tmp.%d", final, (int)getpid());
	g_autofree char *qo = ds_plot_quote(tmp), *qf = ds_plot_quote(format);
	g_autofree char *vars = g_strdup_printf("out=%s; fmt=%s", qo, qf);
	g_autofree char *err_text = NULL;
	const char *argv[] = { "gnuplot", "-e", vars, script, NULL };
	GStatBuf st;
	gint status = 0;

	if (strcmp(format, "png") && strcmp(format, "svg")) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--format %s: expected png or svg",
			    format);
		return FALSE;
	}
	if (!write_script(job, template, script, error))
		return FALSE;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_text, &status,
			  error)) {
		g_prefix_error(error, "cannot run gnuplot (Debian package gnuplot-nox): ");
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, NULL) || g_stat(tmp, &st) < 0 || st.st_size == 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "gnuplot %s for %s failed: %s", template,
			    file, err_text && *err_text ? g_strstrip(err_text) : "no image written");
		g_unlink(tmp);
		return FALSE;
	}
	if (!image_whole(tmp, format)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "gnuplot %s wrote an incomplete %s for %s "
			    "(disk full?)", template, format, file);
		g_unlink(tmp);
		return FALSE;
	}
	if (g_rename(tmp, final) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot rename %s to %s: %s", tmp, final,
			    g_strerror(errno));
		g_unlink(tmp);
		return FALSE;
	}
	if (out)
		*out = g_steal_pointer(&final);
	/* gnuplot's warnings (an empty data block, a range it had to extend) go to the user */
	if (warnings && err_text && *g_strstrip(err_text))
		*warnings = g_steal_pointer(&err_text);
	return TRUE;
}
