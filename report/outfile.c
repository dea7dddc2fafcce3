// SPDX-License-Identifier: MIT
/*
 * outfile.c - struct ds_outfile: an output written as a stream and still atomically.
 *
 * ds_write_atomic() needs the whole text in memory; a report with a million per-task rows
 * must not be (docs/json.md).  So the text goes to a temporary file beside the target
 * (PATH.XXXXXX, same directory so that rename() is atomic), which is fsync()ed and renamed
 * over PATH on commit, and removed on abort: a reader sees the old file or the whole new
 * one.  "-" is standard output; a device, FIFO or socket (ds_output_path_special()) is
 * written straight into, as ds_write_atomic() does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ds_report.h"

struct ds_outfile {
	FILE *f;
	char *path;
	char *tmp;	/* NULL: written in place (stdout, a device) */
};

struct ds_outfile *ds_outfile_open(const char *path, GError **error)
{
	struct ds_outfile *o = g_new0(struct ds_outfile, 1);
	int fd;

	o->path = g_strdup(path);
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return o;
	}
	if (ds_output_path_special(path)) {
		o->f = fopen(path, "w");
		if (!o->f)
			goto fail;
		return o;
	}
	o->tmp = g_strconcat(path, ".XXXXXX", NULL);
	fd = g_mkstemp(o->tmp);
	if (fd < 0)
		goto fail;
	/* g_mkstemp() makes it 0600; an output is as readable as g_file_set_contents() makes it */
	if (fchmod(fd, 0644) < 0 || !(o->f = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		g_unlink(o->tmp);
		errno = e;
		goto fail;
	}
	return o;
fail:
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s: %s", path, g_strerror(errno));
	g_free(o->tmp);
	o->tmp = NULL;
	ds_outfile_abort(o);
	return NULL;
}

FILE *ds_outfile_stream(struct ds_outfile *o)
{
	return o->f;
}

gboolean ds_outfile_commit(struct ds_outfile *o, GError **error)
{
	gboolean ok = fflush(o->f) == 0 && !ferror(o->f);
	int e = errno;

	if (o->f == stdout) {
		if (!ok)
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write to standard output");
		o->f = NULL;
		ds_outfile_abort(o);
		return ok;
	}
	/* the data reach the disk before the name does: a crash leaves the old file, not an
	 * empty new one */
	if (ok && o->tmp && fsync(fileno(o->f)) < 0) {
		ok = FALSE;
		e = errno;
	}
	if (fclose(o->f) && ok) {
		ok = FALSE;
		e = errno;
	}
	o->f = NULL;
	if (ok && o->tmp && g_rename(o->tmp, o->path) < 0) {
		ok = FALSE;
		e = errno;
	}
	if (ok && o->tmp)
		g_clear_pointer(&o->tmp, g_free);
	if (!ok)
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s: %s", o->path,
			    g_strerror(e));
	ds_outfile_abort(o);
	return ok;
}

void ds_outfile_abort(struct ds_outfile *o)
{
	if (!o)
		return;
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		g_unlink(o->tmp);
	g_free(o->tmp);
	g_free(o->path);
	g_free(o);
}
