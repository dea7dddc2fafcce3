// SPDX-License-Identifier: MIT
/*
 * evmap.c - recognise trace events: by --map rule, by name, by the function a probe sits on.
 *
 * Tables (plain data, read-only):
 *   names[]  events known by SYSTEM/NAME (traces/FORMAT.md): the defersim kprobe group,
 *            sched and workqueue tracepoints, the function-graph records.
 *   funcs[]  kernel functions defersim cares about, with what a probe on their entry and a
 *            return probe on them become; hand-named probes are matched through these.
 * Each value kind lists the field names it prefers; failing those, the value is the first
 * numeric field that is not common_* or __probe_* (FORMAT.md, "Value fields").
 */
#include <string.h>

#include "evmap.h"
#include "trace_impl.h"

static const char *const f_index[] = { "index", NULL };
static const char *const f_zswap[] = { "entry", "offset", NULL };
static const char *const f_handle[] = { "handle", NULL };
static const char *const f_size[] = { "size", NULL };
static const char *const f_none[] = { NULL };

struct name_kind {
	const char *system;
	const char *name;
	unsigned int type;
	unsigned int flags;
	const char *const *fields;
	enum ds_evm_special special;
};

static const struct name_kind names[] = {
	{ "defersim", "zram_free", DS_EV_RELEASE, 0, f_index, 0 },
	{ "defersim", "zram_free_ret", DS_EV_RELEASE_END, 0, f_none, 0 },
	{ "defersim", "zswap_inv", DS_EV_RELEASE, DS_EVF_ZSWAP, f_zswap, 0 },
	{ "defersim", "zswap_inv_ret", DS_EV_RELEASE_END, DS_EVF_ZSWAP, f_none, 0 },
	{ "defersim", "zs_free", DS_EV_ZS_FREE, 0, f_handle, 0 },
	{ "defersim", "zs_malloc", DS_EV_ZS_MALLOC, 0, f_size, 0 },
	{ "defersim", "zs_malloc_ret", DS_EV_ZS_MALLOC_END, 0, f_handle, 0 },
	{ "defersim", "zram_write", DS_EV_SLOT_WRITE, 0, f_index, 0 },
	{ "sched", "sched_switch", DS_EV_SWITCH, 0, f_none, 0 },
	{ "sched", "sched_process_exit", DS_EV_EXIT, 0, f_none, 0 },
	{ "workqueue", "workqueue_queue_work", DS_EV_WQ_QUEUE, 0, f_none, 0 },
	{ "workqueue", "workqueue_activate_work", DS_EV_WQ_ACTIVATE, 0, f_none, 0 },
	{ "workqueue", "workqueue_execute_start", DS_EV_WQ_START, 0, f_none, 0 },
	{ "workqueue", "workqueue_execute_end", DS_EV_WQ_END, 0, f_none, 0 },
	{ "ftrace", "funcgraph_entry", DS_EV_NONE, 0, f_none, DS_EVM_FGRAPH_ENTRY },
	{ "ftrace", "funcgraph_exit", DS_EV_NONE, 0, f_none, DS_EVM_FGRAPH_EXIT },
};

struct func_kind {
	const char *func;
	unsigned int entry_type;
	unsigned int ret_type;
	unsigned int flags;
	const char *const *entry_fields;
	const char *const *ret_fields;
};

static const struct func_kind funcs[] = {
	{ "zram_slot_free_notify", DS_EV_RELEASE, DS_EV_RELEASE_END, 0, f_index, f_none },
	{ "zswap_invalidate", DS_EV_RELEASE, DS_EV_RELEASE_END, DS_EVF_ZSWAP, f_zswap, f_none },
	{ "zswap_frontswap_invalidate_page", DS_EV_RELEASE, DS_EV_RELEASE_END, DS_EVF_ZSWAP,
	  f_zswap, f_none },
	{ "zs_free", DS_EV_ZS_FREE, DS_EV_NONE, 0, f_handle, f_none },
	{ "zs_malloc", DS_EV_ZS_MALLOC, DS_EV_ZS_MALLOC_END, 0, f_size, f_handle },
	{ "zram_write_page", DS_EV_SLOT_WRITE, DS_EV_NONE, 0, f_index, f_none },
};

