// SPDX-License-Identifier: MIT
/*
 * validate.c - validation suites (include/ds_validate.h): each point is a synthetic munmap
 * benchmark run through the simulator, held against the figure it should reproduce.
 *
 * The synthetic trace is "recorded" on the suite's machine: each release lasts the profile's
 * sync cost (its measured duration), gap_ns of other munmap work follows it, and exit_ns
 * follows the last one.  So the replay's think time is exactly gap_ns (spec §4.1), and under
 * policy sync one process alone takes procs x pages x (sync + gap) + exit; several processes
 * meet on zsmalloc's class lock (lock_contention on: the costs come from the profile).
 */
#include <math.h>
#include <string.h>

#include "ds_synth.h"
#include "ds_validate.h"

#define FIT_MAX_NS 100000

static void point_clear(gpointer data)
{
	struct ds_validate_point *pt = data;

	g_free(pt->name);
	g_free(pt->fit);
	g_free(pt->note);
	g_free(pt->policy);
	g_free(pt->trace);
}

void ds_validate_clear(struct ds_validate_suite *s)
{
	g_free(s->path);
	g_free(s->name);
	g_free(s->description);
	g_free(s->profile);
	g_free(s->policy);
	if (s->points)
		g_array_free(s->points, TRUE);
	memset(s, 0, sizeof(*s));
}

static gboolean bad(GError **error, const char *path, const char *group, const char *key,
		    const char *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: [%s] %s: %s", path, group, key, why);
	return FALSE;
}

static gboolean get_u64(GKeyFile *kf, const char *path, const char *group, const char *key,
			uint64_t max, uint64_t *out, GError **error)
{
	g_autofree char *v = g_key_file_get_value(kf, group, key, NULL);
	guint64 x;

	if (!v)
		return bad(error, path, group, key, "missing");
	if (!g_ascii_string_to_unsigned(g_strstrip(v), 10, 0, max, &x, NULL))
		return bad(error, path, group, key, "expected an unsigned integer in range");
	*out = x;
	return TRUE;
}

static gboolean get_dbl(GKeyFile *kf, const char *path, const char *group, const char *key,
			double *out, GError **error)
{
	g_autofree char *v = g_key_file_get_value(kf, group, key, NULL);
	char *end = NULL;

	if (!v)
		return bad(error, path, group, key, "missing");
	*out = g_ascii_strtod(g_strstrip(v), &end);
	if (!end || *end || !isfinite(*out) || *out <= 0)
		return bad(error, path, group, key, "expected a positive number");
	return TRUE;
}

/* An optional number >= 0: @def when absent. */
static gboolean get_opt(GKeyFile *kf, const char *path, const char *group, const char *key,
			double def, double *out, GError **error)
{
	g_autofree char *v = g_key_file_get_value(kf, group, key, NULL);
	char *end = NULL;

	*out = def;
	if (!v)
		return TRUE;
	*out = g_ascii_strtod(g_strstrip(v), &end);
	if (!end || *end || !isfinite(*out) || *out < 0)
		return bad(error, path, group, key, "expected a number >= 0");
	return TRUE;
}

/* The point's optional keys: what it runs and what was measured of it. */
static gboolean load_point_more(GKeyFile *kf, const char *path, const char *group,
				struct ds_validate_point *pt, GError **error)
{
	g_autofree char *kind = g_key_file_get_string(kf, group, "kind", NULL);
	g_autofree char *time_of = g_key_file_get_string(kf, group, "time_of", NULL);
	g_autofree char *trace = g_key_file_get_string(kf, group, "trace", NULL);
	double pool;

	if (kind && strcmp(kind, "munmap") && strcmp(kind, "lmk"))
		return bad(error, path, group, "kind", "expected munmap or lmk");
	pt->lmk = kind && !strcmp(kind, "lmk");
	if (time_of && strcmp(time_of, "mean") && strcmp(time_of, "slowest"))
		return bad(error, path, group, "time_of", "expected mean or slowest");
	pt->slowest = pt->lmk || (time_of && !strcmp(time_of, "slowest"));
	pt->policy = g_key_file_get_string(kf, group, "policy", NULL);
	if (trace) {
		g_autofree char *dir = g_path_get_dirname(path);

		pt->trace = g_path_is_absolute(trace) ? g_strdup(trace) :
			g_build_filename(dir, trace, NULL);
	}
	if (!get_opt(kf, path, group, "pool_pages", -1, &pool, error) ||
	    !get_opt(kf, path, group, "baseline_ms", 0, &pt->baseline_ms, error) ||
	    !get_opt(kf, path, group, "spread_min_ms", 0, &pt->spread_min_ms, error) ||
	    !get_opt(kf, path, group, "spread_max_ms", 0, &pt->spread_max_ms, error) ||
	    !get_opt(kf, path, group, "measured_fallbacks", -1, &pt->meas_fallbacks, error) ||
	    !get_opt(kf, path, group, "fallbacks_min", -1, &pt->fallbacks_min, error) ||
	    !get_opt(kf, path, group, "fallbacks_max", -1, &pt->fallbacks_max, error) ||
	    !get_opt(kf, path, group, "measured_p50_ms", -1, &pt->meas_p50_ms, error) ||
	    !get_opt(kf, path, group, "measured_peak_pending", -1, &pt->meas_peak, error))
		return FALSE;
	if (pool > G_MAXINT32 || (pool >= 0 && pool != floor(pool)))
		return bad(error, path, group, "pool_pages", "expected a page count");
	pt->pool_pages = pool < 0 ? DS_POOL_AUTO : (int64_t)pool;
	return TRUE;
}

