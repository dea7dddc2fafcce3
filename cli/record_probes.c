// SPDX-License-Identifier: MIT
/*
 * record_probes.c - which kprobes `defersim record` creates, and creating/removing them.
 *
 * Data: the kernel is described by the set of its text symbols (kallsyms) and its
 * architecture; the plan is a GArray of struct ds_probe picked from the static candidate
 * tables below, first match wins per event (kernel versions name the same hook differently,
 * and an inlined function has no symbol and cannot be probed); created probes are the
 * libtracefs dynevents, kept in a GPtrArray so that every exit path can remove exactly those.
 * Event names and fetch arguments are the ones of traces/FORMAT.md.
 *
 * The tables name a function's arguments by position ("@1" .. "@3"); the plan writes the
 * architecture's argument registers in their place (x86_64: %di %si %dx, arm64: %x0 %x1
 * %x2), so that one table serves a PC, a VM and a phone (--arch; scripts/record-android
 * writes the definitions `defersim record --print-plan --arch arm64` prints).
 */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include <tracefs.h>

#include "record.h"

G_DEFINE_QUARK(ds-record-error-quark, ds_rec_error)

#define ARG1 "@1"
#define ARG2 "@2"
#define ARG3 "@3"

/* per architecture: its names (the first is --arch's, then uname's) and argument registers */
static const struct {
	const char *names[3];
	const char *regs[3];
} arch_table[DS_REC_ARCH__COUNT] = {
	[DS_REC_ARCH_X86_64] = { { "x86_64", "amd64", NULL }, { "%di", "%si", "%dx" } },
	[DS_REC_ARCH_ARM64] = { { "arm64", "aarch64", NULL }, { "%x0", "%x1", "%x2" } },
};

const char *ds_rec_arch_name(enum ds_rec_arch arch)
{
	return arch_table[arch].names[0];
}

gboolean ds_rec_arch_parse(const char *name, enum ds_rec_arch *arch, GError **error)
{
	for (int a = 0; a < DS_REC_ARCH__COUNT; a++) {
		for (int n = 0; arch_table[a].names[n]; n++) {
			if (!strcmp(name, arch_table[a].names[n])) {
				*arch = (enum ds_rec_arch)a;
				return TRUE;
			}
		}
	}
	g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_ARCH, "architecture '%s': kprobe argument "
		    "registers are known for x86_64 and arm64 only", name);
	return FALSE;
}

gboolean ds_rec_arch_native(enum ds_rec_arch *arch, GError **error)
{
	struct utsname u;

	if (uname(&u)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_ARCH, "uname: %s", g_strerror(errno));
		return FALSE;
	}
	if (ds_rec_arch_parse(u.machine, arch, NULL))
		return TRUE;
	g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_ARCH, "this kernel's architecture (%s) has "
		    "no kprobe argument registers in defersim (x86_64, arm64); give --arch",
		    u.machine);
	return FALSE;
}

/* "index=@2:u64" -> "index=%x1:u64" on arm64 (into @plan's string chunk) */
static const char *fetch_resolve(struct ds_rec_plan *plan, const char *fetch)
{
	GString *s = g_string_new(NULL);
	const char *r;

	for (const char *p = fetch; *p; p++) {
		if (p[0] == '@' && p[1] >= '1' && p[1] <= '3') {
			g_string_append(s, arch_table[plan->arch].regs[p[1] - '1']);
			p++;
		} else {
			g_string_append_c(s, *p);
		}
	}
	r = g_string_chunk_insert_const(plan->strings, s->str);
	g_string_free(s, TRUE);
	return r;
}

static const struct ds_probe zram_release[] = {
	{ "zram_free", "zram_slot_free_notify", "index=" ARG2 ":u64", FALSE, TRUE },
	{ "zram_free_ret", "zram_slot_free_notify", "", TRUE, FALSE },
};

/* zswap's invalidate hook: 6.12 passes the swp_entry_t, 6.1 (frontswap) type and offset */
static const struct ds_probe zswap_release[][2] = {
	{ { "zswap_inv", "zswap_invalidate", "entry=" ARG1 ":u64", FALSE, TRUE },
	  { "zswap_inv_ret", "zswap_invalidate", "", TRUE, FALSE } },
	{ { "zswap_inv", "zswap_frontswap_invalidate_page",
	    "type=" ARG1 ":u32 offset=" ARG2 ":u64", FALSE, TRUE },
	  { "zswap_inv_ret", "zswap_frontswap_invalidate_page", "", TRUE, FALSE } },
};

static const struct ds_probe zsmalloc_probes[] = {
	{ "zs_free", "zs_free", "handle=" ARG2 ":u64", FALSE, FALSE },
	{ "zs_malloc", "zs_malloc", "size=" ARG2 ":u64", FALSE, FALSE },
	{ "zs_malloc_ret", "zs_malloc", "handle=$retval:u64", TRUE, FALSE },
};

