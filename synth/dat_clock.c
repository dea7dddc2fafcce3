// SPDX-License-Identifier: MIT
/*
 * dat_clock.c - find options of a v7 trace.dat, rewrite the clock of its BUFFER option
 * (the layout: dat_clock.h).  trace-cmd restore records the clock "local" whatever the
 * tracing directory says; the writer (datw.c) sets the one it wants here.  Every size read
 * is checked against the file before it is used; a section is read whole only to be
 * rewritten, and that one is the last of the file (its options are small).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dat_clock.h"
#include "ds_source.h"

#define MAX_SECTIONS 64		/* restore writes 2 or 3 options sections */
#define MAX_REWRITE (1u << 20)	/* the BUFFER section holds a few hundred bytes per CPU */

static gboolean bad_dat(GError **error, const char *path, const char *what)
{
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a trace.dat as trace-cmd restore "
		    "writes it: %s", path, what);
	return FALSE;
}

static gboolean pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len;
}

/* Offset of the first options section of a v7 file. */
static gboolean first_section(int fd, uint64_t *off)
{
	char head[256];
	const char *p, *end;
	ssize_t n = pread(fd, head, sizeof(head), 0);

	if (n < 32 || memcmp(head + 3, "tracing", 7) || memcmp(head + 10, "7", 2))
		return FALSE;
	end = head + n;
	p = head + 12 + 1 + 1 + 4;		/* endian, long size, page size */
	for (int i = 0; i < 2; i++) {		/* compression name, version */
		p = memchr(p, 0, (size_t)(end - p));
		if (!p)
			return FALSE;
		p++;
	}
	if (p + 8 > end)
		return FALSE;
	memcpy(off, p, 8);
	return TRUE;
}

/*
 * Walk the options of every uncompressed options section; stop at the first option @id.
 * *@found: whether one was; @error only for a file that cannot be walked.
 */
static gboolean walk(int fd, const char *path, uint16_t id, struct ds_dat_option *out,
		     gboolean *found, GError **error)
{
	uint64_t off = 0, fsize = (uint64_t)lseek(fd, 0, SEEK_END);

	*found = FALSE;
	if (!first_section(fd, &off))
		return bad_dat(error, path, "not file format v7");
	for (int guard = 0; off && guard < MAX_SECTIONS; guard++) {
		uint16_t sid, flags;
		uint64_t size, next = 0;
		guint8 hdr[16];

		if (off > fsize || fsize - off < 16 || !pread_all(fd, hdr, 16, off))
			return bad_dat(error, path, "options section beyond the end");
		memcpy(&sid, hdr, 2);
		memcpy(&flags, hdr + 2, 2);
		memcpy(&size, hdr + 8, 8);
		if (sid != 0 || flags != 0 || size > fsize - off - 16)
			return TRUE;	/* compressed or not options: nothing more to find */
		for (uint64_t q = 0; q + 6 <= size;) {
			guint8 oh[6];
			uint16_t oid;
			uint32_t osz;

			if (!pread_all(fd, oh, 6, off + 16 + q))
				return bad_dat(error, path, "read error");
			memcpy(&oid, oh, 2);
			memcpy(&osz, oh + 2, 4);
			if (osz > size - q - 6)
				return bad_dat(error, path, "option beyond its section");
			if (oid == id) {
				*out = (struct ds_dat_option){ off + 16 + q + 6, osz, off, size };
				*found = TRUE;
				return TRUE;
			}
			if (oid == 0 && osz >= 8 && !pread_all(fd, &next, 8, off + 16 + q + 6))
				return bad_dat(error, path, "read error");
			q += 6 + osz;
		}
		off = next;
	}
	return TRUE;
}

gboolean ds_dat_option_find(const char *path, uint16_t id, struct ds_dat_option *out,
			    GError **error)
{
	int fd = open(path, O_RDONLY);
	gboolean found = FALSE, ok;

	if (fd < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	ok = walk(fd, path, id, out, &found, error);
	close(fd);
	return ok && found;
}

/* The BUFFER option body with @clock instead of its clock string (after u64 offset, name). */
static GByteArray *new_buffer_body(const guint8 *body, uint32_t osz, const char *clock)
{
	const guint8 *name_end = osz > 8 ? memchr(body + 8, 0, osz - 8) : NULL;
	const guint8 *clock_end = name_end ? memchr(name_end + 1, 0,
						    osz - (size_t)(name_end + 1 - body)) : NULL;
	GByteArray *b;

	if (!clock_end)
		return NULL;
	b = g_byte_array_new();
	g_byte_array_append(b, body, (guint)(name_end + 1 - body));
	g_byte_array_append(b, (const guint8 *)clock, (guint)strlen(clock) + 1);
	g_byte_array_append(b, clock_end + 1, (guint)(body + osz - (clock_end + 1)));
	return b;
}

/* Rewrite the section holding @o (the last of the file) with @clock in its BUFFER option. */
static gboolean rewrite_section(int fd, const struct ds_dat_option *o, const char *clock,
				const char *path, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	g_autofree guint8 *sec = NULL;
	uint64_t q = 16, newsize, size = o->section_size;

	if (size > MAX_REWRITE)
		return bad_dat(error, path, "BUFFER section too large");
	sec = g_malloc(16 + size);
	if (!pread_all(fd, sec, 16 + size, o->section_off))
		return bad_dat(error, path, "read error");
	g_byte_array_append(out, sec, 16);
	while (q + 6 <= 16 + size) {
		uint16_t oid;
		uint32_t osz;

		memcpy(&oid, sec + q, 2);
		memcpy(&osz, sec + q + 2, 4);
		if (osz > 16 + size - q - 6)
			return bad_dat(error, path, "option beyond its section");
		if (oid == DS_DAT_OPT_BUFFER) {
			g_autoptr(GByteArray) body = new_buffer_body(sec + q + 6, osz, clock);
			uint32_t nsz;

			if (!body)
				return bad_dat(error, path, "BUFFER option without a clock");
			nsz = body->len;
			g_byte_array_append(out, (const guint8 *)&oid, 2);
			g_byte_array_append(out, (const guint8 *)&nsz, 4);
			g_byte_array_append(out, body->data, body->len);
		} else {
			g_byte_array_append(out, sec + q, 6 + osz);
		}
		q += 6 + osz;
	}
	newsize = out->len - 16;
	memcpy(out->data + 8, &newsize, 8);
	if (pwrite(fd, out->data, out->len, (off_t)o->section_off) != (ssize_t)out->len ||
	    ftruncate(fd, (off_t)(o->section_off + out->len)) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot rewrite the clock: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean ds_dat_clock_set(const char *path, const char *clock, GError **error)
{
	int fd = open(path, O_RDWR);
	struct ds_dat_option o;
	gboolean found = FALSE, ok;

	if (fd < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		return FALSE;
	}
	ok = walk(fd, path, DS_DAT_OPT_BUFFER, &o, &found, error);
	if (ok && !found)
		ok = bad_dat(error, path, "no BUFFER option");
	else if (ok && o.section_off + 16 + o.section_size != (uint64_t)lseek(fd, 0, SEEK_END))
		ok = bad_dat(error, path, "BUFFER option is not in the last section");
	else if (ok)
		ok = rewrite_section(fd, &o, clock, path, error);
	if (close(fd) < 0 && ok) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: close: %s", path, g_strerror(errno));
		ok = FALSE;
	}
	return ok;
}