static const struct func_kind *find_func(const char *name)
{
	for (size_t i = 0; name && i < G_N_ELEMENTS(funcs); i++)
		if (!strcmp(funcs[i].func, name))
			return &funcs[i];
	return NULL;
}

static gboolean is_numeric(const struct tep_format_field *f)
{
	return !(f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC)) &&
	       (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);
}

/* The value field: a preferred name, else the first numeric non-common, non-probe field. */
static struct tep_format_field *pick_value(struct tep_event *e, const char *const *prefer)
{
	for (size_t i = 0; prefer && prefer[i]; i++) {
		struct tep_format_field *f = tep_find_field(e, prefer[i]);

		if (f && is_numeric(f))
			return f;
	}
	for (struct tep_format_field *f = e->format.fields; f; f = f->next)
		if (is_numeric(f) && strncmp(f->name, "common_", 7) && strncmp(f->name, "__probe_", 8))
			return f;
	return NULL;
}

static struct tep_format_field *num_field(struct tep_event *e, const char *name)
{
	struct tep_format_field *f = tep_find_field(e, name);

	return f && is_numeric(f) ? f : NULL;
}

/* Fields of the fixed-layout kinds (switch, exit, workqueue); FALSE if one is missing. */
static gboolean bind_fixed(struct ds_evmap_entry *x, const char **missing)
{
	struct tep_event *e = x->event;

	switch (x->type) {
	case DS_EV_SWITCH:
		x->aux = num_field(e, "prev_pid");
		x->pid = num_field(e, "next_pid");
		*missing = !x->aux ? "prev_pid" : "next_pid";
		return x->aux && x->pid;
	case DS_EV_EXIT:
		x->pid = num_field(e, "pid");
		*missing = "pid";
		return x->pid != NULL;
	case DS_EV_WQ_QUEUE:
	case DS_EV_WQ_ACTIVATE:
	case DS_EV_WQ_START:
	case DS_EV_WQ_END:
		x->aux = num_field(e, "work");
		x->value = num_field(e, "function");	/* absent on old kernels' execute_end */
		*missing = "work";
		return x->aux != NULL;
	default:
		return TRUE;
	}
}

static void set_info(struct ds_evmap_entry *x, const char *how)
{
	x->info->type = x->type;
	x->info->flags = x->flags;
	x->info->how = x->type == DS_EV_NONE ? "ignored" : how;
	g_free(x->info->field);
	x->info->field = x->value ? g_strdup(x->value->name) : NULL;
}

static gboolean apply_rule(struct ds_evmap *m, struct ds_evmap_entry *x,
			   const struct ds_map_rule *r, GError **error)
{
	const char *missing = NULL;

	x->type = r->type;
	x->flags = r->flags;
	x->lazy = x->addr ? DS_EVM_SYMBOL : DS_EVM_READY;
	if (x->type == DS_EV_NONE)
		goto done;
	if (!bind_fixed(x, &missing)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: --map %s/%s: the event has no "
			    "numeric field \"%s\" that this kind needs", m->path, r->system, r->event,
			    missing);
		return FALSE;
	}
	if (r->field) {
		x->value = num_field(x->event, r->field);
		if (!x->value) {
			GString *have = g_string_new(NULL);

			for (struct tep_format_field *f = x->event->format.fields; f; f = f->next)
				g_string_append_printf(have, "%s%s", have->len ? ", " : "", f->name);
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: --map %s/%s: no numeric "
				    "field \"%s\" (fields: %s)", m->path, r->system, r->event, r->field,
				    have->str);
			g_string_free(have, TRUE);
			return FALSE;
		}
	} else if (x->type != DS_EV_SWITCH && x->type != DS_EV_EXIT && x->type < DS_EV_WQ_QUEUE) {
		x->value = x->type == DS_EV_RELEASE_END ? NULL : pick_value(x->event, NULL);
	}
	if (x->type == DS_EV_RELEASE && !x->value)
		x->flags |= DS_EVF_NOVALUE;
done:
	set_info(x, "map");
	return TRUE;
}

