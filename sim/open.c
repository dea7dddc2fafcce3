// SPDX-License-Identifier: MIT
/*
 * open.c - ds_sim_open_trace(): a trace opened for a run, with what the run needs to know of
 * the whole trace before it starts.
 *
 * think_scale=auto (spec §4.1) divides by the trace's median measured release duration,
 * which a stream only knows at its end.  A cached trace carries it in its header; otherwise
 * the trace is read once to its end (which also writes the cache) and opened again.
 */
#include "ds_sim.h"

struct ds_source *ds_sim_open_trace(const char *trace, const struct ds_trace_opts *topts,
				    struct ds_params *p, GError **error)
{
	struct ds_source *src = ds_source_open_trace(trace, topts, error);
	const struct ds_trace_info *info;

	if (!src || p->think_scale != 0 || p->think_ref_ns)
		return src;
	info = ds_source_info(src);
	if (!info || !info->durations) {
		if (ds_source_drain(src, error) < 0) {
			ds_source_close(src);
			return NULL;
		}
		info = ds_source_info(src);
		p->think_ref_ns = info ? info->dur_p50_ns : 0;
		ds_source_close(src);
		return ds_source_open_trace(trace, topts, error);
	}
	p->think_ref_ns = info->dur_p50_ns;
	return src;
}
