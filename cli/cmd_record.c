// SPDX-License-Identifier: MIT
/*
 * cmd_record.c - `defersim record`: record swap-entry releases with kprobes into a trace.dat.
 *
 *   defersim record -o trace.dat [--zram|--zswap|--both] [--duration S] [--graph] [-- CMD...]
 *   defersim record --print-plan --arch arm64 --kallsyms K    (a recorder of its own: a phone)
 *   defersim record --restore DIR -o trace.dat                (its copied tracing directory)
 *
 * Steps: check the kernel has kprobes (else say so and point to scripts/capture-vm); pick the
 * probe points /proc/kallsyms offers (record_probes.c); create them with libtracefs in the
 * group `defersim`; run `trace-cmd record` as a child for the duration of CMD, of --duration,
 * or until Ctrl-C (record_child.c); remove every kprobe it created, on every exit path;
 * rename the file into place and count what it holds (record_tally.c).
 *
 * Why trace-cmd does the writing: libtracecmd 1.3 has no public API to write a trace.dat
 * from live buffers (the recorder, with its per-CPU splice readers and the file sections
 * that trace-cmd report and libtracecmd expect, lives in trace-cmd itself), and a
 * second implementation of the file format would be the least robust part of the tool.
 * Driving trace-cmd 3.1.x keeps the file exactly what `trace-cmd record` writes.
 *
 * Why the top-level tracing instance: trace-cmd writes an instance (-B) as a separate buffer
 * of the trace.dat, which readers of the top buffer (the replay side, simple scripts) would
 * not see.  trace-cmd resets what it enabled in the top instance when it ends; other
 * instances are not touched.  Kprobes themselves are global in the kernel, which is why the
 * ones of a crashed run are reported (and --cleanup removes them) rather than reused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <tracefs.h>

#include "cmd.h"
#include "ds_source.h"
#include "record.h"

/* struct record_opts - the command line */
struct record_opts {
	char *output;
	gboolean zram, zswap, both, graph, compress, dry_run, cleanup, print_plan;
	char *duration;
	char *arch;
	char *restore;
	char *buffer_kib;
	char *kallsyms;
	char *trace_cmd;
	char **command;
};

/* struct record_args - the checked command line */
struct record_args {
	unsigned int target;
	guint64 duration_s;
	guint64 buffer_kib;
	enum ds_rec_arch arch;
};

/* the tracepoints every recording enables beside its kprobes (replay's scheduler and
 * workqueue events) */
static const char *const tracepoints[] = {
	"sched:sched_switch", "sched:sched_process_exit",
	"workqueue:workqueue_queue_work", "workqueue:workqueue_activate_work",
	"workqueue:workqueue_execute_start", "workqueue:workqueue_execute_end",
};

static const char record_summary[] =
	"Records the swap-entry releases of zram (zram_slot_free_notify) and zswap\n"
	"(zswap_invalidate, or zswap_frontswap_invalidate_page on 6.1) with kprobes, plus the\n"
	"scheduler and workqueue events replay needs, into a trace.dat (traces/FORMAT.md).\n"
	"It records while COMMAND runs, for --duration seconds, or until Ctrl-C.\n\n"
	"Needs root and a kernel with kprobes (/sys/kernel/tracing/kprobe_events).  Where\n"
	"there are none, record in a VM: scripts/capture-vm --help.";

static const char record_description[] =
	"Examples:\n"
	"  defersim record -o kill.dat --zram -- sh -c 'kill -9 $(pidof myapp); sleep 1'\n"
	"  defersim record -o idle.dat --duration 30\n"
	"  defersim record -o graph.dat --graph --zram -- ./munmap-test\n"
	"  defersim record --dry-run --zram       # print the kprobes and the trace-cmd command\n"
	"  scripts/record-android -o phone.dat -- am start ...   # a phone over adb (README)\n\n"
	"Kprobes are created in the group 'defersim' and removed on exit, also on Ctrl-C,\n"
	"SIGTERM and errors.  --graph records per-call durations of the notify function with\n"
	"function_graph instead of release kprobes (run it as a second pass).  Writing is done\n"
	"by `trace-cmd record` (apt-get install trace-cmd), started as a child.\n"
	"Interrupted before recording starts, it removes what it created and exits with 130.";

