// SPDX-License-Identifier: MIT
/*
 * open.c - ds_source_open_trace(): the trace's valid cache if there is one, else the trace
 * itself (writing the cache as it is read, when caching is on).
 *
 * The cache is found by the trace's quick key (stat and 128 KiB read), so that opening a
 * cached trace never reads the whole trace; the full sha256, which the reports print, is
 * hashed only when the trace itself is read (beside its decode: trace_source.c), or with
 * opts->verify, to check the cache.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "ds_synth.h"
#include "source_impl.h"
#include "trace_impl.h"

/* A cache is only as good as the trace: the clock is checked on it too. */
static gboolean cache_acceptable(struct ds_source *src, const char *path, gboolean force,
				 GError **error)
{
	const struct ds_trace_info *info = ds_source_info(src);
	const char *note = NULL;

	if (info->clock_synced || force)
		return TRUE;
	ds_clock_is_synced(info->clock, &note);
	g_set_error(error, DS_ERROR, DS_ERROR_CLOCK, "%s: trace clock \"%s\" is not synchronised "
		    "across CPUs (%s): replay merges the CPUs by timestamp, so their order could be "
		    "wrong.  Record with -C mono (or boot, global, mono_raw), or pass --force-clock "
		    "to replay it anyway", path, info->clock, note ? note : "");
	return FALSE;
}

struct ds_source *ds_source_open_trace(const char *path, const struct ds_trace_opts *opts,
				       GError **error)
{
	char sha[65], key[33];
	g_autofree char *cpath = NULL, *digest = NULL;
	struct ds_source *src;
	GError *cerr = NULL;
	gboolean cache = opts && opts->use_cache;

	struct stat st;

	/* before anything opens it: a FIFO would block, a device never end */
	if (stat(path, &st) != 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot open: %s", path,
			    g_strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a regular file", path);
		return NULL;
	}
	/* the same trace already in memory (a sweep's shared stream: replay/memsource.c), and
	 * unchanged since: else it is read as it is now, from its cache or itself */
	if (opts && opts->stream && ds_mem_stream_is(opts->stream, path, opts->sha256))
		return ds_mem_stream_open(opts->stream);
	/* a synthetic event file (`defersim synth -o X.dsev`) is its own binary stream */
	if (ds_synth_file_is(path))
		return ds_synth_file_open_known(path, opts ? opts->sha256 : NULL, error);
	if (cache) {
		if (!ds_file_quick_key(path, key, error))
			return NULL;
		if (opts->verify && !ds_file_sha256(path, sha, error))
			return NULL;
		cpath = ds_cache_path_for_key(key, opts);
		digest = ds_map_rules_digest(opts->map, opts->n_map);
		src = ds_cache_open(cpath, path, key, opts->verify ? sha : opts->sha256, digest,
				    opts->verify, &cerr);
		if (src) {
			if (cache_acceptable(src, path, opts->force_clock, error))
				return src;
			ds_source_close(src);
			return NULL;
		}
		if (cerr) {
			g_printerr("defersim: warning: ignoring cache %s (%s); re-reading the trace\n",
				   cpath, cerr->message);
			g_clear_error(&cerr);
		}
	}
	/* the hash is known (given, or just checked), or the reader computes it as it reads */
	if (opts && opts->sha256)
		g_strlcpy(sha, opts->sha256, sizeof(sha));
	ds_note_whole_read("decode", path);
	src = ds_trace_source_open(path, (opts && opts->sha256) || (cache && opts->verify) ?
				   sha : NULL, opts, error);
	if (!src || !cache)
		return src;
	struct ds_cache_writer *w = ds_cache_writer_new(cpath, key, digest, &cerr);

	if (!w) {
		g_printerr("defersim: warning: not caching %s: %s\n", path, cerr->message);
		g_clear_error(&cerr);
	}
	ds_trace_source_set_cache(src, w);
	return src;
}

gboolean ds_trace_sha256_cached(const char *trace, const struct ds_trace_opts *opts,
				char out[65])
{
	g_autofree char *cpath = NULL;
	struct ds_cache_entry e = { 0 };
	gboolean ok = FALSE;
	char key[33];

	if (!opts || !opts->use_cache || opts->verify || !ds_file_quick_key(trace, key, NULL))
		return FALSE;
	cpath = ds_cache_path_for_key(key, opts);
	if (ds_cache_peek(cpath, &e) && e.current && !strcmp(e.key, key) &&
	    strlen(e.sha256) == 64) {
		g_strlcpy(out, e.sha256, 65);
		ok = TRUE;
	}
	g_free(e.trace);
	return ok;
}

int ds_trace_sha256_early(const char *trace, const struct ds_trace_opts *opts, char out[65],
			  GError **error)
{
	if (ds_trace_sha256_cached(trace, opts, out))
		return 1;
	/* a trace whose first open writes its cache is hashed by that open, beside its decode */
	if (opts && opts->use_cache && !ds_synth_file_is(trace))
		return 0;
	return ds_file_sha256(trace, out, error) ? 1 : -1;
}

void ds_note_whole_read(const char *what, const char *path)
{
	if (g_getenv("DS_TEST_TRACE_READS"))
		g_printerr("defersim: test: %s %s\n", what, path);
}