static void apply_name(struct ds_evmap_entry *x, const struct name_kind *nk)
{
	const char *missing;

	x->type = nk->type;
	x->flags = nk->flags;
	x->special = nk->special;
	if (nk->special == DS_EVM_FGRAPH_ENTRY || nk->special == DS_EVM_FGRAPH_EXIT) {
		x->addr = num_field(x->event, "func");
		x->calltime = num_field(x->event, "calltime");
		x->rettime = num_field(x->event, "rettime");
		if (!x->addr || (nk->special == DS_EVM_FGRAPH_EXIT && (!x->calltime || !x->rettime)))
			x->special = DS_EVM_PLAIN;	/* unknown layout: ignore it */
		set_info(x, "name");
		return;
	}
	if (!bind_fixed(x, &missing)) {
		x->type = DS_EV_NONE;		/* a tracepoint whose layout we do not know */
		set_info(x, "name");
		return;
	}
	if (x->type < DS_EV_SWITCH && x->type != DS_EV_RELEASE_END)
		x->value = pick_value(x->event, nk->fields);
	if (x->type == DS_EV_RELEASE && !x->value)
		x->flags |= DS_EVF_NOVALUE;
	if (x->addr)
		x->lazy = DS_EVM_SYMBOL;
	set_info(x, "name");
}

static gboolean init_entry(struct ds_evmap *m, struct tep_event *e, const struct ds_map_rule *rules,
			   size_t n_rules, gboolean *rule_used, GPtrArray *maps, GError **error)
{
	struct ds_evmap_entry *x = &m->by_id[e->id];

	x->event = e;
	x->info = ds_event_map_info_new(e->system, e->name);
	g_ptr_array_add(maps, x->info);
	x->addr = num_field(e, "__probe_ip");
	if (!x->addr && tep_find_field(e, "__probe_ret_ip"))
		x->addr = num_field(e, "__probe_func");
	for (size_t i = 0; i < n_rules; i++) {
		if (strcmp(rules[i].system, e->system) || strcmp(rules[i].event, e->name))
			continue;
		rule_used[i] = TRUE;
		return apply_rule(m, x, &rules[i], error);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (!strcmp(names[i].system, e->system) && !strcmp(names[i].name, e->name)) {
			apply_name(x, &names[i]);
			return TRUE;
		}
	}
	if (x->addr)
		x->lazy = tep_find_field(e, "__probe_ip") ? DS_EVM_PROBE_IP : DS_EVM_PROBE_FUNC;
	set_info(x, "ignored");
	return TRUE;
}

/*
 * Where libtraceevent reads a common field (the first event's format: tep_data_type() and
 * tep_data_pid() look there); kept only when it lies in the first 8 bytes of a record, which
 * every record decoded has (else the library reads it, whatever it does).
 */
static void find_common(struct tep_handle *tep, const char *name, unsigned int *off,
			unsigned int *size)
{
	struct tep_event *e = tep_get_events_count(tep) > 0 ? tep_get_event(tep, 0) : NULL;
	struct tep_format_field *f = e ? tep_find_common_field(e, name) : NULL;

	*off = *size = 0;
	if (f && f->offset >= 0 && f->offset + f->size <= 8 &&
	    (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
		*off = (unsigned int)f->offset;
		*size = (unsigned int)f->size;
	}
}

gboolean ds_evmap_init(struct ds_evmap *m, const char *path, struct tep_handle *tep,
		       const struct ds_map_rule *rules, size_t n_rules, GPtrArray *maps,
		       GError **error)
{
	int n = tep_get_events_count(tep);
	g_autofree gboolean *used = g_new0(gboolean, n_rules ? n_rules : 1);

	memset(m, 0, sizeof(*m));
	m->path = path;
	m->tep = tep;
	m->fgraph = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	m->native = tep_is_file_bigendian(tep) == tep_is_local_bigendian(tep);
	if (m->native) {
		find_common(tep, "common_type", &m->type_off, &m->type_size);
		find_common(tep, "common_pid", &m->pid_off, &m->pid_size);
	}
	for (int i = 0; i < n; i++) {
		struct tep_event *e = tep_get_event(tep, i);

		if (e && e->id >= 0 && (unsigned int)e->id >= m->n_ids)
			m->n_ids = (unsigned int)e->id + 1;
	}
	m->by_id = g_new0(struct ds_evmap_entry, m->n_ids ? m->n_ids : 1);
	for (int i = 0; i < n; i++) {
		struct tep_event *e = tep_get_event(tep, i);

		if (e && e->id >= 0 && !init_entry(m, e, rules, n_rules, used, maps, error))
			return FALSE;
	}
	for (size_t i = 0; i < n_rules; i++) {
		if (!used[i]) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "%s: --map %s/%s: the trace has "
				    "no such event", path, rules[i].system, rules[i].event);
			return FALSE;
		}
	}
	return TRUE;
}

