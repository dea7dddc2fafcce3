/* SPDX-License-Identifier: MIT */
/*
 * evmap.h - what each trace event id becomes (private to replay/).
 *
 * struct ds_evmap: one struct ds_evmap_entry per event id (array indexed by id), built once
 * from the trace's event formats and the --map rules, so that per record the reader only
 * reads numbers.  Kprobes whose name says nothing are resolved by the function they probe on
 * their first record (lazily: __probe_ip is the same for every record of an event) and the
 * entry is rewritten in place.  Function-graph records are resolved per function address,
 * cached in @fgraph.
 * Numbers are read straight from the record at the offsets of the formats when the file's
 * byte order is the machine's (@native), the same bytes libtraceevent's tep_read_number()
 * would read, without a library call per field (@type_*, @pid_*: where the common type and
 * pid lie, found as libtraceevent finds them; size 0: ask libtraceevent).
 */
#ifndef DS_EVMAP_H
#define DS_EVMAP_H

#include <event-parse.h>
#include "ds_source.h"

enum ds_evm_lazy {
	DS_EVM_READY = 0,
	DS_EVM_PROBE_IP,	/* kprobe: resolve __probe_ip on the first record */
	DS_EVM_PROBE_FUNC,	/* kretprobe: resolve __probe_func on the first record */
	DS_EVM_SYMBOL,		/* mapped by name or rule; resolve the symbol for info only */
};

enum ds_evm_special {
	DS_EVM_PLAIN = 0,
	DS_EVM_FGRAPH_ENTRY,
	DS_EVM_FGRAPH_EXIT,
};

struct ds_evmap_entry {
	struct tep_event *event;		/* NULL: no such event id */
	struct ds_event_map_info *info;		/* owned by the info's maps array */
	unsigned int type;
	unsigned int flags;
	enum ds_evm_lazy lazy;
	enum ds_evm_special special;
	struct tep_format_field *value;		/* -> ds_event.value */
	struct tep_format_field *aux;		/* -> ds_event.aux */
	struct tep_format_field *pid;		/* -> ds_event.pid (else common_pid) */
	struct tep_format_field *addr;		/* __probe_ip / __probe_func / func */
	struct tep_format_field *calltime;
	struct tep_format_field *rettime;
};

struct ds_evmap {
	const char *path;
	struct tep_handle *tep;
	struct ds_evmap_entry *by_id;
	unsigned int n_ids;
	GHashTable *fgraph;	/* function address -> GUINT_TO_POINTER(func table index + 1) */
	gboolean native;
	unsigned int type_off, type_size, pid_off, pid_size;
};

/**
 * ds_evmap_init() - build the table; appends one struct ds_event_map_info per event to @maps
 *
 * Fails (DS_ERROR_PARAM) when a --map rule names an event or a field the trace lacks.
 */
gboolean ds_evmap_init(struct ds_evmap *m, const char *path, struct tep_handle *tep,
		       const struct ds_map_rule *rules, size_t n_rules, GPtrArray *maps,
		       GError **error);

/**
 * ds_evmap_decode() - turn one record into an event
 * @ev: filled (ts, cpu, type, flags, pid, value, aux) when 1 is returned
 * @dur: out: the call's duration carried by the record itself (function graph exit), or -1
 *
 * Return: 1 event, 0 record of an ignored event, -1 error (unknown event id, short record).
 */
int ds_evmap_decode(struct ds_evmap *m, struct tep_record *rec, struct ds_event *ev,
		    int64_t *dur, GError **error);

void ds_evmap_clear(struct ds_evmap *m);

#endif
