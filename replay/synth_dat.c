// SPDX-License-Identifier: MIT
/*
 * synth_dat.c - write an event stream as a trace.dat (ds_synth_write_dat()).
 *
 * The C port of what tests/replay/mkfixture.py does, without tracing rights:
 *  1. a fake tracing directory: events/header_page, events/header_event, the format files of
 *     the events written (kprobes of the group "defersim_synth" on the functions of
 *     traces/FORMAT.md, sched and workqueue tracepoints as on a 6.1 kernel, and the marker
 *     "defersim_synth/synth_info"), saved_cmdlines, and a fake kallsyms that puts those
 *     functions at fixed addresses (the reader recognises the probes by __probe_ip);
 *  2. per CPU, ring-buffer pages as in per_cpu/cpuN/trace_pipe_raw: u64 page timestamp, u64
 *     commit (bytes of data), then records: u32 header (type_len:5, time_delta:27) and
 *     payload; type_len 30 is a time extend for deltas of 2^27 ns or more, type_len 0 a record
 *     longer than 112 bytes (u32 length follows).  Every CPU starts with the marker at t0,
 *     whose text says the trace is synthetic and how it was made, so that replay starts at t0
 *     and `trace-cmd report` shows it;
 *  3. `trace-cmd restore -c` writes the headers, `trace-cmd restore -i` appends the CPU data
 *     (file format v7);
 *  4. restore records the clock "local": patch_clock() rewrites the BUFFER option (the last
 *     section of the file) to "mono";
 *  5. the result is renamed onto the target (atomic).
 * struct cpu_pages is one CPU's page being filled; struct dat_writer everything of one write.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "synth_impl.h"

#define PAGE 4096
#define PAGE_HDR 16
#define TS_BITS 27
#define TYPE_PADDING 29
#define TYPE_EXTEND 30
#define MAX_CMDLINES 32768

/* The fake kallsyms: the probed functions and a few neighbours. */
#define SYM_ZAP_RET 0xffffffff81100440ull	/* return address: zap_pte_range+0x40 */
#define SYM_ZS_FREE 0xffffffff81200000ull
#define SYM_ZS_MALLOC 0xffffffff81200400ull
#define SYM_ZRAM_FREE 0xffffffff81300000ull
#define SYM_ZRAM_WRITE 0xffffffff81300400ull
#define SYM_ZSWAP_INV 0xffffffff81400000ull

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81100000 T do_exit\n"
	"ffffffff81100400 T zap_pte_range\n"
	"ffffffff81200000 T zs_free\n"
	"ffffffff81200400 T zs_malloc\n"
	"ffffffff81300000 T zram_slot_free_notify\n"
	"ffffffff81300400 T zram_write_page\n"
	"ffffffff81400000 T zswap_invalidate\n"
	"ffffffff81500000 T defersim_synth_work_fn\n"
	"ffffffff81500400 T defersim_synthetic_trace\n"
	"ffffffff81600000 T _etext\n";

enum fmt_id {
	F_ZRAM_FREE, F_ZRAM_RET, F_ZSWAP_INV, F_ZSWAP_RET, F_ZS_FREE, F_ZS_MALLOC,
	F_ZS_MALLOC_RET, F_ZRAM_WRITE, F_INFO, F_SWITCH, F_EXIT, F_WQ_QUEUE, F_WQ_ACTIVATE,
	F_WQ_START, F_WQ_END, F_FUNCTION, F__COUNT
};

/* One event format: the text after the common fields, and the record's fixed size. */
struct fmt {
	const char *system;
	const char *name;
	unsigned int id;
	const char *fields;
	const char *print;
	unsigned int size;
};

#define KP_IP "\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
#define KP_RET "\tfield:unsigned long __probe_func;\toffset:8;\tsize:8;\tsigned:0;\n" \
	"\tfield:unsigned long __probe_ret_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
#define KP_ARG(n) "\tfield:u64 " n ";\toffset:16;\tsize:8;\tsigned:0;\n"
#define KP_PRINT(n) "\"(%lx) " n "=%Lu\", REC->__probe_ip, REC->" n
#define KR_PRINT "\"(%lx <- %lx)\", REC->__probe_func, REC->__probe_ret_ip"
#define WQ_FIELDS "\tfield:void * work;\toffset:8;\tsize:8;\tsigned:0;\n" \
	"\tfield:void * function;\toffset:16;\tsize:8;\tsigned:0;\n"