static gboolean load_point(GKeyFile *kf, const char *path, const char *group,
			   struct ds_validate_point *pt, GError **error)
{
	uint64_t procs, mib;

	if (!get_u64(kf, path, group, "procs", 64, &procs, error) ||
	    !get_u64(kf, path, group, "size_mib", 1u << 16, &mib, error) ||
	    !get_dbl(kf, path, group, "published_ms", &pt->published_ms, error))
		return FALSE;
	if (!procs || !mib)
		return bad(error, path, group, procs ? "size_mib" : "procs", "must be at least 1");
	pt->procs = (unsigned int)procs;
	pt->size_mib = (unsigned int)mib;
	pt->fit = g_key_file_get_string(kf, group, "fit", NULL);
	pt->note = g_key_file_get_string(kf, group, "note", NULL);
	if (pt->fit && strcmp(pt->fit, "lock_handover_ns"))
		return bad(error, path, group, "fit", "only lock_handover_ns can be fitted");
	return load_point_more(kf, path, group, pt, error);
}

gboolean ds_validate_load(const char *path, struct ds_validate_suite *s, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) groups = NULL;
	GError *e = NULL;
	uint64_t v;

	memset(s, 0, sizeof(*s));
	s->path = g_strdup(path);
	s->points = g_array_new(FALSE, TRUE, sizeof(struct ds_validate_point));
	g_array_set_clear_func(s->points, point_clear);
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: %s", path, e->message);
		g_error_free(e);
		return FALSE;
	}
	if (!g_key_file_has_group(kf, "suite"))
		return bad(error, path, "suite", "name", "no [suite] group");
	s->name = g_key_file_get_string(kf, "suite", "name", NULL);
	s->description = g_key_file_get_string(kf, "suite", "description", NULL);
	s->profile = g_key_file_get_string(kf, "suite", "profile", NULL);
	s->policy = g_key_file_get_string(kf, "suite", "policy", NULL);
	if (!s->name || !s->profile || !s->policy)
		return bad(error, path, "suite", !s->name ? "name" : !s->profile ? "profile" :
			   "policy", "missing");
	if (!get_opt(kf, path, "suite", "fallback_tolerance", 0.10, &s->fallback_tolerance,
		     error) ||
	    !get_opt(kf, path, "suite", "p50_tolerance", 0.20, &s->p50_tolerance, error) ||
	    !get_dbl(kf, path, "suite", "tolerance", &s->tolerance, error) ||
	    !get_u64(kf, path, "suite", "gap_ns", 1000000000, &s->gap_ns, error) ||
	    !get_u64(kf, path, "suite", "exit_ns", 100000000000ull, &v, error))
		return FALSE;
	s->exit_ns = v;
	groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++) {
		struct ds_validate_point pt = { 0 };

		if (!strcmp(*g, "suite"))
			continue;
		pt.name = g_strdup(*g);
		g_array_append_val(s->points, pt);
		if (!load_point(kf, path, *g, &g_array_index(s->points, struct ds_validate_point,
							       s->points->len - 1), error))
			return FALSE;
	}
	if (!s->points->len)
		return bad(error, path, "suite", "(points)", "no point groups");
	return TRUE;
}

static gboolean synth_set(struct ds_synth_params *sp, const char *k, const char *fmt, uint64_t v,
			  GError **error)
{
	g_autofree char *text = g_strdup_printf(fmt, (guint64)v);

	return ds_synth_params_set(sp, k, text, error);
}

/* The point's workload as an event source: its capture, or a synthetic munmap / LMK burst. */
static struct ds_source *point_source(const struct ds_validate_suite *s,
				      const struct ds_validate_point *pt,
				      const struct ds_profile *prof, unsigned int cpus,
				      struct ds_params *p, unsigned int *ncpus, GError **error)
{
	struct ds_synth_params sp;
	struct ds_trace_opts topts = { .use_cache = true };
	struct ds_source *src;

