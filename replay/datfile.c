// SPDX-License-Identifier: MIT
/*
 * datfile.c - bounded walk of trace.dat headers: version, clock, per-CPU data extents.
 *
 * struct cursor: an fd, the file size, the current offset and the file's byte order.  Every
 * read goes through cur_read(), which refuses to go past the end of the file and records
 * where it stopped, so a truncated file is reported as "truncated or corrupt at offset N" instead of
 * being read as garbage.  Layouts: trace-cmd.dat.v6(5) and trace-cmd.dat.v7(5).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "datfile.h"
#include "ds_source.h"

#define MAGIC "\x17\x08\x44tracing"
#define MAX_STR 4096		/* longest header string we accept */
#define MAX_SECTIONS 4096	/* bound on the v7 options chain (guards against loops) */
#define DS_MAX_CPUS DS_TRACE_MAX_CPUS	/* CPU ids above are corrupt data */

/* v7 option ids (trace-cmd.dat.v7(5)); v6 uses the same ids in its options list */
enum {
	OPT_DONE = 0, OPT_BUFFER = 3, OPT_TRACECLOCK = 4,
	OPT_HEADER_INFO = 16, OPT_CMDLINES = 21,	/* 16..21: offsets of header sections */
	OPT_BUFFER_TEXT = 22,
};
#define SECTION_HDR 16		/* v7: u16 id, u16 flags, u32 string id, u64 size */

struct cursor {
	int fd;
	const char *path;
	uint64_t size;
	uint64_t pos;
	gboolean big_endian;
	uint64_t max_end;	/* v7: end of the furthest section seen */
	gboolean in_section;	/* v7: @size is the end of the section being walked */
};

static gboolean truncated(struct cursor *c, uint64_t need, const char *what, GError **error)
{
	if (c->in_section) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: %s at offset %"
			    G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes) runs past the end of its "
			    "section at offset %" G_GUINT64_FORMAT, c->path, what, c->pos, need, c->size);
		return FALSE;
	}
	/*
	 * A cut file and a size field corrupted upwards look the same from here; say both,
	 * and where the read starts (the file's end alone does not tell a reader which field).
	 */
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
		    "%s: truncated or corrupt at offset %" G_GUINT64_FORMAT ": %s needs %"
		    G_GUINT64_FORMAT " bytes there, the file ends %" G_GUINT64_FORMAT " bytes later "
		    "(at %" G_GUINT64_FORMAT ")", c->path, c->pos, what, need,
		    c->size > c->pos ? c->size - c->pos : 0, c->size);
	return FALSE;
}

static gboolean cur_read(struct cursor *c, void *buf, size_t len, const char *what,
			 GError **error)
{
	if (c->pos > c->size || len > c->size - c->pos)
		return truncated(c, len, what, error);
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(c->fd, (char *)buf + done, len - done, (off_t)(c->pos + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: read error at offset %"
				    G_GUINT64_FORMAT ": %s", c->path, c->pos + done,
				    r ? g_strerror(errno) : "unexpected end of file");
			return FALSE;
		}
		done += (size_t)r;
	}
	c->pos += len;
	return TRUE;
}

static gboolean cur_skip(struct cursor *c, uint64_t len, const char *what, GError **error)
{
	if (c->pos > c->size || len > c->size - c->pos)
		return truncated(c, len, what, error);
	c->pos += len;
	return TRUE;
}

static uint64_t swap_in(const struct cursor *c, uint64_t v, size_t size)
{
	gboolean host_be = G_BYTE_ORDER == G_BIG_ENDIAN;

	if (host_be == c->big_endian)
		return v;
	switch (size) {
	case 2: return GUINT16_SWAP_LE_BE((uint16_t)v);
	case 4: return GUINT32_SWAP_LE_BE((uint32_t)v);
	default: return GUINT64_SWAP_LE_BE(v);
	}
}

static gboolean cur_u16(struct cursor *c, uint64_t *v, const char *what, GError **error)
{
	uint16_t x;

	if (!cur_read(c, &x, 2, what, error))
		return FALSE;
	*v = swap_in(c, x, 2);
	return TRUE;
}

