// SPDX-License-Identifier: MIT
/*
 * trace_source.c - a trace.dat read with libtracecmd as a stream of struct ds_event.
 *
 * The parent side of the decode (decode.h): the headers and every page are walked here first
 * (datfile.c, pagecheck.c: the records each CPU holds, damaged pages), then a child process
 * runs libtracecmd and streams batches of events through a pipe.  Here each event is counted
 * (info, duration histogram: they must survive the child's crash) and fed to the optional
 * cache writer.  At the end the child's final info replaces ours, and what each CPU delivered
 * is compared with what its pages hold: a difference, a damaged page or a crash of the child
 * is damage, an error (DS_ERROR_DAMAGED) unless the caller accepts it (then reported in
 * info->damage, and nothing is cached).  The first error is kept (@err) and returned again
 * by every later call.
 */
#include <errno.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "datfile.h"
#include "decode.h"
#include "source_impl.h"
#include "trace_impl.h"

struct trace_source {
	struct ds_source base;
	char *path;
	char sha256[65];
	gboolean accept_damaged;	/* what the caller asked */
	gboolean opened;		/* the child sent its first message */
	struct ds_datfile df;
	struct ds_durhist hist;
	struct ds_trace_info info;
	struct ds_cache_writer *cache;
	pid_t pid;			/* the decoder, until reaped */
	int fd;				/* its pipe, -1 when closed */
	struct ds_decode_shared *sh;	/* MAP_SHARED, DS_DECODE_SHARED_SIZE bytes */
	GByteArray *msg;		/* the last message's payload */
	const struct ds_event *ev;	/* events of the current batch (inside @msg) */
	size_t nev, iev;
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

/* Exactly @n bytes; FALSE at the end of the pipe (the child ended or died). */
static gboolean read_full(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return FALSE;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return TRUE;
}

/* The next message into t->msg; 0 when the pipe ended first, -1 if it is malformed. */
static int read_msg(struct trace_source *t, uint32_t *type)
{
	struct ds_decode_hdr h;

	if (!read_full(t->fd, &h, sizeof(h)))
		return 0;
	if (h.len > DS_DECODE_MAX_MSG || h.type < DS_DECODE_OPEN || h.type > DS_DECODE_ERROR ||
	    (h.type == DS_DECODE_EVENTS &&
	     (h.len % sizeof(struct ds_event) || h.len > DS_DECODE_BATCH * sizeof(struct ds_event))))
		return -1;
	g_byte_array_set_size(t->msg, h.len);
	if (!read_full(t->fd, t->msg->data, h.len))
		return 0;
	*type = h.type;
	return 1;
}

/* An info message (OPEN or FINAL) into @info, with what the file's walk knows. */
static gboolean take_info(struct trace_source *t, struct ds_trace_info *info)
{
	g_autoptr(GBytes) b = g_bytes_new(t->msg->data, t->msg->len);
	g_autoptr(GVariant) box = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE_VARIANT, b, FALSE));
	g_autoptr(GVariant) v = g_variant_get_variant(box);

	if (!ds_trace_info_from_variant(v, info))
		return FALSE;
	info->file_size = t->df.file_size;
	info->file_version = t->df.version;
	g_free(info->clock);
	info->clock = g_strdup(t->df.clock ? t->df.clock : "unknown");
	info->clock_synced = ds_clock_is_synced(t->df.clock, NULL);
	return TRUE;
}

/* The child's error message, as a GError. */
static GError *take_error(struct trace_source *t)
{
	uint32_t code = DS_ERROR_FORMAT;

	if (t->msg->len >= 4)
		memcpy(&code, t->msg->data, 4);
	return g_error_new(DS_ERROR, (int)code, "%.*s", t->msg->len >= 4 ? (int)t->msg->len - 4 : 0,
			   t->msg->len >= 4 ? (const char *)t->msg->data + 4 : "");
}

