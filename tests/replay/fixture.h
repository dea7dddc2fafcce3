/* SPDX-License-Identifier: MIT */
/*
 * fixture.h - the vocabulary of the hand-made trace.dat files (fixture.c): the event formats
 * of a 6.1 kernel's tracing directory (sched, workqueue, ftrace function graph), kprobes of
 * the group "defersim" and hand-named ones ("myprobes"), the fake kallsyms, and one helper
 * per kind of record.  mkfixture.c (the reader's fixtures) and tests/corrupt/mkcorrupt.c
 * (the corrupt-input corpus) write through it and the one trace.dat writer (synth/datw.c).
 *
 * struct fixture: one trace.dat being written (the writer and the payload being built).
 */
#ifndef DS_FIXTURE_H
#define DS_FIXTURE_H

#include "datw.h"

/* Kernel addresses of the fake kallsyms (and of the probes on them). */
#define FX_STEXT 0xffffffff81000000ull
#define FX_DO_EXIT 0xffffffff81100000ull
#define FX_ZAP_PTE_RANGE 0xffffffff81100400ull
#define FX_ZS_FREE 0xffffffff81200000ull
#define FX_ZRAM_FREE 0xffffffff81300000ull	/* zram_slot_free_notify */
#define FX_ZSWAP_INV 0xffffffff81400000ull	/* zswap_invalidate */
#define FX_DRAIN_WORK_FN 0xffffffff81500000ull
#define FX_WORK 0xffff888000001000ull		/* a work_struct address */

/* Which formats the tracing directory holds. */
enum fx_formats {
	FX_ALL,		/* every format below */
	FX_FOREIGN,	/* sched, ftrace and the "other" group only: no release probe */
};

struct fixture {
	struct ds_datw *w;
	GByteArray *rec;
	const char *clock;	/* trace_clock file and the BUFFER option's clock */
};

/* fx_open() - a new trace.dat of @ncpus CPUs; aborts the program on error (a generator) */
void fx_open(struct fixture *fx, enum fx_formats formats, unsigned int ncpus, const char *clock);
/* fx_close() - saved_cmdlines of the fixtures' pids, trace-cmd restore, clock, rename */
void fx_close(struct fixture *fx, const char *path);

void fx_page(struct fixture *fx, unsigned int cpu, uint64_t ts, enum ds_datw_loss loss,
	     uint64_t lost);
void fx_pad(struct fixture *fx, unsigned int cpu);

/* defersim/zram_free (index), its kretprobe, defersim/zs_free (handle) */
void fx_zram_free(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t index);
void fx_zram_ret(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid);
void fx_zs_free(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t handle);
/* sched_switch from @prev to @next (comms "pN", "nN"), sched_process_exit (comm "app") */
void fx_switch(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t prev, int32_t next);
void fx_exit(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid);
/* workqueue_queue_work (workqueue "zswap", req_cpu 8192, cpu 0) and the other three, all of
 * work FX_WORK with function FX_DRAIN_WORK_FN; @which 0 queue, 1 activate, 2 start, 3 end */
void fx_wq(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, int which);
/* other/exit_probe: a kprobe on do_exit (code) */
void fx_exit_probe(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid);
/* myprobes/foo (u8 flags, u64 idx), foo_ret, inv (u64 e), other (u32 arg), other_ret: @ip
 * is __probe_ip, or __probe_func of the kretprobes (whose return ip is @ret_ip) */
void fx_my_foo(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
	       uint8_t flags, uint64_t idx);
void fx_my_ret(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, const char *name,
	       uint64_t func, uint64_t ret_ip);
void fx_my_inv(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
	       uint64_t e);
void fx_my_other(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t ip,
		 uint32_t arg);
/* ftrace/funcgraph_entry, funcgraph_exit */
void fx_fg_entry(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t func,
		 int32_t depth);
void fx_fg_exit(struct fixture *fx, unsigned int cpu, uint64_t ts, int32_t pid, uint64_t func,
		int32_t depth, uint64_t calltime, uint64_t rettime);

/* fx_die() - print "mkfixture: MESSAGE" and exit 1 (a generator has no one to return to) */
void fx_die(const char *what, GError *error) G_GNUC_NORETURN;

#endif