static gboolean cur_u32(struct cursor *c, uint64_t *v, const char *what, GError **error)
{
	uint32_t x;

	if (!cur_read(c, &x, 4, what, error))
		return FALSE;
	*v = swap_in(c, x, 4);
	return TRUE;
}

static gboolean cur_u64(struct cursor *c, uint64_t *v, const char *what, GError **error)
{
	uint64_t x;

	if (!cur_read(c, &x, 8, what, error))
		return FALSE;
	*v = swap_in(c, x, 8);
	return TRUE;
}

/* A NUL-terminated string of at most MAX_STR bytes. */
static char *cur_str(struct cursor *c, const char *what, GError **error)
{
	GString *s = g_string_new(NULL);
	char ch;

	for (;;) {
		if (!cur_read(c, &ch, 1, what, error))
			goto fail;
		if (!ch)
			return g_string_free(s, FALSE);
		if (s->len >= MAX_STR) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt header at offset %"
				    G_GUINT64_FORMAT ": %s is not terminated", c->path, c->pos, what);
			goto fail;
		}
		g_string_append_c(s, ch);
	}
fail:
	g_string_free(s, TRUE);
	return NULL;
}

static gboolean expect(struct cursor *c, const char *lit, size_t len, GError **error)
{
	char buf[16];

	g_assert(len <= sizeof(buf));
	if (!cur_read(c, buf, len, lit, error))
		return FALSE;
	if (memcmp(buf, lit, len)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
			    "%s: corrupt trace.dat: expected \"%s\" at offset %" G_GUINT64_FORMAT,
			    c->path, lit, c->pos - len);
		return FALSE;
	}
	return TRUE;
}

/* Skip @n blocks of "size (of @szlen bytes) + data". */
static gboolean skip_blocks(struct cursor *c, uint64_t n, int szlen, const char *what,
			    GError **error)
{
	for (uint64_t i = 0; i < n; i++) {
		uint64_t sz;

		if (!(szlen == 4 ? cur_u32(c, &sz, what, error) : cur_u64(c, &sz, what, error)))
			return FALSE;
		if (!cur_skip(c, sz, what, error))
			return FALSE;
	}
	return TRUE;
}

/* "local [global] counter": the name in brackets is the clock in use. */
static char *clock_from_trace_clock(const char *text, size_t len)
{
	const char *b = memchr(text, '[', len);
	const char *e = b ? memchr(b, ']', len - (size_t)(b - text)) : NULL;

	return e ? g_strndup(b + 1, (size_t)(e - b - 1)) : NULL;
}

static gboolean check_cpu_extents(struct cursor *c, struct ds_datfile *df, GError **error)
{
	for (guint i = 0; i < df->cpus->len; i++) {
		const struct ds_datfile_cpu *cd = &g_array_index(df->cpus, struct ds_datfile_cpu, i);

		if (cd->offset > df->file_size || cd->size > df->file_size - cd->offset) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
				    "%s: truncated or corrupt at offset %" G_GUINT64_FORMAT ": CPU %u "
				    "data spans offsets %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
				    " (the file ends at %" G_GUINT64_FORMAT ")", c->path, cd->offset,
				    cd->cpu, cd->offset, cd->offset + cd->size, df->file_size);
			return FALSE;
		}
	}
	return TRUE;
}

/*
 * The metadata blocks, in v6 file order; in v7 each is a section of its own (option id
 * 16..21 gives its offset).  Walking them checks every size they declare, so that
 * libtracecmd is never handed a size larger than the file.
 */
