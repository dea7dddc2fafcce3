// SPDX-License-Identifier: MIT
/*
 * fuzz_trace.c - the trace reader on arbitrary bytes: as a trace.dat (pre-validation, the
 * libtracecmd child, the per-CPU merge) and as a synthetic event file, read to the end
 * without the cache.  The first byte chooses the name: .dat or .dsev.
 */
#include <unistd.h>
#include <glib.h>

#include "ds_source.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_trace_opts opts = { .use_cache = FALSE };
	const char *suffix = size && (data[0] & 1) ? ".dsev" : ".dat";
	g_autofree char *path = fuzz_write(data, size, suffix);
	struct ds_source *src;

	if (!path)
		return 0;
	src = ds_source_open_trace(path, &opts, NULL);
	if (src) {
		ds_source_drain(src, NULL);
		ds_source_close(src);
	}
	unlink(path);
	return 0;
}
