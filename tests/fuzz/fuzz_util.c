// SPDX-License-Identifier: MIT
/* fuzz_util.c - what the harnesses share: the input as a file (the readers take paths). */
#include <unistd.h>
#include <glib.h>

#include "fuzz.h"

char *fuzz_write(const uint8_t *data, size_t size, const char *suffix)
{
	g_autofree char *tmpl = g_strconcat("ds-fuzz-XXXXXX", suffix, NULL);
	char *path = NULL;
	int fd = g_file_open_tmp(tmpl, &path, NULL);

	if (fd < 0)
		return NULL;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		g_free(path);
		return NULL;
	}
	close(fd);
	return path;
}
