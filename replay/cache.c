// SPDX-License-Identifier: MIT
/*
 * cache.c - the binary cache of a trace's event stream, its writer and its source.
 *
 * File layout (native byte order; the byte-order mark rejects a foreign one):
 *   struct cache_header (112 bytes)
 *   n_events x struct ds_event (32 bytes each, exactly the stream the trace reader delivered)
 *   info_len bytes: struct ds_trace_info as a GVariant (info.c, INFO_VARIANT_TYPE)
 *   16 bytes: MD5 of (events, info, header) - a corruption check, not a security one
 * The name is KEY-vVERSION-MAPDIGEST.dscache (ds_cache_path()): the trace file's quick key
 * (ds_file_quick_key(): where it is, size, mtime, first and last bytes; opening it costs no
 * read of the whole trace), the reader's output format and the --map rules.  The header
 * also holds the trace's full sha256, computed once when the cache was written, which the
 * reports print.  A writer streams into a temporary
 * file next to the final one and renames it only once the whole trace was read without error.
 * A reader checks the size, the key and the info record before it delivers a single event
 * (any mismatch: the caller ignores the cache and re-reads the trace); the MD5 trailer is
 * checked as the events stream past, on the reader's own thread (an open stays O(1)), and a
 * mismatch at the end fails the stream and removes the cache.  With --verify the whole file
 * is checked first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "source_impl.h"
#include "trace_impl.h"

#define CACHE_MAGIC "DSCACHE"
#define CACHE_BOM 0x01020304u
#define DIGEST_LEN 16
#define BATCH 4096		/* events per read/write batch */

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t bom;
	uint64_t n_events;
	uint64_t info_len;
	char sha256[64];	/* the trace's, computed when the cache was written */
	char map[16];		/* digest of the --map rules the stream was read with */
	char key[32];		/* the trace's quick key (ds_file_quick_key()) */
};

_Static_assert(sizeof(struct cache_header) == 144, "cache header layout");

char *ds_cache_dir(const char *cache_dir)
{
	/* g_get_user_cache_dir() is $XDG_CACHE_HOME, else ~/.cache */
	return cache_dir ? g_strdup(cache_dir) :
	       g_build_filename(g_get_user_cache_dir(), "defersim", NULL);
}

char *ds_cache_path_for_key(const char *key, const struct ds_trace_opts *opts)
{
	g_autofree char *dir = ds_cache_dir(opts ? opts->cache_dir : NULL);
	g_autofree char *digest = ds_map_rules_digest(opts ? opts->map : NULL, opts ? opts->n_map : 0);
	g_autofree char *name = g_strdup_printf("%s-v%d-%s.dscache", key, DS_CACHE_VERSION,
						digest);

	return g_build_filename(dir, name, NULL);
}

char *ds_cache_path(const char *trace, const struct ds_trace_opts *opts, GError **error)
{
	char key[33];

	return ds_file_quick_key(trace, key, error) ? ds_cache_path_for_key(key, opts) : NULL;
}

/* The header's counts account for exactly the file's @size (no product can wrap: n_events
 * is bounded by the size first). */
static gboolean sizes_match(const struct cache_header *h, uint64_t size)
{
	return h->n_events <= size / sizeof(struct ds_event) && h->info_len <= size &&
	       sizeof(*h) + h->n_events * sizeof(struct ds_event) + h->info_len + DIGEST_LEN == size;
}

/*
 * The info record after the events, parsed into @info (its path is the one cached); the
 * record's bytes (for the checksum), or NULL if it cannot be read or parsed.
 */
static GBytes *read_info(FILE *f, const struct cache_header *h, struct ds_trace_info *info)
{
	g_autofree guchar *data = g_malloc(h->info_len ? h->info_len : 1);

	if (fseeko(f, (off_t)(sizeof(*h) + h->n_events * sizeof(struct ds_event)), SEEK_SET) ||
	    fread(data, 1, h->info_len, f) != h->info_len)
		return NULL;
	g_autoptr(GBytes) bytes = g_bytes_new_take(g_steal_pointer(&data), h->info_len);
	g_autoptr(GVariant) v = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE_VARIANT, bytes, FALSE));
	g_autoptr(GVariant) inner = g_variant_is_normal_form(v) ? g_variant_get_variant(v) : NULL;

	if (!inner || !ds_trace_info_from_variant(inner, info))
		return NULL;
	return g_steal_pointer(&bytes);
}

