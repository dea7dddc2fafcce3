// SPDX-License-Identifier: MIT
/*
 * record_tally.c - count what a freshly written trace.dat holds (libtracecmd), so that
 * `defersim record` reports the releases it captured and says so when it caught none.
 *
 * Data: the event ids of the release and return events of traces/FORMAT.md (kprobes, or the
 * function_graph entry/exit of a notify function), looked up once; then each CPU's records
 * in turn (the tally needs no time order).
 */
#include <string.h>

#include <trace-cmd.h>
#include <event-parse.h>

#include "record.h"

/* struct tally_ids - event ids of the file, -1 when it lacks the event */
struct tally_ids {
	int rel[2], ret[2];
	int graph_entry, graph_exit;
	struct tep_event *graph_entry_ev, *graph_exit_ev;
};

static int event_id(struct tep_handle *tep, const char *sys, const char *name,
		    struct tep_event **evp)
{
	struct tep_event *ev = tep_find_event_by_name(tep, sys, name);

	if (evp)
		*evp = ev;
	return ev ? ev->id : -1;
}

static void ids_find(struct tep_handle *tep, struct tally_ids *ids)
{
	ids->rel[0] = event_id(tep, DS_REC_GROUP, "zram_free", NULL);
	ids->rel[1] = event_id(tep, DS_REC_GROUP, "zswap_inv", NULL);
	ids->ret[0] = event_id(tep, DS_REC_GROUP, "zram_free_ret", NULL);
	ids->ret[1] = event_id(tep, DS_REC_GROUP, "zswap_inv_ret", NULL);
	ids->graph_entry = event_id(tep, "ftrace", "funcgraph_entry", &ids->graph_entry_ev);
	ids->graph_exit = event_id(tep, "ftrace", "funcgraph_exit", &ids->graph_exit_ev);
}

static gboolean is_notify(struct tep_handle *tep, struct tep_event *ev, struct tep_record *rec)
{
	unsigned long long func;
	const char *name;

	if (tep_get_field_val(NULL, ev, "func", rec, &func, 0))
		return FALSE;
	name = tep_find_function(tep, func);
	return name && (!strcmp(name, "zram_slot_free_notify") || !strcmp(name, "zswap_invalidate") ||
			!strcmp(name, "zswap_frontswap_invalidate_page"));
}

static void tally_record(struct tep_handle *tep, const struct tally_ids *ids,
			 struct tep_record *rec, struct ds_rec_tally *t)
{
	int id = tep_data_type(tep, rec);

	t->events++;
	if (id == ids->rel[0] || id == ids->rel[1])
		t->releases++;
	else if (id == ids->ret[0] || id == ids->ret[1])
		t->returns++;
	else if (id == ids->graph_entry && is_notify(tep, ids->graph_entry_ev, rec))
		t->releases++;
	else if (id == ids->graph_exit && is_notify(tep, ids->graph_exit_ev, rec))
		t->returns++;
}

gboolean ds_rec_tally_file(const char *path, struct ds_rec_tally *t, GError **error)
{
	struct tracecmd_input *h = tracecmd_open(path, 0);
	struct tep_handle *tep;
	struct tally_ids ids;

	memset(t, 0, sizeof(*t));
	if (!h) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_FORMAT,
			    "%s: libtracecmd cannot read it as a trace.dat", path);
		return FALSE;
	}
	tep = tracecmd_get_tep(h);
	ids_find(tep, &ids);
	t->cpus = tep_get_cpus(tep);
	for (int cpu = 0; cpu < t->cpus; cpu++) {
		struct tep_record *rec = tracecmd_read_cpu_first(h, cpu);

		while (rec) {
			tally_record(tep, &ids, rec, t);
			tracecmd_free_record(rec);
			rec = tracecmd_read_data(h, cpu);
		}
	}
	tracecmd_close(h);
	return TRUE;
}
