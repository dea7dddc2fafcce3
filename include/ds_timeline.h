/* SPDX-License-Identifier: MIT */
/*
 * ds_timeline.h - a simulated run as a Chrome/Perfetto trace-event JSON file
 * (report/timeline.c; what the tracks and events mean: docs/timeline.md).
 *
 * A struct ds_timeline is a struct ds_sim_observer (include/ds_observe.h) that writes each
 * thing the run does as trace events while the run goes: the file is streamed through a
 * bounded stdio buffer, never held in memory, and appears under its name only when the run
 * ended well (temporary file + rename, report/outfile.c).  A time window and a cap on the
 * events bound its size; a file cut by the cap says so (an instant event and otherData).
 */
#ifndef DS_TIMELINE_H
#define DS_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "ds_observe.h"

/* --timeline-max-events default: about 130 bytes an event, ~260 MB */
#define DS_TIMELINE_MAX_EVENTS_DEFAULT 2000000ull
/* slices of one virtual CPU at the same instant (tasks sharing it) shown on their own lanes */
#define DS_TIMELINE_LANES 256

/**
 * struct ds_timeline_opts - what goes in the file
 * @from_ns: events ending before this (ns after the run's first event) are left out
 * @to_ns: events starting after this are left out (UINT64_MAX: none)
 * @max_events: at most this many trace events (metadata aside); 0 = no cap
 * @policy, @profile, @trace: named in the file's otherData (may be NULL)
 */
struct ds_timeline_opts {
	uint64_t from_ns;
	uint64_t to_ns;
	uint64_t max_events;
	const char *policy;
	const char *profile;
	const char *trace;
};

/** ds_timeline_opts_init() - the whole run, DS_TIMELINE_MAX_EVENTS_DEFAULT events */
void ds_timeline_opts_init(struct ds_timeline_opts *o);

/**
 * struct ds_timeline_stats - what the file got
 * @written: trace events written (metadata aside)
 * @dropped: events left out by the cap
 * @truncated: the cap was hit; @cut_at_ns: the sim time of the first event left out (ns
 *	after the first event)
 * @lane_overflow: CPU slices left out because more than DS_TIMELINE_LANES overlapped
 */
struct ds_timeline_stats {
	uint64_t written;
	uint64_t dropped;
	bool truncated;
	uint64_t cut_at_ns;
	uint64_t lane_overflow;
};

struct ds_timeline;

/**
 * ds_timeline_open() - start the file at @path (a temporary file beside it until commit)
 * Return: NULL with @error (DS_ERROR_IO) when @path cannot be written
 */
struct ds_timeline *ds_timeline_open(const char *path, const struct ds_timeline_opts *o,
				     GError **error);

/** ds_timeline_observer() - the observer to put in params.observer for the run */
const struct ds_sim_observer *ds_timeline_observer(struct ds_timeline *tl);

/**
 * ds_timeline_commit() - after the run: close the event list, write otherData, rename the
 * file into place; @st (may be NULL) gets what was written.  Frees @tl in every case.
 */
gboolean ds_timeline_commit(struct ds_timeline *tl, struct ds_timeline_stats *st,
			    GError **error);

/** ds_timeline_abort() - the run failed: remove the temporary file; frees @tl (NULL: no-op) */
void ds_timeline_abort(struct ds_timeline *tl);

#endif /* DS_TIMELINE_H */
