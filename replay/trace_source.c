// SPDX-License-Identifier: MIT
/*
 * trace_source.c - a trace.dat read with libtracecmd as a stream of struct ds_event.
 *
 * Pipeline inside one ds_source_next() call, pull-style, constant memory:
 *   ds_merge (per-CPU records, min-heap by time, backward timestamps clamped)
 *     -> lost-event markers (record->missed_events) become DS_EV_LOST
 *     -> ds_evmap (event id -> kind; numbers read from fields resolved once)
 *     -> records before the replay start are dropped (counted)
 *     -> ds_pairq (holds a release until its return gives it a duration)
 *     -> info counters, duration histogram, optional cache writer -> the caller.
 * struct trace_source owns all of these plus the libtracecmd handle.  The first error is
 * kept (@err) and returned again by every later call.
 */
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <trace-cmd.h>

#include "clock.h"
#include "datfile.h"
#include "evmap.h"
#include "merge.h"
#include "pairq.h"
#include "source_impl.h"
#include "trace_impl.h"

#define PROGRESS_EVERY (1u << 21)	/* records between progress lines */

struct trace_source {
	struct ds_source base;
	char *path;
	gboolean progress;
	struct tracecmd_input *handle;
	struct ds_datfile df;
	struct ds_evmap map;
	struct ds_merge merge;
	struct ds_pairq q;
	struct ds_durhist hist;
	struct ds_trace_info info;
	struct ds_cache_writer *cache;
	uint64_t records;
	gboolean input_done;
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

static void count_lost(struct trace_source *t, const struct tep_record *rec)
{
	unsigned int cpu = (unsigned int)rec->cpu;

	if (cpu >= t->info.ncpus)
		return;
	t->info.lost_markers_per_cpu[cpu]++;
	if (rec->missed_events > 0) {
		t->info.lost_per_cpu[cpu] += (uint64_t)rec->missed_events;
		t->info.lost_total += (uint64_t)rec->missed_events;
	} else {
		t->info.lost_unknown++;
	}
	if (rec->ts < t->info.start_ts)
		return;
	struct ds_event ev = {
		.ts = rec->ts,
		.value = rec->missed_events > 0 ? (uint64_t)rec->missed_events : 0,
		.cpu = (uint16_t)cpu,
		.type = DS_EV_LOST,
	};
	ds_pairq_push(&t->q, &ev, -1);
}

/* Pull one record through map and pairing; FALSE on error. */
static gboolean pull(struct trace_source *t, GError **error)
{
	struct tep_record *rec = ds_merge_next(&t->merge);
	struct ds_event ev;
	int64_t dur;
	int r;

	if (!rec) {
		t->input_done = TRUE;
		ds_pairq_finish(&t->q);
		return TRUE;
	}
	if (t->progress && !(++t->records % PROGRESS_EVERY))
		g_printerr("defersim: %s: %" G_GUINT64_FORMAT " records read\n", t->path, t->records);
	if (rec->missed_events)
		count_lost(t, rec);
	r = ds_evmap_decode(&t->map, rec, &ev, &dur, error);
	tracecmd_free_record(rec);
	if (r <= 0)
		return r == 0;
	if (ev.ts < t->info.start_ts) {
		t->info.dropped_before_start++;
		return TRUE;
	}
	ds_pairq_push(&t->q, &ev, dur);
	return TRUE;
}

/* Reading stopped before the last page holding data: libtracecmd gave up on a page. */
static gboolean check_complete(struct trace_source *t, GError **error)
{
	for (guint i = 0; i < t->df.cpus->len; i++) {
		const struct ds_datfile_cpu *cd = &g_array_index(t->df.cpus, struct ds_datfile_cpu, i);
		const struct ds_merge_cpu *mc;

		if (!cd->has_data || cd->cpu >= t->merge.ncpus)
			continue;	/* compressed (offsets are not file offsets), or empty */
		mc = &t->merge.cpus[cd->cpu];
		if (!mc->records || mc->last_offset < cd->last_data_page) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: CPU %u data stops being "
				    "readable at offset %llu, before its last page at offset %"
				    G_GUINT64_FORMAT " (corrupt ring-buffer page?)", t->path, cd->cpu,
				    mc->records ? mc->last_offset : (unsigned long long)cd->offset,
				    cd->last_data_page);
			return FALSE;
		}
	}
	return TRUE;
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

/* All events delivered: final checks and counters, then commit the cache. */
static gboolean finish(struct trace_source *t, GError **error)
{
	GError *werr = NULL;

	t->finished = TRUE;
	t->info.reordered = t->merge.reordered;
	t->info.unpaired_ends = t->q.unpaired_ends;
	t->info.unreturned = t->q.unreturned;
	t->info.durations = t->hist.count;
	t->info.dur_p50_ns = ds_durhist_quantile(&t->hist, 0.50);
	t->info.dur_p99_ns = ds_durhist_quantile(&t->hist, 0.99);
	t->info.dur_max_ns = t->hist.max;
	if (!t->info.last_ts)
		t->info.last_ts = t->info.start_ts;
	if (!check_complete(t, error))
		return FALSE;
	if (!t->info.events_per_type[DS_EV_RELEASE])
		return no_releases(t, error);
	if (t->cache && !ds_cache_writer_commit(g_steal_pointer(&t->cache), &t->info, &werr)) {
		g_printerr("defersim: warning: not caching %s: %s\n", t->path, werr->message);
		g_error_free(werr);
	}
	return TRUE;
}

