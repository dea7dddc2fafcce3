// SPDX-License-Identifier: MIT
/*
 * readers.c - start the reader children of a trace.dat, merge their streams (readers.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pageplan.h"
#include "readers.h"
#include "trace_impl.h"

/*
 * Ring-buffer bytes per reader at least: each reader opens the file with libtracecmd, which
 * parses the formats and kallsyms again (0.02-0.3 s of CPU on the bundled traces, as long as
 * decoding 1-3 M records), so a small trace is read by one reader, as it always was.
 */
#define READER_MIN_BYTES (64ull << 20)

/* Bytes of ring-buffer pages of a CPU: decompressed when they were walked already. */
static uint64_t data_bytes(const struct ds_datfile *df, const struct ds_datfile_cpu *cd)
{
	return cd->check.pages ? cd->check.pages * df->page_size : cd->size;
}

/* One per core (the affinity mask's), at most one per CPU with data and per
 * READER_MIN_BYTES of data. */
static unsigned int readers_wanted(const struct ds_datfile *df)
{
	const char *env = g_getenv("DS_TEST_DECODE_READERS");
	uint64_t want = (uint64_t)g_get_num_processors(), with_data = 0, bytes = 0;

	for (guint i = 0; i < df->cpus->len; i++) {
		const struct ds_datfile_cpu *cd = &g_array_index(df->cpus, struct ds_datfile_cpu, i);

		with_data += cd->size > 0;
		bytes += data_bytes(df, cd);
	}
	if (env)
		want = g_ascii_strtoull(env, NULL, 10);
	else
		want = MIN(want, 1 + bytes / READER_MIN_BYTES);
	want = MIN(want, with_data);
	return (unsigned int)CLAMP(want, 1, DS_DECODE_MAX_READERS);
}