static void record_opts_free(struct record_opts *o)
{
	g_free(o->output);
	g_free(o->duration);
	g_free(o->buffer_kib);
	g_free(o->kallsyms);
	g_free(o->trace_cmd);
	g_free(o->arch);
	g_free(o->restore);
	g_strfreev(o->command);
}

static gboolean parse_args(int *argc, char ***argv, struct record_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output, "trace.dat to write (default trace.dat; written under a temporary name, then renamed)", "FILE" },
		{ "zram", 0, 0, G_OPTION_ARG_NONE, &o->zram, "Probe the zram release path (zram_slot_free_notify)", NULL },
		{ "zswap", 0, 0, G_OPTION_ARG_NONE, &o->zswap, "Probe the zswap release path (zswap_invalidate)", NULL },
		{ "both", 0, 0, G_OPTION_ARG_NONE, &o->both, "Probe both (default: whichever the kernel has loaded)", NULL },
		{ "duration", 'd', 0, G_OPTION_ARG_STRING, &o->duration, "Stop after S seconds (without COMMAND: record for S seconds)", "S" },
		{ "graph", 'g', 0, G_OPTION_ARG_NONE, &o->graph, "Per-call durations with function_graph instead of release kprobes", NULL },
		{ "buffer-kib", 'b', 0, G_OPTION_ARG_STRING, &o->buffer_kib, "Per-CPU ring buffer in KiB (default 32768)", "KIB" },
		{ "compress", 0, 0, G_OPTION_ARG_NONE, &o->compress, "Write trace.dat v7 compressed with zstd", NULL },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &o->dry_run, "Print the kprobes and the trace-cmd command; create nothing", NULL },
		{ "cleanup", 0, 0, G_OPTION_ARG_NONE, &o->cleanup, "Remove kprobes of the group 'defersim' left by a crashed run, and exit", NULL },
		{ "kallsyms", 0, 0, G_OPTION_ARG_FILENAME, &o->kallsyms, "Symbols to pick probes from (default /proc/kallsyms)", "FILE" },
		{ "trace-cmd", 0, 0, G_OPTION_ARG_FILENAME, &o->trace_cmd, "trace-cmd to run (default: trace-cmd in PATH)", "PATH" },
		{ "arch", 0, 0, G_OPTION_ARG_STRING, &o->arch, "Architecture whose registers the kprobes read arguments from: x86_64 or arm64 (default: the running kernel's, from uname)", "ARCH" },
		{ "print-plan", 0, 0, G_OPTION_ARG_NONE, &o->print_plan, "Print the plan for a recorder of its own (scripts/record-android) and exit: lines 'kprobe required|optional DEFINITION', 'event SYSTEM/EVENT'", NULL },
		{ "restore", 0, 0, G_OPTION_ARG_FILENAME, &o->restore, "Write --output from DIR, a tracing directory copied from a device with its raw per-CPU buffers and kallsyms (scripts/record-android), with trace-cmd restore", "DIR" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->command, NULL, "[-- COMMAND ...]" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- record swap-entry releases");
	gboolean ok;

	g_set_prgname("defersim record");	/* the "Usage:" line of --help */
	g_option_context_set_summary(ctx, record_summary);
	ds_cli_exit_help(ctx, record_description, NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	return ok;
}

static gboolean parse_uint(const char *name, const char *text, guint64 min, guint64 max,
			   guint64 *out, GError **error)
{
	g_autoptr(GError) e = NULL;

	if (!g_ascii_string_to_unsigned(text, 10, min, max, out, &e)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO,
			    "--%s '%s': must be a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
			    name, text, min, max);
		return FALSE;
	}
	return TRUE;
}