/* the zram write path, for slot reuse: one of these, where not inlined (6.1 inlines both) */
static const struct ds_probe zram_write[] = {
	{ "zram_write", "zram_write_page", "index=" ARG3 ":u64", FALSE, FALSE },
	{ "zram_write", "__zram_bvec_write", "index=" ARG3 ":u64", FALSE, FALSE },
};

GHashTable *ds_kallsyms_load(const char *path, GError **error)
{
	GHashTable *syms;
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	syms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	while (fgets(line, sizeof(line), f)) {
		char type, name[256];

		/* "ffffffffc0445cd0 t zram_slot_free_notify\t[zram]": text symbols only */
		if (sscanf(line, "%*s %c %255s", &type, name) == 2 && (type == 't' || type == 'T'))
			g_hash_table_add(syms, g_strdup(name));
	}
	fclose(f);
	if (!g_hash_table_size(syms)) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "%s: no text symbols", path);
		g_hash_table_unref(syms);
		return NULL;
	}
	return syms;
}

static gboolean has(GHashTable *syms, const char *func)
{
	return g_hash_table_contains(syms, func);
}

static void plan_add(struct ds_rec_plan *plan, const struct ds_probe *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ds_probe q = p[i];

		q.fetch = fetch_resolve(plan, p[i].fetch);
		g_array_append_val(plan->probes, q);
	}
}

static const struct ds_probe *zswap_pick(GHashTable *syms)
{
	for (size_t i = 0; i < G_N_ELEMENTS(zswap_release); i++)
		if (has(syms, zswap_release[i][0].func))
			return zswap_release[i];
	return NULL;
}

static gboolean plan_targets(struct ds_rec_plan *plan, GHashTable *syms, unsigned int target,
			     GError **error)
{
	gboolean zram = has(syms, zram_release[0].func);
	const struct ds_probe *zswap = zswap_pick(syms);

	if ((target & DS_REC_ZRAM) && !zram) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_MISSING,
			    "--zram: zram_slot_free_notify is not in kallsyms (is the zram module loaded? `modprobe zram`)");
		return FALSE;
	}
	if ((target & DS_REC_ZSWAP) && !zswap) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_MISSING,
			    "--zswap: neither zswap_invalidate nor zswap_frontswap_invalidate_page is in kallsyms (kernel without zswap?)");
		return FALSE;
	}
	if (target == DS_REC_AUTO && !zram && !zswap) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_MISSING,
			    "no release function to probe: neither zram (zram_slot_free_notify; `modprobe zram`) nor zswap (zswap_invalidate, zswap_frontswap_invalidate_page) is in kallsyms");
		return FALSE;
	}
	plan->zram = target == DS_REC_AUTO ? zram : !!(target & DS_REC_ZRAM);
	plan->zswap = target == DS_REC_AUTO ? zswap != NULL : !!(target & DS_REC_ZSWAP);
	return TRUE;
}

struct ds_rec_plan *ds_rec_plan_new(GHashTable *syms, unsigned int target, gboolean graph,
				    enum ds_rec_arch arch, GError **error)
{
	struct ds_rec_plan *plan = g_new0(struct ds_rec_plan, 1);
	const struct ds_probe *zswap = zswap_pick(syms);

	plan->arch = arch;
	plan->strings = g_string_chunk_new(256);

	plan->probes = g_array_new(FALSE, FALSE, sizeof(struct ds_probe));
	plan->graph_funcs = g_ptr_array_new();
	if (!plan_targets(plan, syms, target, error)) {
		ds_rec_plan_free(plan);
		return NULL;
	}
	if (graph) {
		/* function_graph times the notify call itself; no kprobe may fire inside it (a
		 * zs_free probe would add its own cost to every duration), so none is created. */
		if (plan->zram)
			g_ptr_array_add(plan->graph_funcs, (gpointer)zram_release[0].func);
		if (plan->zswap)
			g_ptr_array_add(plan->graph_funcs, (gpointer)zswap[0].func);
		return plan;
	}
	if (plan->zram)
		plan_add(plan, zram_release, G_N_ELEMENTS(zram_release));
	if (plan->zswap)
		plan_add(plan, zswap, 2);
	for (size_t i = 0; i < G_N_ELEMENTS(zsmalloc_probes); i++)
		if (has(syms, zsmalloc_probes[i].func))
			plan_add(plan, &zsmalloc_probes[i], 1);
	for (size_t i = 0; plan->zram && i < G_N_ELEMENTS(zram_write); i++) {
		if (has(syms, zram_write[i].func)) {
			plan_add(plan, &zram_write[i], 1);
			break;
		}
	}
	return plan;
}

