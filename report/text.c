// SPDX-License-Identifier: MIT
/*
 * text.c - the human report of one run.
 *
 * The answer first: what was replayed, then a summary (fallback rate, drain p99, memory
 * pending, hot-path saving) with the guessed costs it rests on most and a warning when the
 * trace is emulated time; then per backend the details (fallbacks, drain latency, pool
 * occupancy, memory pending), the analytic cross-check, the machine model, what the exiting
 * tasks gained or lost on their hot path; last every cost's origin and every parameter (the
 * spec's inferred ones marked), which a reader checks after the answer, not before.
 */
#include <math.h>
#include <string.h>

#include "ds_analytic.h"
#include "ds_report.h"

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_header(const struct ds_results *r, const struct ds_profile *prof,
			 const struct ds_trace_info *info, FILE *out)
{
	char a[32];

	fprintf(out, "defersim %s: policy %s, profile %s%s%s%s\n", DS_VERSION, r->policy,
		prof->name, prof->path ? " (" : "", prof->path ? prof->path : "",
		prof->path ? ")" : "");
	if (info) {
		uint64_t lost = 0;

		for (unsigned int c = 0; c < info->ncpus; c++)
			lost += info->lost_per_cpu ? info->lost_per_cpu[c] : 0;
		fprintf(out, "trace   %s\n        sha256 %s, clock %s, %u recorded CPUs, %s replayed\n",
			info->path, info->sha256, info->clock ? info->clock : "unknown", info->ncpus,
			ds_fmt_ns(a, (double)(info->last_ts - info->start_ts)));
		if (ds_trace_info_is_synthetic(info))
			fprintf(out, "        SYNTHETIC (made by defersim synth, not recorded)\n");
		if (lost)
			fprintf(out, "WARNING %" G_GUINT64_FORMAT " events were lost while recording: "
				"releases may be missing, results undercount them\n", lost);
		if (info->damage) {
			g_autofree char *what = ds_trace_damage_describe(info->damage);

			fprintf(out, "WARNING the trace file is damaged (--accept-damaged): %s; "
				"the results cover only what was readable\n", what);
		}
	}
	if (r->lost_markers)
		fprintf(out, "WARNING the stream holds %" G_GUINT64_FORMAT " lost-event markers (%"
			G_GUINT64_FORMAT " events known lost): releases and durations near them are "
			"missing\n", r->lost_markers, r->lost_events);
	fprintf(out, "sim     %u virtual CPUs, %" G_GUINT64_FORMAT " releases, %" G_GUINT64_FORMAT
		" events read\n\n", r->ncpus, r->releases, r->events_in);
}

/* The drain latency p99 of the backend that drained the most values; FALSE when none did. */
static gboolean headline_p99(const struct ds_results *r, uint64_t *p99)
{
	int be = r->be[DS_BE_ZSWAP].drain_latency.count > r->be[DS_BE_ZRAM].drain_latency.count ?
		DS_BE_ZSWAP : DS_BE_ZRAM;

	if (!r->be[be].drain_latency.count)
		return FALSE;
	*p99 = ds_hist_quantile(&r->be[be].drain_latency, 0.99);
	return TRUE;
}

/* The answer, in five lines, before any detail. */
static void print_summary(const struct ds_results *r, const struct ds_provenance *pv, FILE *out)
{
	uint64_t fb = r->be[0].fallbacks + r->be[1].fallbacks, p99;
	uint64_t pend = r->be[0].peak_pending_bytes + r->be[1].peak_pending_bytes;
	char a[32], b[32];

	fprintf(out, "summary\n  fallbacks             %.3f%% of releases (%" G_GUINT64_FORMAT " of %"
		G_GUINT64_FORMAT ")\n", pct(fb, r->releases), fb, r->releases);
	if (headline_p99(r, &p99))
		fprintf(out, "  drain latency p99     %s (push to freed, values freed at teardown "
			"left out)\n", ds_fmt_ns(a, (double)p99));
	else
		fprintf(out, "  drain latency p99     n/a (nothing deferred was drained before "
			"teardown)\n");
	fprintf(out, "  memory pending        peak %s of freed objects waiting\n",
		ds_fmt_bytes(a, (double)pend));
	fprintf(out, "  hot path              %.1f%% %s (%s under %s vs %s under sync)\n",
		r->sync_ns ? fabs(100.0 - pct(r->hot_ns, r->sync_ns)) : 0.0,
		r->hot_ns <= r->sync_ns ? "saved" : "more", ds_fmt_ns(a, (double)r->hot_ns),
		r->policy, ds_fmt_ns(b, (double)r->sync_ns));
	ds_report_print_reliance(pv, "  ", out);
	fprintf(out, "\n");
}

