// SPDX-License-Identifier: MIT
/*
 * calibrate.c - hardware-profile calibration from traces (include/ds_calib.h).
 *
 * Data structures:
 * - struct acc: one measured quantity: a log-linear histogram (quantiles), exact sum, count,
 *   min/max, and the sums of ln x and (ln x)^2 (a lognormal's shape);
 * - struct call: a release call in progress (per pid): its start, its end (the release carries
 *   its duration), its backend, whether its zs_free was seen;
 * - struct ds_calib: the accumulators, the traces added, and the per-trace pairing state
 *   (calls by pid, pending work items by work struct) cleared after each trace.
 * The profile is written from a GKeyFile of the base profile (comments kept), every value
 * the traces can tell replaced and commented with its origin.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ds_calib.h"

struct acc {
	struct ds_hist h;
	double sum;
	double sumlog;
	double sumlog2;
};

struct call {
	uint64_t start;
	uint64_t end;
	unsigned int be;
	gboolean zs_seen;
};

struct ds_calib {
	struct acc release[DS_BE__COUNT];
	struct acc tail[DS_BE__COUNT];
	struct acc wake;
	struct acc size;
	GPtrArray *sources;	/* struct ds_calib_source * */
	unsigned int max_cpus;
	uint64_t wq_unmatched;	/* execute_start without a queue_work seen */
	uint64_t no_duration;	/* releases without duration */
	GHashTable *open;	/* pid -> struct call * */
	GHashTable *queued;	/* work struct -> queue_work time + 1 */
};

/* The sums start at zero: struct ds_calib is allocated zeroed. */
static void acc_init(struct acc *a)
{
	ds_hist_init(&a->h);
}

static void acc_add(struct acc *a, uint64_t v)
{
	double l = log((double)MAX(v, 1));

	ds_hist_add(&a->h, v);
	a->sum += (double)v;
	a->sumlog += l;
	a->sumlog2 += l * l;
}

static void acc_stat(const struct acc *a, struct ds_calib_stat *s)
{
	uint64_t n = a->h.count;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!n)
		return;
	s->mean = a->sum / (double)n;
	s->p50 = ds_hist_quantile(&a->h, 0.50);
	s->p90 = ds_hist_quantile(&a->h, 0.90);
	s->p99 = ds_hist_quantile(&a->h, 0.99);
	s->min = a->h.min;
	s->max = a->h.max;
	if (n > 1) {
		double m = a->sumlog / (double)n;
		double var = (a->sumlog2 - (double)n * m * m) / (double)(n - 1);

		s->log_sigma = sqrt(MAX(var, 0.0));
	}
}

static void source_free(gpointer p)
{
	struct ds_calib_source *s = p;

	g_free(s->path);
	g_free(s);
}

struct ds_calib *ds_calib_new(void)
{
	struct ds_calib *c = g_new0(struct ds_calib, 1);

	for (int be = 0; be < DS_BE__COUNT; be++) {
		acc_init(&c->release[be]);
		acc_init(&c->tail[be]);
	}
	acc_init(&c->wake);
	acc_init(&c->size);
	c->sources = g_ptr_array_new_with_free_func(source_free);
	c->open = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	c->queued = g_hash_table_new(g_direct_hash, g_direct_equal);
	return c;
}

void ds_calib_free(struct ds_calib *c)
{
	if (!c)
		return;
	for (int be = 0; be < DS_BE__COUNT; be++) {
		ds_hist_clear(&c->release[be].h);
		ds_hist_clear(&c->tail[be].h);
	}
	ds_hist_clear(&c->wake.h);
	ds_hist_clear(&c->size.h);
	g_ptr_array_unref(c->sources);
	g_hash_table_destroy(c->open);
	g_hash_table_destroy(c->queued);
	g_free(c);
}

/* --- reading a trace --------------------------------------------------------------------- */

