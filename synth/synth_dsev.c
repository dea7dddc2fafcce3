// SPDX-License-Identifier: MIT
/*
 * synth_dsev.c - ds_synth_write_dsev(): the synthetic event file (.dsev) writer.
 *
 * Layout: replay/dsev_format.h (its reader is replay/synth_file.c).  The writer streams into
 * a temporary file next to the target and renames it once everything is written; a
 * termination signal caught meanwhile (synth_signal.c) stops it and the temporary file is
 * removed.  struct dsev_writer: the open temporary file, the running MD5, a batch of events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "dsev_format.h"
#include "synth_impl.h"

#define BATCH 4096

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
		if (ds_synth_interrupted(error))
			return FALSE;
		w->buf[w->nbuf++] = ev;
		if (w->nbuf == BATCH && !wr_flush(w, error))
			return FALSE;
	}
	return rc == 0 && wr_flush(w, error);
}

static gboolean wr_finish(struct dsev_writer *w, struct dsev_header *h, GError **error)
{
	guint8 digest[DSEV_DIGEST_LEN];
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
	     wr_bytes(w, zeros, dsev_pad8(dlen) - dlen, error) && wr_events(w, src, error) &&
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