static void print_param(const char *name, const char *value, bool inferred, void *data)
{
	fprintf(data, "  %-24s %s%s\n", name, value, inferred ? "   [inferred]" : "");
}

static void print_latency(const struct ds_hist *h, FILE *out)
{
	char p50[32], p90[32], p99[32], mx[32];

	if (!h->count) {
		fprintf(out, "  drain latency         n/a (no deferred value was drained before teardown)\n");
		return;
	}
	fprintf(out, "  drain latency         p50 %s  p90 %s  p99 %s  max %s  (%" G_GUINT64_FORMAT
		" values, push to freed)\n",
		ds_fmt_ns(p50, (double)ds_hist_quantile(h, 0.50)),
		ds_fmt_ns(p90, (double)ds_hist_quantile(h, 0.90)),
		ds_fmt_ns(p99, (double)ds_hist_quantile(h, 0.99)), ds_fmt_ns(mx, (double)h->max),
		h->count);
}

static void print_backend(const struct ds_results *r, const struct ds_profile *prof, int be,
			  FILE *out)
{
	const struct ds_backend_result *x = &r->be[be];
	unsigned int page = r->params.page_size ? r->params.page_size : prof->page_size;
	bool array = !strcmp(r->policy, "v2");	/* one array of handles: no pages, no pool */
	char a[32], b[32], c[32];

	if (array)
		fprintf(out, "%s pool (one array of %" G_GUINT64_FORMAT " handles; pool_pages does "
			"not apply to v2)\n", ds_backend_name(be), x->cap);
	else
		fprintf(out, "%s pool (%" G_GUINT64_FORMAT " values per %u-byte page, %"
			G_GINT64_FORMAT " pool pages)\n", ds_backend_name(be), x->cap, page,
			r->params.pool_pages);
	fprintf(out, "  releases              %" G_GUINT64_FORMAT "\n", x->releases);
	fprintf(out, "  deferred              %" G_GUINT64_FORMAT " (%.2f%%)\n", x->pushed,
		pct(x->pushed, x->releases));
	fprintf(out, "  fallbacks             %" G_GUINT64_FORMAT " (%.3f%%)\n", x->fallbacks,
		pct(x->fallbacks, x->releases));
	print_latency(&x->drain_latency, out);
	fprintf(out, "  left for teardown     %" G_GUINT64_FORMAT " values (%.1f%% of those drained; "
		"in partial buffers or queued when the trace ended)\n", x->teardown_drained,
		pct(x->teardown_drained, x->drained));
	if (x->teardown_latency.count)
		fprintf(out, "                        they waited up to %s until teardown\n",
			ds_fmt_ns(a, (double)x->teardown_latency.max));
	if (x->free_latency.count) {
		char p50[32], p99[32];

		fprintf(out, "  every value's wait    p50 %s  p99 %s  max %s  (all %" G_GUINT64_FORMAT
			" deferred values, teardown included)\n",
			ds_fmt_ns(p50, (double)ds_hist_quantile(&x->free_latency, 0.50)),
			ds_fmt_ns(p99, (double)ds_hist_quantile(&x->free_latency, 0.99)),
			ds_fmt_ns(a, (double)x->free_latency.max), x->free_latency.count);
	}
	if (array) {
		fprintf(out, "  peak pending          %" G_GUINT64_FORMAT " values = %s of objects\n",
			x->peak_pending_values, ds_fmt_bytes(a, (double)x->peak_pending_bytes));
	} else {
		if (!strcmp(r->policy, "sync"))
			fprintf(out, "  pool pages free       n/a (sync has no pool)\n");
		else
			fprintf(out, "  pool pages free       min %" G_GUINT64_FORMAT ", mean %.1f\n",
				x->pool_free_min, x->pool_free_mean);
		fprintf(out, "  peak pending          %" G_GUINT64_FORMAT " values = %s of objects; %"
			G_GUINT64_FORMAT " pages (%s) held\n", x->peak_pending_values,
			ds_fmt_bytes(a, (double)x->peak_pending_bytes), x->peak_pages_held,
			ds_fmt_bytes(b, (double)x->peak_pages_held * page));
		fprintf(out, "  stranded buffers      %" G_GUINT64_FORMAT " episodes, %s; %" G_GUINT64_FORMAT
			" values (%.1f%%) waited in one\n", x->stranded_episodes,
			ds_fmt_ns(a, (double)x->stranded_ns), x->stranded_values,
			pct(x->stranded_values, x->drained));
	}
	fprintf(out, "  stale drains          %" G_GUINT64_FORMAT " (zram writes to a pending slot: %"
		G_GUINT64_FORMAT ")\n", x->stale_drains, x->slot_reuse_pending);
	if (array)
		fprintf(out, "  lock contended        %" G_GUINT64_FORMAT " of the fallbacks found the "
			"drain holding the array lock (the rest found it full)\n", x->fallbacks_lock);
	if (!strcmp(r->policy, "zsonly"))
		fprintf(out, "  class locks           %" G_GUINT64_FORMAT " class->lock acquisitions by "
			"the drain for %" G_GUINT64_FORMAT " values; sizes from the trace for %"
			G_GUINT64_FORMAT " of the deferred values\n", x->class_lock_acquisitions,
			x->drained + x->stale_drains, x->sizes_from_trace);
	fprintf(out, "  worker                %" G_GUINT64_FORMAT " runs, busy %s (CPU time %s, "
		"longest run %s); swaps %" G_GUINT64_FORMAT " (failed %" G_GUINT64_FORMAT
		"), queue_work %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " already pending)\n",
		x->worker_runs, ds_fmt_ns(a, (double)x->worker_busy_ns),
		ds_fmt_ns(b, (double)x->worker_cpu_ns),
		ds_fmt_ns(c, (double)x->worker_longest_run_ns), x->swaps, x->swap_failures,
		x->queue_work_calls, x->queue_work_noops);
	fprintf(out, "  memory of the scheme  %s (pool + per-CPU %s, held whatever the load)\n\n",
		ds_fmt_bytes(a, (double)r->mechanism_bytes), array ? "arrays" : "pages");
}