static const struct fmt fmts[F__COUNT] = {
	[F_ZRAM_FREE] = { DS_SYNTH_GROUP, "zram_free", 1500, KP_IP KP_ARG("index"),
			  KP_PRINT("index"), 24 },
	[F_ZRAM_RET] = { DS_SYNTH_GROUP, "zram_free_ret", 1501, KP_RET, KR_PRINT, 24 },
	[F_ZSWAP_INV] = { DS_SYNTH_GROUP, "zswap_inv", 1502, KP_IP KP_ARG("offset"),
			  KP_PRINT("offset"), 24 },
	[F_ZSWAP_RET] = { DS_SYNTH_GROUP, "zswap_inv_ret", 1503, KP_RET, KR_PRINT, 24 },
	[F_ZS_FREE] = { DS_SYNTH_GROUP, "zs_free", 1504, KP_IP KP_ARG("handle"),
			KP_PRINT("handle"), 24 },
	[F_ZS_MALLOC] = { DS_SYNTH_GROUP, "zs_malloc", 1505, KP_IP KP_ARG("size"),
			  KP_PRINT("size"), 24 },
	[F_ZS_MALLOC_RET] = { DS_SYNTH_GROUP, "zs_malloc_ret", 1506,
			      KP_RET "\tfield:u64 handle;\toffset:24;\tsize:8;\tsigned:0;\n",
			      "\"(%lx <- %lx) handle=%Lu\", REC->__probe_func, REC->__probe_ret_ip, "
			      "REC->handle", 32 },
	[F_ZRAM_WRITE] = { DS_SYNTH_GROUP, "zram_write", 1507, KP_IP KP_ARG("index"),
			   KP_PRINT("index"), 24 },
	[F_INFO] = { DS_SYNTH_GROUP, "synth_info", 1510,
		     "\tfield:__data_loc char[] text;\toffset:8;\tsize:4;\tsigned:0;\n",
		     "\"%s\", __get_str(text)", 12 },
	[F_SWITCH] = { "sched", "sched_switch", 300,
		       "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		       "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		       "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
		       "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
		       "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
		       "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
		       "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n",
		       "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%ld ==> next_comm=%s "
		       "next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
		       "REC->prev_state, REC->next_comm, REC->next_pid, REC->next_prio", 64 },
	[F_EXIT] = { "sched", "sched_process_exit", 301,
		     "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		     "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		     "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n",
		     "\"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio", 32 },
	[F_WQ_QUEUE] = { "workqueue", "workqueue_queue_work", 310,
			 WQ_FIELDS
			 "\tfield:__data_loc char[] workqueue;\toffset:24;\tsize:4;\tsigned:0;\n"
			 "\tfield:int req_cpu;\toffset:28;\tsize:4;\tsigned:1;\n"
			 "\tfield:int cpu;\toffset:32;\tsize:4;\tsigned:1;\n",
			 "\"work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d\", REC->work, "
			 "REC->function, __get_str(workqueue), REC->req_cpu, REC->cpu", 36 },
	[F_WQ_ACTIVATE] = { "workqueue", "workqueue_activate_work", 311, WQ_FIELDS,
			    "\"work struct %p function=%ps \", REC->work, REC->function", 24 },
	[F_WQ_START] = { "workqueue", "workqueue_execute_start", 312, WQ_FIELDS,
			 "\"work struct %p: function %ps\", REC->work, REC->function", 24 },
	[F_WQ_END] = { "workqueue", "workqueue_execute_end", 313, WQ_FIELDS,
		       "\"work struct %p: function %ps\", REC->work, REC->function", 24 },
	/* no record uses it, but trace-cmd restore crashes without any ftrace event format */
	[F_FUNCTION] = { "ftrace", "function", 1,
			 "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
			 "\tfield:unsigned long parent_ip;\toffset:16;\tsize:8;\tsigned:0;\n",
			 "\" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip", 24 },
};

