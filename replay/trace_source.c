// SPDX-License-Identifier: MIT
/*
 * trace_source.c - a trace.dat read with libtracecmd as a stream of struct ds_event.
 *
 * The parent side of the decode (decode.h): the headers are walked here first (datfile.c;
 * and the pages of a compressed trace, whose chunk sizes libtracecmd trusts), then reader
 * child processes run libtracecmd, each on a group of the CPUs, and stream batches of
 * decoded records through pipes (readers.h merges them by time).  Beside them a thread of
 * this process (@walker) hashes the file (when the caller did not give its sha256) and
 * walks the pages of an uncompressed trace (pagecheck.c: the records each CPU holds,
 * damaged pages); it is joined at the end, before anything reads what it found.
 * Here, on the merged stream:
 *     records before the replay start are dropped (counted)
 *     -> ds_pairq (holds a release until its return gives it a duration)
 *     -> each event counted (info, duration histogram) and fed to the optional cache writer.
 * At the end the readers' final info (maps, lost events) is added to ours, and what each CPU
 * delivered is compared with what its pages hold: a difference, a damaged page or a crash of
 * a reader is damage, an error (DS_ERROR_DAMAGED) unless the caller accepts it (then
 * reported in info->damage, and nothing is cached).  The first error is kept (@err) and
 * returned again by every later call.
 */
#include <errno.h>
#include <string.h>

#include "clock.h"
#include "datfile.h"
#include "pageplan.h"
#include "pairq.h"
#include "readers.h"
#include "source_impl.h"
#include "trace_impl.h"

#define NO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct trace_source {
	struct ds_source base;
	char *path;
	char sha256[65];
	gboolean hash_pending;		/* @sha256 is the walker's to compute */
	GThread *walker;		/* hashes and walks pages while the readers decode */
	GError *walk_err;
	gboolean accept_damaged;	/* what the caller asked */
	gboolean opened;		/* every reader sent its first message */
	struct ds_datfile df;
	struct ds_readers rs;
	struct ds_pairq q;
	struct ds_durhist hist;
	struct ds_trace_info info;
	struct ds_cache_writer *cache;
	gboolean input_done;		/* every reader finished, the pairq given up */
	gboolean finished;
	GError *err;
};

static void deliver(struct trace_source *t, const struct ds_event *ev)
{
	GError *werr = NULL;

	ds_trace_info_count(&t->info, ev);
	if (ev->type == DS_EV_RELEASE && (ev->flags & DS_EVF_DURATION))
		ds_durhist_add(&t->hist, ev->aux);
	if (t->cache && !ds_cache_writer_add(t->cache, ev, &werr)) {
		g_printerr("defersim: warning: not caching %s: %s\n", t->path, werr->message);
		g_error_free(werr);
		ds_cache_writer_abort(g_steal_pointer(&t->cache));
	}
}

/* What the file's walk knows, in the info the readers sent. */
static void add_file_info(struct trace_source *t, struct ds_trace_info *info)
{
	info->file_size = t->df.file_size;
	info->file_version = t->df.version;
	g_free(info->clock);
	info->clock = g_strdup(t->df.clock ? t->df.clock : "unknown");
	info->clock_synced = ds_clock_is_synced(t->df.clock, NULL);
}

/*
 * What the pages hold against what the decoder delivered, per CPU; NULL if all agree.  The
 * counts are only compared when the decoder read to the end (@complete): one that stopped
 * on an error (a bad --map, say) read less because it stopped.
 */