static gboolean peek(FILE *f, struct ds_cache_entry *e);

gboolean ds_cache_peek(const char *path, struct ds_cache_entry *e)
{
	FILE *f = fopen(path, "rbe");
	gboolean ok = f && peek(f, e);

	if (f)
		fclose(f);
	return ok;
}

/* The header, and the info record of a cache in the current format (not checksummed). */
static gboolean peek(FILE *f, struct ds_cache_entry *e)
{
	struct cache_header h;
	struct stat st;

	if (fstat(fileno(f), &st) < 0 || fread(&h, sizeof(h), 1, f) != 1 ||
	    memcmp(h.magic, CACHE_MAGIC, sizeof(CACHE_MAGIC)) || h.bom != CACHE_BOM)
		return FALSE;
	e->version = h.version;
	memcpy(e->sha256, h.sha256, 64);
	e->sha256[64] = '\0';
	if (h.version != DS_CACHE_VERSION || !sizes_match(&h, (uint64_t)st.st_size))
		return TRUE;	/* another format, or damaged: listed, not trusted */
	struct ds_trace_info info = { 0 };
	g_autoptr(GBytes) bytes = read_info(f, &h, &info);

	if (bytes) {
		e->current = TRUE;
		memcpy(e->key, h.key, 32);
		e->key[32] = '\0';
		e->events = h.n_events;
		e->releases = info.events_per_type[DS_EV_RELEASE];
		e->trace = g_strdup(info.path);
		ds_trace_info_clear(&info);
	}
	return TRUE;
}

/* --- writer ----------------------------------------------------------------------------- */

/*
 * The writer's batches are checksummed and written by a thread of its own: the MD5 of a
 * whole stream and its write (on issue 11's 64-CPU trace: 1 GB, ~2 of the 5 s the first
 * read took on the thread that decodes and simulates) run beside the reading instead of in
 * it.  The reading thread fills a batch and hands it over (@full); the writer thread
 * checksums and writes the batches in the order given, so the file and its MD5 are the same
 * as one thread's, and hands each back (@empty).  NBATCH batches bound the memory (512 KiB)
 * and how far the writer may fall behind.  A write error is kept by the writer thread and
 * reported at the next add, or at commit.
 */
#define NBATCH 4

struct batch {
	size_t n;
	struct ds_event ev[BATCH];
};

struct ds_cache_writer {
	FILE *f;
	char *tmp;
	char *path;
	struct cache_header hdr;	/* n_events: the writer thread's until it is joined */
	GChecksum *ck;			/* the writer thread's until it is joined */
	struct batch *cur;		/* being filled (the reading thread) */
	struct batch *batches[NBATCH];
	GAsyncQueue *full;		/* struct batch *, then &stop */
	GAsyncQueue *empty;
	GThread *thread;
	char stop;			/* its address ends the writer thread */
	gint failed;			/* atomic: a write failed, @write_errno says why */
	int write_errno;
};

static gpointer write_batches(gpointer data)
{
	struct ds_cache_writer *w = data;
	gpointer item;

	while ((item = g_async_queue_pop(w->full)) != &w->stop) {
		struct batch *b = item;

		if (!g_atomic_int_get(&w->failed)) {
			g_checksum_update(w->ck, (const guchar *)b->ev, (gssize)(b->n * sizeof(*b->ev)));
			if (fwrite(b->ev, sizeof(*b->ev), b->n, w->f) != b->n) {
				w->write_errno = errno;
				g_atomic_int_set(&w->failed, 1);
			}
			w->hdr.n_events += b->n;
		}
		b->n = 0;
		g_async_queue_push(w->empty, b);
	}
	return NULL;
}

/* Stop the writer thread once it has written what was handed over; FALSE if a write failed. */
static gboolean join(struct ds_cache_writer *w, GError **error)
{
	if (w->thread) {
		g_async_queue_push(w->full, &w->stop);
		g_thread_join(w->thread);
		w->thread = NULL;
	}
	if (!g_atomic_int_get(&w->failed))
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: write error: %s", w->tmp,
		    g_strerror(w->write_errno));
	return FALSE;
}