#define COMMON_FIELDS \
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"

struct cpu_pages {
	FILE *f;
	char *path;
	guint8 data[PAGE - PAGE_HDR];
	size_t len;
	uint64_t base;
	uint64_t last;
	gboolean open;
};

struct dat_writer {
	char *dir;
	const char *out;
	const char *comm;
	unsigned int ncpus;
	struct cpu_pages *cpus;
	GHashTable *pids;	/* pids seen (saved_cmdlines) */
	GByteArray *rec;	/* payload being built */
	GPtrArray *files;	/* every file created in @dir, removed at the end */
};

static gboolean io_error(GError **error, const char *what, const char *path)
{
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s: %s", path, what, g_strerror(errno));
	return FALSE;
}

/* --- the tracing directory --------------------------------------------------------------- */

static char *dir_file(struct dat_writer *w, const char *rel)
{
	char *path = g_build_filename(w->dir, rel, NULL);

	g_ptr_array_add(w->files, g_strdup(path));
	return path;
}

static gboolean put_file(struct dat_writer *w, const char *rel, const char *text, GError **error)
{
	g_autofree char *path = dir_file(w, rel);
	g_autofree char *parent = g_path_get_dirname(path);

	if (g_mkdir_with_parents(parent, 0700) < 0)
		return io_error(error, "cannot create directory", parent);
	return g_file_set_contents(path, text, -1, error);
}

static gboolean write_formats(struct dat_writer *w, GError **error)
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
	for (unsigned int i = 0; i < F__COUNT; i++) {
		const struct fmt *f = &fmts[i];
		g_autofree char *rel = g_strdup_printf("events/%s/%s/format", f->system, f->name);
		g_autofree char *text = g_strdup_printf("name: %s\nID: %u\nformat:\n" COMMON_FIELDS
							"\n%s\nprint fmt: %s\n", f->name, f->id,
							f->fields, f->print);

		if (!put_file(w, rel, text, error))
			return FALSE;
	}
	return put_file(w, "trace_clock", "[mono]\n", error) &&
	       put_file(w, "kallsyms", kallsyms, error);
}

static const char *comm_of(const struct dat_writer *w, int32_t pid)
{
	if (pid >= DS_SYNTH_PID_KWORKER && pid < DS_SYNTH_PID_KWORKER + (int32_t)w->ncpus)
		return "kworker/u:synth";
	if (pid >= DS_SYNTH_PID_WRITER && pid < DS_SYNTH_PID_KWORKER)
		return "synth-writer";
	return w->comm;
}

static gint cmp_pid(gconstpointer a, gconstpointer b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* saved_cmdlines in pid order (a hash table's order is not a file's) */
static gboolean write_cmdlines(struct dat_writer *w, GError **error)
{
	g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int32_t));
	g_autoptr(GString) s = g_string_new(NULL);
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, w->pids);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		int32_t pid = GPOINTER_TO_INT(key);

		g_array_append_val(pids, pid);
	}
	g_array_sort(pids, cmp_pid);
	for (guint i = 0; i < pids->len && i < MAX_CMDLINES; i++) {
		int32_t pid = g_array_index(pids, int32_t, i);

		g_string_append_printf(s, "%d %s\n", pid, comm_of(w, pid));
	}
	return put_file(w, "saved_cmdlines", s->str, error);
}

/* --- ring-buffer pages ------------------------------------------------------------------- */

static gboolean page_flush(struct cpu_pages *c, GError **error)
{
	guint8 page[PAGE];
	uint64_t commit = c->len;

	if (!c->open)
		return TRUE;
	memset(page, 0, sizeof(page));
	memcpy(page, &c->base, 8);
	memcpy(page + 8, &commit, 8);
	memcpy(page + PAGE_HDR, c->data, c->len);
	c->open = FALSE;
	c->len = 0;
	return fwrite(page, 1, PAGE, c->f) == PAGE || io_error(error, "write error", c->path);
}

