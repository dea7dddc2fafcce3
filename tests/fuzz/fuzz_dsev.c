// SPDX-License-Identifier: MIT
/*
 * fuzz_dsev.c - the synthetic event file reader (.dsev, replay/synth_file.c) on arbitrary
 * bytes, and the simulator on whatever it accepts.  The checksum is made right first
 * (fuzz_fix_digest()): the reader's checks of the header, the size and each event's type,
 * CPU and time order are what is fuzzed, and a stream that passes them must simulate without
 * wrapping a time or breaking an invariant (a release of a huge duration once did both).
 * Header bytes 40 and 41 (reserved, free) choose the policy, pool size and CPU count.
 */
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "ds_synth.h"
#include "fuzz.h"

#define DSEV_HEADER_LEN 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree uint8_t *copy = g_malloc(size + 1);	/* +1: an empty input is a buffer too */
	unsigned int choice = size > 40 ? data[40] : 0;
	unsigned int cpus = 1 + (size > 41 ? data[41] % 8 : 0);
	g_autofree char *path = NULL;
	struct ds_source *src;

	memcpy(copy, data, size);
	fuzz_fix_digest(copy, size, DSEV_HEADER_LEN);
	path = fuzz_write(copy, size, ".dsev");
	if (!path)
		return 0;
	src = ds_synth_file_open(path, NULL);
	if (src) {
		fuzz_simulate(src, cpus, choice);
		ds_source_close(src);
	}
	unlink(path);
	return 0;
}
