// SPDX-License-Identifier: MIT
/*
 * info.c - struct ds_trace_info: life cycle, counting, human and JSON forms, and the GVariant
 * form stored in the binary cache.
 *
 * The human form is what `defersim info` prints; the lines "releases: N", "cpus: N" and
 * "lost events: N" are a stable interface (traces/NAME.md provenance files and tests compare
 * them).  The GVariant form is INFO_VARIANT_TYPE below; changing it means bumping
 * DS_CACHE_VERSION.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "clock.h"
#include "trace_impl.h"

struct ds_event_map_info *ds_event_map_info_new(const char *system, const char *name)
{
	struct ds_event_map_info *mi = g_new0(struct ds_event_map_info, 1);

	mi->system = g_strdup(system);
	mi->name = g_strdup(name);
	mi->how = "ignored";
	return mi;
}

void ds_event_map_info_free(gpointer p)
{
	struct ds_event_map_info *mi = p;

	g_free(mi->system);
	g_free(mi->name);
	g_free(mi->symbol);
	g_free(mi->field);
	g_free(mi);
}

void ds_trace_info_init(struct ds_trace_info *info, const char *path, unsigned int ncpus)
{
	memset(info, 0, sizeof(*info));
	info->path = g_strdup(path);
	info->clock = g_strdup("unknown");
	info->ncpus = ncpus;
	info->releases_per_cpu = g_new0(uint64_t, ncpus ? ncpus : 1);
	info->lost_per_cpu = g_new0(uint64_t, ncpus ? ncpus : 1);
	info->lost_markers_per_cpu = g_new0(uint64_t, ncpus ? ncpus : 1);
	info->maps = g_ptr_array_new_with_free_func(ds_event_map_info_free);
}

void ds_trace_info_clear(struct ds_trace_info *info)
{
	g_free(info->path);
	g_free(info->clock);
	g_free(info->releases_per_cpu);
	g_free(info->lost_per_cpu);
	g_free(info->lost_markers_per_cpu);
	if (info->maps)
		g_ptr_array_unref(info->maps);
	memset(info, 0, sizeof(*info));
}

void ds_trace_info_count(struct ds_trace_info *info, const struct ds_event *ev)
{
	info->events_per_type[ev->type < DS_EV__COUNT ? ev->type : DS_EV_NONE]++;
	info->last_ts = ev->ts;
	if (ev->type != DS_EV_RELEASE)
		return;
	if (ev->cpu < info->ncpus)
		info->releases_per_cpu[ev->cpu]++;
	info->releases_per_backend[ds_ev_is_zswap(ev) ? 1 : 0]++;
}

static const char *how_of(const char *how)
{
	static const char *const hows[] = { "name", "probe-ip", "probe-func", "map", "ignored" };

	for (size_t i = 0; i < G_N_ELEMENTS(hows); i++)
		if (how && !strcmp(how, hows[i]))
			return hows[i];
	return "ignored";
}

static char *kind_label(const struct ds_event_map_info *mi)
{
	if (mi->type == DS_EV_NONE)
		return g_strdup("-");
	if (mi->type == DS_EV_RELEASE || mi->type == DS_EV_RELEASE_END)
		return g_strdup_printf("%s (%s)", ds_ev_type_name(mi->type),
				       mi->flags & DS_EVF_ZSWAP ? "zswap" : "zram");
	return g_strdup(ds_ev_type_name(mi->type));
}

static void print_ns(FILE *out, const char *label, uint64_t ns)
{
	fprintf(out, "%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT " s\n", label,
		ns / 1000000000u, ns % 1000000000u);
}

static void print_maps(const struct ds_trace_info *info, FILE *out)
{
	fprintf(out, "events recognised:\n");
	for (guint i = 0; i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);
		g_autofree char *kind = kind_label(mi);

		if (mi->type == DS_EV_NONE && !mi->count)
			continue;	/* formats of events with no record: noise */
		fprintf(out, "  %s/%s -> %s by %s", mi->system, mi->name, kind, mi->how);
		if (mi->symbol)
			fprintf(out, ", on %s", mi->symbol);
		if (mi->field)
			fprintf(out, ", value field %s", mi->field);
		fprintf(out, ": %" G_GUINT64_FORMAT " records\n", mi->count);
	}
}

