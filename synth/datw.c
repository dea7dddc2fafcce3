// SPDX-License-Identifier: MIT
/*
 * datw.c - the trace.dat writer (datw.h says how a trace.dat is made without tracing rights).
 *
 * struct datw_cpu is one CPU's raw buffer file and the page being filled (its data, base
 * timestamp, last record's time, the loss flagged before it, damage to apply); struct ds_datw
 * is one write: the temporary tracing directory, every file created in it (removed at the
 * end, whatever happens), the CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "datw.h"
#include "dat_clock.h"
#include "synth_impl.h"

#define TS_BITS 27
#define TYPE_PADDING 29
#define TYPE_EXTEND 30
#define SMALL_MAX 112		/* longest payload whose length fits type_len (28 * 4) */
#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)

struct datw_cpu {
	FILE *f;
	char *path;
	guint8 data[DS_DATW_PAGE - DS_DATW_PAGE_HDR];
	size_t len;
	uint64_t base;
	uint64_t last;
	gboolean open;
	enum ds_datw_loss loss;
	uint64_t lost;
	enum ds_datw_damage damage;
	size_t last_rec;	/* offset in data of the last event record */
	uint64_t records;
};

struct ds_datw {
	char *dir;
	unsigned int ncpus;
	struct datw_cpu *cpus;
	GPtrArray *files;	/* every file created in @dir, removed by ds_datw_free() */
};

static gboolean io_error(GError **error, const char *what, const char *path)
{
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s: %s", path, what, g_strerror(errno));
	return FALSE;
}

/* --- the tracing directory --------------------------------------------------------------- */

static char *dir_file(struct ds_datw *w, const char *rel)
{
	char *path = g_build_filename(w->dir, rel, NULL);

	g_ptr_array_add(w->files, g_strdup(path));
	return path;
}

static gboolean put_file(struct ds_datw *w, const char *rel, const char *text, GError **error)
{
	g_autofree char *path = dir_file(w, rel);
	g_autofree char *parent = g_path_get_dirname(path);

	if (g_mkdir_with_parents(parent, 0700) < 0)
		return io_error(error, "cannot create directory", parent);
	return g_file_set_contents(path, text, -1, error);
}

#define COMMON_FIELDS \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"

static gboolean write_formats(struct ds_datw *w, const struct ds_datw_opts *o, GError **error)
{
	static const char header_page[] =
		"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
		"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
		"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
		"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";
	static const char header_event[] =
		"# compressed entry header\n\ttype_len    :    5 bits\n"
		"\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n"
		"\tpadding     : type == 29\n\ttime_extend : type == 30\n"
		"\ttime_stamp : type == 31\n\tdata max type_len  == 28\n";

	if (!put_file(w, "events/header_page", header_page, error) ||
	    !put_file(w, "events/header_event", header_event, error))
		return FALSE;
	for (unsigned int i = 0; i < o->nformats; i++) {
		const struct ds_datw_format *f = &o->formats[i];
		g_autofree char *rel = g_strdup_printf("events/%s/%s/format", f->system, f->name);
		g_autofree char *text = g_strdup_printf("name: %s\nID: %u\nformat:\n" COMMON_FIELDS
							"\n%s\nprint fmt: %s\n", f->name, f->id,
							f->fields, f->print);

		if (!put_file(w, rel, text, error))
			return FALSE;
	}
	return put_file(w, "trace_clock", o->trace_clock, error) &&
	       put_file(w, "kallsyms", o->kallsyms, error);
}

struct ds_datw *ds_datw_new(const struct ds_datw_opts *o, GError **error)
{
	struct ds_datw *w;

	if (o->ncpus == 0 || o->ncpus > DS_DATW_MAX_CPUS) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "a trace.dat is written with 1 to %u "
			    "CPUs, not %u", DS_DATW_MAX_CPUS, o->ncpus);
		return NULL;
	}
	w = g_new0(struct ds_datw, 1);
	w->files = g_ptr_array_new_with_free_func(g_free);
	w->dir = g_dir_make_tmp("defersim-synth-XXXXXX", error);
	if (!w->dir) {
		ds_datw_free(w);
		return NULL;
	}
	w->ncpus = o->ncpus;
	w->cpus = g_new0(struct datw_cpu, o->ncpus);
	if (!write_formats(w, o, error))
		goto fail;
	for (unsigned int c = 0; c < w->ncpus; c++) {
		g_autofree char *name = g_strdup_printf("cpu%u", c);

		w->cpus[c].path = dir_file(w, name);
		w->cpus[c].f = fopen(w->cpus[c].path, "wb");
		if (!w->cpus[c].f) {
			io_error(error, "cannot create", w->cpus[c].path);
			goto fail;
		}
	}
	return w;