struct ds_cache_writer *ds_cache_writer_new(const char *path, const char *key,
					    const char *map_digest, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	struct ds_cache_writer *w;
	int fd;

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create cache directory: %s",
			    dir, g_strerror(errno));
		return NULL;
	}
	w = g_new0(struct ds_cache_writer, 1);
	w->tmp = g_strdup_printf("%s.tmp.XXXXXX", path);
	fd = g_mkstemp(w->tmp);
	if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", w->tmp,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		g_free(w->tmp);
		g_free(w);
		return NULL;
	}
	w->path = g_strdup(path);
	memcpy(w->hdr.magic, CACHE_MAGIC, sizeof(CACHE_MAGIC));
	w->hdr.version = DS_CACHE_VERSION;
	w->hdr.bom = CACHE_BOM;
	memcpy(w->hdr.map, map_digest, sizeof(w->hdr.map));
	memcpy(w->hdr.key, key, sizeof(w->hdr.key));
	w->ck = g_checksum_new(G_CHECKSUM_MD5);
	w->full = g_async_queue_new();
	w->empty = g_async_queue_new();
	for (int i = 0; i < NBATCH; i++) {
		w->batches[i] = g_new(struct batch, 1);
		w->batches[i]->n = 0;
		if (i)
			g_async_queue_push(w->empty, w->batches[i]);
	}
	w->cur = w->batches[0];
	/* the header is rewritten at commit, once the counts are known */
	if (fwrite(&w->hdr, sizeof(w->hdr), 1, w->f) != 1) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: write error: %s", w->tmp,
			    g_strerror(errno));
		ds_cache_writer_abort(w);
		return NULL;
	}
	w->thread = g_thread_try_new("ds-cache-write", write_batches, w, error);
	if (!w->thread) {
		ds_cache_writer_abort(w);
		return NULL;
	}
	return w;
}

/* Hand the filled batch to the writer thread and take an empty one (waiting for one). */
static gboolean hand_over(struct ds_cache_writer *w, GError **error)
{
	if (g_atomic_int_get(&w->failed))
		return join(w, error);
	g_async_queue_push(w->full, w->cur);
	w->cur = g_async_queue_pop(w->empty);
	return TRUE;
}

gboolean ds_cache_writer_add(struct ds_cache_writer *w, const struct ds_event *ev, GError **error)
{
	w->cur->ev[w->cur->n++] = *ev;
	return w->cur->n < BATCH || hand_over(w, error);
}

gboolean ds_cache_writer_commit(struct ds_cache_writer *w, const struct ds_trace_info *info,
				GError **error)
{
	g_autoptr(GVariant) v = g_variant_ref_sink(g_variant_new_variant(ds_trace_info_to_variant(info)));
	gsize len = g_variant_get_size(v);
	g_autofree guchar *data = g_malloc(len ? len : 1);
	guint8 digest[DIGEST_LEN];
	gsize dlen = sizeof(digest);
	gboolean ok;

	g_variant_store(v, data);
	if ((w->cur->n && !hand_over(w, error)) || !join(w, error))
		goto fail;
	/* known at the end of the read: the trace is hashed beside its decode */
	if (strlen(info->sha256) != 64) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "%s: no sha256 of the trace", w->tmp);
		goto fail;
	}
	memcpy(w->hdr.sha256, info->sha256, 64);
	w->hdr.info_len = len;
	g_checksum_update(w->ck, data, (gssize)len);
	g_checksum_update(w->ck, (const guchar *)&w->hdr, sizeof(w->hdr));
	g_checksum_get_digest(w->ck, digest, &dlen);
	ok = fwrite(data, 1, len, w->f) == len && fwrite(digest, 1, dlen, w->f) == dlen &&
	     fseek(w->f, 0, SEEK_SET) == 0 && fwrite(&w->hdr, sizeof(w->hdr), 1, w->f) == 1;
	ok = (fclose(w->f) == 0) && ok;
	w->f = NULL;
	if (!ok || g_rename(w->tmp, w->path) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot write cache: %s", w->path,
			    g_strerror(errno));
		goto fail;
	}
	g_free(w->tmp);
	w->tmp = NULL;
	ds_cache_evict(w->path);
	ds_cache_writer_abort(w);
	return TRUE;
fail:
	ds_cache_writer_abort(w);
	return FALSE;
}