static int by_size_desc(const void *a, const void *b)
{
	const struct ds_datfile_cpu *x = *(const struct ds_datfile_cpu *const *)a;
	const struct ds_datfile_cpu *y = *(const struct ds_datfile_cpu *const *)b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/*
 * Largest CPU first, each to the reader with the fewest bytes so far: the readers finish at
 * about the same time.  Reader 0 also reads every CPU id nobody else does (no data in the
 * table: libtracecmd finds no record there).
 */
static void split_cpus(struct ds_readers *rs, const struct ds_datfile *df)
{
	uint64_t load[DS_DECODE_MAX_READERS] = { 0 };
	g_autofree const struct ds_datfile_cpu **order = g_new(const struct ds_datfile_cpu *,
							       df->cpus->len + 1);

	memset(rs->cpus, 1, DS_TRACE_MAX_CPUS);
	for (guint i = 0; i < df->cpus->len; i++)
		order[i] = &g_array_index(df->cpus, struct ds_datfile_cpu, i);
	qsort(order, df->cpus->len, sizeof(*order), by_size_desc);
	for (guint i = 0; i < df->cpus->len && rs->n > 1; i++) {
		unsigned int k = 0;

		if (!order[i]->size)
			break;
		for (unsigned int j = 1; j < rs->n; j++)
			if (load[j] < load[k])
				k = j;
		load[k] += order[i]->size;
		rs->cpus[order[i]->cpu] = 0;
		rs->cpus[(size_t)k * DS_TRACE_MAX_CPUS + order[i]->cpu] = 1;
	}
}

gboolean ds_readers_start(struct ds_readers *rs, const char *path, const char *sha256,
			  const struct ds_trace_opts *opts, const struct ds_datfile *df,
			  GError **error)
{
	memset(rs, 0, sizeof(*rs));
	rs->path = path;
	for (unsigned int k = 0; k < DS_DECODE_MAX_READERS; k++)
		rs->r[k].fd = -1;
	rs->sh = mmap(NULL, DS_DECODE_SHARED_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rs->sh == MAP_FAILED) {
		rs->sh = NULL;
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot read %s: mmap: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	rs->n = readers_wanted(df);
	rs->cpus = g_malloc0((size_t)rs->n * DS_TRACE_MAX_CPUS);
	rs->out = g_new(const struct ds_decode_item *, (size_t)rs->n * DS_DECODE_BATCH);
	split_cpus(rs, df);
	for (unsigned int k = 0; k < rs->n; k++) {
		struct ds_reader *r = &rs->r[k];

		r->msg = g_byte_array_new();
		r->pid = ds_decode_spawn(path, sha256, opts, df,
					 rs->cpus + (size_t)k * DS_TRACE_MAX_CPUS, k, rs->sh, &r->fd,
					 error);
		if (r->pid < 0)
			return FALSE;
	}
	return TRUE;
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

/* The next message of @r into r->msg; 0 when the pipe ended first, -1 if it is malformed. */
static int read_msg(struct ds_reader *r, uint32_t *type)
{
	struct ds_decode_hdr h;

	if (!read_full(r->fd, &h, sizeof(h)))
		return 0;
	if (h.len > DS_DECODE_MAX_MSG || h.type < DS_DECODE_OPEN || h.type > DS_DECODE_ERROR ||
	    (h.type == DS_DECODE_EVENTS && (h.len % sizeof(struct ds_decode_item) ||
	     h.len > DS_DECODE_BATCH * sizeof(struct ds_decode_item))))
		return -1;
	g_byte_array_set_size(r->msg, h.len);
	if (!read_full(r->fd, r->msg->data, h.len))
		return 0;
	*type = h.type;
	return 1;
}

/* An info message (OPEN or FINAL). */
static gboolean take_info(const GByteArray *msg, struct ds_trace_info *info)
{
	g_autoptr(GBytes) b = g_bytes_new(msg->data, msg->len);
	g_autoptr(GVariant) box = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE_VARIANT, b, FALSE));
	g_autoptr(GVariant) v = g_variant_get_variant(box);

	return ds_trace_info_from_variant(v, info);
}

static void take_error(struct ds_reader *r)
{
	struct ds_decode_error e = { .code = DS_ERROR_FORMAT };
	gboolean whole = r->msg->len >= sizeof(e);

	if (whole)
		memcpy(&e, r->msg->data, sizeof(e));
	r->at = e;
	r->err = g_error_new(DS_ERROR, (int)e.code, "%.*s",
			     whole ? (int)(r->msg->len - sizeof(e)) : 0,
			     whole ? (const char *)r->msg->data + sizeof(e) : "");
	r->state = DS_READER_ERROR;
}

static int malformed(struct ds_readers *rs, const char *what, GError **error)
{
	g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: %s", rs->path, what);
	return -1;
}

/* The first times over all CPUs: the earliest first record, the latest of the firsts. */
static void combine_open(struct ds_trace_info *info, const struct ds_trace_info *one)
{
	if (!one->cpus_with_events)
		return;
	if (!info->cpus_with_events || one->first_ts < info->first_ts)
		info->first_ts = one->first_ts;
	if (!info->cpus_with_events || one->start_ts > info->start_ts)
		info->start_ts = one->start_ts;
	info->cpus_with_events += one->cpus_with_events;
}

int ds_readers_open(struct ds_readers *rs, struct ds_trace_info *info, GError **error)
{
	for (unsigned int k = 0; k < rs->n; k++) {
		struct ds_reader *r = &rs->r[k];
		struct ds_trace_info one = { 0 };
		uint32_t type = 0;
		int m = read_msg(r, &type);

		if (m > 0 && type == DS_DECODE_OPEN) {
			if (!take_info(r->msg, k ? &one : info))
				return malformed(rs, "the decoder's first report is malformed", error);
			combine_open(info, &one);
			ds_trace_info_clear(&one);
			continue;
		}
		if (m < 0 || (m > 0 && type != DS_DECODE_ERROR))
			return malformed(rs, "malformed message from the decoder process", error);
		if (m > 0)
			take_error(r);
		else
			r->state = DS_READER_ENDED;
		rs->stopped = k;
		ds_trace_info_clear(info);
		return 0;
	}
	return 1;
}

/* Read @r's next message: a batch, or how it ended. */
static int refill(struct ds_readers *rs, struct ds_reader *r, GError **error)
{
	uint32_t type = 0;
	int m = read_msg(r, &type);

	if (!m) {
		r->state = DS_READER_ENDED;
		return 0;
	}
	if (m < 0 || type == DS_DECODE_OPEN)
		return malformed(rs, "malformed message from the decoder process", error);
	if (type == DS_DECODE_EVENTS) {
		r->it = (const struct ds_decode_item *)r->msg->data;
		r->n = r->msg->len / sizeof(struct ds_decode_item);
		r->i = 0;
	} else if (type == DS_DECODE_ERROR) {
		take_error(r);
	} else if (take_info(r->msg, &r->final)) {
		r->state = DS_READER_FINAL;
	} else {
		return malformed(rs, "the decoder's final report is malformed", error);
	}
	return 0;
}

static gboolean key_before(uint64_t ta, unsigned int ca, uint64_t tb, unsigned int cb)
{
	return ta < tb || (ta == tb && ca < cb);
}

/* @a's next item comes before @b's (a tie, which readers of distinct CPUs cannot give:
 * the first reader's). */
static inline gboolean item_before(const struct ds_reader *a, const struct ds_reader *b)
{
	const struct ds_event *x = &a->it[a->i].ev, *y = &b->it[b->i].ev;

	return key_before(x->ts, x->cpu, y->ts, y->cpu) || (x->ts == y->ts && x->cpu == y->cpu &&
							       a < b);
}

/*
 * Merge the readers' current batches into rs->out, in the order one item at a time by
 * (time, CPU, reader) would give, until a batch ends or a reader's error comes first.
 * Return: 1 when items were merged, 0 when all finished, -1 when a reader stopped the
 * stream, -2 on a malformed message.
 */
static int merge_batches(struct ds_readers *rs, GError **error)
{
	struct ds_reader *act[DS_DECODE_MAX_READERS], *err = NULL;
	unsigned int nact = 0;

	rs->nout = rs->pos = 0;
	for (unsigned int k = 0; k < rs->n; k++) {
		struct ds_reader *r = &rs->r[k];

		while (r->state == DS_READER_STREAM && r->i == r->n)
			if (refill(rs, r, error) < 0)
				return -2;
		if (r->state == DS_READER_ENDED) {
			/* where its next record would fall is unknown: the stream stops here */
			rs->stopped = k;
			return -1;
		}
		if (r->state == DS_READER_STREAM)
			act[nact++] = r;
		else if (r->state == DS_READER_ERROR &&
			 (!err || key_before(r->at.ts, r->at.cpu, err->at.ts, err->at.cpu)))
			err = r;
	}
	for (;;) {
		struct ds_reader *best = nact ? act[0] : NULL;

		for (unsigned int j = 1; j < nact; j++)
			if (item_before(act[j], best))
				best = act[j];
		if (err && (!best || key_before(err->at.ts, err->at.cpu, best->it[best->i].ev.ts,
						best->it[best->i].ev.cpu) ||
			    (err->at.ts == best->it[best->i].ev.ts &&
			     err->at.cpu == best->it[best->i].ev.cpu && err < best)))
			break;
		if (!best)
			return 0;
		rs->out[rs->nout++] = &best->it[best->i++];
		if (best->i == best->n)
			return 1;
	}
	if (rs->nout)
		return 1;
	rs->stopped = (unsigned int)(err - rs->r);
	return -1;
}

int ds_readers_next(struct ds_readers *rs, const struct ds_decode_item **item,
		    GError **error)
{
	if (rs->pos == rs->nout) {
		int r = merge_batches(rs, error);

		if (r <= 0)
			return r;
	}
	*item = rs->out[rs->pos++];
	return 1;
}

GError *ds_readers_take_error(struct ds_readers *rs)
{
	return g_steal_pointer(&rs->r[rs->stopped].err);
}

static char *describe_death(const struct ds_readers *rs, unsigned int k, int status)
{
	const struct ds_decode_reading *at = &rs->sh->reader[k];
	GString *s = g_string_new(NULL);

	if (WIFSIGNALED(status))
		g_string_printf(s, "libtracecmd crashed (signal %d)", WTERMSIG(status));
	else
		g_string_printf(s, "the decoder ended without finishing (exit status %d)",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (at->cpu < 0)
		g_string_append(s, " while opening the file");
	else
		g_string_append_printf(s, " while reading CPU %d (its last record read at offset %"
				       G_GUINT64_FORMAT ")", at->cpu, at->offset);
	return g_string_free(s, FALSE);
}

char *ds_readers_reap(struct ds_readers *rs)
{
	char *crash = NULL;

	for (unsigned int k = 0; k < rs->n; k++) {
		struct ds_reader *r = &rs->r[k];
		/* still streaming: the rest of its data is not wanted */
		gboolean killed = r->state == DS_READER_STREAM;
		int status = 0;

		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		if (r->pid <= 0)
			continue;
		if (killed)
			kill(r->pid, SIGKILL);
		while (waitpid(r->pid, &status, 0) < 0 && errno == EINTR)
			;
		r->pid = 0;
		if (killed || crash || (r->state != DS_READER_ENDED && WIFEXITED(status) &&
					WEXITSTATUS(status) == 0))
			continue;
		crash = describe_death(rs, k, status);
	}
	return crash;
}

void ds_readers_paths(const struct ds_readers *rs, struct ds_readers_paths *p)
{
	memset(p, 0, sizeof(*p));
	p->why = DS_PAGEPLAN_N_WHY;
	for (unsigned int k = 0; k < rs->n && rs->sh; k++) {
		const struct ds_decode_reading *at = &rs->sh->reader[k];
		unsigned int why = at->path ? at->path - 1 : DS_PAGEPLAN_N_WHY;

		p->native_cpus += at->native_cpus;
		p->handed_over += at->handed_over;
		p->native_readers += why == DS_PAGEPLAN_NATIVE;
		if (why != DS_PAGEPLAN_NATIVE && p->why == DS_PAGEPLAN_N_WHY)
			p->why = why;
	}
	if (p->why == DS_PAGEPLAN_N_WHY)
		p->why = DS_PAGEPLAN_NATIVE;
}

void ds_readers_clear(struct ds_readers *rs)
{
	g_free(ds_readers_reap(rs));
	for (unsigned int k = 0; k < rs->n; k++) {
		struct ds_reader *r = &rs->r[k];

		if (r->msg)
			g_byte_array_unref(r->msg);
		g_clear_error(&r->err);
		if (r->state == DS_READER_FINAL)
			ds_trace_info_clear(&r->final);
	}
	if (rs->sh)
		munmap(rs->sh, DS_DECODE_SHARED_SIZE);
	g_free(rs->cpus);
	g_free(rs->out);
	memset(rs, 0, sizeof(*rs));
}
