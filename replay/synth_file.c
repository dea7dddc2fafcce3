// SPDX-License-Identifier: MIT
/*
 * synth_file.c - the synthetic event file (.dsev): its writer and its source.
 *
 * Layout (native byte order; the byte-order mark rejects a foreign one):
 *   struct dsev_header (64 bytes)
 *   desc_len bytes of text (the generating parameters), zero-padded to a multiple of 8
 *   n_events x struct ds_event (32 bytes each: exactly the stream the generator delivered)
 *   16 bytes: MD5 of (text, events, header) - a corruption check, not a security one
 * The magic says "synthetic" before anything else does; ds_source_open_trace() recognises
 * the file by it.  The writer streams into a temporary file next to the target and renames
 * it once everything is written.  The reader checks size and checksum before it delivers an
 * event, then type, CPU and time order of every event, naming the offset of a bad one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "source_impl.h"
#include "synth_impl.h"

#define DSEV_MAGIC "DSSYNEV"
#define DSEV_VERSION 1u
#define DSEV_BOM 0x01020304u
#define DIGEST_LEN 16
#define BATCH 4096

struct dsev_header {
	char magic[8];
	uint32_t version;
	uint32_t bom;
	uint64_t n_events;
	uint64_t t0;
	uint32_t ncpus;
	uint32_t desc_len;
	uint64_t reserved[3];
};

_Static_assert(sizeof(struct dsev_header) == 64, "dsev header layout");

static uint64_t pad8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

gboolean ds_synth_file_is(const char *path)
{
	char magic[8] = { 0 };
	FILE *f = fopen(path, "rb");
	gboolean yes;

	if (!f)
		return FALSE;
	yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      !memcmp(magic, DSEV_MAGIC, sizeof(DSEV_MAGIC));
	fclose(f);
	return yes;
}

/* --- writer ------------------------------------------------------------------------------ */

struct dsev_writer {
	FILE *f;
	char *tmp;
	GChecksum *ck;
	struct ds_event buf[BATCH];
	size_t nbuf;
	uint64_t n;
};

static gboolean wr_io_error(struct dsev_writer *w, GError **error)
{
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: write error: %s", w->tmp,
		    g_strerror(errno));
	return FALSE;
}

static gboolean wr_bytes(struct dsev_writer *w, const void *data, size_t len, GError **error)
{
	g_checksum_update(w->ck, data, (gssize)len);
	return fwrite(data, 1, len, w->f) == len || wr_io_error(w, error);
}

static gboolean wr_flush(struct dsev_writer *w, GError **error)
{
	gboolean ok = wr_bytes(w, w->buf, w->nbuf * sizeof(w->buf[0]), error);

	w->n += w->nbuf;
	w->nbuf = 0;
	return ok;
}

static gboolean wr_events(struct dsev_writer *w, struct ds_source *src, GError **error)
{
	struct ds_event ev;
	int rc;

	while ((rc = ds_source_next(src, &ev, error)) > 0) {
		w->buf[w->nbuf++] = ev;
		if (w->nbuf == BATCH && !wr_flush(w, error))
			return FALSE;
	}
	return rc == 0 && wr_flush(w, error);
}

static gboolean wr_finish(struct dsev_writer *w, struct dsev_header *h, GError **error)
{
	guint8 digest[DIGEST_LEN];
	gsize dlen = sizeof(digest);
	gboolean ok;

	h->n_events = w->n;
	g_checksum_update(w->ck, (const guchar *)h, sizeof(*h));
	g_checksum_get_digest(w->ck, digest, &dlen);
	ok = fwrite(digest, 1, dlen, w->f) == dlen && fseek(w->f, 0, SEEK_SET) == 0 &&
	     fwrite(h, sizeof(*h), 1, w->f) == 1;
	ok = fclose(w->f) == 0 && ok;
	w->f = NULL;
	return ok || wr_io_error(w, error);
}

