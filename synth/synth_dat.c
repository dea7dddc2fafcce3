// SPDX-License-Identifier: MIT
/*
 * synth_dat.c - write an event stream as a trace.dat (ds_synth_write_dat()), through the one
 * trace.dat writer (datw.c, which says how).  What is synthetic here: the event formats
 * (kprobes of the group "defersim_synth" on the functions of traces/FORMAT.md, sched and
 * workqueue tracepoints as on a 6.1 kernel, and the marker "defersim_synth/synth_info"), a
 * fake kallsyms that puts those functions at fixed addresses (the reader recognises the probes
 * by __probe_ip), the saved_cmdlines of the pids seen, and the records: every CPU starts with
 * the marker at t0, whose text says the trace is synthetic and how it was made, so that replay
 * starts at t0 and `trace-cmd report` shows it.  The clock is "mono".
 * struct dat_writer: the datw write, the record being built, the pids seen.
 */
#include <string.h>

#include "datw.h"
#include "synth_impl.h"

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

/* One event format and its record's fixed size. */
struct fmt {
	struct ds_datw_format f;
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
	[F_ZRAM_FREE] = { { DS_SYNTH_GROUP, "zram_free", 1500, KP_IP KP_ARG("index"),
			  KP_PRINT("index") }, 24 },
	[F_ZRAM_RET] = { { DS_SYNTH_GROUP, "zram_free_ret", 1501, KP_RET, KR_PRINT }, 24 },
	[F_ZSWAP_INV] = { { DS_SYNTH_GROUP, "zswap_inv", 1502, KP_IP KP_ARG("offset"),
			  KP_PRINT("offset") }, 24 },
	[F_ZSWAP_RET] = { { DS_SYNTH_GROUP, "zswap_inv_ret", 1503, KP_RET, KR_PRINT }, 24 },
	[F_ZS_FREE] = { { DS_SYNTH_GROUP, "zs_free", 1504, KP_IP KP_ARG("handle"),
			KP_PRINT("handle") }, 24 },
	[F_ZS_MALLOC] = { { DS_SYNTH_GROUP, "zs_malloc", 1505, KP_IP KP_ARG("size"),
			  KP_PRINT("size") }, 24 },
	[F_ZS_MALLOC_RET] = { { DS_SYNTH_GROUP, "zs_malloc_ret", 1506,
			      KP_RET "\tfield:u64 handle;\toffset:24;\tsize:8;\tsigned:0;\n",
			      "\"(%lx <- %lx) handle=%Lu\", REC->__probe_func, REC->__probe_ret_ip, "
			      "REC->handle" }, 32 },
	[F_ZRAM_WRITE] = { { DS_SYNTH_GROUP, "zram_write", 1507, KP_IP KP_ARG("index"),
			   KP_PRINT("index") }, 24 },
	[F_INFO] = { { DS_SYNTH_GROUP, "synth_info", 1510,
		     "\tfield:__data_loc char[] text;\toffset:8;\tsize:4;\tsigned:0;\n",
		     "\"%s\", __get_str(text)" }, 12 },
	[F_SWITCH] = { { "sched", "sched_switch", 300,
		       "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		       "\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		       "\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
		       "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
		       "\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
		       "\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
		       "\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n",
		       "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%ld ==> next_comm=%s "
		       "next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
		       "REC->prev_state, REC->next_comm, REC->next_pid, REC->next_prio" }, 64 },
	[F_EXIT] = { { "sched", "sched_process_exit", 301,
		     "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
		     "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
		     "\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n",
		     "\"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio" }, 32 },
	[F_WQ_QUEUE] = { { "workqueue", "workqueue_queue_work", 310,
			 WQ_FIELDS
			 "\tfield:__data_loc char[] workqueue;\toffset:24;\tsize:4;\tsigned:0;\n"
			 "\tfield:int req_cpu;\toffset:28;\tsize:4;\tsigned:1;\n"
			 "\tfield:int cpu;\toffset:32;\tsize:4;\tsigned:1;\n",
			 "\"work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d\", REC->work, "
			 "REC->function, __get_str(workqueue), REC->req_cpu, REC->cpu" }, 36 },
	[F_WQ_ACTIVATE] = { { "workqueue", "workqueue_activate_work", 311, WQ_FIELDS,
			    "\"work struct %p function=%ps \", REC->work, REC->function" }, 24 },
	[F_WQ_START] = { { "workqueue", "workqueue_execute_start", 312, WQ_FIELDS,
			 "\"work struct %p: function %ps\", REC->work, REC->function" }, 24 },
	[F_WQ_END] = { { "workqueue", "workqueue_execute_end", 313, WQ_FIELDS,
		       "\"work struct %p: function %ps\", REC->work, REC->function" }, 24 },
	/* no record uses it, but trace-cmd restore crashes without any ftrace event format */
	[F_FUNCTION] = { { "ftrace", "function", 1,
			 "\tfield:unsigned long ip;\toffset:8;\tsize:8;\tsigned:0;\n"
			 "\tfield:unsigned long parent_ip;\toffset:16;\tsize:8;\tsigned:0;\n",
			 "\" %ps <-- %ps\", (void *)REC->ip, (void *)REC->parent_ip" }, 24 },
};

