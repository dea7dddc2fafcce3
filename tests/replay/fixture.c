// SPDX-License-Identifier: MIT
/*
 * fixture.c - the formats, kallsyms and record helpers of the hand-made trace.dat files
 * (fixture.h).  The format files are written as a 6.1 kernel writes them; kprobes carry
 * __probe_ip (kretprobes __probe_func, __probe_ret_ip) at offset 8, then their fetch args in
 * order, packed; a record is padded to 4 bytes.  A record's size is its last field's end.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

#define F(decl, name, off, size, sgn) \
	"\tfield:" decl " " name ";\toffset:" #off ";\tsize:" #size ";\tsigned:" #sgn ";\n"
#define KP_IP F("unsigned long", "__probe_ip", 8, 8, 0)
#define KR_FIELDS F("unsigned long", "__probe_func", 8, 8, 0) \
	F("unsigned long", "__probe_ret_ip", 16, 8, 0)
#define KR_PRINT "\"(%lx <- %lx)\", REC->__probe_func, REC->__probe_ret_ip"
#define WQ F("void *", "work", 8, 8, 0) F("void *", "function", 16, 8, 0)

/* ids: what trace-cmd report and the reader see as common_type */
enum {
	ID_FG_EXIT = 10, ID_FG_ENTRY = 11, ID_SWITCH = 300, ID_EXIT = 301, ID_WQ_QUEUE = 310,
	ID_ZRAM_FREE = 1500, ID_ZRAM_RET = 1501, ID_ZS_FREE = 1502, ID_ZSWAP_INV = 1503,
	ID_MY_FOO = 1600, ID_MY_FOO_RET = 1601, ID_MY_INV = 1602, ID_MY_OTHER = 1603,
	ID_MY_OTHER_RET = 1604, ID_EXIT_PROBE = 1700,
};