static void on_release(struct ds_calib *c, const struct ds_event *ev)
{
	struct call *k;
	unsigned int be = ds_ev_is_zswap(ev) ? DS_BE_ZSWAP : DS_BE_ZRAM;

	if (!(ev->flags & DS_EVF_DURATION)) {
		c->no_duration++;
		g_hash_table_remove(c->open, GINT_TO_POINTER(ev->pid));
		return;
	}
	acc_add(&c->release[be], ev->aux);
	k = g_new0(struct call, 1);
	k->start = ev->ts;
	k->end = ev->ts + ev->aux;
	k->be = be;
	g_hash_table_replace(c->open, GINT_TO_POINTER(ev->pid), k);
}

/* The first zs_free inside a call: from its entry to the call's return. */
static void on_zs_free(struct ds_calib *c, const struct ds_event *ev)
{
	struct call *k = g_hash_table_lookup(c->open, GINT_TO_POINTER(ev->pid));

	if (!k || k->zs_seen || ev->ts < k->start || ev->ts > k->end)
		return;
	k->zs_seen = TRUE;
	acc_add(&c->tail[k->be], k->end - ev->ts);
}

static void on_wq(struct ds_calib *c, const struct ds_event *ev)
{
	gpointer work = GSIZE_TO_POINTER((gsize)ev->aux);
	gpointer queued;

	if (ev->type == DS_EV_WQ_QUEUE) {
		/* the kernel traces queue_work only when it made the item pending */
		if (!g_hash_table_contains(c->queued, work))
			g_hash_table_insert(c->queued, work, GSIZE_TO_POINTER((gsize)ev->ts + 1));
		return;
	}
	queued = g_hash_table_lookup(c->queued, work);
	if (!queued) {
		c->wq_unmatched++;	/* queued before the trace began */
		return;
	}
	acc_add(&c->wake, ev->ts - ((uint64_t)GPOINTER_TO_SIZE(queued) - 1));
	g_hash_table_remove(c->queued, work);
}

static void take(struct ds_calib *c, const struct ds_event *ev)
{
	switch (ev->type) {
	case DS_EV_RELEASE:
		on_release(c, ev);
		break;
	case DS_EV_RELEASE_END:
		g_hash_table_remove(c->open, GINT_TO_POINTER(ev->pid));
		break;
	case DS_EV_ZS_FREE:
		on_zs_free(c, ev);
		break;
	case DS_EV_ZS_MALLOC:
		acc_add(&c->size, ev->value);
		break;
	case DS_EV_WQ_QUEUE:
	case DS_EV_WQ_START:
		on_wq(c, ev);
		break;
	default:
		break;
	}
}

gboolean ds_calib_add(struct ds_calib *c, struct ds_source *src, const char *label,
		      GError **error)
{
	const struct ds_trace_info *info;
	struct ds_calib_source *s;
	struct ds_event ev;
	uint64_t releases = 0;
	int rc;

	while ((rc = ds_source_next(src, &ev, error)) > 0) {
		take(c, &ev);
		releases += ev.type == DS_EV_RELEASE;
	}
	g_hash_table_remove_all(c->open);
	g_hash_table_remove_all(c->queued);
	if (rc < 0)
		return FALSE;
	info = ds_source_info(src);
	s = g_new0(struct ds_calib_source, 1);
	s->path = g_strdup(label);
	s->releases = releases;
	if (info) {
		g_strlcpy(s->sha256, info->sha256, sizeof(s->sha256));
		s->ncpus = info->ncpus;
		s->synthetic = ds_trace_info_is_synthetic(info);
		c->max_cpus = MAX(c->max_cpus, info->ncpus);
	}
	g_ptr_array_add(c->sources, s);
	return TRUE;
}

void ds_calib_release(const struct ds_calib *c, enum ds_backend be, struct ds_calib_stat *s)
{
	acc_stat(&c->release[be], s);
}

void ds_calib_zs_tail(const struct ds_calib *c, enum ds_backend be, struct ds_calib_stat *s)
{
	acc_stat(&c->tail[be], s);
}

