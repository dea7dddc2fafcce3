// SPDX-License-Identifier: MIT
/*
 * sha256.c - ds_file_sha256(): the identity of a trace file (cache key, info, provenance).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ds_source.h"

#define CHUNK (1u << 20)

gboolean ds_file_sha256(const char *path, char out[65], GError **error)
{
	/* O_NONBLOCK: a FIFO must not block the open; only regular files are hashed (a device
	 * such as /dev/zero would never end) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;
	g_autofree guchar *buf = NULL;
	GChecksum *ck;
	size_t n;

	if (fd < 0 || fstat(fd, &st) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a regular file", path);
		close(fd);
		return FALSE;
	}
	f = fdopen(fd, "rb");
	if (!f) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		close(fd);
		return FALSE;
	}
	buf = g_malloc(CHUNK);
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	while ((n = fread(buf, 1, CHUNK, f)) > 0)
		g_checksum_update(ck, buf, (gssize)n);
	if (ferror(f)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: read error: %s", path,
			    g_strerror(errno));
		g_checksum_free(ck);
		fclose(f);
		return FALSE;
	}
	fclose(f);
	g_strlcpy(out, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
	return TRUE;
}
