// SPDX-License-Identifier: MIT
/*
 * share.c - which traces a sweep holds in memory for its points to share, and warming the
 * caches of the others.
 *
 * Every point replays its trace's whole event stream.  Read from the binary cache, each
 * point pays for copying and checksumming it again (on issue 11's 64-CPU trace: 1 GB, ~1.7 s
 * a point); a stream loaded once (replay/memsource.c) costs that once and is then read from
 * memory by every point, at the price of holding it (32 bytes an event) for the whole sweep.
 * So a trace is shared when at least two points still to compute read it and its stream fits
 * in what is left of the budget (--share-memory: a size, 0 = never, "auto" = a quarter of the
 * machine's physical memory).  A synthetic .dsev is never shared (its trace info is built as
 * it streams: a shared copy could not report it as each point's own read does).  Sharing
 * changes only where events are read from, never which: the results are the same.
 *
 * The streams are returned in a GHashTable: trace path (borrowed from the points) ->
 * struct ds_mem_stream * (owned: freed with the table).
 */
#include <string.h>
#include <unistd.h>

#include "ds_sweep.h"
#include "ds_synth.h"

/* "auto": a quarter of physical memory (what one sweep may hold besides its points' state) */
static uint64_t auto_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	return pages > 0 && size > 0 ? (uint64_t)pages / 4 * (uint64_t)size : 0;
}

gboolean ds_sweep_share_budget(const char *text, uint64_t *out, GError **error)
{
	if (!text || !strcmp(text, "auto")) {
		*out = auto_budget();
		return TRUE;
	}
	if (!strcmp(text, "off")) {
		*out = 0;
		return TRUE;
	}
	if (ds_parse_bytes(text, out))
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--share-memory %s: expected a size (0, "
		    "500M, 2G), off or auto", text);
	return FALSE;
}

static void say(gboolean quiet, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(gboolean quiet, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	if (quiet)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("defersim sweep: %s\n", msg);
}

#define MIB(b) ((double)(b) / (1 << 20))

GHashTable *ds_sweep_share_streams(GPtrArray *todo, const struct ds_trace_opts *topts,
				   uint64_t budget, guint jobs, gboolean quiet, GError **error)
{
	g_autoptr(GHashTable) uses = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *streams = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						    (GDestroyNotify)ds_mem_stream_free);
	uint64_t left = budget;

	for (guint i = 0; i < todo->len; i++) {
		const struct ds_sweep_point *pt = g_ptr_array_index(todo, i);

		g_hash_table_insert(uses, pt->trace, GUINT_TO_POINTER(
			GPOINTER_TO_UINT(g_hash_table_lookup(uses, pt->trace)) + 1));
	}
	for (guint i = 0; i < todo->len; i++) {
		const struct ds_sweep_point *pt = g_ptr_array_index(todo, i);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(uses, pt->trace));
		struct ds_mem_stream *s = NULL;
		GError *err = NULL;
		uint64_t bytes = 0;
		const char *why = budget ? "one point reads it" : "--share-memory 0";
		gboolean synth = ds_synth_file_is(pt->trace);

		if (!n)
			continue;	/* seen */
		g_hash_table_insert(uses, pt->trace, GUINT_TO_POINTER(0));
		if (n >= 2 && budget) {
			say(quiet, "reading %s", pt->trace);
			s = ds_mem_stream_load(pt->trace, topts, left, &bytes, &why, &err);
			/* as a warm-up's (-j > 1) a bad trace stops the sweep; one point at a time,
			 * each of its points fails alone, as without sharing */
			if (err && jobs > 1) {
				g_propagate_error(error, err);
				g_hash_table_destroy(streams);
				return NULL;
			}
			if (err) {
				why = "it cannot be read";
				g_clear_error(&err);
			}
		}
		if (s) {
			left -= bytes;
			g_hash_table_insert(streams, pt->trace, s);
			say(quiet, "stream shared: its %u points read %s from memory, decoded once "
			    "(%" G_GUINT64_FORMAT " events, %.0f MiB; --share-memory allows "
			    "%.0f MiB)", n, pt->trace, ds_mem_stream_events(s), MIB(bytes),
			    MIB(budget));
			continue;
		}
		if (bytes > left)
			say(quiet, "stream not shared (%s: %.0f MiB, %.0f MiB of --share-memory "
			    "left): each of its %u points reads %s from its binary cache", why,
			    MIB(bytes), MIB(left), n, pt->trace);
		else
			say(quiet, "stream not shared (%s): %s%s", why, pt->trace, synth ?
			    " is read by each of its points" :
			    " is read from its binary cache by each of its points");
		/* a load that got as far as its size found the cache there: nothing to warm */
		if (jobs > 1 && !synth && !bytes) {
			if (!(n >= 2 && budget))
				say(quiet, "reading %s", pt->trace);
			if (!ds_sweep_warm_cache(pt->trace, topts, NULL, error)) {
				g_hash_table_destroy(streams);
				return NULL;
			}
		}
	}
	return streams;
}