static void put_u32(guint8 *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Append one record (payload @rec, a multiple of 4 bytes) at @ts. */
static gboolean page_add(struct cpu_pages *c, uint64_t ts, const GByteArray *rec,
			 GError **error)
{
	size_t need = (rec->len <= 112 ? 4 : 8) + rec->len;
	uint64_t delta;
	guint8 *p;

	if (c->open && (PAGE_HDR + c->len + need + 8 > PAGE) && !page_flush(c, error))
		return FALSE;
	if (!c->open) {
		c->open = TRUE;
		c->base = c->last = ts;
	}
	delta = ts - c->last;
	if (delta >= (1ull << TS_BITS)) {
		if (PAGE_HDR + c->len + need + 8 + 8 > PAGE) {
			if (!page_flush(c, error))
				return FALSE;
			c->open = TRUE;
			c->base = c->last = ts;
			delta = 0;
		} else {
			p = c->data + c->len;
			put_u32(p, (uint32_t)((delta & ((1u << TS_BITS) - 1)) << 5) | TYPE_EXTEND);
			put_u32(p + 4, (uint32_t)(delta >> TS_BITS));
			c->len += 8;
			delta = 0;
		}
	}
	p = c->data + c->len;
	if (rec->len <= 112) {
		put_u32(p, (uint32_t)(delta << 5) | (uint32_t)(rec->len / 4));
		memcpy(p + 4, rec->data, rec->len);
	} else {
		put_u32(p, (uint32_t)(delta << 5));
		put_u32(p + 4, rec->len + 4);
		memcpy(p + 8, rec->data, rec->len);
	}
	c->len += need;
	c->last = ts;
	return TRUE;
}

/* --- payloads ---------------------------------------------------------------------------- */

static void rec_start(GByteArray *r, enum fmt_id f, int32_t pid)
{
	uint16_t id = (uint16_t)fmts[f].id;

	g_byte_array_set_size(r, fmts[f].size);
	memset(r->data, 0, r->len);
	memcpy(r->data, &id, 2);
	memcpy(r->data + 4, &pid, 4);
}

static void rec_u64(GByteArray *r, unsigned int off, uint64_t v)
{
	memcpy(r->data + off, &v, 8);
}

static void rec_i32(GByteArray *r, unsigned int off, int32_t v)
{
	memcpy(r->data + off, &v, 4);
}

static void rec_comm(GByteArray *r, unsigned int off, const char *comm)
{
	memcpy(r->data + off, comm, MIN(strlen(comm), 15));	/* NUL-padded by rec_start() */
}

/* A __data_loc string at field offset @off: appended, then padded to 4 bytes. */
static void rec_string(GByteArray *r, unsigned int off, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t loc = (uint32_t)(len << 16) | r->len;

	memcpy(r->data + off, &loc, 4);
	g_byte_array_append(r, (const guint8 *)s, (guint)len);
	while (r->len % 4)
		g_byte_array_append(r, (const guint8 *)"", 1);
}

static void rec_kprobe(GByteArray *r, enum fmt_id f, int32_t pid, uint64_t ip, uint64_t arg)
{
	rec_start(r, f, pid);
	rec_u64(r, 8, ip);
	rec_u64(r, 16, arg);
}

static void rec_kretprobe(GByteArray *r, enum fmt_id f, int32_t pid, uint64_t func)
{
	rec_start(r, f, pid);
	rec_u64(r, 8, func);
	rec_u64(r, 16, SYM_ZAP_RET);
}

static void rec_switch(struct dat_writer *w, const struct ds_event *ev)
{
	int32_t prev = (int32_t)ev->aux, next = ev->pid;

	rec_start(w->rec, F_SWITCH, prev);
	rec_comm(w->rec, 8, prev ? comm_of(w, prev) : "swapper");
	rec_i32(w->rec, 24, prev);
	rec_i32(w->rec, 28, 120);
	rec_comm(w->rec, 40, next ? comm_of(w, next) : "swapper");
	rec_i32(w->rec, 56, next);
	rec_i32(w->rec, 60, 120);
}

static void rec_wq(GByteArray *r, enum fmt_id f, const struct ds_event *ev)
{
	rec_start(r, f, ev->pid);
	rec_u64(r, 8, ev->aux);
	rec_u64(r, 16, ev->value);
	if (f == F_WQ_QUEUE) {
		rec_i32(r, 28, 8192);	/* WORK_CPU_UNBOUND */
		rec_i32(r, 32, ev->cpu);
		rec_string(r, 24, "events_unbound");
	}
}

/* The record of @ev in w->rec; FALSE for a kind a synthetic trace does not hold. */
static gboolean encode(struct dat_writer *w, const struct ds_event *ev)
{
	GByteArray *r = w->rec;
	bool z = ev->flags & DS_EVF_ZSWAP;

	switch (ev->type) {
	case DS_EV_RELEASE:
		rec_kprobe(r, z ? F_ZSWAP_INV : F_ZRAM_FREE, ev->pid,
			   z ? SYM_ZSWAP_INV : SYM_ZRAM_FREE, ev->value);
		return TRUE;
	case DS_EV_RELEASE_END:
		rec_kretprobe(r, z ? F_ZSWAP_RET : F_ZRAM_RET, ev->pid,
			      z ? SYM_ZSWAP_INV : SYM_ZRAM_FREE);
		return TRUE;
	case DS_EV_ZS_FREE:
		rec_kprobe(r, F_ZS_FREE, ev->pid, SYM_ZS_FREE, ev->value);
		return TRUE;
	case DS_EV_ZS_MALLOC:
		rec_kprobe(r, F_ZS_MALLOC, ev->pid, SYM_ZS_MALLOC, ev->value);
		return TRUE;
	case DS_EV_ZS_MALLOC_END:
		rec_kretprobe(r, F_ZS_MALLOC_RET, ev->pid, SYM_ZS_MALLOC);
		rec_u64(r, 24, ev->value);
		return TRUE;
	case DS_EV_SLOT_WRITE:
		rec_kprobe(r, F_ZRAM_WRITE, ev->pid, SYM_ZRAM_WRITE, ev->value);
		return TRUE;
	case DS_EV_SWITCH:
		rec_switch(w, ev);
		return TRUE;
	case DS_EV_EXIT:
		rec_start(r, F_EXIT, ev->pid);
		rec_comm(r, 8, comm_of(w, ev->pid));
		rec_i32(r, 24, ev->pid);
		rec_i32(r, 28, 120);
		return TRUE;
	case DS_EV_WQ_QUEUE:
		rec_wq(r, F_WQ_QUEUE, ev);
		return TRUE;
	case DS_EV_WQ_ACTIVATE:
		rec_wq(r, F_WQ_ACTIVATE, ev);
		return TRUE;
	case DS_EV_WQ_START:
		rec_wq(r, F_WQ_START, ev);
		return TRUE;
	case DS_EV_WQ_END:
		rec_wq(r, F_WQ_END, ev);
		return TRUE;
	default:
		return FALSE;
	}
}

static void note_pid(struct dat_writer *w, int32_t pid)
{
	if (pid > 0)
		g_hash_table_add(w->pids, GINT_TO_POINTER(pid));
}

static gboolean write_cpus(struct dat_writer *w, struct ds_source *src, const char *desc,
			   uint64_t t0, GError **error)
{
	g_autofree char *text = g_strdup_printf("SYNTHETIC trace made by defersim synth %s: %s",
						DS_VERSION, desc);
	struct ds_event ev;
	int rc;

	for (unsigned int c = 0; c < w->ncpus; c++) {
		g_autofree char *name = g_strdup_printf("cpu%u", c);

		w->cpus[c].path = dir_file(w, name);
		w->cpus[c].f = fopen(w->cpus[c].path, "wb");
		if (!w->cpus[c].f)
			return io_error(error, "cannot create", w->cpus[c].path);
		rec_start(w->rec, F_INFO, 0);
		rec_string(w->rec, 8, text);
		if (!page_add(&w->cpus[c], t0, w->rec, error))
			return FALSE;
	}
	while ((rc = ds_source_next(src, &ev, error)) > 0) {
		if (ev.cpu >= w->ncpus || ev.ts < t0) {
			g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "synthetic event at %"
				    G_GUINT64_FORMAT " ns on CPU %u is outside the trace (%u CPUs, "
				    "start %" G_GUINT64_FORMAT ")", ev.ts, ev.cpu, w->ncpus, t0);
			return FALSE;
		}
		if (!encode(w, &ev)) {
			g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "a %s event cannot be "
				    "written to a synthetic trace.dat", ds_ev_type_name(ev.type));
			return FALSE;
		}
		note_pid(w, ev.pid);
		if (ev.type == DS_EV_SWITCH)
			note_pid(w, (int32_t)ev.aux);
		if (!page_add(&w->cpus[ev.cpu], ev.ts, w->rec, error))
			return FALSE;
	}
	if (rc < 0)
		return FALSE;
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

