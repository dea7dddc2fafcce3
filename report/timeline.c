// SPDX-License-Identifier: MIT
/*
 * timeline.c - struct ds_timeline: a simulated run as Chrome/Perfetto trace-event JSON
 * (include/ds_timeline.h; docs/timeline.md says what each track and event means).
 *
 * The file is the trace-event format's JSON object form:
 *   {"displayTimeUnit":"ns","traceEvents":[ one event per line ],"otherData":{...}}
 * with complete events (ph X, ts and dur in microseconds as decimals, exact to the ns),
 * instant events (ph i), counter events (ph C) and metadata (ph M) naming the tracks.
 *
 * Tracks: process 1 "virtual CPUs" has one thread per virtual CPU (tid 1 + cpu *
 * DS_TIMELINE_LANES); process 2 "drain workers" one per work item (tid 1 + backend * 1024 +
 * worker); process 3 "pools" holds the counters.  Slices on one thread must nest (the format
 * and Perfetto draw a thread as one call stack), but tasks sharing a virtual CPU run their
 * hot paths at once (processor sharing, docs/model.md), so a CPU's slices are laid on lanes:
 * @lanes[cpu] holds per lane the latest end of a slice put on it, and a slice goes on the
 * first lane it does not overlap (extra lanes are threads "cpu N (shared k)").  Slices come
 * when they end, not sorted; a lane takes a slice only if it starts at or after everything
 * on it, so no lane ever holds two overlapping slices, whatever the order.
 *
 * State besides the stdio buffer: the lanes (CPUs x lanes used), the tracks already named
 * (a hash set), the last counter values per pool: bounded by the run's shape, not its length.
 */
#include <inttypes.h>
#include <string.h>

#include "ds_report.h"
#include "ds_timeline.h"

#define PID_CPUS 1
#define PID_WORKERS 2
#define PID_POOLS 3
#define WORKER_TIDS 1024

struct ds_timeline {
	struct ds_sim_observer obs;
	struct ds_outfile *out;
	FILE *f;
	struct ds_timeline_opts o;
	struct ds_timeline_stats st;
	bool started;
	bool any;		/* an event was written: the next one needs a comma */
	uint64_t t0;		/* first event (sim time) */
	uint64_t from, to;	/* the window, absolute */
	uint64_t end;		/* DS_OBS_END */
	unsigned int ncpus;
	GArray **lanes;		/* per CPU: uint64_t end per lane */
	GHashTable *named;	/* tid * 4 + pid of the threads already named */
	bool ctr_seen[DS_BE__COUNT];
	bool ctr_primed;	/* the values at the window's start were written */
	uint64_t ctr_free[DS_BE__COUNT];
	uint64_t ctr_pending[DS_BE__COUNT];
};

static void put_sep(struct ds_timeline *tl)
{
	fputs(tl->any ? ",\n" : "\n", tl->f);
	tl->any = true;
}

/* ns as microseconds with three decimals: exact, no floating-point rounding */
static void put_us(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, "\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned int)(ns % 1000));
}

/* a metadata event: @what is process_name or thread_name (names are ours: no escaping) */
static void put_meta(struct ds_timeline *tl, int pid, uint64_t tid, const char *what,
		     const char *name)
{
	put_sep(tl);
	fprintf(tl->f, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu64 ",\"name\":\"%s\","
		"\"args\":{\"name\":\"%s\"}}", pid, tid, what, name);
}

/* The first event on a thread names it, and orders it by tid (CPU, then lane). */
static void name_thread(struct ds_timeline *tl, int pid, uint64_t tid, const char *name)
{
	gpointer key = GSIZE_TO_POINTER((gsize)tid * 4 + (gsize)pid);	/* pid is 1..3 */

	if (g_hash_table_contains(tl->named, key))
		return;
	g_hash_table_add(tl->named, key);
	put_meta(tl, pid, tid, "thread_name", name);
	put_sep(tl);
	fprintf(tl->f, "{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu64 ",\"name\":"
		"\"thread_sort_index\",\"args\":{\"sort_index\":%" PRIu64 "}}", pid, tid, tid);
}