/* Queueing-theory estimates beside the simulated figures (sim/analytic.c, docs/model.md). */
static void print_analytic(const struct ds_results *r, const struct ds_profile *prof, int be,
			   FILE *out)
{
	struct ds_analytic x;
	char a[32], b[32], c[32];

	ds_analytic_compute(r, prof, (enum ds_backend)be, &x);
	if (!x.valid)
		return;
	fprintf(out, "%s analytic cross-check (Poisson queueing models of the pool's pages)\n",
		ds_backend_name(be));
	fprintf(out, "  swap attempts         %" G_GUINT64_FORMAT " at %.1f/s (CV %.2f, IDC %.2f "
		"over %s windows; Poisson: 1, 1)\n", x.arrivals, x.lambda, x.cv, x.idc,
		ds_fmt_ns(a, x.idc_window_ns));
	fprintf(out, "  page holding          drain D %s + wake-up W %s = S %s; offered a = %.3f "
		"Erlang on c = %u pages\n", ds_fmt_ns(a, x.drain_ns), ds_fmt_ns(b, x.wake_ns),
		ds_fmt_ns(c, x.hold_ns), x.offered, x.servers);
	fprintf(out, "  swap attempts finding no free page  simulated %.4f%% (not fallbacks: a "
		"stranded buffer's retries count too)\n", 100.0 * x.sim_block);
	fprintf(out, "    Erlang-B B(c, a)    %.4f%%  %s\n", 100.0 * x.erlang_b, x.erlang_verdict);
	fprintf(out, "    M/D/1/K (1 drainer) %.4f%%  %s\n", 100.0 * x.md1k_block, x.md1k_verdict);
	fprintf(out, "  page wait before drain simulated %s (held %s in all)\n",
		ds_fmt_ns(a, x.sim_wait_ns), ds_fmt_ns(b, x.sim_hold_ns));
	if (x.md1_wait_ns >= 0)
		ds_fmt_ns(c, x.md1_wait_ns);
	else
		g_strlcpy(c, "unbounded", sizeof(c));
	fprintf(out, "    M/D/1 + wake-up     %s at utilisation %.3f (one drainer)  %s\n\n", c, x.rho,
		x.md1_verdict);
}