fail:
	ds_datw_free(w);
	return NULL;
}

void ds_datw_free(struct ds_datw *w)
{
	if (!w)
		return;
	for (unsigned int c = 0; w->cpus && c < w->ncpus; c++) {
		if (w->cpus[c].f)
			fclose(w->cpus[c].f);
		g_free(w->cpus[c].path);
	}
	g_free(w->cpus);
	/* files first, then their directories, deepest first */
	for (guint i = 0; i < w->files->len; i++)
		g_unlink(g_ptr_array_index(w->files, i));
	for (guint i = w->files->len; i-- > 0;) {
		g_autofree char *d = g_path_get_dirname(g_ptr_array_index(w->files, i));

		while (g_str_has_prefix(d, w->dir) && strlen(d) > strlen(w->dir)) {
			char *up = g_path_get_dirname(d);

			g_rmdir(d);
			g_free(d);
			d = up;
		}
	}
	if (w->dir)
		g_rmdir(w->dir);
	g_free(w->dir);
	g_ptr_array_unref(w->files);
	g_free(w);
}

/* --- ring-buffer pages ------------------------------------------------------------------- */

static void put_u32(guint8 *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void apply_damage(const struct datw_cpu *c, guint8 *page)
{
	uint64_t commit;

	switch (c->damage) {
	case DS_DATW_DAMAGE_SHORT_COMMIT:
		commit = c->last_rec + 2;
		memcpy(page + 8, &commit, 8);
		break;
	case DS_DATW_DAMAGE_GARBAGE_HEADER:
		memset(page, 0xa5, DS_DATW_PAGE_HDR);
		break;
	case DS_DATW_DAMAGE_NONE:
		break;
	}
}

static gboolean page_flush(struct datw_cpu *c, GError **error)
{
	guint8 page[DS_DATW_PAGE];
	uint64_t commit = c->len;

	if (!c->open)
		return TRUE;
	memset(page, 0, sizeof(page));
	if (c->loss != DS_DATW_LOSS_NONE)
		commit |= MISSED_EVENTS;
	if (c->loss == DS_DATW_LOSS_COUNTED) {
		commit |= MISSED_STORED;
		memcpy(page + DS_DATW_PAGE_HDR + c->len, &c->lost, 8);
	}
	memcpy(page, &c->base, 8);
	memcpy(page + 8, &commit, 8);
	memcpy(page + DS_DATW_PAGE_HDR, c->data, c->len);
	apply_damage(c, page);
	c->open = FALSE;
	c->len = 0;
	c->loss = DS_DATW_LOSS_NONE;
	c->damage = DS_DATW_DAMAGE_NONE;
	return fwrite(page, 1, DS_DATW_PAGE, c->f) == DS_DATW_PAGE ||
	       io_error(error, "write error", c->path);
}

static struct datw_cpu *cpu_of(struct ds_datw *w, unsigned int cpu, GError **error)
{
	if (cpu < w->ncpus)
		return &w->cpus[cpu];
	g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "trace.dat writer: CPU %u of %u", cpu,
		    w->ncpus);
	return NULL;
}

gboolean ds_datw_page(struct ds_datw *w, unsigned int cpu, uint64_t ts, enum ds_datw_loss loss,
		      uint64_t lost, GError **error)
{
	struct datw_cpu *c = cpu_of(w, cpu, error);

	if (!c || !page_flush(c, error))
		return FALSE;
	c->open = TRUE;
	c->base = c->last = ts;
	c->loss = loss;
	c->lost = lost;
	return TRUE;
}

/* Room for @need more bytes, keeping 8 for a lost-event count. */
static gboolean page_fits(const struct datw_cpu *c, size_t need)
{
	return DS_DATW_PAGE_HDR + c->len + need + 8 <= DS_DATW_PAGE;
}

