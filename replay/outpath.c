// SPDX-License-Identifier: MIT
/*
 * outpath.c - ds_output_path_check(): may defersim write an output file at this path?
 *
 * Every output is written to a temporary file next to it and renamed over it, so that it is
 * never seen half-written.  Renaming over a device node, a FIFO or a socket would replace
 * that node with a regular file (run as root, `--json /dev/null` used to destroy /dev/null),
 * so an existing non-regular path is refused before any work is done; writers that can
 * write straight into such a target (ds_write_atomic()) ask ds_output_path_special() first.
 */
#include <errno.h>
#include <sys/stat.h>

#include "ds_source.h"

gboolean ds_output_path_special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

gboolean ds_output_path_check(const char *path, GError **error)
{
	struct stat st;

	if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_IO,
		    "%s exists and is not a regular file (%s): outputs are written to a temporary "
		    "file and renamed over the path, which would replace it; give a file path",
		    path, S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) ?
		    "a character device" : S_ISBLK(st.st_mode) ? "a block device" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" : "not a file");
	return FALSE;
}
