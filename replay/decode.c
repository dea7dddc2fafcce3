// SPDX-License-Identifier: MIT
/*
 * decode.c - a reader child: reads a group of a trace.dat's CPUs with libtracecmd (decode.h).
 *
 * Pipeline, pull-style, constant memory:
 *   ds_merge (the group's per-CPU records, min-heap by (time, CPU), backward times clamped;
 *             each CPU read by the page decoder or by libtracecmd: pageplan.h)
 *     -> lost-event markers (record->missed_events) become DS_EV_LOST items
 *     -> ds_evmap (event id -> kind; numbers read from fields resolved once)
 *     -> batches of struct ds_decode_item written to the pipe.
 * What needs every CPU (the replay start, pairing releases with returns, the info counters)
 * is done by the parent (trace_source.c) on the merged stream.
 * struct decoder owns these plus the libtracecmd handle; it lives only in the child, which
 * ends with _exit() after its last message (no cleanup: the process is gone).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <trace-cmd.h>

#include "decode.h"
#include "evmap.h"
#include "merge.h"
#include "pageplan.h"
#include "trace_impl.h"

#define PROGRESS_EVERY (1u << 21)	/* records between progress lines */

struct decoder {
	const char *path;
	const struct ds_datfile *df;
	gboolean progress;
	int fd;
	unsigned int reader;		/* index of this reader */
	const guint8 *cpus;		/* the CPUs it reads, by id */
	struct ds_decode_shared *sh;
	struct tracecmd_input *handle;
	struct ds_pageplan plan;
	struct ds_evmap map;
	struct ds_merge merge;
	struct ds_trace_info info;
	uint64_t records;
	struct ds_decode_item batch[DS_DECODE_BATCH];
	unsigned int nbatch;
	uint64_t crash_after;	/* test seam: DS_TEST_DECODE_CRASH_AFTER, 0 = never */
	uint64_t emitted;
};