	if (pt->trace) {
		src = ds_sim_open_trace(pt->trace, &topts, p, error);
		*ncpus = src ? ds_source_info(src)->ncpus : 0;
		return src;
	}
	if (!ds_synth_params_init(&sp, pt->lmk ? "lmk" : "munmap", error) ||
	    !synth_set(&sp, "procs", "%" G_GUINT64_FORMAT, pt->procs, error) ||
	    !synth_set(&sp, pt->lmk ? "footprint_mib" : "size_mib", "%" G_GUINT64_FORMAT,
		       pt->size_mib, error) ||
	    (pt->lmk && !synth_set(&sp, "window", "%" G_GUINT64_FORMAT, 1, error)) ||
	    !synth_set(&sp, "cpus", "%" G_GUINT64_FORMAT, cpus, error) ||
	    !synth_set(&sp, "cost", "fixed:%" G_GUINT64_FORMAT, prof->sync_free_ns[DS_BE_ZRAM],
		       error) ||
	    !synth_set(&sp, "gap", "fixed:%" G_GUINT64_FORMAT, s->gap_ns, error) ||
	    !synth_set(&sp, "exit_delay", "fixed:%" G_GUINT64_FORMAT, s->exit_ns, error) ||
	    !synth_set(&sp, "wq_items", "%" G_GUINT64_FORMAT, 0, error) ||
	    !ds_synth_params_set(&sp, "zs_free", "false", error))
		return NULL;
	*ncpus = cpus;
	return ds_synth_open(&sp, error);
}

/* A run's time by the point's rule: mean or slowest first-release-to-end, or the burst. */
static double run_ms(const struct ds_validate_point *pt, const struct ds_results *r)
{
	uint64_t first = UINT64_MAX, last = 0;
	double sum = 0, top = 0;

	for (guint i = 0; i < r->tasks->len; i++) {
		const struct ds_task_result *t = &g_array_index(r->tasks, struct ds_task_result, i);
		double d = (double)(t->sim_end_ts - t->first_ts);

		sum += d;
		top = MAX(top, d);
		first = MIN(first, t->first_ts);
		last = MAX(last, t->sim_end_ts);
	}
	if (!r->tasks->len)
		return 0;
	if (pt->lmk)
		return (double)(last - first) / 1e6;
	return (pt->slowest ? top : sum / r->tasks->len) / 1e6;
}

static struct ds_results *point_run(const struct ds_validate_suite *s,
				    const struct ds_validate_point *pt,
				    const struct ds_profile *prof, const struct ds_params *params,
				    const char *policy, GError **error)
{
	struct ds_params p = *params;
	unsigned int cpus = params->cpus ? params->cpus : MAX(prof->cpus, pt->procs), n = 0;
	struct ds_source *src;
	struct ds_results *r;

	if (!ds_params_set(&p, "policy", policy, error))
		return NULL;
	if (pt->pool_pages != DS_POOL_AUTO)
		p.pool_pages = pt->pool_pages;
	if (!pt->trace)
		p.cost_source = DS_COST_PROFILE;
	src = point_source(s, pt, prof, cpus, &p, &n, error);
	if (!src)
		return NULL;
	if (!pt->trace)
		p.cpus = cpus;
	r = ds_sim_run(&p, prof, src, n, error);
	ds_source_close(src);
	return r;
}

/*
 * The model's fallbacks, push-to-free p50/p99 (every value) and peak pending, all backends,
 * from the run that gave the point's time (0 under sync: nothing is deferred).
 */
static void take_metrics(struct ds_validate_point *pt, const char *policy,
			 const struct ds_results *r)
{
	const struct ds_backend_result *z = &r->be[DS_BE_ZRAM];

	if (!strcmp(policy, "sync")) {
		pt->model_fallbacks = pt->model_p50_ms = pt->model_p99_ms = pt->model_peak = 0;
		return;
	}
	pt->model_fallbacks = (double)(r->be[0].fallbacks + r->be[1].fallbacks);
	pt->model_p50_ms = (double)ds_hist_quantile(&z->free_latency, 0.5) / 1e6;
	pt->model_p99_ms = (double)ds_hist_quantile(&z->free_latency, 0.99) / 1e6;
	pt->model_peak = (double)z->peak_pending_values;
}