void ds_calib_wake(const struct ds_calib *c, struct ds_calib_stat *s)
{
	acc_stat(&c->wake, s);
}

void ds_calib_obj_size(const struct ds_calib *c, struct ds_calib_stat *s)
{
	acc_stat(&c->size, s);
}

const GPtrArray *ds_calib_sources(const struct ds_calib *c)
{
	return c->sources;
}

/* --- human summary ----------------------------------------------------------------------- */

static void print_stat(FILE *out, const char *what, const struct ds_calib_stat *s,
		       const char *unit)
{
	if (!s->n) {
		fprintf(out, "  %-28s none\n", what);
		return;
	}
	fprintf(out, "  %-28s n %" G_GUINT64_FORMAT ", mean %.0f, p50 %" G_GUINT64_FORMAT ", p90 %"
		G_GUINT64_FORMAT ", p99 %" G_GUINT64_FORMAT ", max %" G_GUINT64_FORMAT " %s; "
		"sigma(ln) %.3f\n", what, s->n, s->mean, s->p50, s->p90, s->p99, s->max, unit,
		s->log_sigma);
}

void ds_calib_print(const struct ds_calib *c, FILE *out)
{
	struct ds_calib_stat s;

	fprintf(out, "calibration from %u trace(s):\n", c->sources->len);
	for (guint i = 0; i < c->sources->len; i++) {
		const struct ds_calib_source *src = g_ptr_array_index(c->sources, i);

		fprintf(out, "  %s: %" G_GUINT64_FORMAT " releases, %u CPUs%s\n", src->path,
			src->releases, src->ncpus, src->synthetic ? ", SYNTHETIC" : "");
	}
	fprintf(out, "measured:\n");
	ds_calib_release(c, DS_BE_ZRAM, &s);
	print_stat(out, "zram release duration", &s, "ns");
	ds_calib_release(c, DS_BE_ZSWAP, &s);
	print_stat(out, "zswap release duration", &s, "ns");
	ds_calib_zs_tail(c, DS_BE_ZRAM, &s);
	print_stat(out, "zram zs_free -> return", &s, "ns");
	ds_calib_zs_tail(c, DS_BE_ZSWAP, &s);
	print_stat(out, "zswap zs_free -> return", &s, "ns");
	ds_calib_wake(c, &s);
	print_stat(out, "queue_work -> execute_start", &s, "ns");
	ds_calib_obj_size(c, &s);
	print_stat(out, "zs_malloc size", &s, "bytes");
	fprintf(out, "  releases without duration: %" G_GUINT64_FORMAT "; execute_start without "
		"queue_work: %" G_GUINT64_FORMAT "\n", c->no_duration, c->wq_unmatched);
}

/* --- the profile ------------------------------------------------------------------------- */

/* What the writer knows while it edits the key file. */
struct pw {
	GKeyFile *kf;
	GHashTable *done;	/* "group/key" set by calibration */
	const char *base_name;
	GString *from;		/* "N samples from TRACES" text for comments */
};

static char *kv_id(const char *group, const char *key)
{
	return g_strdup_printf("%s/%s", group, key);
}

static void set_measured(struct pw *w, const char *group, const char *key, const char *value,
			 const char *comment)
{
	g_key_file_set_value(w->kf, group, key, value);
	g_key_file_set_comment(w->kf, group, key, comment, NULL);
	g_hash_table_add(w->done, kv_id(group, key));
}

static void set_ns(struct pw *w, const char *key, double ns, const char *comment)
{
	g_autofree char *v = g_strdup_printf("%" G_GUINT64_FORMAT, (uint64_t)llround(MAX(ns, 0)));

	set_measured(w, "costs", key, v, comment);
}

static char *stat_text(const struct ds_calib_stat *s, const char *unit)
{
	return g_strdup_printf("n %" G_GUINT64_FORMAT "; mean %.0f, p50 %" G_GUINT64_FORMAT ", p90 %"
			       G_GUINT64_FORMAT ", p99 %" G_GUINT64_FORMAT ", max %" G_GUINT64_FORMAT
			       " %s; sigma(ln) %.2f", s->n, s->mean, s->p50, s->p90, s->p99, s->max,
			       unit, s->log_sigma);
}