/* The parent is gone or stopped reading: nothing left to do. */
static void put(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(0);
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void send_msg(int fd, uint32_t type, const void *p, size_t n)
{
	struct ds_decode_hdr h = { .type = type, .len = (uint32_t)n };

	put(fd, &h, sizeof(h));
	put(fd, p, n);
}

static void flush(struct decoder *d)
{
	if (d->nbatch)
		send_msg(d->fd, DS_DECODE_EVENTS, d->batch,
			 d->nbatch * sizeof(struct ds_decode_item));
	d->nbatch = 0;
}

static void send_info(struct decoder *d, uint32_t type)
{
	g_autoptr(GVariant) v = g_variant_ref_sink(
		g_variant_new_variant(ds_trace_info_to_variant(&d->info)));

	flush(d);
	send_msg(d->fd, type, g_variant_get_data(v), g_variant_get_size(v));
}

/* @at: the record at fault (its place in the merged stream), NULL before the first. */
static G_NORETURN void fail(struct decoder *d, GError *error, const struct ds_event *at)
{
	struct ds_decode_error e = {
		.code = error->domain == DS_ERROR ? (uint32_t)error->code : DS_ERROR_FORMAT,
		.cpu = at ? at->cpu : 0,
		.ts = at ? at->ts : 0,
	};
	size_t n = strlen(error->message);
	struct ds_decode_hdr h = { .type = DS_DECODE_ERROR, .len = (uint32_t)(sizeof(e) + n) };

	flush(d);
	put(d->fd, &h, sizeof(h));
	put(d->fd, &e, sizeof(e));
	put(d->fd, error->message, n);
	_exit(0);
}

static void emit(struct decoder *d, const struct ds_event *ev, int64_t dur)
{
	if (d->crash_after && ++d->emitted > d->crash_after) {
		flush(d);
		raise(SIGSEGV);
	}
	struct ds_event *out = &d->batch[d->nbatch++].ev;

	*out = *ev;
	/* only a return carries a duration, and only there does the pairing read one */
	if (dur >= 0 && ev->type == DS_EV_RELEASE_END) {
		out->aux = (uint64_t)dur;
		out->flags |= DS_DECODE_EVF_DUR;
	}
	if (d->nbatch == DS_DECODE_BATCH)
		flush(d);
}

_Static_assert(!((DS_EVF_ZSWAP | DS_EVF_NOVALUE | DS_EVF_UNPAIRED | DS_EVF_DURATION) &
		 DS_DECODE_EVF_DUR), "DS_DECODE_EVF_DUR must not be an event flag");

/* Counted here (every marker, before the replay start too); the parent keeps the item or
 * not by its time. */
static void count_lost(struct decoder *d, const struct tep_record *rec)
{
	unsigned int cpu = (unsigned int)rec->cpu;

	if (cpu >= d->info.ncpus)
		return;
	d->info.lost_markers_per_cpu[cpu]++;
	if (rec->missed_events > 0) {
		d->info.lost_per_cpu[cpu] += (uint64_t)rec->missed_events;
		d->info.lost_total += (uint64_t)rec->missed_events;
	} else {
		d->info.lost_unknown++;
	}
	struct ds_event ev = {
		.ts = rec->ts,
		.value = rec->missed_events > 0 ? (uint64_t)rec->missed_events : 0,
		.cpu = (uint16_t)cpu,
		.type = DS_EV_LOST,
	};
	emit(d, &ev, -1);
}

/* Pull one record through the map; FALSE at the end of the group's records. */
static gboolean pull(struct decoder *d)
{
	struct tep_record *rec = ds_merge_next(&d->merge);
	GError *error = NULL;
	struct ds_event ev, at;
	int64_t dur;
	int r;

	if (!rec)
		return FALSE;
	if (d->progress && !(++d->records % PROGRESS_EVERY))
		g_printerr("defersim: %s: reader %u: %" G_GUINT64_FORMAT " records read\n", d->path,
			   d->reader + 1, d->records);
	if (rec->missed_events)
		count_lost(d, rec);
	at = (struct ds_event){ .ts = rec->ts, .cpu = (uint16_t)rec->cpu };
	r = ds_evmap_decode(&d->map, rec, &ev, &dur, &error);
	if (r < 0)
		fail(d, error, &at);
	if (r > 0)
		emit(d, &ev, dur);
	return TRUE;
}

static G_NORETURN void finish(struct decoder *d)
{
	d->info.reordered = d->merge.reordered;
	d->sh->reader[d->reader].handed_over = d->merge.handed_over;
	send_info(d, DS_DECODE_FINAL);
	_exit(0);
}

/* The group's first time stamps: the parent takes the latest over all CPUs as the start. */
static void set_start(struct decoder *d)
{
	gboolean any = FALSE;

	for (unsigned int c = 0; c < d->merge.ncpus; c++) {
		const struct ds_merge_cpu *mc = &d->merge.cpus[c];

		if (!mc->rec)
			continue;
		d->info.cpus_with_events++;
		if (!any || mc->first_ts < d->info.first_ts)
			d->info.first_ts = mc->first_ts;
		if (!any || mc->first_ts > d->info.start_ts)
			d->info.start_ts = mc->first_ts;
		any = TRUE;
	}
}

/* Set when the program runs under a sanitizer (weak: absent otherwise). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/*
 * The child's crash is the parent's answer, not the process's: it dies by the default action
 * of its signal, and a sanitizer or fuzzer death callback inherited from the parent
 * (libFuzzer's writes a crash artifact) does not run in it.
 */
static void child_defaults(gboolean quiet_stderr)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGPIPE, SIGINT };

	for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++)
		signal(sigs[i], SIG_DFL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(NULL);
	if (!quiet_stderr)
		return;
	/* libtracecmd prints some complaints straight to stderr ("Can not mmap file, will read
	 * instead"); the child's errors travel through the pipe, so its stderr is not needed
	 * unless it prints progress */
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	/* they print to stderr on malformed input; defersim reports errors itself */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	tracefs_set_loglevel(TEP_LOG_NONE);
}

