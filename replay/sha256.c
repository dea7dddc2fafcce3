// SPDX-License-Identifier: MIT
/*
 * sha256.c - ds_file_sha256(): the identity of a trace file (cache key, info, provenance).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ds_source.h"

#define CHUNK (1u << 20)

gboolean ds_file_sha256(const char *path, char out[65], GError **error)
{
	FILE *f = fopen(path, "rbe");
	g_autofree guchar *buf = NULL;
	GChecksum *ck;
	size_t n;

	if (!f) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
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
