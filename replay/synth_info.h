/* SPDX-License-Identifier: MIT */
/*
 * synth_info.h - the trace information of a synthetic stream (synth_info.c), shared by the
 * .dsev reader (synth_file.c) and the generator (synth/synth_gen.c).
 *
 * struct ds_synth_info: a synthetic stream has no trace.dat to describe, so its struct
 * ds_trace_info is counted as events are delivered, with one "defersim_synth/KIND"
 * recognition entry per kind of event (what makes `defersim info` say "synthetic").
 */
#ifndef DS_SYNTH_INFO_H
#define DS_SYNTH_INFO_H

#include "ds_synth.h"
#include "trace_impl.h"

/* What a synthetic stream's info needs besides struct ds_trace_info: the duration histogram
 * and where each kind's recognition entry sits. */
struct ds_synth_info {
	struct ds_trace_info info;
	struct ds_durhist hist;
	int map_of[DS_EV__COUNT][2];	/* index in info.maps by type and zswap flag, -1 none */
	GByteArray *cpu_seen;
};

/* @t0: the stream's start (first_ts and start_ts of the info) */
void ds_synth_info_init(struct ds_synth_info *si, const char *path, unsigned int ncpus,
		       uint64_t t0);
/* count one delivered event */
void ds_synth_info_add(struct ds_synth_info *si, const struct ds_event *ev);
/* end of stream: quantiles, CPUs with events */
void ds_synth_info_finish(struct ds_synth_info *si);
void ds_synth_info_clear(struct ds_synth_info *si);

#endif
