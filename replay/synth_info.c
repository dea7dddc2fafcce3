// SPDX-License-Identifier: MIT
/*
 * synth_info.c - the struct ds_trace_info of a synthetic stream, and how any trace is known
 * to be synthetic.
 *
 * A synthetic stream has no trace.dat to describe, so its info is counted as it is delivered
 * (struct ds_synth_info in synth_info.h): the clock is "mono" (generated times are one global
 * clock), and each kind of event gets a recognition entry "defersim_synth/KIND" - the same
 * kprobe group a synthetic trace.dat uses, which is how ds_trace_info_is_synthetic() tells.
 */
#include <string.h>

#include "synth_info.h"

gboolean ds_trace_info_is_synthetic(const struct ds_trace_info *info)
{
	for (guint i = 0; info && info->maps && i < info->maps->len; i++) {
		const struct ds_event_map_info *mi = g_ptr_array_index(info->maps, i);

		if (mi->system && !strcmp(mi->system, DS_SYNTH_GROUP))
			return TRUE;
	}
	return FALSE;
}

void ds_synth_info_init(struct ds_synth_info *si, const char *path, unsigned int ncpus,
			uint64_t t0)
{
	ds_trace_info_init(&si->info, path, ncpus);
	g_free(si->info.clock);
	si->info.clock = g_strdup("mono");
	si->info.clock_synced = TRUE;
	si->info.first_ts = si->info.start_ts = si->info.last_ts = t0;
	ds_durhist_init(&si->hist);
	memset(si->map_of, 0xff, sizeof(si->map_of));
	si->cpu_seen = g_byte_array_new();
	g_byte_array_set_size(si->cpu_seen, ncpus ? ncpus : 1);
	memset(si->cpu_seen->data, 0, si->cpu_seen->len);
}

static struct ds_event_map_info *map_entry(struct ds_synth_info *si, const struct ds_event *ev)
{
	unsigned int z = (ev->flags & DS_EVF_ZSWAP) ? 1 : 0;
	struct ds_event_map_info *mi;
	g_autofree char *name = NULL;

	if (si->map_of[ev->type][z] >= 0)
		return g_ptr_array_index(si->info.maps, (guint)si->map_of[ev->type][z]);
	name = (ev->type == DS_EV_RELEASE || ev->type == DS_EV_RELEASE_END) ?
		g_strdup_printf("%s_%s", z ? "zswap" : "zram", ds_ev_type_name(ev->type)) :
		g_strdup(ds_ev_type_name(ev->type));
	mi = ds_event_map_info_new(DS_SYNTH_GROUP, name);
	mi->type = ev->type;
	mi->flags = z ? DS_EVF_ZSWAP : 0;
	mi->how = "name";
	si->map_of[ev->type][z] = (int)si->info.maps->len;
	g_ptr_array_add(si->info.maps, mi);
	return mi;
}

void ds_synth_info_add(struct ds_synth_info *si, const struct ds_event *ev)
{
	ds_trace_info_count(&si->info, ev);
	if (ev->type < DS_EV__COUNT)
		map_entry(si, ev)->count++;
	if (ev->cpu < si->cpu_seen->len)
		si->cpu_seen->data[ev->cpu] = 1;
	if (ev->type == DS_EV_RELEASE && (ev->flags & DS_EVF_DURATION)) {
		ds_durhist_add(&si->hist, ev->aux);
		si->info.durations++;
	} else if (ev->type == DS_EV_RELEASE) {
		si->info.unreturned++;
	}
}

void ds_synth_info_finish(struct ds_synth_info *si)
{
	si->info.cpus_with_events = 0;
	for (guint c = 0; c < si->cpu_seen->len && c < si->info.ncpus; c++)
		si->info.cpus_with_events += si->cpu_seen->data[c];
	if (si->hist.count) {
		si->info.dur_p50_ns = ds_durhist_quantile(&si->hist, 0.50);
		si->info.dur_p99_ns = ds_durhist_quantile(&si->hist, 0.99);
		si->info.dur_max_ns = si->hist.max;
	}
}

void ds_synth_info_clear(struct ds_synth_info *si)
{
	ds_trace_info_clear(&si->info);
	ds_durhist_clear(&si->hist);
	if (si->cpu_seen)
		g_byte_array_free(si->cpu_seen, TRUE);
	si->cpu_seen = NULL;
}