void ds_trace_info_print(const struct ds_trace_info *info, FILE *out)
{
	const char *note = NULL;
	uint64_t markers = 0;

	ds_clock_is_synced(info->clock, &note);
	fprintf(out, "trace: %s\nsha256: %s\nsize: %" G_GUINT64_FORMAT " bytes (trace.dat v%u)\n",
		info->path, info->sha256, info->file_size, info->file_version);
	fprintf(out, "clock: %s (%s across CPUs%s%s)\n", info->clock,
		info->clock_synced ? "synchronised" : "NOT synchronised", note ? "; " : "",
		note ? note : "");
	fprintf(out, "cpus: %u\ncpus with events: %u\n", info->ncpus, info->cpus_with_events);
	print_ns(out, "first event: ", info->first_ts);
	print_ns(out, "replay start: ", info->start_ts);
	print_ns(out, "last event: ", info->last_ts);
	print_ns(out, "duration: ", info->last_ts > info->start_ts ? info->last_ts - info->start_ts : 0);
	fprintf(out, "releases: %" G_GUINT64_FORMAT "\n", info->events_per_type[DS_EV_RELEASE]);
	fprintf(out, "releases zram: %" G_GUINT64_FORMAT "\nreleases zswap: %" G_GUINT64_FORMAT "\n",
		info->releases_per_backend[0], info->releases_per_backend[1]);
	fprintf(out, "lost events: %" G_GUINT64_FORMAT "\n", info->lost_total);
	for (unsigned int c = 0; c < info->ncpus; c++)
		markers += info->lost_markers_per_cpu[c];
	fprintf(out, "lost event markers: %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
		" of unknown size)\n", markers, info->lost_unknown);
	if (info->lost_unknown)
		fprintf(out, "warning: the ring buffer lost events it did not count\n");
	fprintf(out, "events dropped before replay start: %" G_GUINT64_FORMAT "\n",
		info->dropped_before_start);
	fprintf(out, "timestamps clamped (went backwards on a CPU): %" G_GUINT64_FORMAT "\n",
		info->reordered);
	fprintf(out, "release durations: %" G_GUINT64_FORMAT, info->durations);
	if (info->durations)
		fprintf(out, " (p50 %" G_GUINT64_FORMAT " ns, p99 %" G_GUINT64_FORMAT " ns, max %"
			G_GUINT64_FORMAT " ns)", info->dur_p50_ns, info->dur_p99_ns, info->dur_max_ns);
	fprintf(out, "\nreleases without duration: %" G_GUINT64_FORMAT "\n"
		"unpaired returns: %" G_GUINT64_FORMAT "\n", info->unreturned, info->unpaired_ends);
	fprintf(out, "events per type:\n");
	for (unsigned int t = 1; t < DS_EV__COUNT; t++)
		if (info->events_per_type[t])
			fprintf(out, "  %-12s %" G_GUINT64_FORMAT "\n", ds_ev_type_name(t),
				info->events_per_type[t]);
	fprintf(out, "per cpu:\n");
	for (unsigned int c = 0; c < info->ncpus; c++)
		fprintf(out, "  cpu %u: releases %" G_GUINT64_FORMAT ", lost %" G_GUINT64_FORMAT
			" in %" G_GUINT64_FORMAT " markers\n", c, info->releases_per_cpu[c],
			info->lost_per_cpu[c], info->lost_markers_per_cpu[c]);
	print_maps(info, out);
}

static JsonNode *u64_array(const uint64_t *v, unsigned int n)
{
	JsonArray *a = json_array_sized_new(n);
	JsonNode *node = json_node_new(JSON_NODE_ARRAY);

	for (unsigned int i = 0; i < n; i++)
		json_array_add_int_element(a, (gint64)v[i]);
	json_node_take_array(node, a);
	return node;
}

static void add_u64(JsonBuilder *b, const char *name, uint64_t v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, (gint64)v);
}

