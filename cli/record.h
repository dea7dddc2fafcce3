/* SPDX-License-Identifier: MIT */
/*
 * record.h - the pieces of `defersim record` (cli/record_*.c), kept apart so that the
 * probe planning can be tested without a kernel.
 *
 * Data flows forward: kallsyms (a set of function names) -> a plan (which kprobes and which
 * function_graph filters; pure, no tracefs) -> the dynamic events created from it (tracefs)
 * -> a trace-cmd child writing the trace.dat -> a tally of the file it wrote.
 */
#ifndef DS_RECORD_H
#define DS_RECORD_H

#include <glib.h>
#include <stdio.h>

#define DS_REC_GROUP "defersim"

#define DS_REC_ERROR (ds_rec_error_quark())
GQuark ds_rec_error_quark(void);

/* codes of the DS_REC_ERROR domain */
enum ds_rec_error_code {
	DS_REC_ERROR_NO_KPROBES = 1,	/* kernel without kprobes */
	DS_REC_ERROR_MISSING,		/* the function to probe is not in kallsyms */
	DS_REC_ERROR_KERNEL,		/* the kernel refused a probe */
	DS_REC_ERROR_IO,		/* a file cannot be read */
	DS_REC_ERROR_FORMAT,		/* a trace.dat libtracecmd cannot read */
	DS_REC_ERROR_ARCH,		/* an architecture without known argument registers */
};

/**
 * enum ds_rec_arch - the architecture whose registers name the probed functions' arguments
 * in the kprobe definitions (x86_64: %di %si %dx; arm64: %x0 %x1 %x2)
 */
enum ds_rec_arch {
	DS_REC_ARCH_X86_64,
	DS_REC_ARCH_ARM64,
	DS_REC_ARCH__COUNT,
};

/** ds_rec_arch_name() - "x86_64", "arm64" */
const char *ds_rec_arch_name(enum ds_rec_arch arch);

/**
 * ds_rec_arch_parse() - an architecture by name: x86_64 (amd64) or arm64 (aarch64, as uname
 * says on a phone)
 */
gboolean ds_rec_arch_parse(const char *name, enum ds_rec_arch *arch, GError **error);

/** ds_rec_arch_native() - the running kernel's architecture (uname), when it is known */
gboolean ds_rec_arch_native(enum ds_rec_arch *arch, GError **error);

/**
 * enum ds_rec_target - which release path to probe (--zram, --zswap, --both; none = auto:
 * whatever the kernel has loaded)
 */
enum ds_rec_target {
	DS_REC_AUTO = 0,
	DS_REC_ZRAM = 1 << 0,
	DS_REC_ZSWAP = 1 << 1,
	DS_REC_BOTH = DS_REC_ZRAM | DS_REC_ZSWAP,
};

/**
 * struct ds_probe - one kprobe or kretprobe of the group `defersim` (traces/FORMAT.md)
 * @event: event name in the group, e.g. "zram_free"
 * @func: probed function
 * @fetch: fetch arguments ("" for none), e.g. "index=%si:u64" (in a plan: the arch's
 *	   registers; in the candidate tables: "@2" for the second argument)
 * @ret: a kretprobe
 * @required: failing to create it fails the recording (the release probes)
 */
struct ds_probe {
	const char *event;
	const char *func;
	const char *fetch;
	gboolean ret;
	gboolean required;
};

/**
 * struct ds_rec_plan - what one recording sets up
 * @probes: struct ds_probe, in creation order (static strings)
 * @graph_funcs: const char *, the functions given to function_graph (-g), --graph only
 * @zram: the zram release path is traced
 * @zswap: the zswap release path is traced
 * @arch: whose registers the fetch arguments name
 * @strings: the fetch arguments written for @arch (the probes point into it)
 */
struct ds_rec_plan {
	GArray *probes;
	GPtrArray *graph_funcs;
	gboolean zram;
	gboolean zswap;
	enum ds_rec_arch arch;
	GStringChunk *strings;
};

/**
 * ds_kallsyms_load() - the text symbols of a kallsyms file (/proc/kallsyms)
 * Return: a set (GHashTable of owned names), NULL with @error set when unreadable/empty.
 */
GHashTable *ds_kallsyms_load(const char *path, GError **error);

/**
 * ds_rec_plan_new() - choose the probes the kernel described by @syms supports
 * @syms: from ds_kallsyms_load()
 * @target: enum ds_rec_target
 * @graph: per-call durations with function_graph instead of release kprobes
 * @arch: the architecture whose argument registers the probes fetch
 *
 * Return: the plan, or NULL with @error naming what is missing (e.g. zram not loaded).
 */