static struct ds_trace_damage *find_damage(struct trace_source *t, char *crash,
					   gboolean complete)
{
	struct ds_trace_damage *d = g_new0(struct ds_trace_damage, 1);
	gboolean bad = crash != NULL;

	d->crash = crash;
	d->complete = complete;
	d->cpus = g_new0(struct ds_trace_damage_cpu, t->df.cpus->len ? t->df.cpus->len : 1);
	for (guint i = 0; i < t->df.cpus->len; i++) {
		const struct ds_datfile_cpu *cd = &g_array_index(t->df.cpus, struct ds_datfile_cpu, i);
		struct ds_trace_damage_cpu *c = &d->cpus[d->ncpus++];

		c->cpu = cd->cpu;
		c->records_expected = cd->check.records;
		c->records_read = 0;
		for (unsigned int k = 0; k < t->rs.n && cd->cpu < DS_TRACE_MAX_CPUS; k++)
			c->records_read += ds_decode_records(t->rs.sh, k)[cd->cpu];
		c->pages = cd->check.pages;
		c->pages_damaged = cd->check.damaged_pages;
		c->bytes_damaged = cd->check.damaged_bytes;
		c->first_offset = cd->check.first_damaged;
		c->first_reason = cd->check.first_reason;
		d->records_expected += c->records_expected;
		d->records_read += c->records_read;
		if (c->records_read < c->records_expected)
			d->records_missing += c->records_expected - c->records_read;
		d->pages_damaged += c->pages_damaged;
		d->bytes_damaged += c->bytes_damaged;
		bad |= c->pages_damaged || (complete && c->records_read != c->records_expected);
	}
	if (!bad)
		ds_trace_damage_free(d);
	return bad ? d : NULL;
}

static gboolean no_releases(struct trace_source *t, GError **error)
{
	GString *have = g_string_new(NULL);

	for (guint i = 0; i < t->info.maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(t->info.maps, i);

		if (mi->count)
			g_string_append_printf(have, "%s%s/%s (%" G_GUINT64_FORMAT ")",
					       have->len ? ", " : "", mi->system, mi->name, mi->count);
	}
	g_set_error(error, DS_ERROR, DS_ERROR_NO_RELEASES, "%s: no swap release events: no record "
		    "maps to a release (defersim/zram_free, defersim/zswap_inv, a kprobe on "
		    "zram_slot_free_notify or zswap_invalidate, function_graph of them, or --map); "
		    "the trace contains: %s", t->path, have->len ? have->str : "no records at all");
	g_string_free(have, TRUE);
	return FALSE;
}

static gpointer walk_file(gpointer data)
{
	struct trace_source *t = data;

	if (t->hash_pending && !ds_file_sha256(t->path, t->sha256, &t->walk_err))
		return NULL;
	ds_datfile_walk_pages(t->path, &t->df, &t->walk_err);
	return NULL;
}

/*
 * A small file is hashed and walked before the decode starts, as it always was: a thread
 * would gain nothing there.  A large one (bench/README.md: 64 CPUs, 902 MB) beside it.
 */
#define WALK_BESIDE_MIN (64u << 20)

static gboolean walk_now(struct trace_source *t, GError **error)
{
	walk_file(t);
	if (t->walk_err) {
		g_propagate_error(error, g_steal_pointer(&t->walk_err));
		return FALSE;
	}
	t->hash_pending = FALSE;
	return TRUE;
}

/* Wait for the walker; its error (the file unreadable) is the stream's. */
static gboolean join_walker(struct trace_source *t, GError **error)
{
	if (t->walker)
		g_thread_join(g_steal_pointer(&t->walker));
	if (t->walk_err) {
		g_propagate_error(error, g_steal_pointer(&t->walk_err));
		return FALSE;
	}
	if (t->hash_pending && t->info.maps)
		g_strlcpy(t->info.sha256, t->sha256, sizeof(t->info.sha256));
	t->hash_pending = FALSE;
	return TRUE;
}

/* Durations, and the end of a stream that had no event. */
static void finish_counts(struct trace_source *t)
{
	t->info.durations = t->hist.count;
	t->info.dur_p50_ns = ds_durhist_quantile(&t->hist, 0.50);
	t->info.dur_p99_ns = ds_durhist_quantile(&t->hist, 0.99);
	t->info.dur_max_ns = t->hist.max;
	if (!t->info.last_ts)
		t->info.last_ts = t->info.start_ts;
}

/* Every reader finished: what they counted (lost events, clamped times, records per event
 * and what each probe sits on), and the pairing's counts. */
static void add_finals(struct trace_source *t)
{
	struct ds_trace_info *info = &t->info;

	for (unsigned int k = 0; k < t->rs.n; k++) {
		const struct ds_trace_info *f = &t->rs.r[k].final;

		for (unsigned int c = 0; c < info->ncpus && c < f->ncpus; c++) {
			info->lost_per_cpu[c] += f->lost_per_cpu[c];
			info->lost_markers_per_cpu[c] += f->lost_markers_per_cpu[c];
		}
		info->lost_total += f->lost_total;
		info->lost_unknown += f->lost_unknown;
		info->reordered += f->reordered;
		ds_trace_info_add_maps(info, f);
	}
	info->unpaired_ends = t->q.unpaired_ends;
	info->unreturned = t->q.unreturned;
}