static void add_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void json_maps(JsonBuilder *b, const struct ds_trace_info *info)
{
	json_builder_set_member_name(b, "events");
	json_builder_begin_array(b);
	for (guint i = 0; i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);

		if (mi->type == DS_EV_NONE && !mi->count)
			continue;
		json_builder_begin_object(b);
		add_str(b, "system", mi->system);
		add_str(b, "name", mi->name);
		add_str(b, "kind", mi->type ? ds_ev_type_name(mi->type) : NULL);
		add_str(b, "backend", mi->type == DS_EV_RELEASE || mi->type == DS_EV_RELEASE_END ?
			(mi->flags & DS_EVF_ZSWAP ? "zswap" : "zram") : NULL);
		add_str(b, "how", mi->how);
		add_str(b, "symbol", mi->symbol);
		add_str(b, "field", mi->field);
		add_u64(b, "records", mi->count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}

JsonNode *ds_trace_info_to_json(const struct ds_trace_info *info)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	uint64_t markers = 0;

	for (unsigned int c = 0; c < info->ncpus; c++)
		markers += info->lost_markers_per_cpu[c];
	json_builder_begin_object(b);
	add_str(b, "path", info->path);
	add_str(b, "sha256", info->sha256);
	add_u64(b, "file_size", info->file_size);
	add_u64(b, "file_version", info->file_version);
	add_str(b, "clock", info->clock);
	json_builder_set_member_name(b, "clock_synced");
	json_builder_add_boolean_value(b, info->clock_synced);
	add_u64(b, "cpus", info->ncpus);
	add_u64(b, "cpus_with_events", info->cpus_with_events);
	add_u64(b, "first_ts", info->first_ts);
	add_u64(b, "start_ts", info->start_ts);
	add_u64(b, "last_ts", info->last_ts);
	add_u64(b, "releases", info->events_per_type[DS_EV_RELEASE]);
	add_u64(b, "releases_zram", info->releases_per_backend[0]);
	add_u64(b, "releases_zswap", info->releases_per_backend[1]);
	add_u64(b, "lost_events", info->lost_total);
	add_u64(b, "lost_markers", markers);
	add_u64(b, "lost_unknown", info->lost_unknown);
	add_u64(b, "dropped_before_start", info->dropped_before_start);
	add_u64(b, "reordered", info->reordered);
	add_u64(b, "unpaired_ends", info->unpaired_ends);
	add_u64(b, "unreturned", info->unreturned);
	json_builder_set_member_name(b, "durations");
	json_builder_begin_object(b);
	add_u64(b, "count", info->durations);
	add_u64(b, "p50_ns", info->dur_p50_ns);
	add_u64(b, "p99_ns", info->dur_p99_ns);
	add_u64(b, "max_ns", info->dur_max_ns);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "events_per_type");
	json_builder_begin_object(b);
	for (unsigned int t = 1; t < DS_EV__COUNT; t++)
		add_u64(b, ds_ev_type_name(t), info->events_per_type[t]);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "releases_per_cpu");
	json_builder_add_value(b, u64_array(info->releases_per_cpu, info->ncpus));
	json_builder_set_member_name(b, "lost_per_cpu");
	json_builder_add_value(b, u64_array(info->lost_per_cpu, info->ncpus));
	json_builder_set_member_name(b, "lost_markers_per_cpu");
	json_builder_add_value(b, u64_array(info->lost_markers_per_cpu, info->ncpus));
	json_maps(b, info);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

/*
 * GVariant form (cache): scalars, the per-CPU arrays and the map records.  Strings that may
 * be NULL are stored as "" behind a "has" flag in the map records (ms = maybe string).
 */
#define INFO_SCALARS "sstusbuutttttttttttttttt"
#define INFO_VARIANT_TYPE "(" INFO_SCALARS "atatatata(ssuusmsmst))"
#define INFO_NEW_FMT "(" INFO_SCALARS "@at@at@at@ata(ssuusmsmst))"
#define INFO_GET_FMT "(&s&stu&sbuutttttttttttttttt@at@at@at@ata(ssuusmsmst))"

GVariant *ds_trace_info_to_variant(const struct ds_trace_info *info)
{
	GVariantBuilder maps;

	g_variant_builder_init(&maps, G_VARIANT_TYPE("a(ssuusmsmst)"));
	for (guint i = 0; i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);

		g_variant_builder_add(&maps, "(ssuusmsmst)", mi->system, mi->name, mi->type,
				      mi->flags, mi->how, mi->symbol, mi->field, (guint64)mi->count);
	}