void ds_cache_writer_abort(struct ds_cache_writer *w)
{
	if (!w)
		return;
	join(w, NULL);
	if (w->f)
		fclose(w->f);
	if (w->tmp)
		g_unlink(w->tmp);
	g_free(w->tmp);
	g_free(w->path);
	g_checksum_free(w->ck);
	for (int i = 0; i < NBATCH; i++)
		g_free(w->batches[i]);
	if (w->full)
		g_async_queue_unref(w->full);
	if (w->empty)
		g_async_queue_unref(w->empty);
	g_free(w);
}

/* --- reader source ---------------------------------------------------------------------- */

/*
 * The reader reads ahead on a thread of its own (read_ahead()): it reads CHUNK events at a
 * time, checks each one (type in range, time not going back) and feeds them to the MD5, then
 * hands the chunk to the consumer (@full), who hands it back once read (@empty).  NCHUNK
 * chunks circulate (2 MiB), so reading the file, checksumming it and the consumer's work
 * (the simulation) overlap on two cores instead of adding up on one.  A chunk that ends the
 * stream says how (@fin) after its good events, so the consumer sees the same events, then
 * the same end or error, as when one thread did everything.
 */
#define CHUNK 16384
#define NCHUNK 4

enum chunk_fin {
	FIN_NONE,	/* more chunks follow */
	FIN_END,	/* the stream ends after this chunk, checksum good */
	FIN_BAD,	/* an event after this chunk's @n is out of range or goes back in time */
	FIN_SHORT,	/* the file ended before its header's count of events */
	FIN_MISMATCH,	/* all events read; the MD5 of events, info and header does not match */
};

struct chunk {
	struct ds_event *ev;	/* room for CHUNK events, @n of them good */
	size_t n;
	enum chunk_fin fin;
};

struct cache_source {
	struct ds_source base;
	FILE *f;
	char *path;
	struct cache_header hdr;
	GBytes *info_bytes;	/* the info record, for the checksum at the end */
	GChecksum *ck;		/* MD5 of the events so far (the thread's); NULL when checked whole
				 * at open */
	guint8 want[DIGEST_LEN];
	struct ds_trace_info info;
	uint64_t n_events;
	GThread *thread;	/* read_ahead(), until closed */
	GAsyncQueue *empty;	/* chunks to fill, and @stop_token */
	GAsyncQueue *full;	/* chunks filled, in file order */
	struct chunk chunks[NCHUNK];
	struct chunk stop_token;	/* pushed to @empty at close: the thread ends */
	gint stop;		/* set at close: the thread reads no further */
	struct chunk *cur;	/* the consumer's chunk, read up to @ibuf */
	size_t ibuf;
	gboolean unlinked;	/* a mismatching cache was removed */
};

static gboolean corrupt(GError **error, const char *path, const char *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt cache: %s", path, why);
	return FALSE;
}

/* All events read: do events, info and header give the trailer's MD5? */
static gboolean digest_ok(struct cache_source *c)
{
	guint8 got[DIGEST_LEN];
	gsize glen = sizeof(got);
	gsize ilen;
	const guchar *idata;

	if (!c->ck)
		return TRUE;
	idata = g_bytes_get_data(c->info_bytes, &ilen);
	g_checksum_update(c->ck, idata, (gssize)ilen);
	g_checksum_update(c->ck, (const guchar *)&c->hdr, sizeof(c->hdr));
	g_checksum_get_digest(c->ck, got, &glen);
	return !memcmp(got, c->want, sizeof(got));
}

/* The thread: fill @k with the events after @pos (checked, checksummed); how it ends. */
static enum chunk_fin fill(struct cache_source *c, struct chunk *k, uint64_t *pos,
			   uint64_t *last_ts)
{
	uint64_t left = c->n_events - *pos;
	size_t want = left < CHUNK ? (size_t)left : CHUNK;

	k->n = 0;
	if (!want)
		return digest_ok(c) ? FIN_END : FIN_MISMATCH;
	if (fread(k->ev, sizeof(*k->ev), want, c->f) != want)
		return FIN_SHORT;
	for (size_t i = 0; i < want; i++) {
		if (k->ev[i].type >= DS_EV__COUNT || k->ev[i].ts < *last_ts) {
			k->n = i;
			return FIN_BAD;
		}
		*last_ts = k->ev[i].ts;
	}
	if (c->ck)
		g_checksum_update(c->ck, (const guchar *)k->ev, (gssize)(want * sizeof(*k->ev)));
	k->n = want;
	*pos += want;
	return FIN_NONE;
}

