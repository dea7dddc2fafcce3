// SPDX-License-Identifier: MIT
/*
 * cachedir.c - the cache directory as a whole: list its entries, prune them, keep it under
 * a size cap by evicting the least recently used (ds_source.h, "cache directory").
 *
 * An entry is a *.dscache file (cache.c owns the format; ds_cache_peek() reads its header
 * and info).  Its mtime is its last use: set when it is written and on every hit
 * (ds_cache_open()), so eviction by mtime is least-recently-used.  Temporary files of writers
 * that died (*.dscache.tmp.*) older than a day are debris and go with every prune.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "trace_impl.h"

#define DEBRIS_AGE_S (24 * 3600)

void ds_cache_entry_free(gpointer p)
{
	struct ds_cache_entry *e = p;

	if (!e)
		return;
	g_free(e->file);
	g_free(e->trace);
	g_free(e);
}

static gint by_use_desc(gconstpointer a, gconstpointer b)
{
	const struct ds_cache_entry *x = *(struct ds_cache_entry *const *)a;
	const struct ds_cache_entry *y = *(struct ds_cache_entry *const *)b;

	return x->used != y->used ? (x->used < y->used ? 1 : -1) : strcmp(x->file, y->file);
}

static gboolean is_debris(const char *name, const struct stat *st, gint64 now)
{
	return strstr(name, ".dscache.tmp.") && now - st->st_mtime > DEBRIS_AGE_S;
}

GPtrArray *ds_cache_list(const char *dir, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(ds_cache_entry_free);
	g_autoptr(GError) derr = NULL;
	g_autoptr(GDir) d = g_dir_open(dir, 0, &derr);
	const char *name;

	if (!d) {
		if (g_error_matches(derr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return out;	/* nothing cached yet */
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cache directory %s: %s", dir,
			    derr->message);
		g_ptr_array_unref(out);
		return NULL;
	}
	while ((name = g_dir_read_name(d))) {
		struct stat st;
		g_autofree char *file = NULL;
		struct ds_cache_entry *e;

		if (!g_str_has_suffix(name, ".dscache"))
			continue;
		file = g_build_filename(dir, name, NULL);
		if (g_lstat(file, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		e = g_new0(struct ds_cache_entry, 1);
		e->file = g_steal_pointer(&file);
		e->size = (uint64_t)st.st_size;
		e->used = st.st_mtime;
		ds_cache_peek(e->file, e);
		g_ptr_array_add(out, e);
	}
	g_ptr_array_sort(out, by_use_desc);
	return out;
}

static gboolean remove_file(const char *file, uint64_t size, struct ds_cache_pruned *res,
			    GError **error)
{
	if (g_unlink(file) < 0 && errno != ENOENT) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot remove: %s", file,
			    g_strerror(errno));
		return FALSE;
	}
	res->removed++;
	res->freed += size;
	return TRUE;
}

static gboolean remove_debris(const char *dir, struct ds_cache_pruned *res, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *file = g_build_filename(dir, name, NULL);
		struct stat st;

		if (g_lstat(file, &st) == 0 && S_ISREG(st.st_mode) && is_debris(name, &st, now) &&
		    !remove_file(file, (uint64_t)st.st_size, res, error))
			return FALSE;
	}
	return TRUE;
}

/* Whether @e goes by the rules other than the size cap. */
static gboolean doomed(const struct ds_cache_entry *e, const struct ds_cache_prune *how,
		       gint64 now)
{
	if (how->keep && !strcmp(e->file, how->keep))
		return FALSE;
	return how->all || !e->current ||
	       (how->older_than_s > 0 && now - e->used > how->older_than_s);
}

gboolean ds_cache_prune(const char *dir, const struct ds_cache_prune *how,
			struct ds_cache_pruned *res, GError **error)
{
	g_autoptr(GPtrArray) list = ds_cache_list(dir, error);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	uint64_t total = 0;

	memset(res, 0, sizeof(*res));
	if (!list || !remove_debris(dir, res, error))
		return FALSE;
	for (guint i = 0; i < list->len; i++) {
		struct ds_cache_entry *e = g_ptr_array_index(list, i);

		if (doomed(e, how, now)) {
			if (!remove_file(e->file, e->size, res, error))
				return FALSE;
			e->size = 0;	/* gone: no longer counts against the cap */
		}
		total += e->size;
	}
	/* the list is most recently used first: evict from its end */
	for (guint i = list->len; how->max_size && total > how->max_size && i-- > 0;) {
		struct ds_cache_entry *e = g_ptr_array_index(list, i);

		if (!e->size || (how->keep && !strcmp(e->file, how->keep)))
			continue;
		if (!remove_file(e->file, e->size, res, error))
			return FALSE;
		total -= e->size;
	}
	res->kept_bytes = total;
	return TRUE;
}

uint64_t ds_cache_max_size(GError **error)
{
	const char *s = g_getenv("DEFERSIM_CACHE_MAX");
	uint64_t v;

	if (!s || !*s)
		return DS_CACHE_DEFAULT_MAX;
	if (!ds_parse_bytes(s, &v)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "DEFERSIM_CACHE_MAX=%s: expected a "
			    "size in bytes with an optional K, M, G or T suffix (0: no cap)", s);
		return DS_CACHE_DEFAULT_MAX;
	}
	return v;
}

void ds_cache_evict(const char *written)
{
	g_autofree char *dir = g_path_get_dirname(written);
	g_autoptr(GError) err = NULL;
	struct ds_cache_prune how = { .keep = written };
	struct ds_cache_pruned res;

	how.max_size = ds_cache_max_size(&err);
	if (err)
		g_printerr("defersim: warning: %s; using the default cap\n", err->message);
	g_clear_error(&err);
	if (!ds_cache_prune(dir, &how, &res, &err)) {
		g_printerr("defersim: warning: cache eviction in %s: %s\n", dir, err->message);
		return;
	}
	if (res.removed)
		g_printerr("defersim: cache %s: removed %u stale or least recently used entries "
			   "(%.1f MiB) to stay under %.1f MiB (DEFERSIM_CACHE_MAX; `defersim cache` "
			   "lists and prunes)\n", dir, res.removed, res.freed / 1048576.0,
			   how.max_size / 1048576.0);
}

gboolean ds_parse_bytes(const char *s, uint64_t *out)
{
	char *end = NULL;
	guint64 v;
	unsigned int shift = 0;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	v = g_ascii_strtoull(s, &end, 10);
	if (errno)
		return FALSE;
	switch (g_ascii_toupper(*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || (shift && v > (G_MAXUINT64 >> shift)))
		return FALSE;
	*out = v << shift;
	return TRUE;
}