static gboolean walk_block(struct cursor *c, uint64_t id, GError **error)
{
	uint64_t n, nev;

	switch (id) {
	case OPT_HEADER_INFO:
		return expect(c, "header_page", 12, error) &&
		       skip_blocks(c, 1, 8, "header_page", error) &&
		       expect(c, "header_event", 13, error) &&
		       skip_blocks(c, 1, 8, "header_event", error);
	case OPT_HEADER_INFO + 1:
		return cur_u32(c, &n, "ftrace formats", error) &&
		       skip_blocks(c, n, 8, "ftrace format", error);
	case OPT_HEADER_INFO + 2:
		if (!cur_u32(c, &n, "event systems", error))
			return FALSE;
		for (uint64_t i = 0; i < n; i++) {
			g_autofree char *sys = cur_str(c, "system name", error);

			if (!sys || !cur_u32(c, &nev, "event count", error) ||
			    !skip_blocks(c, nev, 8, "event format", error))
				return FALSE;
		}
		return TRUE;
	case OPT_HEADER_INFO + 3:
		return skip_blocks(c, 1, 4, "kallsyms", error);
	case OPT_HEADER_INFO + 4:
		return skip_blocks(c, 1, 4, "printk formats", error);
	default:
		return skip_blocks(c, 1, 8, "saved cmdlines", error);
	}
}

/* v7: the section whose header is at @off must fit in the file. */
static gboolean check_section(struct cursor *c, uint64_t off, const char *what, GError **error)
{
	uint64_t save = c->pos, id, flags, strid, size;
	gboolean ok;

	if (off >= c->size) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: truncated or corrupt at offset %"
			    G_GUINT64_FORMAT ": the %s section should start there, the file ends at %"
			    G_GUINT64_FORMAT, c->path, off, what, c->size);
		return FALSE;
	}
	c->pos = off;
	ok = cur_u16(c, &id, what, error) && cur_u16(c, &flags, what, error) &&
	     cur_u32(c, &strid, what, error) && cur_u64(c, &size, what, error) &&
	     cur_skip(c, size, what, error);
	if (ok && c->pos > c->max_end)
		c->max_end = c->pos;
	c->pos = save;
	return ok;
}

/* v7: the metadata section @id at @off fits in the file and its content in the section. */
static gboolean walk_section(struct cursor *c, uint64_t off, uint64_t id, GError **error)
{
	uint64_t save = c->pos, size = c->size, sid, flags, strid, len;
	gboolean ok;

	if (!check_section(c, off, "header", error))
		return FALSE;
	c->pos = off;
	ok = cur_u16(c, &sid, "section header", error) && cur_u16(c, &flags, "section header", error) &&
	     cur_u32(c, &strid, "section header", error) && cur_u64(c, &len, "section header", error);
	if (ok && !(flags & 1)) {	/* compressed: libtracecmd checks the decompressed size */
		c->size = c->pos + len;
		c->in_section = TRUE;
		ok = walk_block(c, id, error);
		c->in_section = FALSE;
		c->size = size;
	}
	c->pos = save;
	return ok;
}