gboolean ds_datw_record(struct ds_datw *w, unsigned int cpu, uint64_t ts, const guint8 *payload,
			size_t len, GError **error)
{
	struct datw_cpu *c = cpu_of(w, cpu, error);
	size_t need = (len <= SMALL_MAX ? 4 : 8) + len;
	uint64_t delta;
	guint8 *p;

	if (!c)
		return FALSE;
	if (len % 4 || need + 8 > DS_DATW_PAGE - DS_DATW_PAGE_HDR ||
	    (c->open && ts < c->last)) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "trace.dat writer: a record of %zu "
			    "bytes at %" G_GUINT64_FORMAT " ns on CPU %u (page at %" G_GUINT64_FORMAT
			    "): start a new page to go back in time", len, ts, cpu, c->last);
		return FALSE;
	}
	if (ds_synth_interrupted(error))
		return FALSE;
	if (c->open) {
		delta = ts - c->last;
		if (!page_fits(c, need + (delta >= (1ull << TS_BITS) ? 8 : 0)) &&
		    !ds_datw_page(w, cpu, ts, DS_DATW_LOSS_NONE, 0, error))
			return FALSE;
	} else {
		c->open = TRUE;
		c->base = c->last = ts;
	}
	delta = ts - c->last;
	if (delta >= (1ull << TS_BITS)) {
		p = c->data + c->len;
		put_u32(p, (uint32_t)((delta & ((1u << TS_BITS) - 1)) << 5) | TYPE_EXTEND);
		put_u32(p + 4, (uint32_t)(delta >> TS_BITS));
		c->len += 8;
		delta = 0;
	}
	p = c->data + c->len;
	c->last_rec = c->len;
	if (len <= SMALL_MAX) {
		put_u32(p, (uint32_t)(delta << 5) | (uint32_t)(len / 4));
		memcpy(p + 4, payload, len);
	} else {
		put_u32(p, (uint32_t)(delta << 5));
		put_u32(p + 4, (uint32_t)len + 4);
		memcpy(p + 8, payload, len);
	}
	c->len += need;
	c->last = ts;
	c->records++;
	return TRUE;
}

gboolean ds_datw_padding(struct ds_datw *w, unsigned int cpu, GError **error)
{
	struct datw_cpu *c = cpu_of(w, cpu, error);
	guint8 *p;

	if (!c)
		return FALSE;
	if (!c->open || !page_fits(c, 12)) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "trace.dat writer: padding on CPU "
			    "%u needs an open page with room", cpu);
		return FALSE;
	}
	/* a non-zero delta (zero would mean "end of page"); 4 + array[0] bytes long.  Readers
	 * (libtraceevent's kbuffer) add its delta to the clock, as for the event it replaced. */
	p = c->data + c->len;
	put_u32(p, (1u << 5) | TYPE_PADDING);
	put_u32(p + 4, 8);
	put_u32(p + 8, 0);
	c->len += 12;
	c->last += 1;
	return TRUE;
}

gboolean ds_datw_damage(struct ds_datw *w, unsigned int cpu, enum ds_datw_damage how,
			GError **error)
{
	struct datw_cpu *c = cpu_of(w, cpu, error);

	if (!c)
		return FALSE;
	if (!c->open || c->len == 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "trace.dat writer: damage on CPU %u "
			    "needs a page with a record", cpu);
		return FALSE;
	}
	c->damage = how;
	return TRUE;
}

uint64_t ds_datw_records(const struct ds_datw *w, unsigned int cpu)
{
	return cpu < w->ncpus ? w->cpus[cpu].records : 0;
}

/* --- trace-cmd restore ------------------------------------------------------------------- */

static gboolean run_tool(char **argv, GError **error)
{
	g_autofree char *out = NULL;
	gint status = 0;
	g_autoptr(GError) err = NULL;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			  NULL, NULL, &out, NULL, &status, &err)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot run %s (writing a trace.dat "
			    "needs trace-cmd; write a .dsev file instead): %s", argv[0],
			    err->message);
		return FALSE;
	}
	if (ds_synth_interrupted(error))	/* the tool may have died of the same signal */
		return FALSE;
	if (!g_spawn_check_wait_status(status, &err)) {
		g_autofree char *cmd = g_strjoinv(" ", argv);

		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s failed (%s): %s", cmd, err->message,
			    out ? out : "");
		return FALSE;
	}
	return TRUE;
}