void ds_rec_plan_free(struct ds_rec_plan *plan)
{
	if (!plan)
		return;
	g_array_unref(plan->probes);
	g_ptr_array_unref(plan->graph_funcs);
	g_string_chunk_free(plan->strings);
	g_free(plan);
}

char *ds_probe_format(const struct ds_probe *p)
{
	return g_strdup_printf("%c:%s/%s %s%s%s", p->ret ? 'r' : 'p', DS_REC_GROUP, p->event,
			       p->func, *p->fetch ? " " : "", p->fetch);
}

gboolean ds_rec_kprobes_available(char **why)
{
	const char *dir = tracefs_tracing_dir();
	struct utsname u;

	uname(&u);
	if (!dir) {
		*why = g_strdup_printf("tracefs is not mounted and cannot be mounted here (are you root?); kernel %s",
				       u.release);
		return FALSE;
	}
	if (!tracefs_file_exists(NULL, "kprobe_events")) {
		*why = g_strdup_printf("this kernel (%s) has no kprobes: %s/kprobe_events does not exist",
				       u.release, dir);
		return FALSE;
	}
	*why = NULL;
	return TRUE;
}

char **ds_rec_stale_events(void)
{
	struct tracefs_dynevent **all;
	GPtrArray *names = g_ptr_array_new();

	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE,
				       DS_REC_GROUP);
	for (size_t i = 0; all && all[i]; i++) {
		char *system = NULL, *event = NULL;

		tracefs_dynevent_info(all[i], &system, &event, NULL, NULL, NULL);
		g_ptr_array_add(names, g_strdup_printf("%s/%s", system, event));
		free(system);
		free(event);
	}
	tracefs_dynevent_list_free(all);
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(names, FALSE);
}

int ds_rec_remove_group(GError **error)
{
	struct tracefs_dynevent **all;
	int n = 0;

	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE,
				       DS_REC_GROUP);
	for (size_t i = 0; all && all[i]; i++) {
		if (tracefs_dynevent_destroy(all[i], true)) {
			g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_KERNEL,
				    "cannot remove a kprobe of the group %s: %s", DS_REC_GROUP,
				    g_strerror(errno));
			tracefs_dynevent_list_free(all);
			return -1;
		}
		n++;
	}
	tracefs_dynevent_list_free(all);
	return n;
}

static struct tracefs_dynevent *probe_alloc(const struct ds_probe *p)
{
	const char *fetch = *p->fetch ? p->fetch : NULL;

	if (p->ret)
		return tracefs_kretprobe_alloc(DS_REC_GROUP, p->event, p->func, fetch, 0);
	return tracefs_kprobe_alloc(DS_REC_GROUP, p->event, p->func, fetch);
}

GPtrArray *ds_rec_probes_create(const struct ds_rec_plan *plan, FILE *log, GError **error)
{
	GPtrArray *created = g_ptr_array_new();

	for (guint i = 0; i < plan->probes->len; i++) {
		const struct ds_probe *p = &g_array_index(plan->probes, struct ds_probe, i);
		struct tracefs_dynevent *ev = probe_alloc(p);
		g_autofree char *def = ds_probe_format(p);

		if (ev && !tracefs_dynevent_create(ev)) {
			g_ptr_array_add(created, ev);
			continue;
		}
		{
			g_autofree char *kerr = tracefs_error_last(NULL);
			const char *why = kerr && *kerr ? kerr : g_strerror(errno);

			tracefs_dynevent_free(ev);
			if (!p->required) {
				fprintf(log, "defersim record: note: optional kprobe '%s' refused by the kernel (%s); recording without it\n",
					def, g_strstrip((char *)why));
				continue;
			}
			g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_KERNEL,
				    "the kernel refused the kprobe '%s': %s", def, g_strstrip((char *)why));
		}
		ds_rec_probes_destroy(created, log);
		return NULL;
	}
	return created;
}

int ds_rec_probes_destroy(GPtrArray *created, FILE *log)
{
	int failed = 0;

	if (!created)
		return 0;
	/* in reverse: a kretprobe sharing a function with a kprobe goes first */
	for (guint i = created->len; i-- > 0;) {
		struct tracefs_dynevent *ev = g_ptr_array_index(created, i);

		if (tracefs_dynevent_destroy(ev, true)) {
			char *event = NULL;

			tracefs_dynevent_info(ev, NULL, &event, NULL, NULL, NULL);
			fprintf(log, "defersim record: could not remove kprobe %s/%s: %s (remove it with `defersim record --cleanup`)\n",
				DS_REC_GROUP, event ? event : "?", g_strerror(errno));
			free(event);
			failed++;
		}
		tracefs_dynevent_free(ev);
	}
	g_ptr_array_unref(created);
	return failed;
}