/* Think time's origin, CPU load and lock contention: how the machine was modelled. */
static void print_machine(const struct ds_results *r, FILE *out)
{
	double elapsed = r->sim_end_ts > r->rec_start_ts ?
		(double)(r->sim_end_ts - r->rec_start_ts) : 0.0;
	char a[32], b[32];

	fprintf(out, "machine model\n");
	fprintf(out, "  think time            x%.3g%s; gaps after %" G_GUINT64_FORMAT " releases "
		"subtract their measured cost, after %" G_GUINT64_FORMAT " an assumed one "
		"(record_sync_*_ns)\n", r->think_scale,
		r->params.think_scale == 0 ? " (auto: the profile's sync cost / the trace's "
		"median measured one, assuming all kernel work scales alike)" : "",
		r->think_measured, r->think_assumed);
	if (r->probe_removed_ns || r->probe_from_provenance)
		fprintf(out, "  probe overhead        %s taken out of the recorded timelines (%" G_GUINT64_FORMAT
			" ns per measured call, %" G_GUINT64_FORMAT " ns per gap; %s)\n",
			ds_fmt_ns(a, (double)r->probe_removed_ns), r->params.probe_overhead_ns,
			r->params.probe_gap_ns, r->probe_from_provenance ?
			"from the capture's provenance" : "as given");
	fprintf(out, "  CPU busy              ");
	for (guint c = 0; r->cpu_busy_ns && c < r->cpu_busy_ns->len; c++)
		fprintf(out, "%scpu%u %.1f%%", c ? ", " : "", c,
			elapsed > 0 ? 100.0 * g_array_index(r->cpu_busy_ns, double, c) / elapsed :
			0.0);
	fprintf(out, " (%s, %s elapsed)\n", r->params.cpu_sharing == DS_SHARE_FIFO ? "fifo" :
		"fair", ds_fmt_ns(a, elapsed));
	for (unsigned int k = 0; k < DS_LOCK__COUNT; k++) {
		const struct ds_lock_result *l = &r->locks[k];

		if (!l->acquisitions)
			continue;
		fprintf(out, "  lock %-16s %" G_GUINT64_FORMAT " acquisitions, %" G_GUINT64_FORMAT
			" contended (%.2f%%), waited %s, worst spin %s\n", ds_lock_kind_name(k),
			l->acquisitions, l->contended, pct(l->contended, l->acquisitions),
			ds_fmt_ns(a, (double)l->wait_ns), ds_fmt_ns(b, (double)l->max_wait_ns));
	}
	if (r->params.lock_contention == DS_LOCKS_OFF)
		fprintf(out, "  class locks           not modelled (lock_contention=off: the costs are "
			"measured durations, which hold the recording's own lock waits)\n");
	fprintf(out, "\n");
}

static void print_row(const struct ds_task_result *t, FILE *out)
{
	char a[32], b[32], c[32], d[32];
	double shift = (double)t->sim_end_ts - (double)t->rec_end_ts;

	fprintf(out, "  %8d %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %11s %11s %s%10s %11s %s\n",
		t->pid, t->releases, t->fallbacks, ds_fmt_ns(a, (double)t->hot_ns),
		ds_fmt_ns(b, (double)t->sync_ns), shift < 0 ? "-" : "+",
		ds_fmt_ns(c, fabs(shift)), ds_fmt_ns(d, (double)ds_task_exit_to_freed(t)),
		t->exited ? "yes" : "no");
}