static gpointer read_ahead(gpointer data)
{
	struct cache_source *c = data;
	uint64_t pos = 0, last_ts = 0;

	for (;;) {
		struct chunk *k = g_async_queue_pop(c->empty);

		if (k == &c->stop_token || g_atomic_int_get(&c->stop))
			break;
		k->fin = fill(c, k, &pos, &last_ts);
		g_async_queue_push(c->full, k);
		if (k->fin != FIN_NONE)
			break;
	}
	return NULL;
}

/*
 * The stream ended as @fin says.  A cache whose checksum fails is removed, and the stream
 * fails (its events were already delivered: the run that used them cannot be trusted; the
 * next one re-reads the trace).  Asked again, the same answer.
 */
static int finish(struct cache_source *c, enum chunk_fin fin, GError **error)
{
	switch (fin) {
	case FIN_END:
		return 0;
	case FIN_BAD:
		corrupt(error, c->path, "bad event");
		return -1;
	case FIN_SHORT:
		corrupt(error, c->path, "file changed while reading");
		return -1;
	default:
		if (!c->unlinked)
			g_unlink(c->path);
		c->unlinked = TRUE;
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt cache (checksum "
			    "mismatch at its end): removed; run again to re-read the trace", c->path);
		return -1;
	}
}

/* Make @c->cur a chunk with events left to read: 1, or the stream's end (0) / error (-1). */
static int take_chunk(struct cache_source *c, GError **error)
{
	for (;;) {
		if (c->cur) {
			if (c->ibuf < c->cur->n)
				return 1;
			if (c->cur->fin != FIN_NONE)
				return finish(c, c->cur->fin, error);
			g_async_queue_push(c->empty, c->cur);
		}
		c->cur = g_async_queue_pop(c->full);
		c->ibuf = 0;
	}
}

static int cache_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct cache_source *c = (struct cache_source *)src;
	int rc = take_chunk(c, error);

	if (rc <= 0)
		return rc;
	*ev = c->cur->ev[c->ibuf++];
	return 1;
}

static int cache_chunk(struct ds_source *src, const struct ds_event **evs, size_t *n,
		       GError **error)
{
	struct cache_source *c = (struct cache_source *)src;
	int rc = take_chunk(c, error);

	if (rc <= 0)
		return rc;
	*evs = c->cur->ev + c->ibuf;
	*n = c->cur->n - c->ibuf;
	c->ibuf = c->cur->n;
	return 1;
}

static void cache_close(struct ds_source *src)
{
	struct cache_source *c = (struct cache_source *)src;

	if (c->thread) {
		/* it may wait for a chunk to fill, or fill one: it stops at the next */
		g_atomic_int_set(&c->stop, 1);
		g_async_queue_push(c->empty, &c->stop_token);
		g_thread_join(c->thread);
	}
	if (c->empty)
		g_async_queue_unref(c->empty);
	if (c->full)
		g_async_queue_unref(c->full);
	for (int i = 0; i < NCHUNK; i++)
		g_free(c->chunks[i].ev);
	if (c->f)
		fclose(c->f);
	if (c->ck)
		g_checksum_free(c->ck);
	if (c->info_bytes)
		g_bytes_unref(c->info_bytes);
	g_free(c->path);
	ds_trace_info_clear(&c->info);
	g_free(c);
}

static const struct ds_trace_info *cache_info(const struct ds_source *src)
{
	return &((const struct cache_source *)src)->info;
}

static const struct ds_source_ops cache_ops = {
	.next = cache_next,
	.close = cache_close,
	.info = cache_info,
	.chunk = cache_chunk,
};

gboolean ds_cache_source_is(const struct ds_source *src)
{
	return src && src->ops == &cache_ops;
}