/* One run of @pt: its time, lock wait and, when @metrics is given, the other measures. */
static gboolean point_eval(const struct ds_validate_suite *s, const struct ds_validate_point *pt,
			   const struct ds_profile *prof, const struct ds_params *params,
			   double *ms, double *lock_wait_ms, struct ds_validate_point *metrics,
			   GError **error)
{
	const char *policy = pt->policy ? pt->policy : s->policy;
	struct ds_results *r = point_run(s, pt, prof, params, policy, error), *base;

	if (!r)
		return FALSE;
	*ms = run_ms(pt, r);
	if (lock_wait_ms)
		*lock_wait_ms = (double)r->locks[DS_LOCK_CLASS].wait_ns / pt->procs / 1e6;
	if (metrics)
		take_metrics(metrics, policy, r);
	ds_results_free(r);
	if (!pt->trace || pt->baseline_ms <= 0)
		return TRUE;
	/* measured baseline - what the policy saves in the replay of the same capture */
	base = point_run(s, pt, prof, params, "sync", error);
	if (!base)
		return FALSE;
	*ms = pt->baseline_ms - (run_ms(pt, base) - *ms);
	ds_results_free(base);
	return TRUE;
}

gboolean ds_validate_point_ms(const struct ds_validate_suite *s,
			      const struct ds_validate_point *pt, const struct ds_profile *prof,
			      const struct ds_params *params, double *ms, double *lock_wait_ms,
			      GError **error)
{
	return point_eval(s, pt, prof, params, ms, lock_wait_ms, NULL, error);
}

/* Within tolerance of the mean, or inside the measured range. */
static bool close_enough(double model, double mean, double lo, double hi, double tol)
{
	if (mean > 0 && fabs(model - mean) <= tol * mean)
		return true;
	if (mean == 0 && model <= 0.5)
		return true;
	return hi > 0 && model >= lo && model <= hi;
}

gboolean ds_validate_run(struct ds_validate_suite *s, const struct ds_profile *prof,
			 const struct ds_params *params, GError **error)
{
	for (guint i = 0; i < s->points->len; i++) {
		struct ds_validate_point *pt = &g_array_index(s->points, struct ds_validate_point, i);

		if (!point_eval(s, pt, prof, params, &pt->model_ms, &pt->lock_wait_ms, pt, error))
			return FALSE;
		pt->error = (pt->model_ms - pt->published_ms) / pt->published_ms;
		pt->ok = close_enough(pt->model_ms, pt->published_ms, pt->spread_min_ms,
				      pt->spread_max_ms, s->tolerance);
		pt->fallbacks_ok = pt->meas_fallbacks < 0 ||
			close_enough(pt->model_fallbacks, pt->meas_fallbacks, pt->fallbacks_min,
				     pt->fallbacks_max, s->fallback_tolerance);
		/* a log2 bucket (upper/2, upper]: the model's p50 within it, with the tolerance */
		pt->p50_ok = pt->meas_p50_ms < 0 ||
			(pt->model_p50_ms >= pt->meas_p50_ms / 2 * (1 - s->p50_tolerance) &&
			 pt->model_p50_ms <= pt->meas_p50_ms * (1 + s->p50_tolerance));
	}
	return TRUE;
}

gboolean ds_validate_fit(const struct ds_validate_suite *s, const struct ds_profile *prof,
			 const struct ds_params *params, uint64_t *value, GError **error)
{
	const struct ds_validate_point *pt = NULL;
	struct ds_profile p = *prof;
	uint64_t lo = 0, hi = FIT_MAX_NS;
	double ms_lo, ms_hi, ms;

	for (guint i = 0; i < s->points->len && !pt; i++) {
		const struct ds_validate_point *x = &g_array_index(s->points,
								   struct ds_validate_point, i);

		if (x->fit)
			pt = x;
	}
	if (!pt) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "%s: no point says fit=lock_handover_ns", s->path);
		return FALSE;
	}
	/* the model time grows with the hand-over cost: bisect on it */
	p.lock_handover_ns = lo;
	if (!ds_validate_point_ms(s, pt, &p, params, &ms_lo, NULL, error))
		return FALSE;
	p.lock_handover_ns = hi;
	if (!ds_validate_point_ms(s, pt, &p, params, &ms_hi, NULL, error))
		return FALSE;
	if (ms_lo > pt->published_ms || ms_hi < pt->published_ms) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "%s: [%s] cannot be met by lock_handover_ns in 0..%u ns (%.1f..%.1f ms "
			    "for %.1f ms published)", s->path, pt->name, FIT_MAX_NS, ms_lo, ms_hi,
			    pt->published_ms);
		return FALSE;
	}
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		p.lock_handover_ns = mid;
		if (!ds_validate_point_ms(s, pt, &p, params, &ms, NULL, error))
			return FALSE;
		if (ms < pt->published_ms) {
			lo = mid;
			ms_lo = ms;
		} else {
			hi = mid;
			ms_hi = ms;
		}
	}
	*value = pt->published_ms - ms_lo <= ms_hi - pt->published_ms ? lo : hi;
	return TRUE;
}