/* --- trace-cmd restore ------------------------------------------------------------------- */

static gboolean run_tool(char **argv, GError **error)
{
	g_autofree char *out = NULL;
	gint status = 0;
	g_autoptr(GError) err = NULL;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			  NULL, NULL, &out, NULL, &status, &err)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot run %s (writing a synthetic "
			    "trace.dat needs trace-cmd; write a .dsev file instead): %s", argv[0],
			    err->message);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, &err)) {
		g_autofree char *cmd = g_strjoinv(" ", argv);

		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s failed (%s): %s", cmd, err->message,
			    out ? out : "");
		return FALSE;
	}
	return TRUE;
}

static gboolean restore(struct dat_writer *w, const char *tmpout, GError **error)
{
	g_autofree char *head = dir_file(w, "head.dat");
	g_autofree char *tdir = g_strdup(w->dir);
	g_autofree char *ksym = g_build_filename(w->dir, "kallsyms", NULL);
	char *argv1[] = { "trace-cmd", "restore", "-c", "-t", tdir, "-k", ksym, "-o", head, NULL };
	g_autoptr(GPtrArray) argv2 = g_ptr_array_new();
	gboolean ok;

	if (!run_tool(argv1, error))
		return FALSE;
	g_ptr_array_add(argv2, "trace-cmd");
	g_ptr_array_add(argv2, "restore");
	g_ptr_array_add(argv2, "-i");
	g_ptr_array_add(argv2, head);
	g_ptr_array_add(argv2, "-o");
	g_ptr_array_add(argv2, (gpointer)tmpout);
	for (unsigned int c = 0; c < w->ncpus; c++)
		g_ptr_array_add(argv2, w->cpus[c].path);
	g_ptr_array_add(argv2, NULL);
	ok = run_tool((char **)argv2->pdata, error);
	return ok;
}