/*
 * Read the group's CPUs with the page decoder where it gives libtracecmd's records
 * exactly (pageplan.h), else with libtracecmd, and say which in the shared memory.
 */
static void plan_reading(struct decoder *d)
{
	struct ds_decode_reading *at = &d->sh->reader[d->reader];
	int fd = open(d->path, O_RDONLY | O_CLOEXEC);

	ds_pageplan_make(&d->plan, fd, d->df, tracecmd_get_tep(d->handle), d->info.ncpus,
			 d->cpus);
	if (fd >= 0)
		close(fd);	/* the mappings stay */
	ds_merge_init(&d->merge, d->handle, d->info.ncpus, d->cpus,
		      d->plan.why == DS_PAGEPLAN_NATIVE ? d->plan.by_cpu : NULL, at,
		      ds_decode_records(d->sh, d->reader));
	if (d->merge.mismatch)
		d->plan.why = DS_PAGEPLAN_MISMATCH;
	at->native_cpus = d->merge.mismatch ? 0 : d->merge.native_cpus;
	at->handed_over = d->merge.handed_over;
	at->path = (uint32_t)d->plan.why + 1;
}

static G_NORETURN void run(struct decoder *d, const char *sha256,
			   const struct ds_trace_opts *opts)
{
	GError *error = NULL;
	int ncpus;

	d->handle = tracecmd_open(d->path, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!d->handle) {
		g_set_error(&error, DS_ERROR, DS_ERROR_FORMAT, "%s: libtracecmd cannot read this "
			    "trace.dat (corrupt or unsupported)", d->path);
		fail(d, error, NULL);
	}
	ncpus = tep_get_cpus(tracecmd_get_tep(d->handle));
	if (ncpus < 0 || ncpus > DS_TRACE_MAX_CPUS) {
		/* a CPUCOUNT option is a 4-byte number in the file: bound it before allocating */
		/* libtracecmd returns it as an int: 2^31 and above come out negative */
		g_set_error(&error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: %u CPUs "
			    "(more than %d)", d->path, (unsigned int)ncpus, DS_TRACE_MAX_CPUS);
		fail(d, error, NULL);
	}
	ds_trace_info_init(&d->info, d->path, ncpus > 0 ? (unsigned int)ncpus : 0);
	g_strlcpy(d->info.sha256, sha256, sizeof(d->info.sha256));
	if (!ds_evmap_init(&d->map, d->path, tracecmd_get_tep(d->handle), opts ? opts->map : NULL,
			   opts ? opts->n_map : 0, d->info.maps, &error))
		fail(d, error, NULL);
	plan_reading(d);
	set_start(d);
	send_info(d, DS_DECODE_OPEN);
	while (pull(d))
		;
	finish(d);
}

pid_t ds_decode_spawn(const char *path, const char *sha256, const struct ds_trace_opts *opts,
		      const struct ds_datfile *df, const guint8 *cpus, unsigned int reader,
		      struct ds_decode_shared *sh, int *fd, GError **error)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot read %s: pipe: %s", path,
			    g_strerror(errno));
		return -1;
	}
	/* a larger pipe lets the reader run further ahead (fewer switches); best effort */
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	sh->reader[reader].cpu = -1;
	pid = fork();
	if (pid < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot read %s: fork: %s", path,
			    g_strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* plain heap memory: only this process ever uses it, and it ends with _exit() */
		struct decoder *d = g_new0(struct decoder, 1);

		close(p[0]);
		child_defaults(!(opts && opts->progress));
		d->path = path;
		d->df = df;
		d->progress = opts && opts->progress;
		d->fd = p[1];
		d->reader = reader;
		d->cpus = cpus;
		d->sh = sh;
		if (reader == 0)
			d->crash_after = g_ascii_strtoull(g_getenv("DS_TEST_DECODE_CRASH_AFTER") ?: "0",
							  NULL, 10);
		run(d, sha256, opts);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}
