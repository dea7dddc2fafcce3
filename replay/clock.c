// SPDX-License-Identifier: MIT
/*
 * clock.c - which trace clocks are synchronised across CPUs.
 *
 * Replay merges per-CPU streams by timestamp, so it needs one time base for all CPUs.
 * The table follows the kernel's trace_clock documentation (Documentation/trace/ftrace.rst):
 *   local     per-CPU sched_clock, may drift between CPUs          -> no
 *   global    one clock for all CPUs (slower to read)               -> yes
 *   counter   an atomic counter, not time at all                    -> no
 *   uptime    jiffies: global but coarse (1-10 ms ticks)            -> yes, with a warning
 *   perf      the clock perf uses (local_clock)                     -> no
 *   mono, mono_raw, boot, tai: ktime-based, global                  -> yes
 *   x86-tsc   raw TSC: synchronised on machines with invariant TSC  -> assumed yes; its
 *             timestamps are cycles unless the trace carries TSC2NSEC
 * A clock the file does not name ("unknown") cannot be vouched for -> no.
 */
#include <string.h>

#include "clock.h"

struct clock_desc {
	const char *name;
	gboolean synced;
	const char *note;
};

static const struct clock_desc clocks[] = {
	{ "mono", TRUE, NULL },
	{ "mono_raw", TRUE, NULL },
	{ "boot", TRUE, NULL },
	{ "tai", TRUE, NULL },
	{ "global", TRUE, NULL },
	{ "x86-tsc", TRUE, "raw TSC: assumed invariant and synchronised across CPUs" },
	{ "uptime", TRUE, "jiffies: synchronised but coarse (one tick is 1-10 ms)" },
	{ "local", FALSE, "per-CPU sched_clock, not synchronised across CPUs" },
	{ "perf", FALSE, "per-CPU local_clock, not synchronised across CPUs" },
	{ "counter", FALSE, "an event counter, not a time" },
};

gboolean ds_clock_is_synced(const char *clock, const char **note)
{
	for (size_t i = 0; clock && i < G_N_ELEMENTS(clocks); i++) {
		if (!strcmp(clock, clocks[i].name)) {
			if (note)
				*note = clocks[i].note;
			return clocks[i].synced;
		}
	}
	if (note)
		*note = "the trace does not say which clock it used";
	return FALSE;
}
