// SPDX-License-Identifier: MIT
/*
 * fuzz_cache.c - the binary cache reader (replay/cache.c, ds_cache_open()) on arbitrary
 * bytes.  The reader serves a cache only for its key (the trace's quick key and the --map
 * digest, both in the header) and only with the right checksum, so the harness asks for the
 * key the input's own header holds (bytes 112..144 and 96..112) and makes the checksum right
 * (fuzz_fix_digest()): mutations reach the size checks, the info record (a GVariant) and
 * every event.  The checksum is checked at open (--verify) or as the events stream past,
 * chosen by the input.  What it accepts is printed as `defersim info` would, and simulated.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "ds_source.h"
#include "trace_impl.h"
#include "fuzz.h"

#define CACHE_HEADER_LEN 144
#define CACHE_MAP_AT 96
#define CACHE_KEY_AT 112
#define CACHE_SHA_BIT 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree uint8_t *copy = g_malloc0(MAX(size, CACHE_HEADER_LEN));
	char key[32], map[16];
	g_autofree char *path = NULL;
	struct ds_source *src;
	GError *error = NULL;

	memcpy(copy, data, size);
	memcpy(key, copy + CACHE_KEY_AT, sizeof(key));	/* zeros for a short input */
	memcpy(map, copy + CACHE_MAP_AT, sizeof(map));
	fuzz_fix_digest(copy, size, CACHE_HEADER_LEN);
	path = fuzz_write(copy, size, ".dscache");
	if (!path)
		return 0;
	/* the header's sha256 is reported, not checked: a bit of it picks the checksum mode */
	src = ds_cache_open(path, "fuzz.dat", key, NULL, map, copy[CACHE_SHA_BIT] & 1, &error);
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