struct dat_writer {
	struct ds_datw *dw;
	const char *comm;
	unsigned int ncpus;
	GHashTable *pids;	/* pids seen (saved_cmdlines) */
	GByteArray *rec;	/* payload being built */
};

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
static char *cmdlines_text(struct dat_writer *w)
{
	g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(int32_t));
	GString *s = g_string_new(NULL);
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
	return g_string_free(s, FALSE);
}

/* --- payloads ---------------------------------------------------------------------------- */

static void rec_start(GByteArray *r, enum fmt_id f, int32_t pid)
{
	ds_datw_rec_start(r, fmts[f].f.id, pid, fmts[f].size);
}

static void rec_i32(GByteArray *r, unsigned int off, int32_t v)
{
	ds_datw_rec_u32(r, off, (uint32_t)v);
}

static void rec_kprobe(GByteArray *r, enum fmt_id f, int32_t pid, uint64_t ip, uint64_t arg)
{
	rec_start(r, f, pid);
	ds_datw_rec_u64(r, 8, ip);
	ds_datw_rec_u64(r, 16, arg);
}

static void rec_kretprobe(GByteArray *r, enum fmt_id f, int32_t pid, uint64_t func)
{
	rec_start(r, f, pid);
	ds_datw_rec_u64(r, 8, func);
	ds_datw_rec_u64(r, 16, SYM_ZAP_RET);
}

static void rec_switch(struct dat_writer *w, const struct ds_event *ev)
{
	int32_t prev = (int32_t)ev->aux, next = ev->pid;

	rec_start(w->rec, F_SWITCH, prev);
	ds_datw_rec_comm(w->rec, 8, prev ? comm_of(w, prev) : "swapper");
	rec_i32(w->rec, 24, prev);
	rec_i32(w->rec, 28, 120);
	ds_datw_rec_comm(w->rec, 40, next ? comm_of(w, next) : "swapper");
	rec_i32(w->rec, 56, next);
	rec_i32(w->rec, 60, 120);
}

static void rec_wq(GByteArray *r, enum fmt_id f, const struct ds_event *ev)
{
	rec_start(r, f, ev->pid);
	ds_datw_rec_u64(r, 8, ev->aux);
	ds_datw_rec_u64(r, 16, ev->value);
	if (f == F_WQ_QUEUE) {
		rec_i32(r, 28, 8192);	/* WORK_CPU_UNBOUND */
		rec_i32(r, 32, ev->cpu);
		ds_datw_rec_string(r, 24, "events_unbound");
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
		ds_datw_rec_u64(r, 24, ev->value);
		return TRUE;
	case DS_EV_SLOT_WRITE:
		rec_kprobe(r, F_ZRAM_WRITE, ev->pid, SYM_ZRAM_WRITE, ev->value);
		return TRUE;
	case DS_EV_SWITCH:
		rec_switch(w, ev);
		return TRUE;
	case DS_EV_EXIT:
		rec_start(r, F_EXIT, ev->pid);
		ds_datw_rec_comm(r, 8, comm_of(w, ev->pid));
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
		rec_start(w->rec, F_INFO, 0);
		ds_datw_rec_string(w->rec, 8, text);
		if (!ds_datw_record(w->dw, c, t0, w->rec->data, w->rec->len, error))
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
		if (!ds_datw_record(w->dw, ev.cpu, ev.ts, w->rec->data, w->rec->len, error))
			return FALSE;
	}
	return rc == 0;
}

gboolean ds_synth_write_dat(struct ds_source *src, const char *desc, const char *comm,
			    unsigned int ncpus, uint64_t t0, const char *path, GError **error)
{
	struct ds_datw_format f[F__COUNT];
	struct ds_datw_opts o = { f, F__COUNT, kallsyms, "[mono]\n", ncpus };
	struct dat_writer w = { .comm = comm, .ncpus = ncpus };
	g_autofree char *cmdlines = NULL;
	gboolean ok;

	for (unsigned int i = 0; i < F__COUNT; i++)
		f[i] = fmts[i].f;
	w.dw = ds_datw_new(&o, error);
	if (!w.dw)
		return FALSE;
	w.pids = g_hash_table_new(g_direct_hash, g_direct_equal);
	w.rec = g_byte_array_new();
	ok = write_cpus(&w, src, desc, t0, error);
	if (ok) {
		cmdlines = cmdlines_text(&w);
		ok = ds_datw_finish(w.dw, cmdlines, "mono", path, error);
	}
	ds_datw_free(w.dw);
	g_hash_table_destroy(w.pids);
	g_byte_array_free(w.rec, TRUE);
	return ok;
}
