/* SPDX-License-Identifier: MIT */
/*
 * clock.h - trace clocks and whether they are synchronised across CPUs (private to replay/).
 */
#ifndef DS_CLOCK_H
#define DS_CLOCK_H

#include <glib.h>

/**
 * ds_clock_is_synced() - whether timestamps of @clock can be merged across CPUs
 * @clock: trace clock name ("mono", "local", ...); NULL or unknown names are not
 * @note: out (may be NULL): a static remark on the clock, or NULL
 */
gboolean ds_clock_is_synced(const char *clock, const char **note);

#endif