static void calibrate_backend(struct pw *w, const struct ds_calib *c, enum ds_backend be,
			      const struct ds_profile *base)
{
	const char *name = ds_backend_name(be);
	g_autofree char *sync_key = g_strdup_printf("sync_free_%s_ns", name);
	g_autofree char *drain_key = g_strdup_printf("drain_entry_%s_ns", name);
	g_autofree char *st = NULL, *cm = NULL, *dm = NULL;
	struct ds_calib_stat s;
	double drain;

	ds_calib_release(c, be, &s);
	if (s.n < DS_CALIB_MIN_DURATIONS)
		return;
	st = stat_text(&s, "ns");
	cm = g_strdup_printf(" [C] mean duration of the %s release calls (notify entry to return) "
			     "in %s\n (%s)", name, w->from->str, st);
	set_ns(w, sync_key, s.mean, cm);
	if (be == DS_BE_ZRAM) {
		drain = s.mean;
		dm = g_strdup(" [C] = sync_free_zram_ns: the worker does the same slot_lock + "
			      "slot_free + unlock (spec §2)");
	} else {
		/* zswap's drain is zswap_entry_free() without the tree erase: keep the base's
		 * proportion between the two */
		drain = base->sync_free_ns[be] ?
			s.mean * (double)base->drain_entry_ns[be] / (double)base->sync_free_ns[be] :
			s.mean;
		dm = g_strdup_printf(" [C x base] sync_free_zswap_ns x %" G_GUINT64_FORMAT "/%"
				     G_GUINT64_FORMAT " (the base profile's drain/sync proportion: the"
				     " drain is zswap_entry_free() without the tree erase)",
				     base->drain_entry_ns[be], base->sync_free_ns[be]);
	}
	set_ns(w, drain_key, drain, dm);
}

static void calibrate_zs_free(struct pw *w, const struct ds_calib *c)
{
	struct ds_calib_stat z, r;
	enum ds_backend be = DS_BE_ZRAM;
	g_autofree char *st = NULL, *cm = NULL;

	ds_calib_zs_tail(c, DS_BE_ZRAM, &z);
	if (z.n < DS_CALIB_MIN_DURATIONS) {
		be = DS_BE_ZSWAP;
		ds_calib_zs_tail(c, be, &z);
	}
	if (z.n < DS_CALIB_MIN_DURATIONS)
		return;
	ds_calib_release(c, be, &r);
	st = stat_text(&z, "ns");
	cm = g_strdup_printf(" [C, upper bound] mean time from zs_free's entry to the return of "
			     "the %s call around it in %s\n (%s; %.0f%% of the mean call).  "
			     "Kprobes record entries only: this includes what follows zs_free in the"
			     " call", ds_backend_name(be), w->from->str, st,
			     r.mean > 0 ? 100.0 * z.mean / r.mean : 0.0);
	set_ns(w, "zs_free_ns", z.mean, cm);
}

static void calibrate_wake(struct pw *w, const struct ds_calib *c)
{
	struct ds_calib_stat s;
	g_autofree char *st = NULL, *cm = NULL, *sig = NULL;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	ds_calib_wake(c, &s);
	if (s.n < DS_CALIB_MIN_WAKES)
		return;
	st = stat_text(&s, "ns");
	cm = g_strdup_printf(" [C] median of the queue_work -> execute_start latencies of every "
			     "work item in %s\n (%s); lognormal with sigma = the standard "
			     "deviation of ln(latency)", w->from->str, st);
	set_ns(w, "wake_latency_ns", (double)s.p50, cm);
	set_measured(w, "costs", "wake_dist", "lognormal", " [C] see wake_latency_ns");
	sig = g_strdup(g_ascii_formatd(buf, sizeof(buf), "%.3f", MAX(s.log_sigma, 0.001)));
	set_measured(w, "costs", "wake_sigma", sig, " [C] see wake_latency_ns");
}