/* One option of the options list, given its id and size; c->pos is at its data. */
static gboolean read_option(struct cursor *c, struct ds_datfile *df, uint64_t id, uint64_t size,
			    uint64_t *next_section, GError **error)
{
	uint64_t end = c->pos + size;

	if (c->pos > c->size || size > c->size - c->pos)
		return truncated(c, size, "option", error);
	/* which options there are: some change libtracecmd's time stamps (decode.c) */
	df->option_ids |= 1ull << MIN(id, 63);
	if (id == OPT_DONE && df->version >= 7) {
		if (!cur_u64(c, next_section, "options DONE", error))
			return FALSE;
	} else if (id == OPT_TRACECLOCK && size && size < MAX_STR) {
		g_autofree char *text = g_malloc0(size + 1);

		if (!cur_read(c, text, size, "TRACECLOCK option", error))
			return FALSE;
		if (!df->clock)
			df->clock = clock_from_trace_clock(text, size);
	} else if (id == OPT_BUFFER_TEXT) {
		df->latency = TRUE;
	} else if (id >= OPT_HEADER_INFO && id <= OPT_CMDLINES && df->version >= 7) {
		uint64_t off;

		if (!cur_u64(c, &off, "section offset option", error) ||
		    !walk_section(c, off, id, error))
			return FALSE;
	} else if (id == OPT_BUFFER && df->version >= 7) {
		uint64_t section, pagesz, ncpus;
		g_autofree char *name = NULL, *clock = NULL;

		if (!cur_u64(c, &section, "BUFFER option", error) ||
		    !(name = cur_str(c, "buffer name", error)) ||
		    !(clock = cur_str(c, "buffer clock", error)) ||
		    !cur_u32(c, &pagesz, "BUFFER option", error) ||
		    !cur_u32(c, &ncpus, "BUFFER option", error))
			return FALSE;
		if (section >= c->size) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: truncated or corrupt at "
				    "offset %" G_GUINT64_FORMAT ": the CPU data section should start "
				    "there, the file ends at %" G_GUINT64_FORMAT, c->path, section,
				    c->size);
			return FALSE;
		}
		if (!check_section(c, section, "CPU data", error))
			return FALSE;
		if (name[0])	/* another instance: not replayed */
			goto done;
		g_free(df->clock);
		df->clock = g_steal_pointer(&clock);
		if (ncpus > DS_MAX_CPUS)
			goto corrupt;
		for (uint64_t i = 0; i < ncpus; i++) {
			uint64_t cpu;
			struct ds_datfile_cpu cd = { 0 };

			if (!cur_u32(c, &cpu, "BUFFER option", error) ||
			    !cur_u64(c, &cd.offset, "BUFFER option", error) ||
			    !cur_u64(c, &cd.size, "BUFFER option", error))
				return FALSE;
			if (cpu >= DS_MAX_CPUS)
				goto corrupt;	/* libtracecmd would allocate per CPU id */
			for (guint k = 0; k < df->cpus->len; k++)
				if (g_array_index(df->cpus, struct ds_datfile_cpu, k).cpu == cpu)
					goto corrupt;
			cd.cpu = (unsigned int)cpu;
			g_array_append_val(df->cpus, cd);
		}
	}
done:
	if (c->pos > end)
		goto corrupt;
	c->pos = end;
	return TRUE;
corrupt:
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt option %" G_GUINT64_FORMAT
		    " at offset %" G_GUINT64_FORMAT, c->path, id, end - size);
	return FALSE;
}

/* v7: follow the chain of options sections from @off. */
static gboolean read_v7(struct cursor *c, struct ds_datfile *df, uint64_t off, GError **error)
{
	for (int n = 0; off; n++) {
		uint64_t id, flags, strid, size, next = 0;

		if (n >= MAX_SECTIONS || off >= c->size) {
			if (n >= MAX_SECTIONS)
				g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: "
					    "more than %d options sections (a loop?); the last one points "
					    "at offset %" G_GUINT64_FORMAT, c->path, MAX_SECTIONS, off);
			else
				g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: truncated or corrupt "
					    "at offset %" G_GUINT64_FORMAT ": an options section should "
					    "start there, the file ends at %" G_GUINT64_FORMAT, c->path,
					    off, c->size);
			return FALSE;
		}
		c->pos = off;
		if (!cur_u16(c, &id, "section header", error) ||
		    !cur_u16(c, &flags, "section header", error) ||
		    !cur_u32(c, &strid, "section header", error) ||
		    !cur_u64(c, &size, "section header", error))
			return FALSE;
		if (id != 0) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: section "
				    "at offset %" G_GUINT64_FORMAT " is not an options section",
				    c->path, off);
			return FALSE;
		}
		if (flags & 1) {	/* compressed options: leave them to libtracecmd */
			df->options_unread = TRUE;
			return TRUE;
		}
		uint64_t end = c->pos + size;

		if (size > c->size - c->pos)
			return truncated(c, size, "options section", error);
		if (end > c->max_end)
			c->max_end = end;
		while (c->pos < end) {
			uint64_t oid, osz;

			if (!cur_u16(c, &oid, "option", error) || !cur_u32(c, &osz, "option", error))
				return FALSE;
			if (!read_option(c, df, oid, osz, &next, error))
				return FALSE;
			if (oid == OPT_DONE)
				break;
		}
		off = next;
	}
	/* sections no option points to (e.g. the strings of a compressed file) follow */
	for (int n = 0; c->max_end + SECTION_HDR <= c->size && n < MAX_SECTIONS; n++) {
		uint64_t end = c->max_end;

		if (!check_section(c, end, "trailing", error))
			return FALSE;
		if (c->max_end == end)
			break;
	}
	if (c->max_end < c->size && c->size - c->max_end < SECTION_HDR)
		return truncated(c, SECTION_HDR, "section header", error);
	return TRUE;
}

