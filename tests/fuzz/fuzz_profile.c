// SPDX-License-Identifier: MIT
/* fuzz_profile.c - the hardware-profile loader (GKeyFile, bounds, size histograms). */
#include <unistd.h>
#include <glib.h>

#include "ds_sim.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *path = fuzz_write(data, size, ".ini");
	struct ds_profile *p;

	if (!path)
		return 0;
	p = ds_profile_load(path, NULL);
	if (p && !ds_profile_validate(p, NULL))
		__builtin_trap();	/* a loaded profile must meet the run's bounds */
	ds_profile_free(p);
	unlink(path);
	return 0;
}