/*
 * The time the calibrated costs are in: emulated when any trace's provenance says it was
 * recorded under emulation, real when every one says real; else the key is left out (unknown).
 */
static void calibrate_time_base(struct pw *w, const struct ds_calib *c)
{
	unsigned int emulated = 0, real = 0;

	for (guint i = 0; i < c->sources->len; i++) {
		const struct ds_calib_source *src = g_ptr_array_index(c->sources, i);
		enum ds_time_base t = src->path ? ds_trace_time_base(src->path, NULL, 0) :
			DS_TIME_UNKNOWN;

		emulated += t == DS_TIME_EMULATED;
		real += t == DS_TIME_REAL;
	}
	if (emulated)
		set_measured(w, "profile", "time_base", "emulated", " [C] the traces' provenance: "
			     "recorded under software emulation (QEMU TCG), so every [C] cost is "
			     "emulated time");
	else if (real && real == c->sources->len)
		set_measured(w, "profile", "time_base", "real", " [C] the traces' provenance: "
			     "recorded on hardware (or under KVM)");
}

static void calibrate_profile_group(struct pw *w, const struct ds_calib *c, const char *name,
				    const char *base_name)
{
	struct ds_calib_stat s;
	g_autofree char *desc = g_strdup_printf("calibrated by defersim calibrate from %u trace(s) "
						"(see the header); base profile %s", c->sources->len,
						base_name);

	set_measured(w, "profile", "name", name, " [C] the calibrated profile");
	set_measured(w, "profile", "description", desc, NULL);
	calibrate_time_base(w, c);
	if (c->max_cpus) {
		g_autofree char *v = g_strdup_printf("%u", c->max_cpus);

		set_measured(w, "profile", "cpus", v, " [C] CPUs of the traces (the most of any)");
	}
	ds_calib_obj_size(c, &s);
	if (s.n >= DS_CALIB_MIN_SIZES) {
		g_autofree char *v = g_strdup_printf("%.0f", s.mean);
		g_autofree char *st = stat_text(&s, "bytes");
		g_autofree char *cm = g_strdup_printf(" [C] mean zs_malloc size in %s\n (%s)",
						      w->from->str, st);

		set_measured(w, "profile", "object_bytes", v, cm);
	}
}

/* Why the traces cannot tell a key the calibration left alone. */
static const char *why_kept(const char *group, const char *key)
{
	static const struct { const char *key; const char *why; } known[] = {
		{ "push_ns", "a kernel without the series has no push" },
		{ "swap_ns", "a kernel without the series swaps no pages" },
		{ "queue_work_ns", "the series' queue_work is not in a trace without it" },
		{ "lock_ns", "no probe measures a lock alone" },
		{ "drain_page_ns", "a kernel without the series has no drain worker" },
		{ "copy_entry_ns", "a kernel without the series has no v2 array" },
		{ "page_size", "the trace does not record the page size" },
	};

	if (!strcmp(group, "sizes"))
		return "object sizes by class are not derived from zs_malloc sizes";
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
		if (!strcmp(key, known[i].key))
			return known[i].why;
	return "the traces have too few samples for it (or none)";
}

/* Comment every key of the base that calibration did not set: kept, and why. */
static void mark_kept(struct pw *w)
{
	g_auto(GStrv) groups = g_key_file_get_groups(w->kf, NULL);

	for (size_t g = 0; groups[g]; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(w->kf, groups[g], NULL, NULL);

		for (size_t k = 0; keys && keys[k]; k++) {
			g_autofree char *id = kv_id(groups[g], keys[k]);
			g_autofree char *old = NULL, *cm = NULL;

			if (g_hash_table_contains(w->done, id))
				continue;
			old = g_key_file_get_comment(w->kf, groups[g], keys[k], NULL);
			cm = g_strdup_printf(" [base %s] kept: %s%s%s", w->base_name,
					     why_kept(groups[g], keys[k]), old ? "\n" : "",
					     old ? old : "");
			g_key_file_set_comment(w->kf, groups[g], keys[k], cm, NULL);
		}
	}
}