/* In the order the format files are created (the order of the Python original). */
static const struct ds_datw_format formats[] = {
	{ "ftrace", "funcgraph_entry", ID_FG_ENTRY,
	  F("unsigned long", "func", 8, 8, 0) F("int", "depth", 16, 4, 1),
	  "\"--> %ps (%d)\", (void *)REC->func, REC->depth" },
	{ "ftrace", "funcgraph_exit", ID_FG_EXIT,
	  F("unsigned long", "func", 8, 8, 0) F("int", "depth", 16, 4, 1)
	  F("unsigned int", "overrun", 20, 4, 0) F("unsigned long long", "calltime", 24, 8, 0)
	  F("unsigned long long", "rettime", 32, 8, 0),
	  "\"<-- %ps (%d) (start: %llx  end: %llx) over: %d\", REC->func, REC->depth, "
	  "REC->calltime, REC->rettime, REC->depth" },
	{ "sched", "sched_switch", ID_SWITCH,
	  F("char", "prev_comm[16]", 8, 16, 0) F("pid_t", "prev_pid", 24, 4, 1)
	  F("int", "prev_prio", 28, 4, 1) F("long", "prev_state", 32, 8, 1)
	  F("char", "next_comm[16]", 40, 16, 0) F("pid_t", "next_pid", 56, 4, 1)
	  F("int", "next_prio", 60, 4, 1),
	  "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%ld ==> next_comm=%s "
	  "next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	  "REC->prev_state, REC->next_comm, REC->next_pid, REC->next_prio" },
	{ "sched", "sched_process_exit", ID_EXIT,
	  F("char", "comm[16]", 8, 16, 0) F("pid_t", "pid", 24, 4, 1) F("int", "prio", 28, 4, 1),
	  "\"comm=%s pid=%d prio=%d\", REC->comm, REC->pid, REC->prio" },
	{ "workqueue", "workqueue_queue_work", ID_WQ_QUEUE,
	  WQ F("__data_loc char[]", "workqueue", 24, 4, 0) F("int", "req_cpu", 28, 4, 1)
	  F("int", "cpu", 32, 4, 1),
	  "\"work struct=%p function=%ps workqueue=%s req_cpu=%d cpu=%d\", REC->work, "
	  "REC->function, __get_str(workqueue), REC->req_cpu, REC->cpu" },
	{ "workqueue", "workqueue_activate_work", ID_WQ_QUEUE + 1, WQ,
	  "\"work struct %p function=%ps \", REC->work, REC->function" },
	{ "workqueue", "workqueue_execute_start", ID_WQ_QUEUE + 2, WQ,
	  "\"work struct %p: function %ps\", REC->work, REC->function" },
	{ "workqueue", "workqueue_execute_end", ID_WQ_QUEUE + 3, WQ,
	  "\"work struct %p: function %ps\", REC->work, REC->function" },
	{ "defersim", "zram_free", ID_ZRAM_FREE, KP_IP F("u64", "index", 16, 8, 0),
	  "\"(%lx) index=%Lu\", REC->__probe_ip, REC->index" },
	{ "defersim", "zram_free_ret", ID_ZRAM_RET, KR_FIELDS, KR_PRINT },
	{ "defersim", "zs_free", ID_ZS_FREE, KP_IP F("u64", "handle", 16, 8, 0),
	  "\"(%lx) handle=%Lu\", REC->__probe_ip, REC->handle" },
	{ "defersim", "zswap_inv", ID_ZSWAP_INV, KP_IP F("u64", "entry", 16, 8, 0),
	  "\"(%lx) entry=%Lu\", REC->__probe_ip, REC->entry" },
	/* hand-named probes: recognised by the function they sit on */
	{ "myprobes", "foo", ID_MY_FOO, KP_IP F("u8", "flags", 16, 1, 0) F("u64", "idx", 17, 8, 0),
	  "\"(%lx) flags=%Lu idx=%Lu\", REC->__probe_ip, REC->flags, REC->idx" },
	{ "myprobes", "foo_ret", ID_MY_FOO_RET, KR_FIELDS, KR_PRINT },
	{ "myprobes", "inv", ID_MY_INV, KP_IP F("u64", "e", 16, 8, 0),
	  "\"(%lx) e=%Lu\", REC->__probe_ip, REC->e" },
	{ "myprobes", "other", ID_MY_OTHER, KP_IP F("u32", "arg", 16, 4, 0),
	  "\"(%lx) arg=%Lu\", REC->__probe_ip, REC->arg" },
	{ "myprobes", "other_ret", ID_MY_OTHER_RET, KR_FIELDS, KR_PRINT },
	{ "other", "exit_probe", ID_EXIT_PROBE, KP_IP F("u64", "code", 16, 8, 0),
	  "\"(%lx) code=%Lu\", REC->__probe_ip, REC->code" },
};

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81100000 T do_exit\n"
	"ffffffff81100400 T zap_pte_range\n"
	"ffffffff81200000 T zs_free\n"
	"ffffffff81200400 T zs_malloc\n"
	"ffffffff81300000 T zram_slot_free_notify\n"
	"ffffffff81300400 T zram_write_page\n"
	"ffffffff81400000 T zswap_invalidate\n"
	"ffffffff81500000 T drain_work_fn\n"
	"ffffffff81600000 T _etext\n";

void fx_die(const char *what, GError *error)
{
	fprintf(stderr, "mkfixture: %s%s%s\n", what, error ? ": " : "",
		error ? error->message : "");
	exit(1);
}

void fx_open(struct fixture *fx, enum fx_formats which, unsigned int ncpus, const char *clock)
{
	struct ds_datw_format foreign[G_N_ELEMENTS(formats)];	/* read by ds_datw_new() only */
	g_autofree char *clock_file = g_strdup_printf("%s\n", clock);
	struct ds_datw_opts o = { formats, G_N_ELEMENTS(formats), kallsyms, clock_file, ncpus };
	GError *error = NULL;

	if (which == FX_FOREIGN) {
		o.formats = foreign;
		o.nformats = 0;
		for (unsigned int i = 0; i < G_N_ELEMENTS(formats); i++)
			if (g_str_equal(formats[i].system, "sched") ||
			    g_str_equal(formats[i].system, "ftrace") ||
			    g_str_equal(formats[i].system, "other"))
				foreign[o.nformats++] = formats[i];
	}
	fx->w = ds_datw_new(&o, &error);
	if (!fx->w)
		fx_die("cannot start a trace.dat", error);
	fx->rec = g_byte_array_new();
	fx->clock = clock;
}

void fx_close(struct fixture *fx, const char *path)
{
	GError *error = NULL;

	/* restore records "local" itself: only another clock is written into the file */
	if (!ds_datw_finish(fx->w, "100 app\n200 app2\n50 kworker/u4:1\n",
			    g_str_equal(fx->clock, "local") ? NULL : fx->clock, path, &error))
		fx_die(path, error);
	ds_datw_free(fx->w);
	g_byte_array_free(fx->rec, TRUE);
	fx->w = NULL;
}

static void put(struct fixture *fx, unsigned int cpu, uint64_t ts)
{
	GError *error = NULL;

	ds_datw_rec_pad(fx->rec);
	if (!ds_datw_record(fx->w, cpu, ts, fx->rec->data, fx->rec->len, &error))
		fx_die("cannot add a record", error);
}

void fx_page(struct fixture *fx, unsigned int cpu, uint64_t ts, enum ds_datw_loss loss,
	     uint64_t lost)
{
	GError *error = NULL;

	if (!ds_datw_page(fx->w, cpu, ts, loss, lost, &error))
		fx_die("cannot start a page", error);
}

void fx_pad(struct fixture *fx, unsigned int cpu)
{
	GError *error = NULL;

	if (!ds_datw_padding(fx->w, cpu, &error))
		fx_die("cannot add padding", error);
}

static void kprobe(struct fixture *fx, unsigned int id, int32_t pid, uint64_t ip, uint64_t arg)
{
	ds_datw_rec_start(fx->rec, id, pid, 24);
	ds_datw_rec_u64(fx->rec, 8, ip);
	ds_datw_rec_u64(fx->rec, 16, arg);
}

static void kretprobe(struct fixture *fx, unsigned int id, int32_t pid, uint64_t func,
		      uint64_t ret_ip)
{
	ds_datw_rec_start(fx->rec, id, pid, 24);
	ds_datw_rec_u64(fx->rec, 8, func);
	ds_datw_rec_u64(fx->rec, 16, ret_ip);
}

void fx_zram_free(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t index)
{
	kprobe(fx, ID_ZRAM_FREE, pid, FX_ZRAM_FREE, index);
	put(fx, cpu, ts);
}

void fx_zram_ret(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid)
{
	kretprobe(fx, ID_ZRAM_RET, pid, FX_ZRAM_FREE, FX_ZAP_PTE_RANGE + 0x40);
	put(fx, cpu, ts);
}

void fx_zs_free(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t handle)
{
	kprobe(fx, ID_ZS_FREE, pid, FX_ZS_FREE, handle);
	put(fx, cpu, ts);
}

void fx_switch(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t prev, int32_t next)
{
	g_autofree char *pc = g_strdup_printf("p%d", prev);
	g_autofree char *nc = g_strdup_printf("n%d", next);

	ds_datw_rec_start(fx->rec, ID_SWITCH, prev, 64);
	ds_datw_rec_comm(fx->rec, 8, pc);
	ds_datw_rec_u32(fx->rec, 24, (uint32_t)prev);
	ds_datw_rec_u32(fx->rec, 28, 120);
	ds_datw_rec_comm(fx->rec, 40, nc);
	ds_datw_rec_u32(fx->rec, 56, (uint32_t)next);
	ds_datw_rec_u32(fx->rec, 60, 120);
	put(fx, cpu, ts);
}

void fx_exit(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid)
{
	ds_datw_rec_start(fx->rec, ID_EXIT, pid, 32);
	ds_datw_rec_comm(fx->rec, 8, "app");
	ds_datw_rec_u32(fx->rec, 24, (uint32_t)pid);
	ds_datw_rec_u32(fx->rec, 28, 120);
	put(fx, cpu, ts);
}

void fx_wq(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, int which)
{
	ds_datw_rec_start(fx->rec, ID_WQ_QUEUE + (unsigned int)which, pid, which ? 24 : 36);
	ds_datw_rec_u64(fx->rec, 8, FX_WORK);
	ds_datw_rec_u64(fx->rec, 16, FX_DRAIN_WORK_FN);
	if (which == 0) {
		ds_datw_rec_u32(fx->rec, 28, 8192);	/* WORK_CPU_UNBOUND */
		ds_datw_rec_u32(fx->rec, 32, 0);
		ds_datw_rec_string(fx->rec, 24, "zswap");
	}
	put(fx, cpu, ts);
}

void fx_exit_probe(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid)
{
	kprobe(fx, ID_EXIT_PROBE, pid, FX_DO_EXIT, 0);
	put(fx, cpu, ts);
}

void fx_my_foo(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
	       uint8_t flags, uint64_t idx)
{
	ds_datw_rec_start(fx->rec, ID_MY_FOO, pid, 25);
	ds_datw_rec_u64(fx->rec, 8, ip);
	ds_datw_rec_u8(fx->rec, 16, flags);
	ds_datw_rec_u64(fx->rec, 17, idx);
	put(fx, cpu, ts);
}

void fx_my_ret(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, const char *name,
	       uint64_t func, uint64_t ret_ip)
{
	kretprobe(fx, g_str_equal(name, "foo_ret") ? ID_MY_FOO_RET : ID_MY_OTHER_RET, pid, func,
		  ret_ip);
	put(fx, cpu, ts);
}

void fx_my_inv(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
	       uint64_t e)
{
	kprobe(fx, ID_MY_INV, pid, ip, e);
	put(fx, cpu, ts);
}

void fx_my_other(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
		 uint32_t arg)
{
	ds_datw_rec_start(fx->rec, ID_MY_OTHER, pid, 20);
	ds_datw_rec_u64(fx->rec, 8, ip);
	ds_datw_rec_u32(fx->rec, 16, arg);
	put(fx, cpu, ts);
}

void fx_fg_entry(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t func,
		 int32_t depth)
{
	ds_datw_rec_start(fx->rec, ID_FG_ENTRY, pid, 20);
	ds_datw_rec_u64(fx->rec, 8, func);
	ds_datw_rec_u32(fx->rec, 16, (uint32_t)depth);
	put(fx, cpu, ts);
}

void fx_fg_exit(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t func,
		int32_t depth, uint64_t calltime, uint64_t rettime)
{
	ds_datw_rec_start(fx->rec, ID_FG_EXIT, pid, 40);
	ds_datw_rec_u64(fx->rec, 8, func);
	ds_datw_rec_u32(fx->rec, 16, (uint32_t)depth);
	ds_datw_rec_u64(fx->rec, 24, calltime);
	ds_datw_rec_u64(fx->rec, 32, rettime);
	put(fx, cpu, ts);
}
