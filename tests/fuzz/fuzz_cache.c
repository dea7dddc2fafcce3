// SPDX-License-Identifier: MIT
/*
 * fuzz_cache.c - the binary cache reader (replay/cache.c, ds_cache_open()) on arbitrary
 * bytes.  The reader serves a cache only for its key (the trace's SHA-256 and the --map
 * digest, both in the header) and only with the right checksum, so the harness asks for the
 * key the input's own header holds (bytes 32..96 and 96..112) and makes the checksum right
 * (fuzz_fix_digest()): mutations reach the size checks, the info record (a GVariant) and
 * every event.  What it accepts is printed as `defersim info` would, and simulated.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "ds_source.h"
#include "trace_impl.h"
#include "fuzz.h"

#define CACHE_HEADER_LEN 112
#define CACHE_SHA_AT 32
#define CACHE_MAP_AT 96

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree uint8_t *copy = g_malloc0(MAX(size, CACHE_HEADER_LEN));
	char sha[64], map[16];
	g_autofree char *path = NULL;
	struct ds_source *src;
	GError *error = NULL;

	memcpy(copy, data, size);
	memcpy(sha, copy + CACHE_SHA_AT, sizeof(sha));	/* zeros for a short input */
	memcpy(map, copy + CACHE_MAP_AT, sizeof(map));
	fuzz_fix_digest(copy, size, CACHE_HEADER_LEN);
	path = fuzz_write(copy, size, ".dscache");
	if (!path)
		return 0;
	src = ds_cache_open(path, "fuzz.dat", sha, map, &error);
	g_clear_error(&error);
	if (src) {
		const struct ds_trace_info *info = ds_source_info(src);
		FILE *null = fopen("/dev/null", "w");
		JsonNode *node = ds_trace_info_to_json(info);

		if (null) {
			ds_trace_info_print(info, null);
			fclose(null);
		}
		json_node_unref(node);
		fuzz_simulate(src, 1 + copy[size - 1] % 8, copy[size - 2]);
		ds_source_close(src);
	}
	unlink(path);
	return 0;
}