/*
 * The readers are done: all finished (@final), one sent an error (@child_err) or died.
 * Decide the stream's end: damage first (a damaged file's other errors are its
 * consequences), then the reader's error, then "no releases".
 */
static gboolean conclude(struct trace_source *t, gboolean final, GError *child_err,
			 GError **error)
{
	struct ds_readers_paths paths;
	char *crash = ds_readers_reap(&t->rs);

	/* which reader ran (G_MESSAGES_DEBUG=all shows it) */
	ds_readers_paths(&t->rs, &paths);
	g_debug("%s: %u reader(s), %u with the page decoder (%u CPUs, %u of them handed to "
		"libtracecmd at a damaged page)%s%s", t->path, t->rs.n, paths.native_readers,
		paths.native_cpus, paths.handed_over, paths.why ? "; else: " : "",
		paths.why ? ds_pageplan_why_name(paths.why) : "");
	struct ds_trace_damage *d;

	t->finished = TRUE;
	if (!join_walker(t, error)) {
		g_free(crash);
		g_clear_error(&child_err);
		return FALSE;
	}
	d = find_damage(t, crash, final);
	if (d && (!t->accept_damaged || !t->opened)) {
		g_autofree char *what = ds_trace_damage_describe(d);

		g_set_error(error, DS_ERROR, DS_ERROR_DAMAGED, "%s: damaged trace.dat: %s%s%s.  %s",
			    t->path, what, child_err ? "; then: " : "",
			    child_err ? child_err->message : "", t->accept_damaged ?
			    "Nothing of it is readable" : "Pass --accept-damaged to replay what is readable");
		ds_trace_damage_free(d);
		g_clear_error(&child_err);
		return FALSE;
	}
	if (child_err && !d) {
		g_propagate_error(error, child_err);
		return FALSE;
	}
	g_clear_error(&child_err);
	if (final)
		add_finals(t);
	finish_counts(t);
	t->info.damage = d;
	if (!t->info.events_per_type[DS_EV_RELEASE])
		return no_releases(t, error);
	return TRUE;
}

/* One item of the merged stream into the pairing queue (or dropped before the start). */
static void take_item(struct trace_source *t, const struct ds_decode_item *it)
{
	struct ds_event ev;
	int64_t dur = ds_decode_item_take(it, &ev);

	if (ev.type == DS_EV_LOST) {
		/* counted by its reader whatever its time */
		if (ev.ts >= t->info.start_ts)
			ds_pairq_push(&t->q, &ev, -1);
		return;
	}
	if (ev.ts < t->info.start_ts) {
		t->info.dropped_before_start++;
		return;
	}
	ds_pairq_push(&t->q, &ev, dur);
}

/* Pull the merged stream until an event is ready (1), the end (0) or an error (-1). */
static int advance(struct trace_source *t, GError **error)
{
	const struct ds_decode_item *it;
	int r;

	if (t->input_done)
		return conclude(t, TRUE, NULL, error) ? 0 : -1;
	r = ds_readers_next(&t->rs, &it, error);
	if (r > 0) {
		take_item(t, it);
		return 1;
	}
	if (r == 0) {
		ds_pairq_finish(&t->q);
		t->input_done = TRUE;
		return 1;
	}
	if (r == -1)
		return conclude(t, FALSE, ds_readers_take_error(&t->rs), error) ? 0 : -1;
	return -1;
}

static int trace_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct trace_source *t = (struct trace_source *)src;
	GError *werr = NULL;
	int r;

	while (!t->err) {
		if (!t->finished && ds_pairq_pop(&t->q, ev)) {
			deliver(t, ev);
			return 1;
		}
		if (t->finished)
			return 0;
		r = advance(t, &t->err);
		if (r < 0)
			break;
		if (r == 0 && !t->info.damage && t->cache &&
		    !ds_cache_writer_commit(g_steal_pointer(&t->cache), &t->info, &werr)) {
			g_printerr("defersim: warning: not caching %s: %s\n", t->path, werr->message);
			g_clear_error(&werr);
		}
		if (r == 0)
			return 0;
	}
	ds_cache_writer_abort(g_steal_pointer(&t->cache));
	g_propagate_error(error, g_error_copy(t->err));
	return -1;
}