gboolean ds_synth_write_dsev(struct ds_source *src, const char *desc, unsigned int ncpus,
			     const char *path, GError **error)
{
	const struct ds_trace_info *info = ds_source_info(src);
	struct dsev_writer *w = g_new0(struct dsev_writer, 1);
	struct dsev_header h;
	size_t dlen = strlen(desc);
	static const char zeros[8];
	gboolean ok = FALSE;
	int fd;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, DSEV_MAGIC, sizeof(DSEV_MAGIC));
	h.version = DSEV_VERSION;
	h.bom = DSEV_BOM;
	h.ncpus = ncpus;
	h.t0 = info ? info->start_ts : 0;
	h.desc_len = (uint32_t)dlen;
	w->tmp = g_strdup_printf("%s.tmp.XXXXXX", path);
	w->ck = g_checksum_new(G_CHECKSUM_MD5);
	fd = g_mkstemp_full(w->tmp, O_RDWR, 0666);	/* 0666 & ~umask, as for other outputs */
	if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", w->tmp,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	ok = fwrite(&h, sizeof(h), 1, w->f) == 1 ? TRUE : wr_io_error(w, error);
	ok = ok && wr_bytes(w, desc, dlen, error) &&
	     wr_bytes(w, zeros, pad8(dlen) - dlen, error) && wr_events(w, src, error) &&
	     wr_finish(w, &h, error);
	if (ok && g_rename(w->tmp, path) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot rename to %s: %s", w->tmp,
			    path, g_strerror(errno));
		ok = FALSE;
	}
out:
	if (w->f)
		fclose(w->f);
	if (!ok && fd >= 0)
		g_unlink(w->tmp);
	g_checksum_free(w->ck);
	g_free(w->tmp);
	g_free(w);
	return ok;
}

/* --- source ------------------------------------------------------------------------------ */

struct dsev_source {
	struct ds_source base;
	char *path;
	FILE *f;
	struct dsev_header h;
	uint64_t data_off;
	uint64_t pos;		/* events delivered */
	uint64_t last_ts;
	struct ds_synth_info si;
	gboolean finished;
	GError *err;
};

static gboolean fmt_error(GError **error, const char *path, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static gboolean fmt_error(GError **error, const char *path, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: synthetic event file: %s", path, msg);
	return FALSE;
}

static gboolean check_header(const struct dsev_header *h, uint64_t size, const char *path,
			     GError **error)
{
	uint64_t want;

	if (memcmp(h->magic, DSEV_MAGIC, sizeof(DSEV_MAGIC)))
		return fmt_error(error, path, "bad magic at offset 0");
	if (h->bom != DSEV_BOM)
		return fmt_error(error, path, "written with the other byte order (offset 12)");
	if (h->version != DSEV_VERSION)
		return fmt_error(error, path, "version %u at offset 8, this defersim reads %u",
				 h->version, DSEV_VERSION);
	if (!h->ncpus || h->ncpus > 65536)
		return fmt_error(error, path, "%u CPUs at offset 32", h->ncpus);
	if (h->n_events > (size / sizeof(struct ds_event)))
		return fmt_error(error, path, "%" G_GUINT64_FORMAT " events at offset 16 cannot "
				 "fit in %" G_GUINT64_FORMAT " bytes (truncated?)", h->n_events, size);
	want = sizeof(*h) + pad8(h->desc_len) + h->n_events * sizeof(struct ds_event) + DIGEST_LEN;
	if (size != want)
		return fmt_error(error, path, "%" G_GUINT64_FORMAT " bytes, the header says %"
				 G_GUINT64_FORMAT " (%s at offset %" G_GUINT64_FORMAT ")", size, want,
				 size < want ? "truncated" : "trailing bytes",
				 MIN(size, want));
	return TRUE;
}

/* MD5 of (text, events, header) against the stored one, before any event is delivered. */
static gboolean check_digest(struct dsev_source *s, uint64_t size, GError **error)
{
	g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_MD5);
	g_autofree guchar *buf = g_malloc(1 << 16);
	guint8 want[DIGEST_LEN], got[DIGEST_LEN];
	gsize dlen = sizeof(got);
	uint64_t left = size - sizeof(s->h) - DIGEST_LEN;

	if (fseek(s->f, sizeof(s->h), SEEK_SET))
		return fmt_error(error, s->path, "cannot seek: %s", g_strerror(errno));
	while (left) {
		size_t n = (size_t)MIN(left, 1 << 16);

		if (fread(buf, 1, n, s->f) != n)
			return fmt_error(error, s->path, "read error at offset %" G_GUINT64_FORMAT,
					 size - DIGEST_LEN - left);
		g_checksum_update(ck, buf, (gssize)n);
		left -= n;
	}
	if (fread(want, 1, DIGEST_LEN, s->f) != DIGEST_LEN)
		return fmt_error(error, s->path, "read error at offset %" G_GUINT64_FORMAT,
				 size - DIGEST_LEN);
	g_checksum_update(ck, (const guchar *)&s->h, sizeof(s->h));
	g_checksum_get_digest(ck, got, &dlen);
	if (memcmp(want, got, DIGEST_LEN))
		return fmt_error(error, s->path, "checksum mismatch (corrupt file)");
	return fseek(s->f, (long)s->data_off, SEEK_SET) == 0 ||
	       fmt_error(error, s->path, "cannot seek: %s", g_strerror(errno));
}

