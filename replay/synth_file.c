// SPDX-License-Identifier: MIT
/*
 * synth_file.c - the synthetic event file (.dsev): its source (the writer is synth/synth_dsev.c).
 *
 * Layout: dsev_format.h.
 * The magic says "synthetic" before anything else does; ds_source_open_trace() recognises
 * the file by it.  The reader checks size and checksum before it delivers an
 * event, then type, CPU and time order of every event, naming the offset of a bad one.
 * The file's sha256 (its identity in the reports and sweep keys) is the caller's when it has
 * it (a command replaying the file many times hashes it once), else computed in the same pass
 * as the checksum: an open reads the file once before streaming it, not twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <nettle/sha2.h>

#include "source_impl.h"
#include "dsev_format.h"
#include "synth_info.h"

#define DIGEST_LEN DSEV_DIGEST_LEN

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
	want = sizeof(*h) + dsev_pad8(h->desc_len) + h->n_events * sizeof(struct ds_event) + DIGEST_LEN;
	if (size != want)
		return fmt_error(error, path, "%" G_GUINT64_FORMAT " bytes, the header says %"
				 G_GUINT64_FORMAT " (%s at offset %" G_GUINT64_FORMAT ")", size, want,
				 size < want ? "truncated" : "trailing bytes",
				 MIN(size, want));
	return TRUE;
}

/*
 * MD5 of (text, events, header) against the stored one, before any event is delivered; and,
 * when @sha256 is not NULL, the whole file's sha256 from the same reads (header, then the
 * bytes checked, then the trailer: the file in order).
 */
static gboolean check_digest(struct dsev_source *s, uint64_t size, char *sha256,
			     GError **error)
{
	g_autoptr(GChecksum) ck = g_checksum_new(G_CHECKSUM_MD5);
	g_autofree guchar *buf = g_malloc(1 << 16);
	guint8 want[DIGEST_LEN], got[DIGEST_LEN], sha[SHA256_DIGEST_SIZE];
	gsize dlen = sizeof(got);
	uint64_t left = size - sizeof(s->h) - DIGEST_LEN;
	struct sha256_ctx fc;

	if (fseek(s->f, sizeof(s->h), SEEK_SET))
		return fmt_error(error, s->path, "cannot seek: %s", g_strerror(errno));
	sha256_init(&fc);
	if (sha256)
		sha256_update(&fc, sizeof(s->h), (const uint8_t *)&s->h);
	while (left) {
		size_t n = (size_t)MIN(left, 1 << 16);

		if (fread(buf, 1, n, s->f) != n)
			return fmt_error(error, s->path, "read error at offset %" G_GUINT64_FORMAT,
					 size - DIGEST_LEN - left);
		g_checksum_update(ck, buf, (gssize)n);
		if (sha256)
			sha256_update(&fc, n, buf);
		left -= n;
	}
	if (fread(want, 1, DIGEST_LEN, s->f) != DIGEST_LEN)
		return fmt_error(error, s->path, "read error at offset %" G_GUINT64_FORMAT,
				 size - DIGEST_LEN);
	g_checksum_update(ck, (const guchar *)&s->h, sizeof(s->h));
	g_checksum_get_digest(ck, got, &dlen);
	if (memcmp(want, got, DIGEST_LEN))
		return fmt_error(error, s->path, "checksum mismatch (corrupt file)");
	if (sha256) {
		sha256_update(&fc, DIGEST_LEN, want);
		sha256_digest(&fc, sizeof(sha), sha);
		ds_sha256_hex(sha, sha256);
	}
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
	if (ev->ts > DS_EV_TS_MAX)
		return fmt_error(error, s->path, "event %" G_GUINT64_FORMAT " at offset %"
				 G_GUINT64_FORMAT ": time %" G_GUINT64_FORMAT " ns is above 2^62 ns",
				 s->pos, off, ev->ts);
	if (ev->type == DS_EV_RELEASE && (ev->flags & DS_EVF_DURATION) &&
	    ev->aux > DS_EV_DURATION_MAX)
		return fmt_error(error, s->path, "event %" G_GUINT64_FORMAT " at offset %"
				 G_GUINT64_FORMAT ": release duration %" G_GUINT64_FORMAT " ns is "
				 "above 1000 s", s->pos, off, ev->aux);
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

struct ds_source *ds_synth_file_open_known(const char *path, const char *sha256,
					   GError **error)
{
	struct dsev_source *s = g_new0(struct dsev_source, 1);
	char digest[65] = "";
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
	s->data_off = sizeof(s->h) + dsev_pad8(s->h.desc_len);
	ds_note_whole_read(sha256 ? "dsev" : "dsev+hash", path);
	if (!check_header(&s->h, (uint64_t)st.st_size, path, error) ||
	    !check_digest(s, (uint64_t)st.st_size, sha256 ? NULL : digest, error))
		goto fail;
	ds_synth_info_init(&s->si, path, s->h.ncpus, s->h.t0);
	s->si.info.file_size = (uint64_t)st.st_size;
	g_strlcpy(s->si.info.sha256, sha256 ? sha256 : digest, sizeof(s->si.info.sha256));
	return &s->base;
fail:
	dsev_close(&s->base);
	return NULL;
}

struct ds_source *ds_synth_file_open(const char *path, GError **error)
{
	return ds_synth_file_open_known(path, NULL, error);
}