/* A number of @size bytes in the machine's order, as tep_read_number() reads it (unsigned). */
static inline gboolean read_native(const void *p, unsigned int size, uint64_t *v)
{
	uint8_t b;
	uint16_t h;
	uint32_t w;

	switch (size) {
	case 1:
		memcpy(&b, p, 1);
		*v = b;
		return TRUE;
	case 2:
		memcpy(&h, p, 2);
		*v = h;
		return TRUE;
	case 4:
		memcpy(&w, p, 4);
		*v = w;
		return TRUE;
	case 8:
		memcpy(v, p, 8);
		return TRUE;
	default:
		return FALSE;
	}
}

static gboolean read_field(struct ds_evmap *m, const struct tep_format_field *f,
			   const struct tep_record *rec, uint64_t *v, GError **error)
{
	unsigned long long val;

	if (m->native && f->offset >= 0 && f->offset + f->size <= rec->size &&
	    read_native((const uint8_t *)rec->data + f->offset, (unsigned int)f->size, v))
		return TRUE;
	if (f->offset < 0 || f->offset + f->size > rec->size ||
	    tep_read_number_field((struct tep_format_field *)f, rec->data, &val)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: record of %s/%s at offset %llu "
			    "(CPU %d) is too short for its field %s (corrupt data?)", m->path,
			    f->event->system, f->event->name, rec->offset, rec->cpu, f->name);
		return FALSE;
	}
	*v = val;
	return TRUE;
}

static char *symbol_name(struct tep_handle *tep, uint64_t addr)
{
	const char *fn = tep_find_function(tep, addr);
	unsigned long long start = fn ? tep_find_function_address(tep, addr) : 0;

	if (!fn)
		return g_strdup_printf("0x%" G_GINT64_MODIFIER "x", addr);
	return addr == start ? g_strdup(fn) :
	       g_strdup_printf("%s+0x%llx", fn, (unsigned long long)addr - start);
}

/* First record of a probe event: find the function it sits on and map it. */
static gboolean resolve_probe(struct ds_evmap *m, struct ds_evmap_entry *x,
			      const struct tep_record *rec, GError **error)
{
	uint64_t addr;
	enum ds_evm_lazy lazy = x->lazy;

	if (!read_field(m, x->addr, rec, &addr, error))
		return FALSE;
	x->lazy = DS_EVM_READY;
	g_free(x->info->symbol);
	x->info->symbol = symbol_name(m->tep, addr);
	if (lazy == DS_EVM_SYMBOL)
		return TRUE;

	const struct func_kind *fk = find_func(tep_find_function(m->tep, addr));
	gboolean ret = lazy == DS_EVM_PROBE_FUNC;

	if (fk) {
		x->type = ret ? fk->ret_type : fk->entry_type;
		x->flags = fk->flags;
		if (x->type != DS_EV_RELEASE_END && x->type != DS_EV_NONE)
			x->value = pick_value(x->event, ret ? fk->ret_fields : fk->entry_fields);
		if (x->type == DS_EV_RELEASE && !x->value)
			x->flags |= DS_EVF_NOVALUE;
	}
	set_info(x, ret ? "probe-func" : "probe-ip");
	return TRUE;
}