/* Read [96, size - 16) once: MD5 over events+info+header must match the trailer. */
static gboolean verify(FILE *f, const struct cache_header *h, uint64_t body, GError **error,
		       const char *path)
{
	g_autofree guchar *buf = g_malloc(1u << 20);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	guint8 want[DIGEST_LEN], got[DIGEST_LEN];
	gsize glen = sizeof(got);
	uint64_t left = body;
	gboolean ok = TRUE;

	while (ok && left) {
		size_t n = left < (1u << 20) ? (size_t)left : (1u << 20);

		ok = fread(buf, 1, n, f) == n;
		g_checksum_update(ck, buf, (gssize)n);
		left -= n;
	}
	ok = ok && fread(want, 1, sizeof(want), f) == sizeof(want);
	g_checksum_update(ck, (const guchar *)h, sizeof(*h));
	g_checksum_get_digest(ck, got, &glen);
	g_checksum_free(ck);
	if (!ok)
		return corrupt(error, path, "short read");
	if (memcmp(want, got, sizeof(want)))
		return corrupt(error, path, "checksum mismatch");
	return TRUE;
}

static gboolean load_info(struct cache_source *c, const struct cache_header *h,
			  const char *trace_path, GError **error)
{
	c->info_bytes = read_info(c->f, h, &c->info);
	if (!c->info_bytes)
		return corrupt(error, c->path, "unreadable info record");
	g_free(c->info.path);
	c->info.path = g_strdup(trace_path);
	if (fseeko(c->f, -(off_t)DIGEST_LEN, SEEK_END) ||
	    fread(c->want, 1, DIGEST_LEN, c->f) != DIGEST_LEN)
		return corrupt(error, c->path, "short read");
	return fseeko(c->f, (off_t)sizeof(*h), SEEK_SET) == 0 ||
	       corrupt(error, c->path, "seek failed");
}

/* The reading thread and its chunks (the file is at the first event). */
static gboolean start_reading(struct cache_source *c, GError **error)
{
	GError *terr = NULL;

	c->empty = g_async_queue_new();
	c->full = g_async_queue_new();
	for (int i = 0; i < NCHUNK; i++) {
		c->chunks[i].ev = g_new(struct ds_event, CHUNK);
		g_async_queue_push(c->empty, &c->chunks[i]);
	}
	c->thread = g_thread_try_new("ds-cache-read", read_ahead, c, &terr);
	if (c->thread)
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot start its reading thread: %s",
		    c->path, terr->message);
	g_error_free(terr);
	return FALSE;
}

struct ds_source *ds_cache_open(const char *path, const char *trace_path, const char *key,
				const char *sha256, const char *map_digest, gboolean full_check,
				GError **error)
{
	struct cache_header h;
	struct stat st;
	FILE *f = fopen(path, "rbe");
	struct cache_source *c;

	if (!f)
		return NULL;	/* no cache: not an error */
	c = g_new0(struct cache_source, 1);
	c->base.ops = &cache_ops;
	c->f = f;
	c->path = g_strdup(path);
	if (fstat(fileno(f), &st) < 0 || fread(&h, sizeof(h), 1, f) != 1) {
		corrupt(error, path, "shorter than its header");
		goto fail;
	}
	uint64_t size = (uint64_t)st.st_size;

	if (memcmp(h.magic, CACHE_MAGIC, sizeof(CACHE_MAGIC)) || h.bom != CACHE_BOM ||
	    h.version != DS_CACHE_VERSION || memcmp(h.key, key, sizeof(h.key)) ||
	    (sha256 && memcmp(h.sha256, sha256, 64))) {
		corrupt(error, path, "header does not match this trace and defersim version");
		goto fail;
	}
	if (memcmp(h.map, map_digest, sizeof(h.map))) {
		/* a cache read with other --map rules (renamed, or copied) is another stream */
		corrupt(error, path, "it was written with other --map rules");
		goto fail;
	}
	if (!sizes_match(&h, size)) {
		corrupt(error, path, "size does not match its header (truncated?)");
		goto fail;
	}
	c->hdr = h;
	if (full_check && !verify(f, &h, size - sizeof(h) - DIGEST_LEN, error, path))
		goto fail;
	if (!full_check)
		c->ck = g_checksum_new(G_CHECKSUM_MD5);
	if (!load_info(c, &h, trace_path, error))
		goto fail;
	/* the info record carries the sha256 of the trace it was read from: the header's */
	memcpy(c->info.sha256, h.sha256, 64);
	c->info.sha256[64] = '\0';
	c->n_events = h.n_events;
	if (!start_reading(c, error))
		goto fail;
	ds_note_whole_read("cache", path);
	/* a hit is a use: the mtime orders entries for least-recently-used eviction */
	futimens(fileno(f), NULL);
	return &c->base;
fail:
	cache_close(&c->base);
	return NULL;
}