/* v6: walk every header block up to the options and the flyrecord table. */
static gboolean read_v6(struct cursor *c, struct ds_datfile *df, GError **error)
{
	uint64_t ncpus, id, size;
	char kind[10];

	for (uint64_t id = OPT_HEADER_INFO; id <= OPT_CMDLINES; id++)
		if (!walk_block(c, id, error))
			return FALSE;
	if (!cur_u32(c, &ncpus, "cpu count", error) ||
	    !cur_read(c, kind, sizeof(kind), "data kind", error))
		return FALSE;
	if (!memcmp(kind, "options  ", 10)) {
		for (;;) {
			if (!cur_u16(c, &id, "option", error))
				return FALSE;
			if (id == OPT_DONE)
				break;
			if (!cur_u32(c, &size, "option", error) ||
			    !read_option(c, df, id, size, NULL, error))
				return FALSE;
		}
		if (!cur_read(c, kind, sizeof(kind), "data kind", error))
			return FALSE;
	}
	if (!memcmp(kind, "latency  ", 10)) {
		df->latency = TRUE;
		return TRUE;
	}
	if (memcmp(kind, "flyrecord", 10)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: no flyrecord "
			    "data at offset %" G_GUINT64_FORMAT, c->path, c->pos - 10);
		return FALSE;
	}
	if (ncpus > DS_MAX_CPUS)
		return truncated(c, ncpus * 16, "CPU table", error);
	for (uint64_t i = 0; i < ncpus; i++) {
		struct ds_datfile_cpu cd = { .cpu = (unsigned int)i };

		if (!cur_u64(c, &cd.offset, "CPU table", error) ||
		    !cur_u64(c, &cd.size, "CPU table", error))
			return FALSE;
		g_array_append_val(df->cpus, cd);
	}
	return TRUE;
}

/*
 * Every page of every CPU is walked (pagecheck.c): its records counted, damage found.  A
 * damaged page is recorded, not refused here: libtracecmd trusts page headers (and crashes on
 * some bad ones), and only runs in a child process after this walk (trace_source.c), which
 * compares what it delivered with what the pages hold.
 */
#define READ_PAGES 64		/* pages read per pread */

static struct ds_page_layout layout_of(const struct ds_datfile *df)
{
	return (struct ds_page_layout){ .big_endian = df->big_endian,
		.long_size = df->long_size == 4 ? 4 : 8, .page_size = df->page_size };
}

static gboolean page_size_ok(struct cursor *c, const struct ds_datfile *df, GError **error)
{
	unsigned int hdr = 8 + (df->long_size == 4 ? 4 : 8);

	if (df->page_size > hdr && df->page_size <= (1u << 24))
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt trace.dat: page size %u (a "
		    "ring-buffer page is %u bytes to 16 MiB)%s", c->path, df->page_size, hdr + 1,
		    df->compression && strcmp(df->compression, "none") ? " in a compressed trace" : "");
	return FALSE;
}

static gboolean check_pages(struct cursor *c, struct ds_datfile *df, GError **error)
{
	struct ds_page_layout lay = layout_of(df);
	g_autofree uint8_t *buf = g_malloc((size_t)df->page_size * READ_PAGES);

	for (guint i = 0; i < df->cpus->len; i++) {
		struct ds_datfile_cpu *cd = &g_array_index(df->cpus, struct ds_datfile_cpu, i);
		uint64_t whole = cd->size - cd->size % df->page_size;

		for (uint64_t done = 0; done < whole;) {
			uint64_t n = MIN(whole - done, (uint64_t)df->page_size * READ_PAGES);

			c->pos = cd->offset + done;
			if (!cur_read(c, buf, n, "CPU data", error))
				return FALSE;
			for (uint64_t k = 0; k < n; k += df->page_size)
				ds_pagecheck_page(&cd->check, &lay, buf + k, cd->offset + done + k);
			done += n;
		}
		if (cd->size % df->page_size)
			ds_pagecheck_unreadable(&cd->check, 1, cd->size % df->page_size,
						cd->offset + whole, "the CPU's data ends inside a page");
	}
	return TRUE;
}