static char *header_text(const struct ds_calib *c, const struct ds_profile *base,
			 const char *command)
{
	GString *s = g_string_new(NULL);
	g_autofree char *base_file = base->path ? g_path_get_basename(base->path) : NULL;

	g_string_append_printf(s, " Calibrated by defersim %s: %s\n from:", DS_VERSION,
			       command ? command : "defersim calibrate");
	for (guint i = 0; i < c->sources->len; i++) {
		const struct ds_calib_source *src = g_ptr_array_index(c->sources, i);

		g_string_append_printf(s, "\n   %s (sha256 %.16s..., %" G_GUINT64_FORMAT
				       " releases, %u CPUs%s)", src->path, src->sha256, src->releases,
				       src->ncpus, src->synthetic ? ", SYNTHETIC" : "");
	}
	g_string_append_printf(s, "\n base profile: %s (%s)\n"
			       " [C] = measured from these traces; [base %s] = kept from the base "
			       "profile, the traces cannot tell it.\n"
			       " Costs are in the traces' time: traces recorded under emulation "
			       "(QEMU TCG) give emulated time.", base->name,
			       base_file ? base_file : "built-in", base->name);
	return g_string_free(s, FALSE);
}

/* Write @data to a temporary file next to @path, check it loads as a profile, rename. */
static gboolean write_checked(const char *path, const char *data, gsize len, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *tmpname = g_strdup_printf("%s.tmp.XXXXXX", base);
	g_autofree char *tmp = g_build_filename(dir, tmpname, NULL);
	struct ds_profile *check;
	int fd = g_mkstemp_full(tmp, O_RDWR, 0666);
	gboolean ok;

	if (fd < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", tmp,
			    g_strerror(errno));
		return FALSE;
	}
	ok = write(fd, data, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: write error: %s", tmp,
			    g_strerror(errno));
		g_unlink(tmp);
		return FALSE;
	}
	check = ds_profile_load(tmp, error);
	if (!check) {
		g_unlink(tmp);
		return FALSE;
	}
	ds_profile_free(check);
	if (g_rename(tmp, path) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot rename to %s: %s", tmp, path,
			    g_strerror(errno));
		g_unlink(tmp);
		return FALSE;
	}
	return TRUE;
}

gboolean ds_calib_write_profile(const struct ds_calib *c, const char *base, const char *name,
				const char *command, const char *path, GError **error)
{
	struct ds_profile *bp;
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GString) from = g_string_new(NULL);
	g_autofree char *head = NULL, *data = NULL;
	struct pw w = { kf, done, NULL, from };
	gsize len = 0;

	if (!ds_output_path_check(path, error))
		return FALSE;
	gboolean ok;

	if (!c->sources->len) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "no trace to calibrate from");
		return FALSE;
	}
	bp = ds_profile_load(base, error);
	if (!bp)
		return FALSE;
	if (!g_key_file_load_from_file(kf, bp->path, G_KEY_FILE_KEEP_COMMENTS, error)) {
		ds_profile_free(bp);
		return FALSE;
	}
	w.base_name = bp->name;
	g_string_append(from, c->sources->len == 1 ? "the trace" :
			"the traces of the header");
	calibrate_profile_group(&w, c, name, bp->name);
	calibrate_backend(&w, c, DS_BE_ZRAM, bp);
	calibrate_backend(&w, c, DS_BE_ZSWAP, bp);
	calibrate_zs_free(&w, c);
	calibrate_wake(&w, c);
	mark_kept(&w);
	head = header_text(c, bp, command);
	ok = g_key_file_set_comment(kf, NULL, NULL, head, error);
	ds_profile_free(bp);
	if (!ok)
		return FALSE;
	data = g_key_file_to_data(kf, &len, error);
	return data && write_checked(path, data, len, error);
}