struct ds_rec_plan *ds_rec_plan_new(GHashTable *syms, unsigned int target, gboolean graph,
				    enum ds_rec_arch arch, GError **error);
void ds_rec_plan_free(struct ds_rec_plan *plan);

/**
 * ds_probe_format() - the kprobe_events line of a probe, e.g.
 * "p:defersim/zram_free zram_slot_free_notify index=%si:u64" (g_free it)
 */
char *ds_probe_format(const struct ds_probe *p);

/**
 * ds_rec_kprobes_available() - whether the running kernel has kprobes; when not, @why
 * says what is missing (g_free it)
 */
gboolean ds_rec_kprobes_available(char **why);

/**
 * ds_rec_stale_events() - "SYSTEM/EVENT" of every dynamic event already in the group
 * `defersim` (left by a crashed recording, or one running now); NULL-terminated, g_strfreev
 */
char **ds_rec_stale_events(void);

/**
 * ds_rec_remove_group() - remove every dynamic event of the group `defersim`
 * Return: number removed, -1 with @error set on failure.
 */
int ds_rec_remove_group(GError **error);

/**
 * ds_rec_probes_create() - create the plan's kprobes with libtracefs
 * @plan: plan
 * @log: where to say which optional probe the kernel refused
 *
 * Return: the created events (struct tracefs_dynevent *), to hand to
 * ds_rec_probes_destroy(); NULL with @error set when a required probe failed (what had
 * been created is removed again).
 */
GPtrArray *ds_rec_probes_create(const struct ds_rec_plan *plan, FILE *log, GError **error);

/**
 * ds_rec_probes_destroy() - remove and free created events (NULL allowed)
 * Return: the number that could not be removed (reported on @log).
 */
int ds_rec_probes_destroy(GPtrArray *created, FILE *log);

/**
 * struct ds_rec_wait - how a trace-cmd child is watched
 * @duration_s: stop it (SIGINT) after this many seconds, 0 = no limit
 * @signals: SIGINT/SIGTERM/SIGHUP received and forwarded while waiting
 */
struct ds_rec_wait {
	int duration_s;
	int signals;
};

/**
 * ds_rec_signals_block() - block SIGINT, SIGTERM, SIGHUP and SIGCHLD in the caller, so that
 * they are taken synchronously by ds_rec_child_wait() (no handler, no global state).
 * Call before creating anything that must be cleaned up.
 */
void ds_rec_signals_block(void);

/**
 * ds_rec_signal_pending() - a SIGINT/SIGTERM/SIGHUP arrived while blocked (consumes it)
 */
int ds_rec_signal_pending(void);

/**
 * ds_rec_child_spawn() - start @argv (PATH search) with the default signal mask, as the
 * leader of a new process group
 * Return: pid, or -1 with @error set.
 */
GPid ds_rec_child_spawn(char **argv, GError **error);

/**
 * ds_rec_child_wait() - wait for @pid, forwarding interrupts to its process group as SIGINT
 * (trace-cmd then stops and writes its file, its command stops too), SIGKILLing the group
 * on the third one; at @w->duration_s the group gets SIGINT as well
 * Return: its exit status (128 + signal when killed).
 */
int ds_rec_child_wait(GPid pid, struct ds_rec_wait *w);

/**
 * struct ds_rec_tally - what a written trace.dat holds, counted with libtracecmd
 * @releases: release events (defersim/zram_free, defersim/zswap_inv, or function_graph
 *            entries of the notify function)
 * @returns: their return events (kretprobe or function_graph exit)
 * @events: all events
 * @cpus: CPUs of the file
 */
struct ds_rec_tally {
	guint64 releases;
	guint64 returns;
	guint64 events;
	int cpus;
};

/**
 * ds_rec_tally_file() - count the events of a trace.dat
 * Return: TRUE, or FALSE with @error naming the file when libtracecmd cannot read it.
 */
gboolean ds_rec_tally_file(const char *path, struct ds_rec_tally *t, GError **error);

/**
 * ds_rec_restore() - @out (a trace.dat) from @dir, a copy of a device's tracing directory
 * with its raw per-CPU buffers and kallsyms (cli/record_restore.c says which files), with
 * the clock the device used.  Errors: DS_REC_ERROR_IO / _FORMAT for what @dir lacks, DS_ERROR
 * for trace-cmd restore failing.
 */
gboolean ds_rec_restore(const char *dir, const char *out, GError **error);

#endif