static gboolean check_args(const struct record_opts *o, struct record_args *a, GError **error)
{
	g_autofree char *dir = NULL;

	a->target = (o->zram ? DS_REC_ZRAM : 0) | (o->zswap ? DS_REC_ZSWAP : 0) |
		    (o->both ? DS_REC_BOTH : 0);
	a->duration_s = 0;
	a->buffer_kib = 32768;
	/* the registers matter only where probes are planned (not --restore, --cleanup) */
	if (o->arch ? !ds_rec_arch_parse(o->arch, &a->arch, error) :
	    !o->restore && !o->cleanup && !ds_rec_arch_native(&a->arch, error))
		return FALSE;
	if (o->restore && !g_file_test(o->restore, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "--restore %s: not a directory",
			    o->restore);
		return FALSE;
	}
	if (o->duration && !parse_uint("duration", o->duration, 1, 7 * 86400, &a->duration_s, error))
		return FALSE;
	if (o->buffer_kib && !parse_uint("buffer-kib", o->buffer_kib, 64, 4u << 20, &a->buffer_kib, error))
		return FALSE;
	if (!*o->output) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "--output: empty file name");
		return FALSE;
	}
	if (!ds_output_path_check(o->output, error))
		return FALSE;
	dir = g_path_get_dirname(o->output);
	if (!o->dry_run && !o->print_plan && access(dir, W_OK)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "--output %s: directory %s is not writable: %s",
			    o->output, dir, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

static void say_no_kprobes(const char *why)
{
	fprintf(stderr,
		"defersim record: %s.\n"
		"  zram and zswap have no tracepoints: their swap-entry releases can only be recorded\n"
		"  with kprobes (CONFIG_KPROBE_EVENTS).  Record in a VM instead, which boots a stock\n"
		"  Debian kernel that has them and brings the trace.dat back:\n"
		"      scripts/capture-vm --kernel 6.1 --workload lmk --procs 4 -o trace.dat\n"
		"  (scripts/capture-vm --help; traces/README.md lists the traces already recorded).\n"
		"  Nothing was created or changed.\n", why);
}

static GPtrArray *tracecmd_argv(const struct record_opts *o, const struct record_args *a,
				const struct ds_rec_plan *plan, const char *out)
{
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);

#define ADD(s) g_ptr_array_add(v, g_strdup(s))
	ADD(o->trace_cmd ? o->trace_cmd : "trace-cmd");
	ADD("record");
	/* mono: synchronised across CPUs (replay merges the per-CPU streams by time) */
	ADD("-C");
	ADD("mono");
	ADD("-b");
	g_ptr_array_add(v, g_strdup_printf("%" G_GUINT64_FORMAT, a->buffer_kib));
	ADD("-o");
	ADD(out);
	if (plan->probes->len) {
		ADD("-e");
		ADD(DS_REC_GROUP);
	}
	if (plan->graph_funcs->len) {
		ADD("-p");
		ADD("function_graph");
		ADD("--max-graph-depth");
		ADD("1");
		for (guint i = 0; i < plan->graph_funcs->len; i++) {
			ADD("-g");
			ADD(g_ptr_array_index(plan->graph_funcs, i));
		}
	}
	for (size_t i = 0; i < G_N_ELEMENTS(tracepoints); i++) {
		ADD("-e");
		ADD(tracepoints[i]);
	}
	if (o->compress) {
		ADD("--file-version");
		ADD("7");
		ADD("--compression");
		ADD("zstd");
	}
	if (o->command && o->command[0]) {
		for (char **c = o->command; *c; c++)
			ADD(*c);
	} else if (a->duration_s) {
		/* trace-cmd has no duration option; timing a command starts after set-up */
		ADD("sleep");
		g_ptr_array_add(v, g_strdup_printf("%" G_GUINT64_FORMAT, a->duration_s));
	}
#undef ADD
	g_ptr_array_add(v, NULL);
	return v;
}

static void print_plan(const struct ds_rec_plan *plan, GPtrArray *argv, FILE *out)
{
	g_autofree char *cmd = NULL;

	fprintf(out, "kprobes (group %s):\n", DS_REC_GROUP);
	for (guint i = 0; i < plan->probes->len; i++) {
		g_autofree char *def = ds_probe_format(&g_array_index(plan->probes, struct ds_probe, i));

		fprintf(out, "  %s\n", def);
	}
	if (!plan->probes->len)
		fprintf(out, "  (none)\n");
	fprintf(out, "function_graph:");
	for (guint i = 0; i < plan->graph_funcs->len; i++)
		fprintf(out, " %s", (char *)g_ptr_array_index(plan->graph_funcs, i));
	fprintf(out, "%s\n", plan->graph_funcs->len ? "" : " (none)");
	cmd = g_strjoinv(" ", (char **)argv->pdata);
	fprintf(out, "command: %s\n", cmd);
}