/* Decompress one chunk with the file's algorithm; FALSE if the data does not decompress. */
static gboolean decompress(const char *alg, const uint8_t *src, size_t n, uint8_t *dst,
			   size_t want)
{
	if (!strcmp(alg, "zstd")) {
		size_t r = ZSTD_decompress(dst, want, src, n);

		return !ZSTD_isError(r) && r == want;
	}
	if (!strcmp(alg, "zlib")) {
		uLongf got = want;

		return uncompress(dst, &got, src, n) == Z_OK && got == want;
	}
	return FALSE;
}

/*
 * Compressed CPU data (v7): u32 chunk count, then per chunk u32 compressed size, u32
 * uncompressed size (whole pages), data.  The sizes are checked (libtracecmd mallocs the
 * uncompressed size as given) and are an error when wrong; each chunk is decompressed and its
 * pages walked; a chunk that does not decompress is damage (all its pages).
 */
#define MAX_CHUNK (1u << 28)

static gboolean check_chunk(struct cursor *c, const struct ds_datfile *df,
			    struct ds_datfile_cpu *cd, uint64_t end, GByteArray *in, GByteArray *out,
			    GError **error)
{
	struct ds_page_layout lay = layout_of(df);
	uint64_t at = c->pos, cs, us;

	if (!cur_u32(c, &cs, "chunk header", error) || !cur_u32(c, &us, "chunk header", error))
		return FALSE;
	if (c->pos + cs > end || us > MAX_CHUNK || us % df->page_size) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: corrupt compressed chunk at "
			    "offset %" G_GUINT64_FORMAT " (CPU %u): sizes %" G_GUINT64_FORMAT "/%"
			    G_GUINT64_FORMAT, c->path, at, cd->cpu, cs, us);
		return FALSE;
	}
	g_byte_array_set_size(in, (guint)cs);
	g_byte_array_set_size(out, (guint)us);
	if (!cur_read(c, in->data, cs, "compressed chunk", error))
		return FALSE;
	if (!decompress(df->compression, in->data, cs, out->data, us)) {
		ds_pagecheck_unreadable(&cd->check, us / df->page_size, us, at,
					"a compressed chunk that does not decompress");
		return TRUE;
	}
	for (uint64_t k = 0; k < us; k += df->page_size)
		ds_pagecheck_page(&cd->check, &lay, out->data + k, at);
	return TRUE;
}

static gboolean check_chunks(struct cursor *c, struct ds_datfile *df, GError **error)
{
	g_autoptr(GByteArray) in = g_byte_array_new();
	g_autoptr(GByteArray) out = g_byte_array_new();

	if (strcmp(df->compression, "zstd") && strcmp(df->compression, "zlib")) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: compression \"%s\" is not "
			    "supported (zstd and zlib are)", c->path, df->compression);
		return FALSE;
	}
	for (guint i = 0; i < df->cpus->len; i++) {
		struct ds_datfile_cpu *cd = &g_array_index(df->cpus, struct ds_datfile_cpu, i);
		uint64_t n, end = cd->offset + cd->size + 4;

		if (!cd->size)
			continue;
		c->pos = cd->offset;
		if (!cur_u32(c, &n, "chunk count", error))
			return FALSE;
		for (uint64_t k = 0; k < n; k++)
			if (!check_chunk(c, df, cd, end, in, out, error))
				return FALSE;
	}
	return TRUE;
}