/* Function-graph record: only the release functions of funcs[] become events. */
static const struct func_kind *fgraph_func(struct ds_evmap *m, uint64_t addr)
{
	gpointer v = g_hash_table_lookup(m->fgraph, &addr);

	if (!v) {
		const struct func_kind *fk = find_func(tep_find_function(m->tep, addr));
		gint64 *key = g_new(gint64, 1);

		if (fk && fk->entry_type != DS_EV_RELEASE)
			fk = NULL;
		*key = (gint64)addr;
		v = GUINT_TO_POINTER(fk ? (guint)(fk - funcs) + 1 : G_N_ELEMENTS(funcs) + 1);
		g_hash_table_insert(m->fgraph, key, v);
	}
	guint idx = GPOINTER_TO_UINT(v) - 1;

	return idx < G_N_ELEMENTS(funcs) ? &funcs[idx] : NULL;
}

static int decode_fgraph(struct ds_evmap *m, struct ds_evmap_entry *x, struct tep_record *rec,
			 struct ds_event *ev, int64_t *dur, GError **error)
{
	uint64_t addr, call, ret;
	const struct func_kind *fk;

	if (!read_field(m, x->addr, rec, &addr, error))
		return -1;
	if (!(fk = fgraph_func(m, addr)))
		return 0;
	ev->flags = (uint8_t)(fk->flags | DS_EVF_NOVALUE);
	if (x->info->type == DS_EV_NONE) {
		x->info->type = x->special == DS_EVM_FGRAPH_ENTRY ? DS_EV_RELEASE : DS_EV_RELEASE_END;
		x->info->flags = fk->flags;
		x->info->how = "name";
		x->info->symbol = g_strdup(fk->func);
	}
	if (x->special == DS_EVM_FGRAPH_ENTRY) {
		ev->type = DS_EV_RELEASE;
		return 1;
	}
	if (!read_field(m, x->calltime, rec, &call, error) ||
	    !read_field(m, x->rettime, rec, &ret, error))
		return -1;
	ev->type = DS_EV_RELEASE_END;
	*dur = ret >= call ? (int64_t)(ret - call) : 0;
	return 1;
}

int ds_evmap_decode(struct ds_evmap *m, struct tep_record *rec, struct ds_event *ev,
		    int64_t *dur, GError **error)
{
	int id = -1;
	struct ds_evmap_entry *x;
	uint64_t v;

	if (rec->size >= 8 && m->type_size && read_native((const uint8_t *)rec->data + m->type_off,
							  m->type_size, &v))
		id = (int)v;
	else if (rec->size >= 8)
		id = tep_data_type(m->tep, rec);
	x = id >= 0 && (unsigned int)id < m->n_ids ? &m->by_id[id] : NULL;

	if (!x || !x->event) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: record at offset %llu (CPU %d) "
			    "has event id %d, which the trace does not define (corrupt data?)",
			    m->path, rec->offset, rec->cpu, id);
		return -1;
	}
	x->info->count++;
	if (x->lazy && !resolve_probe(m, x, rec, error))
		return -1;
	*dur = -1;
	memset(ev, 0, sizeof(*ev));
	ev->ts = rec->ts;
	ev->cpu = (uint16_t)rec->cpu;
	if (m->pid_size && read_native((const uint8_t *)rec->data + m->pid_off, m->pid_size, &v))
		ev->pid = (int32_t)v;
	else
		ev->pid = tep_data_pid(m->tep, rec);
	if (x->special != DS_EVM_PLAIN)
		return decode_fgraph(m, x, rec, ev, dur, error);
	if (x->type == DS_EV_NONE)
		return 0;
	ev->type = (uint8_t)x->type;
	ev->flags = (uint8_t)x->flags;
	if (x->value) {
		if (!read_field(m, x->value, rec, &v, error))
			return -1;
		ev->value = v;
	}
	if (x->aux) {
		if (!read_field(m, x->aux, rec, &v, error))
			return -1;
		ev->aux = v;
	}
	if (x->pid) {
		if (!read_field(m, x->pid, rec, &v, error))
			return -1;
		ev->pid = (int32_t)v;
	}
	return 1;
}

void ds_evmap_clear(struct ds_evmap *m)
{
	g_free(m->by_id);
	if (m->fgraph)
		g_hash_table_destroy(m->fgraph);
	memset(m, 0, sizeof(*m));
}