gboolean ds_dat_restore(const char *dir, const char *kallsyms, char *const *cpu_files,
			unsigned int ncpus, const char *head, const char *out, GError **error)
{
	char *argv1[] = { "trace-cmd", "restore", "-c", "-t", (char *)dir, "-k", (char *)kallsyms,
			  "-o", (char *)head, NULL };
	g_autoptr(GPtrArray) argv2 = g_ptr_array_new();

	if (!run_tool(argv1, error))
		return FALSE;
	g_ptr_array_add(argv2, "trace-cmd");
	g_ptr_array_add(argv2, "restore");
	g_ptr_array_add(argv2, "-i");
	g_ptr_array_add(argv2, (gpointer)head);
	g_ptr_array_add(argv2, "-o");
	g_ptr_array_add(argv2, (gpointer)out);
	for (unsigned int c = 0; c < ncpus; c++)
		g_ptr_array_add(argv2, cpu_files[c]);
	g_ptr_array_add(argv2, NULL);
	return run_tool((char **)argv2->pdata, error);
}

static gboolean restore(struct ds_datw *w, const char *tmpout, GError **error)
{
	g_autofree char *head = dir_file(w, "head.dat");
	g_autofree char *ksym = g_build_filename(w->dir, "kallsyms", NULL);
	g_autofree char **paths = g_new0(char *, w->ncpus + 1);

	for (unsigned int c = 0; c < w->ncpus; c++)
		paths[c] = w->cpus[c].path;
	return ds_dat_restore(w->dir, ksym, paths, w->ncpus, head, tmpout, error);
}

static gboolean cpus_close(struct ds_datw *w, GError **error)
{
	for (unsigned int c = 0; c < w->ncpus; c++) {
		gboolean ok = page_flush(&w->cpus[c], error);

		ok = (fclose(w->cpus[c].f) == 0 || io_error(error, "write error", w->cpus[c].path))
		     && ok;
		w->cpus[c].f = NULL;
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

gboolean ds_datw_finish(struct ds_datw *w, const char *cmdlines, const char *clock,
			const char *path, GError **error)
{
	g_autofree char *tmpout = g_strdup_printf("%s.tmp.XXXXXX", path);
	gboolean ok;
	int fd;

	if (!cpus_close(w, error) || !put_file(w, "saved_cmdlines", cmdlines, error))
		return FALSE;
	fd = g_mkstemp_full(tmpout, O_RDWR, 0666);
	if (fd < 0)
		return io_error(error, "cannot create", tmpout);
	close(fd);
	ok = restore(w, tmpout, error) && (!clock || ds_dat_clock_set(tmpout, clock, error));
	if (ok && g_rename(tmpout, path) < 0)
		ok = io_error(error, "cannot rename the new trace.dat onto", path);
	if (!ok)
		g_unlink(tmpout);
	return ok;
}

/* --- payloads ---------------------------------------------------------------------------- */

void ds_datw_rec_start(GByteArray *r, unsigned int id, int32_t pid, unsigned int size)
{
	uint16_t id16 = (uint16_t)id;

	g_byte_array_set_size(r, size);
	memset(r->data, 0, r->len);
	memcpy(r->data, &id16, 2);
	memcpy(r->data + 4, &pid, 4);
}

void ds_datw_rec_u64(GByteArray *r, unsigned int off, uint64_t v)
{
	memcpy(r->data + off, &v, 8);
}

void ds_datw_rec_u32(GByteArray *r, unsigned int off, uint32_t v)
{
	memcpy(r->data + off, &v, 4);
}

void ds_datw_rec_u8(GByteArray *r, unsigned int off, uint8_t v)
{
	r->data[off] = v;
}

void ds_datw_rec_comm(GByteArray *r, unsigned int off, const char *s)
{
	memcpy(r->data + off, s, MIN(strlen(s), 15));	/* NUL-padded by ds_datw_rec_start() */
}

void ds_datw_rec_string(GByteArray *r, unsigned int off, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t loc = (uint32_t)(len << 16) | r->len;

	memcpy(r->data + off, &loc, 4);
	g_byte_array_append(r, (const guint8 *)s, (guint)len);
	ds_datw_rec_pad(r);
}

void ds_datw_rec_pad(GByteArray *r)
{
	while (r->len % 4)
		g_byte_array_append(r, (const guint8 *)"", 1);
}
