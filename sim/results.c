// SPDX-License-Identifier: MIT
/*
 * results.c - struct ds_results: allocation with its arrays and histograms, and freeing.
 */
#include "engine.h"

static const char *const backend_names[DS_BE__COUNT] = { "zram", "zswap" };

static const char *const lock_names[DS_LOCK__COUNT] = { "class", "pool", "v2_array" };

const char *ds_lock_kind_name(unsigned int kind)
{
	return kind < DS_LOCK__COUNT ? lock_names[kind] : "unknown";
}

const char *ds_backend_name(unsigned int be)
{
	return be < DS_BE__COUNT ? backend_names[be] : "unknown";
}

struct ds_results *ds_results_new(const struct ds_params *p, const struct ds_profile *prof)
{
	struct ds_results *r = g_new0(struct ds_results, 1);

	r->policy = g_strdup(p->policy);
	r->profile_name = g_strdup(prof->name ? prof->name : "unnamed");
	r->params = *p;
	r->params.policy = r->policy;
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		ds_hist_init(&r->be[be].drain_latency);
		ds_hist_init(&r->be[be].teardown_latency);
		ds_hist_init(&r->be[be].free_latency);
	}
	r->cpu_busy_ns = g_array_new(FALSE, TRUE, sizeof(double));
	r->tasks = g_array_new(FALSE, TRUE, sizeof(struct ds_task_result));
	ds_hist_init(&r->task_sum.exit_to_freed);
	r->task_sum.by_releases = g_array_new(FALSE, FALSE, sizeof(struct ds_task_ranked));
	r->task_sum.by_sync = g_array_new(FALSE, FALSE, sizeof(struct ds_task_ranked));
	r->timeseries = g_array_new(FALSE, TRUE, sizeof(struct ds_ts_sample));
	return r;
}

void ds_results_free(struct ds_results *r)
{
	if (!r)
		return;
	g_free(r->policy);
	g_free(r->profile_name);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		ds_hist_clear(&r->be[be].drain_latency);
		ds_hist_clear(&r->be[be].teardown_latency);
		ds_hist_clear(&r->be[be].free_latency);
	}
	if (r->cpu_busy_ns)
		g_array_free(r->cpu_busy_ns, TRUE);
	if (r->tasks)
		g_array_free(r->tasks, TRUE);
	ds_hist_clear(&r->task_sum.exit_to_freed);
	if (r->task_sum.by_releases)
		g_array_free(r->task_sum.by_releases, TRUE);
	if (r->task_sum.by_sync)
		g_array_free(r->task_sum.by_sync, TRUE);
	if (r->timeseries)
		g_array_free(r->timeseries, TRUE);
	g_free(r);
}
