// SPDX-License-Identifier: MIT
/*
 * mkseed.c - seed inputs of the .dsev and cache harnesses, written at build time (so that
 * they always match this defersim's formats; none is committed):
 *   mkseed cache OUT TRACE          the binary cache defersim writes when it reads TRACE
 *   mkseed dsev OUT WORKLOAD [K=V]  `defersim synth WORKLOAD -o OUT` with parameters K=V
 *   mkseed edge OUT                 a small .dsev at the bounds the reader and the simulator
 *                                   must hold: 1000 s releases, times near the largest a
 *                                   stream may carry, switches, lost markers, wq events
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "ds_sim.h"
#include "ds_synth.h"

/* Reads @trace with the cache on, into a private directory, and moves the one cache file
 * written there to @out. */
static gboolean mkseed_cache(const char *out, const char *trace, GError **error)
{
	g_autofree char *dir = g_strconcat(out, ".d", NULL);
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	struct ds_source *src;
	const char *name;
	g_autofree char *found = NULL;
	GDir *d;
	gboolean ok;

	if (g_mkdir_with_parents(dir, 0755) < 0)
		return FALSE;
	src = ds_source_open_trace(trace, &opts, error);
	ok = src && ds_source_drain(src, error) >= 0;
	ds_source_close(src);
	if (!ok || !(d = g_dir_open(dir, 0, error)))
		return FALSE;
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".dscache"))
			found = g_build_filename(dir, name, NULL);
	g_dir_close(d);
	if (!found) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: reading it wrote no cache", trace);
		return FALSE;
	}
	ok = g_rename(found, out) == 0;
	g_rmdir(dir);
	return ok;
}

static gboolean mkseed_dsev(const char *out, const char *workload, char **sets, GError **error)
{
	struct ds_synth_params p;

	if (!ds_synth_params_init(&p, workload, error))
		return FALSE;
	for (; *sets; sets++) {
		g_auto(GStrv) kv = g_strsplit(*sets, "=", 2);

		if (!kv[1] || !ds_synth_params_set(&p, kv[0], kv[1], error))
			return FALSE;
	}
	return ds_synth_write(&p, out, error);
}

static gboolean mkseed_edge(const char *out, GError **error)
{
	const uint64_t big = DS_PROFILE_NS_MAX, late = DS_EV_TS_MAX - 1000;
	const struct ds_event evs[] = {
		{ .ts = 1000, .value = 7, .aux = big, .pid = 10, .cpu = 0,
		  .type = DS_EV_RELEASE, .flags = DS_EVF_DURATION },
		{ .ts = 1500, .value = 0, .aux = 10, .pid = 11, .cpu = 1, .type = DS_EV_SWITCH },
		{ .ts = 2000, .value = 8, .aux = big, .pid = 10, .cpu = 0,
		  .type = DS_EV_RELEASE, .flags = DS_EVF_DURATION | DS_EVF_ZSWAP },
		{ .ts = 2100, .value = 0x1234, .aux = 0x99, .pid = 3, .cpu = 1,
		  .type = DS_EV_WQ_QUEUE },
		{ .ts = 2200, .value = 0x1234, .aux = 0x99, .pid = 3, .cpu = 1,
		  .type = DS_EV_WQ_START },
		{ .ts = 2300, .value = 0x1234, .aux = 0x99, .pid = 3, .cpu = 1,
		  .type = DS_EV_WQ_END },
		{ .ts = 3000, .value = 5, .pid = 0, .cpu = 1, .type = DS_EV_LOST },
		{ .ts = late, .value = 9, .aux = big, .pid = 12, .cpu = 1,
		  .type = DS_EV_RELEASE, .flags = DS_EVF_DURATION },
		{ .ts = late + 1, .value = 9, .pid = 12, .cpu = 1, .type = DS_EV_SLOT_WRITE },
		{ .ts = late + 2, .pid = 10, .cpu = 0, .type = DS_EV_EXIT },
	};
	struct ds_source *src = ds_source_new_array(evs, G_N_ELEMENTS(evs));
	gboolean ok = ds_synth_write_dsev(src, "mkseed edge", 2, out, error);

	ds_source_close(src);
	return ok;
}

int main(int argc, char **argv)
{
	GError *error = NULL;
	gboolean ok = FALSE;

	if (argc >= 4 && !strcmp(argv[1], "cache") && argc == 4)
		ok = mkseed_cache(argv[2], argv[3], &error);
	else if (argc >= 4 && !strcmp(argv[1], "dsev"))
		ok = mkseed_dsev(argv[2], argv[3], argv + 4, &error);
	else if (argc == 3 && !strcmp(argv[1], "edge"))
		ok = mkseed_edge(argv[2], &error);
	else
		fprintf(stderr, "usage: mkseed cache OUT TRACE | dsev OUT WORKLOAD [K=V...] | "
			"edge OUT\n");
	if (error)
		fprintf(stderr, "mkseed: %s\n", error->message);
	g_clear_error(&error);
	return ok ? 0 : 1;
}
