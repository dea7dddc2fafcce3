/* SPDX-License-Identifier: MIT */
/*
 * trace_impl.h - pieces shared by the trace reader, the cache and info (private to replay/).
 *
 * struct ds_durhist: a log-linear histogram of durations (2^DS_DURHIST_SUB sub-buckets per
 * power of two, so any quantile is within 1% of the true value) of fixed size: info needs
 * p50/p99 of every release duration without keeping them all.
 */
#ifndef DS_TRACE_IMPL_H
#define DS_TRACE_IMPL_H

#include <stdio.h>
#include "ds_source.h"

/* Cache file format version: bump when the reader's output or the cache layout changes. */
#define DS_CACHE_VERSION 4	/* 2: the --map digest in the header; 3: damage-checked reads;
				 * 4: named by the trace's quick key, its sha256 in the header */

/* sha256.c: @digest (32 bytes) as 64 lower-case hex digits and a NUL */
void ds_sha256_hex(const uint8_t *digest, char out[65]);

/* maprule.c */
char *ds_map_rules_digest(const struct ds_map_rule *rules, size_t n);

/* info.c */
void ds_trace_info_init(struct ds_trace_info *info, const char *path, unsigned int ncpus);
void ds_trace_info_clear(struct ds_trace_info *info);
/* count one delivered event */
void ds_trace_info_count(struct ds_trace_info *info, const struct ds_event *ev);
/* add the counts of @from's maps (the same events, in the same order: another reader of the
 * same trace) to @info's, and what @from resolved that @info did not */
void ds_trace_info_add_maps(struct ds_trace_info *info, const struct ds_trace_info *from);
struct ds_event_map_info *ds_event_map_info_new(const char *system, const char *name);
void ds_event_map_info_free(gpointer p);
GVariant *ds_trace_info_to_variant(const struct ds_trace_info *info);
gboolean ds_trace_info_from_variant(GVariant *v, struct ds_trace_info *info);

/* durhist.c */
#define DS_DURHIST_SUB 7
#define DS_DURHIST_BUCKETS ((64 - DS_DURHIST_SUB + 1) << DS_DURHIST_SUB)
struct ds_durhist {
	uint64_t count;
	uint64_t max;
	uint64_t *bucket;	/* DS_DURHIST_BUCKETS counters */
};
void ds_durhist_init(struct ds_durhist *h);
void ds_durhist_add(struct ds_durhist *h, uint64_t v);
uint64_t ds_durhist_quantile(const struct ds_durhist *h, double q);
void ds_durhist_clear(struct ds_durhist *h);

/* cache.c */
struct ds_cache_writer;
/* the trace's sha256 is taken from the info given to ds_cache_writer_commit() */
struct ds_cache_writer *ds_cache_writer_new(const char *path, const char *key,
					    const char *map_digest, GError **error);
gboolean ds_cache_writer_add(struct ds_cache_writer *w, const struct ds_event *ev,
			     GError **error);
gboolean ds_cache_writer_commit(struct ds_cache_writer *w, const struct ds_trace_info *info,
				GError **error);
void ds_cache_writer_abort(struct ds_cache_writer *w);
/* ds_cache_source_is() - whether @src reads a binary cache (ds_cache_open()) */
gboolean ds_cache_source_is(const struct ds_source *src);
/*
 * ds_cache_open() - a source over a valid cache file.  NULL with *error unset when there is
 * no cache; NULL with *error set (DS_ERROR_FORMAT) when it exists but cannot be trusted.
 * @key: the trace's quick key; @sha256: its full hash when the caller knows it (else NULL:
 * the header's is taken); @full_check: check the MD5 trailer now, not as the events stream.
 */
struct ds_source *ds_cache_open(const char *path, const char *trace_path, const char *key,
				const char *sha256, const char *map_digest, gboolean full_check,
				GError **error);
/* The cache file of a trace whose quick key is @key. */
char *ds_cache_path_for_key(const char *key, const struct ds_trace_opts *opts);

/* Header and info of the cache file @path into @e (its file/size/used are the caller's);
 * FALSE when it is not a cache file at all. */
gboolean ds_cache_peek(const char *path, struct ds_cache_entry *e);
/* After @written was committed: keep its directory under ds_cache_max_size(). */
void ds_cache_evict(const char *written);

/* trace_source.c: the libtracecmd reader itself, no cache involved; @sha256 NULL: hashed as
 * the trace is read, in info->sha256 at the end of the stream (empty until then) */
struct ds_source *ds_trace_source_open(const char *path, const char *sha256,
				       const struct ds_trace_opts *opts, GError **error);
/* Stream every delivered event into @w too; committed if the stream ends without error. */
void ds_trace_source_set_cache(struct ds_source *src, struct ds_cache_writer *w);

#endif