/* Wait for the child; its death by a signal (or a silent exit) described, else NULL. */
static char *reap(struct trace_source *t, gboolean ended_cleanly)
{
	int status = 0;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->pid <= 0)
		return NULL;
	while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
		;
	t->pid = 0;
	if (ended_cleanly && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	GString *s = g_string_new(NULL);

	if (WIFSIGNALED(status))
		g_string_printf(s, "libtracecmd crashed (signal %d)", WTERMSIG(status));
	else
		g_string_printf(s, "the decoder ended without finishing (exit status %d)",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (t->sh->cpu < 0)
		g_string_append(s, " while opening the file");
	else
		g_string_append_printf(s, " while reading CPU %d (its last record read at offset %"
				       G_GUINT64_FORMAT ")", t->sh->cpu, t->sh->offset);
	return g_string_free(s, FALSE);
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
		c->records_read = cd->cpu < DS_TRACE_MAX_CPUS ? t->sh->records[cd->cpu] : 0;
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

/* The parent's own counts stand in for the final info the child did not send. */
static void finish_partial_info(struct trace_source *t)
{
	t->info.durations = t->hist.count;
	t->info.dur_p50_ns = ds_durhist_quantile(&t->hist, 0.50);
	t->info.dur_p99_ns = ds_durhist_quantile(&t->hist, 0.99);
	t->info.dur_max_ns = t->hist.max;
	if (!t->info.last_ts)
		t->info.last_ts = t->info.start_ts;
}

/*
 * The child is done: @final (its info), @child_err (its error) or neither (it died).  Decide
 * the stream's end: damage first (a damaged file's other errors are its consequences), then
 * the child's error, then "no releases".
 */
static gboolean conclude(struct trace_source *t, gboolean final, GError *child_err,
			 GError **error)
{
	char *crash = reap(t, final || child_err);
	struct ds_trace_damage *d = find_damage(t, crash, final);

	t->finished = TRUE;
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
	if (!final)
		finish_partial_info(t);
	t->info.damage = d;
	if (!t->info.events_per_type[DS_EV_RELEASE])
		return no_releases(t, error);
	return TRUE;
}

/* FINAL: the child's info is complete (lost events, maps, pairing); it replaces ours. */
static gboolean take_final(struct trace_source *t, GError **error)
{
	struct ds_trace_info fin = { 0 };

	if (!take_info(t, &fin)) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: the decoder's final report is "
			    "malformed", t->path);
		return FALSE;
	}
	ds_trace_info_clear(&t->info);
	t->info = fin;
	return TRUE;
}

/* Read messages until a batch of events is there (1), the end (0) or an error (-1). */
static int refill(struct trace_source *t, GError **error)
{
	GError *child_err = NULL;
	uint32_t type = 0;
	int r = read_msg(t, &type);

	if (r < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: malformed message from the "
			    "decoder process", t->path);
		return -1;
	}
	if (r > 0 && type == DS_DECODE_EVENTS) {
		t->ev = (const struct ds_event *)t->msg->data;
		t->nev = t->msg->len / sizeof(struct ds_event);
		t->iev = 0;
		return 1;
	}
	if (r > 0 && type == DS_DECODE_FINAL && !take_final(t, error))
		return -1;
	if (r > 0 && type == DS_DECODE_ERROR)
		child_err = take_error(t);
	if (r > 0 && type == DS_DECODE_OPEN) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: the decoder opened twice", t->path);
		return -1;
	}
	return conclude(t, r > 0 && type == DS_DECODE_FINAL, child_err, error) ? 0 : -1;
}

static int trace_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct trace_source *t = (struct trace_source *)src;
	GError *werr = NULL;
	int r;

	while (!t->err) {
		if (t->iev < t->nev) {
			*ev = t->ev[t->iev++];
			deliver(t, ev);
			return 1;
		}
		if (t->finished)
			return 0;
		r = refill(t, &t->err);
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
	if (t->pid > 0)
		kill(t->pid, SIGKILL);	/* closed before the end: the rest is not wanted */
	g_free(reap(t, TRUE));
	if (t->sh)
		munmap(t->sh, DS_DECODE_SHARED_SIZE);
	if (t->msg)
		g_byte_array_unref(t->msg);
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

/* Start the child and take its first message: the info at the start, or why it failed. */
static gboolean start_decoder(struct trace_source *t, const struct ds_trace_opts *opts,
			      GError **error)
{
	uint32_t type = 0;
	int r;

	t->sh = mmap(NULL, DS_DECODE_SHARED_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t->sh == MAP_FAILED) {
		t->sh = NULL;
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot read %s: mmap: %s", t->path,
			    g_strerror(errno));
		return FALSE;
	}
	t->pid = ds_decode_spawn(t->path, t->sha256, opts, t->sh, &t->fd, error);
	if (t->pid < 0)
		return FALSE;
	r = read_msg(t, &type);
	if (r > 0 && type == DS_DECODE_OPEN) {
		t->opened = TRUE;
		if (take_info(t, &t->info))
			return TRUE;
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: the decoder's first report is "
			    "malformed", t->path);
		return FALSE;
	}
	if (r < 0 || (r > 0 && type != DS_DECODE_ERROR)) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: malformed message from the "
			    "decoder process", t->path);
		return FALSE;
	}
	/* it failed or died before its first message: no info to return partial data with */
	conclude(t, FALSE, r > 0 ? take_error(t) : NULL, error);
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
	g_strlcpy(t->sha256, sha256, sizeof(t->sha256));
	t->fd = -1;
	t->accept_damaged = opts && opts->accept_damaged;
	t->msg = g_byte_array_new();
	ds_durhist_init(&t->hist);
	if (!ds_datfile_read(path, &t->df, error) || !check_clock(t, opts && opts->force_clock, error))
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

void ds_trace_source_set_cache(struct ds_source *src, struct ds_cache_writer *w)
{
	((struct trace_source *)src)->cache = w;
}