#define AT(p, n) g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, (p), (n), sizeof(uint64_t))
	return g_variant_new(INFO_NEW_FMT, info->path, info->sha256,
			     (guint64)info->file_size, info->file_version, info->clock,
			     info->clock_synced, info->ncpus, info->cpus_with_events,
			     (guint64)info->first_ts, (guint64)info->start_ts, (guint64)info->last_ts,
			     (guint64)info->dropped_before_start, (guint64)info->unpaired_ends,
			     (guint64)info->reordered, (guint64)info->releases_per_backend[0],
			     (guint64)info->releases_per_backend[1], (guint64)info->lost_total,
			     (guint64)info->lost_unknown, (guint64)info->durations,
			     (guint64)info->dur_p50_ns, (guint64)info->dur_p99_ns,
			     (guint64)info->dur_max_ns, (guint64)info->unreturned, (guint64)0,
			     AT(info->events_per_type, DS_EV__COUNT),
			     AT(info->releases_per_cpu, info->ncpus),
			     AT(info->lost_per_cpu, info->ncpus),
			     AT(info->lost_markers_per_cpu, info->ncpus), &maps);
#undef AT
}

static gboolean copy_array(GVariant *a, uint64_t *dst, size_t n)
{
	gsize len;
	const uint64_t *src = g_variant_get_fixed_array(a, &len, sizeof(uint64_t));

	if (len != n)
		return FALSE;
	if (n)
		memcpy(dst, src, n * sizeof(uint64_t));
	return TRUE;
}

gboolean ds_trace_info_from_variant(GVariant *v, struct ds_trace_info *info)
{
	g_autoptr(GVariant) ept = NULL, rpc = NULL, lpc = NULL, lmpc = NULL;
	g_autoptr(GVariantIter) maps = NULL;
	const char *path, *sha, *clock;
	guint32 version, ncpus, with_events;
	gboolean synced;
	guint64 fsize, first, start, last, dropped, unpaired, reord, rz, rs, lost, lunk, durs, p50,
		p99, dmax, unret, spare;

	if (!g_variant_is_of_type(v, G_VARIANT_TYPE(INFO_VARIANT_TYPE)))
		return FALSE;
	g_variant_get(v, INFO_GET_FMT, &path, &sha, &fsize, &version, &clock, &synced,
		      &ncpus, &with_events, &first, &start, &last, &dropped, &unpaired, &reord, &rz,
		      &rs, &lost, &lunk, &durs, &p50, &p99, &dmax, &unret, &spare, &ept, &rpc, &lpc,
		      &lmpc, &maps);
	if (ncpus > 1u << 16 || strlen(sha) != 64)
		return FALSE;
	ds_trace_info_init(info, path, ncpus);
	g_strlcpy(info->sha256, sha, sizeof(info->sha256));
	g_free(info->clock);
	info->clock = g_strdup(clock);
	info->file_size = fsize;
	info->file_version = version;
	info->clock_synced = synced;
	info->cpus_with_events = with_events;
	info->first_ts = first;
	info->start_ts = start;
	info->last_ts = last;
	info->dropped_before_start = dropped;
	info->unpaired_ends = unpaired;
	info->reordered = reord;
	info->releases_per_backend[0] = rz;
	info->releases_per_backend[1] = rs;
	info->lost_total = lost;
	info->lost_unknown = lunk;
	info->durations = durs;
	info->dur_p50_ns = p50;
	info->dur_p99_ns = p99;
	info->dur_max_ns = dmax;
	info->unreturned = unret;
	if (!copy_array(ept, info->events_per_type, DS_EV__COUNT) ||
	    !copy_array(rpc, info->releases_per_cpu, ncpus) ||
	    !copy_array(lpc, info->lost_per_cpu, ncpus) ||
	    !copy_array(lmpc, info->lost_markers_per_cpu, ncpus)) {
		ds_trace_info_clear(info);
		return FALSE;
	}
	const char *sys, *name, *how, *sym, *field;
	guint32 type, flags;
	guint64 count;

	while (g_variant_iter_next(maps, "(&s&suu&sm&sm&st)", &sys, &name, &type, &flags, &how,
				   &sym, &field, &count)) {
		struct ds_event_map_info *mi = ds_event_map_info_new(sys, name);

		mi->type = type < DS_EV__COUNT ? type : DS_EV_NONE;
		mi->flags = flags;
		mi->how = how_of(how);
		mi->symbol = g_strdup(sym);
		mi->field = g_strdup(field);
		mi->count = count;
		g_ptr_array_add(info->maps, mi);
	}
	return TRUE;
}