/* Room for one more event under the cap?  The first one left out marks the cut. */
static bool take_event(struct ds_timeline *tl, uint64_t at)
{
	if (!tl->o.max_events || tl->st.written < tl->o.max_events) {
		tl->st.written++;
		return true;
	}
	if (!tl->st.truncated) {
		tl->st.truncated = true;
		tl->st.cut_at_ns = at - tl->t0;
	}
	tl->st.dropped++;
	return false;
}

static bool in_window(const struct ds_timeline *tl, uint64_t start, uint64_t end)
{
	return end >= tl->from && start <= tl->to;
}

/* A complete event; @args: the inside of its args object (may be empty). */
static void put_slice(struct ds_timeline *tl, int pid, uint64_t tid, const char *cat,
		      const char *name, uint64_t start, uint64_t end, const char *args)
{
	put_sep(tl);
	fprintf(tl->f, "{\"ph\":\"X\",\"pid\":%d,\"tid\":%" PRIu64 ",\"cat\":\"%s\",\"name\":\"%s\",",
		pid, tid, cat, name);
	put_us(tl->f, "ts", start);
	fputc(',', tl->f);
	put_us(tl->f, "dur", end - start);
	fprintf(tl->f, ",\"args\":{%s}}", args);
}

static void put_instant(struct ds_timeline *tl, int pid, uint64_t tid, const char *cat,
			const char *name, char scope, uint64_t at, const char *args)
{
	put_sep(tl);
	fprintf(tl->f, "{\"ph\":\"i\",\"s\":\"%c\",\"pid\":%d,\"tid\":%" PRIu64 ",\"cat\":\"%s\","
		"\"name\":\"%s\",", scope, pid, tid, cat, name);
	put_us(tl->f, "ts", at);
	fprintf(tl->f, ",\"args\":{%s}}", args);
}

static uint64_t cpu_tid(unsigned int cpu, unsigned int lane)
{
	return 1 + (uint64_t)cpu * DS_TIMELINE_LANES + lane;
}

/* The thread of a slice [start, end] on @cpu: the first lane it does not overlap. */
static bool cpu_lane(struct ds_timeline *tl, int cpu, uint64_t start, uint64_t end,
		     uint64_t *tid)
{
	GArray *lanes;
	guint l;
	char name[64];

	if (cpu < 0 || (unsigned int)cpu >= tl->ncpus)
		return false;
	lanes = tl->lanes[cpu];
	for (l = 0; l < lanes->len && g_array_index(lanes, uint64_t, l) > start; l++)
		;
	if (l == DS_TIMELINE_LANES) {
		tl->st.lane_overflow++;
		return false;
	}
	if (l == lanes->len)
		g_array_append_val(lanes, end);
	g_array_index(lanes, uint64_t, l) = MAX(g_array_index(lanes, uint64_t, l), end);
	*tid = cpu_tid((unsigned int)cpu, l);
	if (l)
		g_snprintf(name, sizeof(name), "cpu %d (shared %u)", cpu, l);
	else
		g_snprintf(name, sizeof(name), "cpu %d", cpu);
	name_thread(tl, PID_CPUS, *tid, name);
	return true;
}

static void on_start(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	tl->started = true;
	tl->t0 = r->t;
	tl->from = r->t + tl->o.from_ns;
	tl->to = tl->o.to_ns > UINT64_MAX - r->t ? UINT64_MAX : r->t + tl->o.to_ns;
	tl->ncpus = (unsigned int)MAX(r->cpu, 0);
	tl->lanes = g_new0(GArray *, tl->ncpus);
	for (unsigned int c = 0; c < tl->ncpus; c++)
		tl->lanes[c] = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	put_meta(tl, PID_CPUS, 0, "process_name", "virtual CPUs (simulated)");
	put_meta(tl, PID_WORKERS, 0, "process_name", "drain workers (simulated)");
	put_meta(tl, PID_POOLS, 0, "process_name", "pools (simulated)");
}