/* --print-plan: what scripts/record-android writes into the device's tracefs */
static int print_machine_plan(const struct ds_rec_plan *plan)
{
	for (guint i = 0; i < plan->probes->len; i++) {
		const struct ds_probe *p = &g_array_index(plan->probes, struct ds_probe, i);
		g_autofree char *def = ds_probe_format(p);

		printf("kprobe %s %s\n", p->required ? "required" : "optional", def);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(tracepoints); i++) {
		g_autofree char *ev = g_strdup(tracepoints[i]);

		*strchr(ev, ':') = '/';
		printf("event %s\n", ev);
	}
	return fflush(stdout) ? DS_EXIT_FAIL : DS_EXIT_OK;
}

static void remove_partial(const char *tmp)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	unlink(tmp);
	for (long cpu = 0; cpu < ncpu; cpu++) {
		g_autofree char *part = g_strdup_printf("%s.cpu%ld", tmp, cpu);

		unlink(part);
	}
}

static gboolean clock_check(GError **error)
{
	g_autofree char *clocks = tracefs_instance_file_read(NULL, "trace_clock", NULL);

	if (clocks && (strstr(clocks, " mono ") || strstr(clocks, "[mono]") ||
		       g_str_has_prefix(clocks, "mono ")))
		return TRUE;
	g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_KERNEL,
		    "the trace clock 'mono' is not offered by this kernel (trace_clock: %s)",
		    clocks ? g_strstrip(clocks) : "unreadable");
	return FALSE;
}

/* run_recording() - probes exist from here until its end; returns the exit status */
static int run_recording(const struct record_opts *o, const struct record_args *a,
			 const struct ds_rec_plan *plan, const char *tmp)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) argv = tracecmd_argv(o, a, plan, tmp);
	struct ds_rec_wait w = { .duration_s = o->command && o->command[0] ? (int)a->duration_s : 0 };
	GPtrArray *created;
	int status;
	GPid pid;

	created = ds_rec_probes_create(plan, stderr, &error);
	if (!created) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		return DS_EXIT_FAIL;
	}
	if (ds_rec_signal_pending()) {
		fprintf(stderr, "defersim record: interrupted before recording; nothing recorded\n");
		ds_rec_probes_destroy(created, stderr);
		return 130;
	}
	pid = ds_rec_child_spawn((char **)argv->pdata, &error);
	if (pid < 0) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		ds_rec_probes_destroy(created, stderr);
		return DS_EXIT_FAIL;
	}
	status = ds_rec_child_wait(pid, &w);
	if (ds_rec_probes_destroy(created, stderr))
		status = status ? status : DS_EXIT_FAIL;
	if (status) {
		fprintf(stderr, "defersim record: trace-cmd record ended with status %d%s; no trace written\n",
			status, w.signals ? " after an interrupt" : "");
		remove_partial(tmp);
	}
	return status;
}

static int finish(const char *tmp, const char *out)
{
	g_autoptr(GError) error = NULL;
	struct ds_rec_tally t;

	if (!ds_rec_tally_file(tmp, &t, &error)) {
		fprintf(stderr, "defersim record: trace-cmd wrote no readable file: %s\n", error->message);
		remove_partial(tmp);
		return DS_EXIT_FAIL;
	}
	if (rename(tmp, out)) {
		fprintf(stderr, "defersim record: rename %s -> %s: %s\n", tmp, out, g_strerror(errno));
		remove_partial(tmp);
		return DS_EXIT_FAIL;
	}
	printf("defersim record: wrote %s: %" G_GUINT64_FORMAT " releases, %" G_GUINT64_FORMAT
	       " returns, %" G_GUINT64_FORMAT " events, %d CPUs\n", out, t.releases, t.returns,
	       t.events, t.cpus);
	if (!t.releases)
		fprintf(stderr, "defersim record: warning: no swap-entry release was recorded (was anything swapped out and then freed while recording?)\n");
	return DS_EXIT_OK;
}