static gboolean check_event(struct dsev_source *s, const struct ds_event *ev, GError **error)
{
	uint64_t off = s->data_off + s->pos * sizeof(*ev);

	if (ev->type == DS_EV_NONE || ev->type >= DS_EV__COUNT)
		return fmt_error(error, s->path, "event %" G_GUINT64_FORMAT " at offset %"
				 G_GUINT64_FORMAT ": unknown type %u", s->pos, off, ev->type);
	if (ev->cpu >= s->h.ncpus)
		return fmt_error(error, s->path, "event %" G_GUINT64_FORMAT " at offset %"
				 G_GUINT64_FORMAT ": CPU %u of %u", s->pos, off, ev->cpu, s->h.ncpus);
	if (s->pos && ev->ts < s->last_ts)
		return fmt_error(error, s->path, "event %" G_GUINT64_FORMAT " at offset %"
				 G_GUINT64_FORMAT ": time %" G_GUINT64_FORMAT " ns before the "
				 "previous event's %" G_GUINT64_FORMAT " ns", s->pos, off, ev->ts,
				 s->last_ts);
	return TRUE;
}

static int dsev_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct dsev_source *s = (struct dsev_source *)src;

	if (s->err) {
		g_propagate_error(error, g_error_copy(s->err));
		return -1;
	}
	if (s->pos == s->h.n_events) {
		if (!s->finished)
			ds_synth_info_finish(&s->si);
		s->finished = TRUE;
		return 0;
	}
	if (fread(ev, sizeof(*ev), 1, s->f) != 1) {
		fmt_error(&s->err, s->path, "read error at offset %" G_GUINT64_FORMAT,
			  s->data_off + s->pos * sizeof(*ev));
		g_propagate_error(error, g_error_copy(s->err));
		return -1;
	}
	if (!check_event(s, ev, &s->err)) {
		g_propagate_error(error, g_error_copy(s->err));
		return -1;
	}
	s->pos++;
	s->last_ts = ev->ts;
	ds_synth_info_add(&s->si, ev);
	return 1;
}

static void dsev_close(struct ds_source *src)
{
	struct dsev_source *s = (struct dsev_source *)src;

	if (s->f)
		fclose(s->f);
	ds_synth_info_clear(&s->si);
	g_clear_error(&s->err);
	g_free(s->path);
	g_free(s);
}

static const struct ds_trace_info *dsev_info(const struct ds_source *src)
{
	return &((const struct dsev_source *)src)->si.info;
}

static const struct ds_source_ops dsev_ops = {
	.next = dsev_next,
	.close = dsev_close,
	.info = dsev_info,
};

struct ds_source *ds_synth_file_open(const char *path, GError **error)
{
	struct dsev_source *s = g_new0(struct dsev_source, 1);
	GStatBuf st;

	s->base.ops = &dsev_ops;
	s->path = g_strdup(path);
	s->f = fopen(path, "rb");
	if (!s->f || g_stat(path, &st) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		goto fail;
	}
	if ((uint64_t)st.st_size < sizeof(s->h) + DIGEST_LEN) {
		fmt_error(error, path, "%" G_GUINT64_FORMAT " bytes: truncated at offset %"
			  G_GUINT64_FORMAT " (a header and a checksum take %zu)",
			  (uint64_t)st.st_size, (uint64_t)st.st_size, sizeof(s->h) + DIGEST_LEN);
		goto fail;
	}
	if (fread(&s->h, sizeof(s->h), 1, s->f) != 1) {
		fmt_error(error, path, "read error at offset 0");
		goto fail;
	}
	s->data_off = sizeof(s->h) + pad8(s->h.desc_len);
	if (!check_header(&s->h, (uint64_t)st.st_size, path, error) ||
	    !check_digest(s, (uint64_t)st.st_size, error))
		goto fail;
	ds_synth_info_init(&s->si, path, s->h.ncpus, s->h.t0);
	s->si.info.file_size = (uint64_t)st.st_size;
	if (!ds_file_sha256(path, s->si.info.sha256, error))
		goto fail;
	return &s->base;
fail:
	dsev_close(&s->base);
	return NULL;
}