static const char *release_name(uint32_t flags)
{
	if (flags & DS_OBSF_FALLBACK)
		return "release: fallback";
	if (flags & DS_OBSF_SYNC)
		return "release: sync free";
	return "release: push";
}

/* A release's hot path; a fallback adds its instant and its synchronous free's slice. */
static void on_release(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	uint64_t tid, sync = MIN(r->value, r->end - r->t);
	bool fb = r->flags & DS_OBSF_FALLBACK;
	char args[96];

	if (!in_window(tl, r->t, r->end) || !cpu_lane(tl, r->cpu, r->t, r->end, &tid))
		return;
	g_snprintf(args, sizeof(args), "\"pid\":%d,\"backend\":\"%s\"", r->pid,
		   ds_backend_name(r->be));
	if (take_event(tl, r->end))
		put_slice(tl, PID_CPUS, tid, "release", release_name(r->flags), r->t, r->end, args);
	if (fb && take_event(tl, r->end))
		put_instant(tl, PID_CPUS, tid, "fallback", "fallback", 't', r->t, args);
	if (fb && take_event(tl, r->end)) {
		g_snprintf(args, sizeof(args), "\"work_ns\":%" PRIu64, r->value);
		put_slice(tl, PID_CPUS, tid, "fallback", "sync free", r->end - sync, r->end, args);
	}
}

static void on_swap(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	char args[96], name[32];
	uint64_t tid;

	if (r->cpu < 0 || (unsigned int)r->cpu >= tl->ncpus || !in_window(tl, r->t, r->t) ||
	    !take_event(tl, r->t))
		return;
	/* on the CPU's first lane: the release it belongs to is reported when it ends */
	tid = cpu_tid((unsigned int)r->cpu, 0);
	g_snprintf(name, sizeof(name), "cpu %d", r->cpu);
	name_thread(tl, PID_CPUS, tid, name);
	g_snprintf(args, sizeof(args), "\"backend\":\"%s\",\"free_pages_after\":%" PRIu64,
		   ds_backend_name(r->be), r->count);
	put_instant(tl, PID_CPUS, tid, "swap", (r->flags & DS_OBSF_FAILED) ?
		    "swap failed: pool empty" : "page swap", 't', r->t, args);
}

static uint64_t worker_tid(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	uint64_t tid = 1 + (uint64_t)r->be * WORKER_TIDS + MIN(r->worker, WORKER_TIDS - 1);
	char name[64];

	g_snprintf(name, sizeof(name), "%s worker %u", ds_backend_name(r->be), r->worker);
	name_thread(tl, PID_WORKERS, tid, name);
	return tid;
}

static void on_worker(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	char args[96], name[64];
	uint64_t ctid;
	bool put;

	if (!in_window(tl, r->t, r->end))
		return;
	put = take_event(tl, r->end);
	switch (r->kind) {
	case DS_OBS_WAKE:
		g_snprintf(args, sizeof(args), "\"queued_by_cpu\":%d", r->cpu);
		if (put)
			put_slice(tl, PID_WORKERS, worker_tid(tl, r), "drain", "wake-up latency",
				  r->t, r->end, args);
		return;
	case DS_OBS_RUN:
		g_snprintf(args, sizeof(args), "\"pages\":%" PRIu64, r->count);
		if (put)
			put_slice(tl, PID_WORKERS, worker_tid(tl, r), "drain", "worker run", r->t,
				  r->end, args);
		return;
	default:
		break;
	}
	g_snprintf(args, sizeof(args), "\"values\":%" PRIu64 ",\"cpu\":%d,\"teardown\":%s",
		   r->count, r->cpu, (r->flags & DS_OBSF_TEARDOWN) ? "true" : "false");
	if (put)
		put_slice(tl, PID_WORKERS, worker_tid(tl, r), "drain", "drain page", r->t, r->end,
			  args);
	/* the CPU it ran on shows it too: a CPU track holds everything that ran there */
	if (cpu_lane(tl, r->cpu, r->t, r->end, &ctid) && take_event(tl, r->end)) {
		g_snprintf(name, sizeof(name), "drain page (%s worker %u)", ds_backend_name(r->be),
			   r->worker);
		put_slice(tl, PID_CPUS, ctid, "drain", name, r->t, r->end, args);
	}
}

