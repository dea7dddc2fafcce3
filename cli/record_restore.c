// SPDX-License-Identifier: MIT
/*
 * record_restore.c - `defersim record --restore DIR -o OUT.dat`: the host half of a
 * recording made by a recorder of its own (scripts/record-android on a phone over adb).
 *
 * DIR is a copy of the device's tracing directory, as much of it as a trace.dat needs:
 * events/header_page, events/header_event, events/SYSTEM/EVENT/format, saved_cmdlines,
 * trace_clock, per_cpu/cpuN/trace_pipe_raw (the raw ring-buffer pages as read, CPUs 0..N-1)
 * and kallsyms (/proc/kallsyms).  `trace-cmd restore` makes the trace.dat from it
 * (ds_dat_restore(), the same code that writes synthetic traces and the test fixtures); it
 * records the clock "local" whatever was used, so the clock DIR/trace_clock has selected is
 * written into the file after (ds_dat_clock_set()), else replay would refuse a mono trace
 * as unsynchronised.  Every missing piece is named before trace-cmd runs.
 */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ds_source.h"
#include "ds_synth.h"
#include "record.h"

/* "local global [mono] boot" -> "mono" */
static char *selected_clock(const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename(dir, "trace_clock", NULL);
	g_autofree char *text = NULL;
	const char *open, *close;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "%s: missing (copy the device's "
			    "tracing trace_clock: it says which clock the buffers were stamped with)",
			    path);
		return NULL;
	}
	open = strchr(text, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close || close == open + 1) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_FORMAT, "%s: no selected clock "
			    "([name]) in '%s'", path, g_strstrip(text));
		return NULL;
	}
	return g_strndup(open + 1, (gsize)(close - open - 1));
}

/* DIR/per_cpu/cpuN/trace_pipe_raw for N = 0, 1, ... while they exist (at least one) */
static GPtrArray *cpu_files(const char *dir, GError **error)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

	for (unsigned int n = 0; n < DS_TRACE_MAX_CPUS; n++) {
		g_autofree char *cpu = g_strdup_printf("cpu%u", n);
		char *path = g_build_filename(dir, "per_cpu", cpu, "trace_pipe_raw", NULL);

		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_free(path);
			break;
		}
		g_ptr_array_add(files, path);
	}
	if (files->len)
		return files;
	g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "%s/per_cpu/cpu0/trace_pipe_raw: "
		    "missing (the raw ring buffers read from the device)", dir);
	g_ptr_array_free(files, TRUE);
	return NULL;
}

static gboolean need(const char *dir, const char *rel, GError **error)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);

	if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
		return TRUE;
	g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "%s: missing (a copy of the device's "
		    "tracing directory is expected: see scripts/record-android)", path);
	return FALSE;
}

gboolean ds_rec_restore(const char *dir, const char *out, GError **error)
{
	g_autofree char *clock = NULL;
	g_autofree char *kallsyms = g_build_filename(dir, "kallsyms", NULL);
	g_autofree char *head = g_strconcat(out, ".head", NULL);
	g_autoptr(GPtrArray) cpus = NULL;
	gboolean ok;

	if (!need(dir, "events/header_page", error) || !need(dir, "events/header_event", error) ||
	    !need(dir, "saved_cmdlines", error) || !need(dir, "kallsyms", error))
		return FALSE;
	clock = selected_clock(dir, error);
	cpus = clock ? cpu_files(dir, error) : NULL;
	if (!cpus)
		return FALSE;
	ok = ds_dat_restore(dir, kallsyms, (char *const *)cpus->pdata, cpus->len, head, out,
			    error);
	g_unlink(head);
	return ok && ds_dat_clock_set(out, clock, error);
}