static void trace_close(struct ds_source *src)
{
	struct trace_source *t = (struct trace_source *)src;

	ds_cache_writer_abort(t->cache);
	ds_readers_clear(&t->rs);	/* closed before the end: the rest is not wanted */
	if (t->walker)
		g_thread_join(t->walker);
	g_clear_error(&t->walk_err);
	ds_pairq_clear(&t->q);
	ds_durhist_clear(&t->hist);
	ds_trace_info_clear(&t->info);
	ds_datfile_clear(&t->df);
	g_clear_error(&t->err);
	g_free(t->path);
	g_free(t);
}

static const struct ds_trace_info *trace_info(const struct ds_source *src)
{
	return &((const struct trace_source *)src)->info;
}

static const struct ds_source_ops trace_ops = {
	.next = trace_next,
	.close = trace_close,
	.info = trace_info,
};

static gboolean check_clock(struct trace_source *t, gboolean force, GError **error)
{
	const char *note = NULL;

	if (ds_clock_is_synced(t->df.clock, &note) || force)
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_CLOCK, "%s: trace clock \"%s\" is not synchronised "
		    "across CPUs (%s): replay merges the CPUs by timestamp, so their order could be "
		    "wrong.  Record with -C mono (or boot, global, mono_raw), or pass --force-clock "
		    "to replay it anyway", t->path, t->df.clock ? t->df.clock : "unknown", note);
	return FALSE;
}

/* Start the readers and take their first messages: the info at the start, or why not. */
static gboolean start_decoder(struct trace_source *t, const struct ds_trace_opts *opts,
			      GError **error)
{
	int r;

	/* the readers' info carries a well-formed hash; the real one replaces it at the end */
	if (!ds_readers_start(&t->rs, t->path, t->hash_pending ? NO_HASH : t->sha256, opts,
			      &t->df, error))
		return FALSE;
	/* after the forks: a child never holds a copy of a running thread's state */
	if (t->hash_pending || t->df.pages_pending)
		t->walker = g_thread_new("ds-walk", walk_file, t);
	r = ds_readers_open(&t->rs, &t->info, error);
	if (r > 0) {
		t->opened = TRUE;
		add_file_info(t, &t->info);
		if (t->hash_pending)
			t->info.sha256[0] = '\0';	/* not known yet */
		return TRUE;
	}
	if (r < 0)
		return FALSE;
	/* one failed or died before its first message: no info to return partial data with */
	conclude(t, FALSE, ds_readers_take_error(&t->rs), error);
	if (error && !*error)
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: libtracecmd cannot read this "
			    "trace.dat", t->path);
	return FALSE;
}

struct ds_source *ds_trace_source_open(const char *path, const char *sha256,
				       const struct ds_trace_opts *opts, GError **error)
{
	struct trace_source *t = g_new0(struct trace_source, 1);

	t->base.ops = &trace_ops;
	t->path = g_strdup(path);
	t->hash_pending = !sha256;
	g_strlcpy(t->sha256, sha256 ? sha256 : NO_HASH, sizeof(t->sha256));
	t->accept_damaged = opts && opts->accept_damaged;
	ds_pairq_init(&t->q, DS_PAIR_HORIZON_NS);
	ds_durhist_init(&t->hist);
	if (!ds_datfile_read_headers(path, &t->df, error) ||
	    !check_clock(t, opts && opts->force_clock, error) ||
	    (t->df.file_size < WALK_BESIDE_MIN && !walk_now(t, error)))
		goto fail;
	if (t->df.latency) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: a latency-tracer trace (text): it "
			    "has no per-CPU event data to replay", path);
		goto fail;
	}
	if (!start_decoder(t, opts, error))
		goto fail;
	return &t->base;
fail:
	trace_close(&t->base);
	return NULL;
}

const struct ds_readers *ds_trace_source_readers(struct ds_source *src)
{
	return src && src->ops == &trace_ops ? &((struct trace_source *)src)->rs : NULL;
}

void ds_trace_source_set_cache(struct ds_source *src, struct ds_cache_writer *w)
{
	((struct trace_source *)src)->cache = w;
}
