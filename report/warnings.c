// SPDX-License-Identifier: MIT
/*
 * warnings.c - what a run's reader should know before trusting it, said once: the same
 * sentences go to stderr (the commands) and into the JSON's "warnings" array.
 *
 * Why not an error: the run is valid, it answers a narrower question than the user may
 * think (e.g. more virtual CPUs than the recording had: the extra ones get no releases,
 * since a release stays on the CPU it was recorded on, modulo --cpus).
 */
#include "ds_report.h"

GPtrArray *ds_report_warnings(const struct ds_results *r, const struct ds_trace_info *info)
{
	GPtrArray *w = g_ptr_array_new_with_free_func(g_free);

	if (info && info->ncpus && r->ncpus > info->ncpus)
		g_ptr_array_add(w, g_strdup_printf(
			"cpus %u is more than the %u CPUs recorded in the trace: releases stay on "
			"the CPU they were recorded on, so virtual CPUs %u..%u get no releases (only "
			"workers run there); the extra CPUs do not model a busier machine",
			r->ncpus, info->ncpus, info->ncpus, r->ncpus - 1));
	return w;
}