static void put_counter(struct ds_timeline *tl, unsigned int be, uint64_t at, bool pending)
{
	char name[64];

	if (!take_event(tl, at))
		return;
	g_snprintf(name, sizeof(name), "%s %s", ds_backend_name(be),
		   pending ? "values pending" : "free pool pages");
	put_sep(tl);
	fprintf(tl->f, "{\"ph\":\"C\",\"pid\":%d,\"tid\":0,\"name\":\"%s\",", PID_POOLS, name);
	put_us(tl->f, "ts", at);
	fprintf(tl->f, ",\"args\":{\"%s\":%" PRIu64 "}}", pending ? "values" : "pages",
		pending ? tl->ctr_pending[be] : tl->ctr_free[be]);
}

/* Counters: a value when it changes; entering the window, the values then current. */
static void on_pool(struct ds_timeline *tl, const struct ds_obs_rec *r)
{
	unsigned int be = r->be;
	bool free_changed, pend_changed;

	if (be >= DS_BE__COUNT || r->t > tl->to)
		return;
	free_changed = !tl->ctr_seen[be] || tl->ctr_free[be] != r->count;
	pend_changed = !tl->ctr_seen[be] || tl->ctr_pending[be] != r->value;
	if (r->t >= tl->from && !tl->ctr_primed) {
		tl->ctr_primed = true;
		for (unsigned int b = 0; b < DS_BE__COUNT; b++) {
			if (!tl->ctr_seen[b])
				continue;
			put_counter(tl, b, tl->from, false);
			put_counter(tl, b, tl->from, true);
		}
	}
	tl->ctr_seen[be] = true;
	tl->ctr_free[be] = r->count;
	tl->ctr_pending[be] = r->value;
	if (r->t < tl->from)
		return;
	if (free_changed)
		put_counter(tl, be, r->t, false);
	if (pend_changed)
		put_counter(tl, be, r->t, true);
}

static void timeline_event(void *data, const struct ds_obs_rec *r)
{
	struct ds_timeline *tl = data;

	if (r->kind == DS_OBS_START) {
		on_start(tl, r);
		return;
	}
	if (!tl->started)
		return;
	switch (r->kind) {
	case DS_OBS_RELEASE:
		on_release(tl, r);
		break;
	case DS_OBS_SWAP:
		on_swap(tl, r);
		break;
	case DS_OBS_WAKE:
	case DS_OBS_PAGE:
	case DS_OBS_RUN:
		on_worker(tl, r);
		break;
	case DS_OBS_POOL:
		on_pool(tl, r);
		break;
	case DS_OBS_END:
		tl->end = r->t;
		break;
	default:
		break;
	}
}

void ds_timeline_opts_init(struct ds_timeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->to_ns = UINT64_MAX;
	o->max_events = DS_TIMELINE_MAX_EVENTS_DEFAULT;
}

struct ds_timeline *ds_timeline_open(const char *path, const struct ds_timeline_opts *o,
				     GError **error)
{
	struct ds_timeline *tl;
	struct ds_outfile *out;

	if (!ds_output_path_check(path, error) || !(out = ds_outfile_open(path, error)))
		return NULL;
	tl = g_new0(struct ds_timeline, 1);
	tl->out = out;
	tl->f = ds_outfile_stream(out);
	tl->o = *o;
	tl->o.policy = g_strdup(o->policy);
	tl->o.profile = g_strdup(o->profile);
	tl->o.trace = g_strdup(o->trace);
	tl->named = g_hash_table_new(g_direct_hash, g_direct_equal);
	tl->obs.event = timeline_event;
	tl->obs.data = tl;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", tl->f);
	return tl;
}

