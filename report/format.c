// SPDX-License-Identifier: MIT
/*
 * format.c - human units and atomic file output shared by every report form.
 *
 * Atomic output matters because sweeps and scripts read these files while defersim may be
 * killed: a reader sees the old file or the whole new one, never half of one.
 * g_file_set_contents() does exactly that (temporary file in the same directory, fsync,
 * rename).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ds_report.h"

char *ds_fmt_ns(char *buf, double ns)
{
	if (ns < 1e3)
		snprintf(buf, 32, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, 32, "%.3g us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, 32, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, 32, "%.3g s", ns / 1e9);
	return buf;
}

char *ds_fmt_bytes(char *buf, double bytes)
{
	if (bytes < 1024)
		snprintf(buf, 32, "%.0f B", bytes);
	else if (bytes < 1024.0 * 1024)
		snprintf(buf, 32, "%.3g KiB", bytes / 1024);
	else if (bytes < 1024.0 * 1024 * 1024)
		snprintf(buf, 32, "%.3g MiB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, 32, "%.3g GiB", bytes / (1024.0 * 1024 * 1024));
	return buf;
}

gboolean ds_write_atomic(const char *path, const char *data, gsize len, GError **error)
{
	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write to standard output");
			return FALSE;
		}
		return TRUE;
	}
	if (ds_output_path_special(path)) {
		/* a device or FIFO (/dev/null, /dev/stdout): write into it, never rename over it */
		FILE *f = fopen(path, "w");
		gboolean ok = f && fwrite(data, 1, len, f) == len;

		if (f && fclose(f))
			ok = FALSE;
		if (!ok)
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s: %s", path,
				    g_strerror(errno));
		return ok;
	}
	if (!g_file_set_contents(path, data, (gssize)len, error)) {
		g_prefix_error(error, "cannot write %s: ", path);
		return FALSE;
	}
	return TRUE;
}