/*
 * Compressed data is walked now: its chunk sizes must be checked before libtracecmd reads
 * them.  Plain pages are only counted (libtracecmd trusts nothing in them that the header
 * walk did not check), so that walk can wait: ds_datfile_walk_pages().
 */
static gboolean data_ok(struct cursor *c, struct ds_datfile *df, GError **error)
{
	if (!check_cpu_extents(c, df, error) || !page_size_ok(c, df, error))
		return FALSE;
	if (df->compression && strcmp(df->compression, "none"))
		return check_chunks(c, df, error);
	df->pages_pending = TRUE;
	return TRUE;
}

static gboolean read_all(struct cursor *c, struct ds_datfile *df, GError **error)
{
	char magic[10];
	unsigned char endian, longsz;
	uint64_t pagesz;
	g_autofree char *ver = NULL;

	if (c->size < sizeof(magic) || !cur_read(c, magic, sizeof(magic), "magic", error) ||
	    memcmp(magic, MAGIC, sizeof(magic))) {
		g_clear_error(error);
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
			    "%s: not a trace.dat file (no trace-cmd magic at offset 0)", c->path);
		return FALSE;
	}
	if (!(ver = cur_str(c, "version", error)))
		return FALSE;
	df->version = (unsigned int)g_ascii_strtoull(ver, NULL, 10);
	if (df->version < 6 || df->version > 7) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT,
			    "%s: trace.dat file version \"%s\" is not supported (6 and 7 are)",
			    c->path, ver);
		return FALSE;
	}
	if (!cur_read(c, &endian, 1, "endianness", error) ||
	    !cur_read(c, &longsz, 1, "long size", error))
		return FALSE;
	c->big_endian = df->big_endian = endian != 0;
	df->long_size = longsz;
	if (!cur_u32(c, &pagesz, "page size", error))
		return FALSE;
	df->page_size = (unsigned int)pagesz;
	if (df->version == 6)
		return read_v6(c, df, error) && data_ok(c, df, error);

	uint64_t opts;
	g_autofree char *cver = NULL;

	if (!(df->compression = cur_str(c, "compression name", error)) ||
	    !(cver = cur_str(c, "compression version", error)) ||
	    !cur_u64(c, &opts, "options offset", error))
		return FALSE;
	return read_v7(c, df, opts, error) && data_ok(c, df, error);
}

static int open_file(const char *path, uint64_t *size, GError **error)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

gboolean ds_datfile_walk_pages(const char *path, struct ds_datfile *df, GError **error)
{
	struct cursor c = { .path = path, .big_endian = df->big_endian };
	gboolean ok;

	if (!df->pages_pending)
		return TRUE;
	c.fd = open_file(path, &c.size, error);
	if (c.fd < 0)
		return FALSE;
	if (c.size != df->file_size) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: changed size while being read "
			    "(%" G_GUINT64_FORMAT " bytes, then %" G_GUINT64_FORMAT ")", path,
			    df->file_size, c.size);
		close(c.fd);
		return FALSE;
	}
	ok = check_pages(&c, df, error);
	close(c.fd);
	df->pages_pending = !ok;
	return ok;
}

gboolean ds_datfile_read(const char *path, struct ds_datfile *df, GError **error)
{
	return ds_datfile_read_headers(path, df, error) && ds_datfile_walk_pages(path, df, error);
}

gboolean ds_datfile_read_headers(const char *path, struct ds_datfile *df, GError **error)
{
	struct cursor c = { .path = path };
	gboolean ok;

	memset(df, 0, sizeof(*df));
	df->cpus = g_array_new(FALSE, TRUE, sizeof(struct ds_datfile_cpu));
	c.fd = open_file(path, &c.size, error);
	if (c.fd < 0)
		return FALSE;
	df->file_size = c.size;
	ok = read_all(&c, df, error);
	close(c.fd);
	return ok;
}

void ds_datfile_clear(struct ds_datfile *df)
{
	g_free(df->compression);
	g_free(df->clock);
	if (df->cpus)
		g_array_unref(df->cpus);
	memset(df, 0, sizeof(*df));
}
