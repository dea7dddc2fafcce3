// SPDX-License-Identifier: MIT
/*
 * fuzz_sweep.c - the sweep-file parser (keys, value lists, ranges, units, scale factors) and
 * the value-list expander alone on the same bytes.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "ds_sweep.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *path = fuzz_write(data, size, ".ini");
	g_autofree char *text = g_strndup((const char *)data, size);
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	struct ds_sweep *sw;

	if (!path)
		return 0;
	sw = ds_sweep_load(path, NULL);
	ds_sweep_free(sw);
	unlink(path);
	if (strlen(text) < 4096)
		ds_sweep_values_parse(text, TRUE, values, NULL);
	return 0;
}