const struct ds_sim_observer *ds_timeline_observer(struct ds_timeline *tl)
{
	return &tl->obs;
}

static void timeline_free(struct ds_timeline *tl)
{
	for (unsigned int c = 0; tl->lanes && c < tl->ncpus; c++)
		g_array_free(tl->lanes[c], TRUE);
	g_free(tl->lanes);
	g_hash_table_destroy(tl->named);
	g_free((char *)tl->o.policy);
	g_free((char *)tl->o.profile);
	g_free((char *)tl->o.trace);
	g_free(tl);
}

static void add_u64(JsonBuilder *b, const char *key, uint64_t v)
{
	json_builder_set_member_name(b, key);
	json_builder_add_int_value(b, (gint64)MIN(v, (uint64_t)G_MAXINT64));
}

static void add_str(JsonBuilder *b, const char *key, const char *v)
{
	json_builder_set_member_name(b, key);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

/* otherData: what this file is, the window, and whether the cap cut it (and where). */
static char *other_data(const struct ds_timeline *tl)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	add_str(b, "source", "defersim: simulated timeline (sim time, not measured)");
	add_str(b, "policy", tl->o.policy);
	add_str(b, "profile", tl->o.profile);
	add_str(b, "trace", tl->o.trace);
	add_u64(b, "first_event_ns", tl->t0);
	add_u64(b, "end_ns", tl->end);
	add_u64(b, "window_from_ns", tl->o.from_ns);
	json_builder_set_member_name(b, "window_to_ns");
	if (tl->o.to_ns == UINT64_MAX)
		json_builder_add_null_value(b);
	else
		json_builder_add_int_value(b, (gint64)MIN(tl->o.to_ns, (uint64_t)G_MAXINT64));
	add_u64(b, "max_events", tl->o.max_events);
	add_u64(b, "events_written", tl->st.written);
	json_builder_set_member_name(b, "truncated");
	json_builder_add_boolean_value(b, tl->st.truncated);
	add_u64(b, "events_dropped", tl->st.dropped);
	json_builder_set_member_name(b, "truncated_at_ns");
	if (tl->st.truncated)
		json_builder_add_int_value(b, (gint64)tl->st.cut_at_ns);
	else
		json_builder_add_null_value(b);
	add_u64(b, "lane_overflow", tl->st.lane_overflow);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	return json_to_string(root, FALSE);
}

gboolean ds_timeline_commit(struct ds_timeline *tl, struct ds_timeline_stats *st,
			    GError **error)
{
	g_autofree char *other = NULL;
	gboolean ok;

	if (tl->st.truncated) {
		char args[128];

		g_snprintf(args, sizeof(args), "\"events_written\":%" PRIu64 ",\"events_dropped\":%"
			   PRIu64, tl->st.written, tl->st.dropped);
		/* not counted: the marker must be there whatever the cap */
		put_instant(tl, PID_CPUS, 0, "defersim", "timeline truncated: --timeline-max-events "
			    "reached, later events are not in this file", 'g',
			    tl->t0 + tl->st.cut_at_ns, args);
	}
	other = other_data(tl);
	fprintf(tl->f, "\n],\"otherData\":%s}\n", other);
	if (st)
		*st = tl->st;
	ok = ds_outfile_commit(tl->out, error);
	tl->out = NULL;
	timeline_free(tl);
	return ok;
}

void ds_timeline_abort(struct ds_timeline *tl)
{
	if (!tl)
		return;
	ds_outfile_abort(tl->out);
	timeline_free(tl);
}