/* --- the clock of the BUFFER option ------------------------------------------------------ */

static gboolean bad_dat(GError **error, const char *path, const char *what)
{
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: unexpected trace-cmd restore output: %s",
		    path, what);
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
	const char *p, *end = head + sizeof(head);
	ssize_t n = pread(fd, head, sizeof(head), 0);

	if (n < 32 || memcmp(head + 3, "tracing", 7) || memcmp(head + 10, "7", 2))
		return FALSE;
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

/* The BUFFER option body with @clock instead of its clock string. */
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

/* Rewrite the section at @off (the last of the file) with @clock in its BUFFER option. */
static gboolean rewrite_section(int fd, uint64_t off, guint8 *sec, uint64_t size,
				const char *clock, const char *path, GError **error)
{
	g_autoptr(GByteArray) out = g_byte_array_new();
	uint64_t q = 16, newsize;

	g_byte_array_append(out, sec, 16);
	while (q + 6 <= 16 + size) {
		uint16_t oid;
		uint32_t osz;

		memcpy(&oid, sec + q, 2);
		memcpy(&osz, sec + q + 2, 4);
		if (q + 6 + osz > 16 + size)
			return bad_dat(error, path, "option beyond its section");
		if (oid == 3) {
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
	if (pwrite(fd, out->data, out->len, (off_t)off) != (ssize_t)out->len ||
	    ftruncate(fd, (off_t)(off + out->len)) < 0)
		return io_error(error, "cannot rewrite the clock", path);
	return TRUE;
}

/* Does the section hold a BUFFER option?  *@next: the DONE option's link. */
static gboolean section_scan(const guint8 *sec, uint64_t size, uint64_t *next)
{
	gboolean buffer = FALSE;

	*next = 0;
	for (uint64_t q = 16; q + 6 <= 16 + size;) {
		uint16_t oid;
		uint32_t osz;

		memcpy(&oid, sec + q, 2);
		memcpy(&osz, sec + q + 2, 4);
		if (oid == 0 && osz >= 8 && q + 14 <= 16 + size)
			memcpy(next, sec + q + 6, 8);
		if (oid == 3)
			buffer = TRUE;
		q += 6 + osz;
	}
	return buffer;
}

static gboolean patch_clock(const char *path, const char *clock, GError **error)
{
	int fd = open(path, O_RDWR);
	uint64_t off = 0, fsize;
	gboolean ok = FALSE;

	if (fd < 0)
		return io_error(error, "cannot open", path);
	fsize = (uint64_t)lseek(fd, 0, SEEK_END);
	if (!first_section(fd, &off)) {
		ok = bad_dat(error, path, "not a v7 trace.dat");
		goto out;
	}
	for (int guard = 0; off && guard < 64; guard++) {
		uint16_t sid, flags;
		uint64_t size, next;
		g_autofree guint8 *sec = NULL;
		guint8 hdr[16];

		if (off + 16 > fsize || !pread_all(fd, hdr, 16, off))
			break;
		memcpy(&sid, hdr, 2);
		memcpy(&flags, hdr + 2, 2);
		memcpy(&size, hdr + 8, 8);
		if (sid != 0 || flags != 0 || off + 16 + size > fsize)
			break;
		sec = g_malloc(16 + size);
		if (!pread_all(fd, sec, 16 + size, off))
			break;
		if (section_scan(sec, size, &next)) {
			ok = off + 16 + size == fsize ?
				rewrite_section(fd, off, sec, size, clock, path, error) :
				bad_dat(error, path, "BUFFER option is not at the end");
			goto out;
		}
		off = next;
	}
	ok = bad_dat(error, path, "no BUFFER option");
out:
	if (close(fd) < 0 && ok)
		ok = io_error(error, "close", path);
	return ok;
}

/* --- the whole write --------------------------------------------------------------------- */

static void writer_clear(struct dat_writer *w)
{
	for (unsigned int c = 0; w->cpus && c < w->ncpus; c++) {
		if (w->cpus[c].f)
			fclose(w->cpus[c].f);
		g_free(w->cpus[c].path);
	}
	g_free(w->cpus);
	/* files first, deepest directories last */
	for (guint i = 0; w->files && i < w->files->len; i++)
		g_unlink(g_ptr_array_index(w->files, i));
	for (guint i = w->files ? w->files->len : 0; i-- > 0;) {
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
	if (w->files)
		g_ptr_array_unref(w->files);
	if (w->pids)
		g_hash_table_destroy(w->pids);
	if (w->rec)
		g_byte_array_free(w->rec, TRUE);
}

gboolean ds_synth_write_dat(struct ds_source *src, const char *desc, const char *comm,
			    unsigned int ncpus, uint64_t t0, const char *path, GError **error)
{
	struct dat_writer w = { 0 };
	g_autofree char *tmpout = g_strdup_printf("%s.tmp.XXXXXX", path);
	gboolean ok;
	int fd;

	w.dir = g_dir_make_tmp("defersim-synth-XXXXXX", error);
	if (!w.dir)
		return FALSE;
	w.out = path;
	w.comm = comm;
	w.ncpus = ncpus;
	w.cpus = g_new0(struct cpu_pages, ncpus);
	w.pids = g_hash_table_new(g_direct_hash, g_direct_equal);
	w.rec = g_byte_array_new();
	w.files = g_ptr_array_new_with_free_func(g_free);
	fd = g_mkstemp_full(tmpout, O_RDWR, 0666);
	if (fd < 0) {
		writer_clear(&w);
		return io_error(error, "cannot create", tmpout);
	}
	close(fd);
	ok = write_formats(&w, error) && write_cpus(&w, src, desc, t0, error) &&
	     write_cmdlines(&w, error) && restore(&w, tmpout, error) &&
	     patch_clock(tmpout, "mono", error);
	if (ok && g_rename(tmpout, path) < 0)
		ok = io_error(error, "cannot rename the new trace.dat onto", path);
	if (!ok)
		g_unlink(tmpout);
	writer_clear(&w);
	return ok;
}