static gint task_by_releases(gconstpointer a, gconstpointer b)
{
	const struct ds_task_result *x = a, *y = b;

	if (x->releases != y->releases)
		return x->releases < y->releases ? 1 : -1;
	return x->pid - y->pid;
}

/*
 * The tasks that matter most first (the JSON keeps the engine's order).  Up to DS_TASK_TOP
 * rows come from the run's bounded summary; a longer table needs the rows themselves
 * (results->tasks, ds_sim_run()), sorted here (stably: equal tasks in the engine's order, as
 * the summary ranks them).
 */
static void print_tasks(const struct ds_results *r, unsigned int max, FILE *out)
{
	char a[32], b[32];
	uint64_t n = r->task_sum.count;
	bool rows = r->tasks && r->tasks->len == n && n;
	uint64_t shown = max ? MIN(n, max) : n;

	fprintf(out, "hot path, all releases  %s under %s vs %s under sync (%.1f%% %s)\n",
		ds_fmt_ns(a, (double)r->hot_ns), r->policy, ds_fmt_ns(b, (double)r->sync_ns),
		r->sync_ns ? fabs(100.0 - pct(r->hot_ns, r->sync_ns)) : 0.0,
		r->hot_ns <= r->sync_ns ? "saved" : "more");
	if (!n)
		return;
	if (!rows)
		shown = MIN(shown, r->task_sum.by_releases->len);
	fprintf(out, "\nper task (%" G_GUINT64_FORMAT " with releases%s)\n", n,
		shown < n ? ", largest first, table cut: see --json for all" : "");
	fprintf(out, "  %8s %9s %9s %11s %11s %11s %11s %s\n", "pid", "releases", "fallbacks",
		"hot", "hot(sync)", "end shift", "freed after", "exited");
	if (rows && shown > r->task_sum.by_releases->len) {
		g_autoptr(GArray) sorted = g_array_copy(r->tasks);

		g_array_sort(sorted, task_by_releases);
		for (guint i = 0; i < shown; i++)
			print_row(&g_array_index(sorted, struct ds_task_result, i), out);
		return;
	}
	for (guint i = 0; i < shown; i++)
		print_row(&g_array_index(r->task_sum.by_releases, struct ds_task_ranked, i).t, out);
}

void ds_report_print(const struct ds_results *r, const struct ds_profile *prof,
		     const struct ds_trace_info *info, const struct ds_report_opts *opts, FILE *out)
{
	unsigned int max = opts ? opts->max_tasks : 20;

	struct ds_provenance *pv = g_new(struct ds_provenance, 1);

	ds_provenance_compute(r, prof, info ? info->path : NULL, pv);
	print_header(r, prof, info, out);
	print_summary(r, pv, out);
	for (int be = 0; be < DS_BE__COUNT; be++)
		if (r->be[be].releases)
			print_backend(r, prof, be, out);
	for (int be = 0; be < DS_BE__COUNT; be++)
		if (r->be[be].releases)
			print_analytic(r, prof, be, out);
	print_machine(r, out);
	if (r->inv.checked)
		fprintf(out, "invariants              freed twice %" G_GUINT64_FORMAT ", never freed %"
			G_GUINT64_FORMAT ", page-count violations %" G_GUINT64_FORMAT ", CPUs over "
			"capacity %" G_GUINT64_FORMAT ", negative times %" G_GUINT64_FORMAT " -> %s\n\n",
			r->inv.freed_twice, r->inv.never_freed, r->inv.pages_violations,
			r->inv.cpu_violations, r->inv.time_violations,
			ds_invariants_hold(&r->inv) ? "hold" : "VIOLATED");
	print_tasks(r, max, out);
	fprintf(out, "\n");
	ds_report_print_provenance(pv, out);
	fprintf(out, "parameters (spec's inferred choices marked; change with --set NAME=VALUE)\n");
	ds_params_foreach(&r->params, print_param, out);
	g_free(pv);
}