static int trace_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct trace_source *t = (struct trace_source *)src;

	if (t->err) {
		g_propagate_error(error, g_error_copy(t->err));
		return -1;
	}
	for (;;) {
		if (ds_pairq_pop(&t->q, ev)) {
			deliver(t, ev);
			return 1;
		}
		if (t->finished)
			return 0;
		if (t->input_done ? !finish(t, &t->err) : !pull(t, &t->err))
			break;
	}
	ds_cache_writer_abort(g_steal_pointer(&t->cache));
	g_propagate_error(error, g_error_copy(t->err));
	return -1;
}

static void trace_close(struct ds_source *src)
{
	struct trace_source *t = (struct trace_source *)src;

	ds_cache_writer_abort(t->cache);
	ds_merge_clear(&t->merge);
	ds_evmap_clear(&t->map);
	ds_pairq_clear(&t->q);
	ds_durhist_clear(&t->hist);
	ds_trace_info_clear(&t->info);
	ds_datfile_clear(&t->df);
	if (t->handle)
		tracecmd_close(t->handle);
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

/* Replay starts at the latest first timestamp over the CPUs that have records. */
static void set_start(struct trace_source *t)
{
	gboolean any = FALSE;

	for (unsigned int c = 0; c < t->merge.ncpus; c++) {
		const struct ds_merge_cpu *mc = &t->merge.cpus[c];

		if (!mc->rec)
			continue;
		t->info.cpus_with_events++;
		if (!any || mc->first_ts < t->info.first_ts)
			t->info.first_ts = mc->first_ts;
		if (!any || mc->first_ts > t->info.start_ts)
			t->info.start_ts = mc->first_ts;
		any = TRUE;
	}
}

static void silence_libraries(void)
{
	/* they print to stderr on malformed input; defersim reports errors itself */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	tracefs_set_loglevel(TEP_LOG_NONE);
}

/*
 * libtracecmd 1.3 does not always fail cleanly on corrupt metadata: tracecmd_open() can
 * crash in its own error path (tracecmd_close() of a half-built handle) or malloc a size
 * read from the file.  So the file is first opened once in a child process; a child that
 * dies turns into an error here instead of a crash of defersim.
 */
#define PROBE_UNREADABLE 3

/* Set when the program runs under a sanitizer (weak: absent otherwise). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/*
 * The probe child's crash is the parent's answer, not the process's: it dies by the default
 * action of its signal, and a sanitizer or fuzzer death callback inherited from the parent
 * (libFuzzer's writes a crash artifact) does not run in it.
 */
static void probe_child_defaults(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

	for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++)
		signal(sigs[i], SIG_DFL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(NULL);
}

static gboolean probe_open(const char *path, GError **error)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return TRUE;	/* cannot probe: go on unprotected */
	if (pid == 0) {
		struct tracecmd_input *h;

		probe_child_defaults();
		h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);

		if (!h)
			_exit(PROBE_UNREADABLE);
		for (int c = 0; c < tep_get_cpus(tracecmd_get_tep(h)); c++) {
			struct tep_record *r = tracecmd_read_cpu_first(h, c);

			if (r)
				tracecmd_free_record(r);
		}
		_exit(0);	/* no tracecmd_close(): the process ends here */
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return TRUE;
	if (WIFEXITED(status) && WEXITSTATUS(status) == PROBE_UNREADABLE)
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: libtracecmd cannot read this "
			    "trace.dat (corrupt or unsupported)", path);
	else
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: libtracecmd fails on this "
			    "trace.dat (%s %d while reading its headers): the file is corrupt", path,
			    WIFSIGNALED(status) ? "signal" : "exit status",
			    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return FALSE;
}

struct ds_source *ds_trace_source_open(const char *path, const char *sha256,
				       const struct ds_trace_opts *opts, GError **error)
{
	struct trace_source *t = g_new0(struct trace_source, 1);
	int ncpus;

	t->base.ops = &trace_ops;
	t->path = g_strdup(path);
	t->progress = opts && opts->progress;
	ds_pairq_init(&t->q, DS_PAIR_HORIZON_NS);
	ds_durhist_init(&t->hist);
	if (!ds_datfile_read(path, &t->df, error) || !check_clock(t, opts && opts->force_clock, error))
		goto fail;
	if (t->df.latency) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: a latency-tracer trace (text): it "
			    "has no per-CPU event data to replay", path);
		goto fail;
	}
	silence_libraries();
	if (!probe_open(path, error))
		goto fail;
	t->handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!t->handle) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: libtracecmd cannot read this "
			    "trace.dat (corrupt or unsupported; trace.dat v%u)", path, t->df.version);
		goto fail;
	}
	ncpus = tep_get_cpus(tracecmd_get_tep(t->handle));
	if (ncpus > DS_TRACE_MAX_CPUS) {
		/* a CPUCOUNT option is a 4-byte number in the file: bound it before allocating */
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: %d CPUs "
			    "(more than %d)", path, ncpus, DS_TRACE_MAX_CPUS);
		goto fail;
	}
	ds_trace_info_init(&t->info, path, ncpus > 0 ? (unsigned int)ncpus : 0);
	g_strlcpy(t->info.sha256, sha256, sizeof(t->info.sha256));
	t->info.file_size = t->df.file_size;
	t->info.file_version = t->df.version;
	g_free(t->info.clock);
	t->info.clock = g_strdup(t->df.clock ? t->df.clock : "unknown");
	t->info.clock_synced = ds_clock_is_synced(t->df.clock, NULL);
	if (!ds_evmap_init(&t->map, t->path, tracecmd_get_tep(t->handle), opts ? opts->map : NULL,
			   opts ? opts->n_map : 0, t->info.maps, error))
		goto fail;
	ds_merge_init(&t->merge, t->handle, t->info.ncpus);
	set_start(t);
	return &t->base;
fail:
	trace_close(&t->base);
	return NULL;
}

void ds_trace_source_set_cache(struct ds_source *src, struct ds_cache_writer *w)
{
	((struct trace_source *)src)->cache = w;
}