/* --restore DIR: the trace.dat of a recording another recorder made (record_restore.c) */
static int do_restore(const struct record_opts *o)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *tmp = g_strdup_printf("%s.tmp-%d", o->output, (int)getpid());

	if (!ds_rec_restore(o->restore, tmp, &error)) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		unlink(tmp);
		/* what the directory lacks is bad input; trace-cmd failing is not */
		return error->domain == DS_REC_ERROR ? DS_EXIT_USAGE : DS_EXIT_FAIL;
	}
	return finish(tmp, o->output);
}

static int do_cleanup(void)
{
	g_autoptr(GError) error = NULL;
	int n = ds_rec_remove_group(&error);

	if (n < 0) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		return DS_EXIT_FAIL;
	}
	printf("defersim record: removed %d kprobe(s) of the group %s\n", n, DS_REC_GROUP);
	return DS_EXIT_OK;
}

static int record(const struct record_opts *o, const struct record_args *a)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) syms = NULL;
	g_autofree char *why = NULL;
	g_autofree char *tmp = NULL;
	g_auto(GStrv) stale = NULL;
	struct ds_rec_plan *plan;
	int status;

	if (o->restore)
		return do_restore(o);
	if (!o->dry_run && !o->print_plan && geteuid() != 0) {
		fprintf(stderr, "defersim record: needs root (it creates kprobes and reads tracefs)\n");
		return DS_EXIT_FAIL;
	}
	if (!o->dry_run && !o->print_plan && !ds_rec_kprobes_available(&why)) {
		say_no_kprobes(why);
		return DS_EXIT_FAIL;
	}
	if (o->cleanup)
		return do_cleanup();
	syms = ds_kallsyms_load(o->kallsyms ? o->kallsyms : "/proc/kallsyms", &error);
	plan = syms ? ds_rec_plan_new(syms, a->target, o->graph, a->arch, &error) : NULL;
	if (!plan) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		/* a --kallsyms file that cannot be read is bad input */
		return o->kallsyms && !syms ? DS_EXIT_USAGE : DS_EXIT_FAIL;
	}
	if (o->print_plan) {
		status = o->graph ? DS_EXIT_USAGE : print_machine_plan(plan);
		if (o->graph)
			fprintf(stderr, "defersim record: --print-plan is for kprobes; --graph "
				"records with trace-cmd's function_graph plugin\n");
		ds_rec_plan_free(plan);
		return status;
	}
	tmp = g_strdup_printf("%s.tmp-%d", o->output, (int)getpid());
	if (o->dry_run) {
		g_autoptr(GPtrArray) argv = tracecmd_argv(o, a, plan, o->output);

		print_plan(plan, argv, stdout);
		ds_rec_plan_free(plan);
		return DS_EXIT_OK;
	}
	if (!clock_check(&error)) {
		fprintf(stderr, "defersim record: %s\n", error->message);
		ds_rec_plan_free(plan);
		return DS_EXIT_FAIL;
	}
	ds_rec_signals_block();
	stale = ds_rec_stale_events();
	if (stale[0]) {
		g_autofree char *list = g_strjoinv(", ", stale);

		fprintf(stderr, "defersim record: kprobes of the group %s already exist (%s): another recording is running, or one crashed; remove them with `defersim record --cleanup`\n",
			DS_REC_GROUP, list);
		ds_rec_plan_free(plan);
		return DS_EXIT_FAIL;
	}
	status = run_recording(o, a, plan, tmp);
	ds_rec_plan_free(plan);
	return status ? status : finish(tmp, o->output);
}

int ds_cmd_record(int argc, char **argv)
{
	struct record_opts o = { 0 };
	struct record_args a;
	g_autoptr(GError) error = NULL;
	int status;

	gboolean ok = parse_args(&argc, &argv, &o, &error);

	if (ok && !o.output)
		o.output = g_strdup("trace.dat");
	if (!ok || !check_args(&o, &a, &error)) {
		fprintf(stderr, "defersim record: %s (see --help)\n", error ? error->message : "bad arguments");
		record_opts_free(&o);
		return DS_EXIT_USAGE;
	}
	status = record(&o, &a);
	record_opts_free(&o);
	return status;
}
