/* SPDX-License-Identifier: MIT */
/*
 * ds_source.h - sources of the event stream (replay/).
 *
 * A source hands out `struct ds_event` records in non-decreasing timestamp order, one at a
 * time (pull, not callbacks): ds_source_next() until it returns 0.  Sources: a trace.dat read
 * with libtracecmd, the binary cache of one, and an in-memory array (tests, synthesis).
 * Errors are GErrors in the DS_ERROR domain whose message names the file, the offset or the
 * event at fault.
 */
#ifndef DS_SOURCE_H
#define DS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <glib.h>

#include "ds_event.h"

/* json-glib's node type (json-glib/json-glib.h), declared here so that users of this header
 * need not include json-glib. */
typedef struct _JsonNode JsonNode;
typedef struct _JsonBuilder JsonBuilder;

#define DS_ERROR (ds_error_quark())
GQuark ds_error_quark(void);

/**
 * enum ds_error_code - codes of the DS_ERROR domain
 */
enum ds_error_code {
	DS_ERROR_IO = 1,	/* cannot open/read/write a file */
	DS_ERROR_FORMAT,	/* not a trace.dat, truncated, corrupt cache */
	DS_ERROR_CLOCK,		/* trace clock not synchronised across CPUs */
	DS_ERROR_NO_RELEASES,	/* trace has no release event defersim recognises */
	DS_ERROR_ORDER,		/* timestamps go backwards beyond repair */
	DS_ERROR_PARAM,		/* nonsense parameter */
	DS_ERROR_PROFILE,	/* bad hardware profile */
	DS_ERROR_INTERNAL,	/* an invariant check failed */
	DS_ERROR_DAMAGED,	/* trace data damaged: records lost or unreadable */
};

struct ds_source;

/**
 * ds_source_next() - take the next event
 * @src: source
 * @ev: filled on success
 * @error: set when 0 > return
 *
 * Return: 1 when @ev was filled, 0 at the end of the stream, -1 on error.
 */
int ds_source_next(struct ds_source *src, struct ds_event *ev, GError **error);

/**
 * ds_source_drain() - read @src to its end, discarding the events (so that its
 * struct ds_trace_info is complete, or its binary cache written)
 *
 * Return: the number of events read, or -1 with @error set.
 */
int64_t ds_source_drain(struct ds_source *src, GError **error);

/**
 * ds_source_close() - free a source (NULL is allowed)
 */
void ds_source_close(struct ds_source *src);

/**
 * ds_source_block() - take a source's remaining events as one block, when it holds them all
 * in memory (the array source, a shared stream): the consumer then reads them in place,
 * without a call and a copy per event
 * @src: source
 * @evs: set to the first remaining event; the block stays valid until @src is closed
 * @n: set to the number of remaining events
 *
 * The source is left at its end (ds_source_next() returns 0).
 * Return: false when @src cannot (it reads as it goes: use ds_source_next()), *@evs and *@n
 * untouched.
 */
bool ds_source_block(struct ds_source *src, const struct ds_event **evs, size_t *n);

/**
 * ds_source_chunk() - take the source's next events as a chunk read in place, when it reads
 * ahead into buffers of its own (the binary cache): the consumer then reads them without a
 * call and a copy per event
 * @src: source
 * @evs: set to the chunk's first event; valid until the next call on @src (chunk, next or
 *	close)
 * @n: set to the number of events in the chunk (>= 1 when 1 is returned)
 * @error: set when 0 > return
 *
 * Mixing with ds_source_next() is allowed: a chunk starts where the last event taken ended.
 * Return: 1 with a chunk, 0 at the end of the stream, -1 on error; -2 when @src cannot
 * (use ds_source_next()), nothing taken.
 */
int ds_source_chunk(struct ds_source *src, const struct ds_event **evs, size_t *n,
		    GError **error);

/**
 * ds_source_new_array() - a source over an array of events, for tests and synthesis
 * @evs: events, in time order; the array is copied
 * @n: number of events
 */
struct ds_source *ds_source_new_array(const struct ds_event *evs, size_t n);

/**
 * struct ds_map_rule - an explicit event mapping given with --map SYSTEM/EVENT=KIND[:FIELD]
 * @system: event system (kprobe group)
 * @event: event name
 * @type: enum ds_ev_type it becomes
 * @flags: DS_EVF_* to set (e.g. DS_EVF_ZSWAP for "zswap_release")
 * @field: field to read the value from, NULL for the default
 */
struct ds_map_rule {
	char *system;
	char *event;
	unsigned int type;
	unsigned int flags;
	char *field;
};

/**
 * ds_map_rule_parse() - parse "SYSTEM/EVENT=KIND[:FIELD]"
 *
 * KIND is one of: zram_release, zram_release_end, zswap_release, zswap_release_end,
 * zs_free, zs_malloc, zs_malloc_end, slot_write, switch, exit, wq_queue, wq_activate,
 * wq_start, wq_end, ignore.
 * Return: TRUE on success; on failure FALSE with @error naming what was wrong.
 */
gboolean ds_map_rule_parse(const char *spec, struct ds_map_rule *rule, GError **error);
void ds_map_rule_clear(struct ds_map_rule *rule);

/**
 * struct ds_trace_opts - how to open a trace
 * @map: explicit rules, tried before name and probe-ip recognition
 * @n_map: number of rules
 * @force_clock: accept clocks not synchronised across CPUs
 * @use_cache: read/write the binary cache (see ds_cache_path())
 * @cache_dir: where caches live; NULL = $XDG_CACHE_HOME/defersim
 * @progress: print progress to stderr on long reads
 * @sha256: the file's hex sha256 when the caller has already hashed it, else NULL.  Hashing
 *	is most of the cost of opening a cached trace, and commands that replay one trace many
 *	times (sweep, size, compare) hash it once; it is trusted, so the file must not change
 *	between the caller's hash and the open.
 * @accept_damaged: replay what is readable of a damaged trace (struct ds_trace_damage)
 *	instead of failing with DS_ERROR_DAMAGED
 * @verify: before serving a cache, rehash the trace and check the whole cache file (else the
 *	cache is found by the trace's quick key and checked as its events stream past)
 * @stream: a trace's events already loaded (ds_mem_stream_load()): opening that same path,
 *	while the file is unchanged and holds @sha256 (ds_mem_stream_is()), reads them from
 *	memory instead of the cache (a sweep's points, size's runs); NULL: none
 */
struct ds_mem_stream;
struct ds_trace_opts {
	const struct ds_map_rule *map;
	size_t n_map;
	gboolean force_clock;
	gboolean use_cache;
	const char *cache_dir;
	gboolean progress;
	const char *sha256;
	gboolean accept_damaged;
	gboolean verify;
	const struct ds_mem_stream *stream;
};

/*
 * A trace's decoded event stream held in memory once and read by many sources at a time
 * (replay/memsource.c; a sweep shares one among its points).
 */

/**
 * ds_mem_stream_load() - read @path's events into memory through its binary cache
 * @opts: how to open it (the binary cache must be on; the cache is written first if missing)
 * @max_bytes: the most memory the events may take (32 bytes each)
 * @bytes: out: the memory the stream takes, or would have taken (0 when not known)
 * @why: out: when NULL is returned without @error, why the stream is not loaded (a .dsev,
 *	the cache is off or was not written, larger than @max_bytes)
 *
 * Return: the stream, NULL with @error when the trace cannot be read, NULL with *@why.
 */
struct ds_mem_stream *ds_mem_stream_load(const char *path, const struct ds_trace_opts *opts,
					 uint64_t max_bytes, uint64_t *bytes, const char **why,
					 GError **error);
/** ds_mem_stream_open() - a source reading @s from its start (thread-safe: @s is read-only) */
struct ds_source *ds_mem_stream_open(const struct ds_mem_stream *s);
/**
 * ds_mem_stream_is() - whether opening @path, expected to hold @sha256 (NULL: any content),
 * may read @s: the stream's path, and the file unchanged since @s was loaded (its quick key,
 * and @sha256 the stream's), the checks an open through the binary cache makes (a warning
 * on stderr when the path is the stream's but the file is not)
 */
gboolean ds_mem_stream_is(const struct ds_mem_stream *s, const char *path, const char *sha256);
uint64_t ds_mem_stream_events(const struct ds_mem_stream *s);
const char *ds_mem_stream_path(const struct ds_mem_stream *s);
/**
 * ds_mem_source_tasks_max() - at most how many tasks (struct ds_task_result rows) a replay of
 * @src creates, when @src reads a struct ds_mem_stream (the distinct pids of its releases
 * plus its exits, counted when it was loaded); G_MAXUINT64 (not known) for any other source
 */
uint64_t ds_mem_source_tasks_max(const struct ds_source *src);
/** ds_mem_stream_free() - after every source opened on it is closed */
void ds_mem_stream_free(struct ds_mem_stream *s);

/**
 * struct ds_event_map_info - how one trace event was recognised
 * @system: event system
 * @name: event name
 * @type: enum ds_ev_type it maps to (DS_EV_NONE: ignored)
 * @flags: DS_EVF_* it sets
 * @how: "name", "probe-ip", "probe-func", "map" or "ignored"
 * @symbol: function the probe sits on, when known
 * @field: value field used, when any
 * @count: records of this event seen
 */
struct ds_event_map_info {
	char *system;
	char *name;
	unsigned int type;
	unsigned int flags;
	const char *how;
	char *symbol;
	char *field;
	uint64_t count;
};

/**
 * struct ds_trace_damage_cpu - one CPU's data: what its pages hold, what was delivered
 * @cpu: CPU id
 * @records_expected: data records in its pages, counted by defersim's own page walk (the
 *	readable part of a damaged page counts)
 * @records_read: records the decoder (libtracecmd) delivered
 * @pages: pages walked (decompressed, for a compressed trace)
 * @pages_damaged: pages that cannot be parsed (record past the commit, bad commit, a chunk
 *	that does not decompress, a partial page)
 * @bytes_damaged: their bytes
 * @first_offset: file offset of the first damaged page (compressed: of its chunk)
 * @first_reason: why that page is damaged (static string), NULL if none is
 */
struct ds_trace_damage_cpu {
	unsigned int cpu;
	uint64_t records_expected;
	uint64_t records_read;
	uint64_t pages;
	uint64_t pages_damaged;
	uint64_t bytes_damaged;
	uint64_t first_offset;
	const char *first_reason;
};

/**
 * struct ds_trace_damage - how a trace.dat is damaged (NULL in struct ds_trace_info if not)
 * @crash: the decoder crashed ("signal 11 while reading CPU 1 ..."), else NULL
 * @complete: the decoder read to the end, so records read are comparable with expected
 *	(when it stopped early, only damaged pages and the crash are evidence)
 * @records_expected: sum over CPUs
 * @records_read: sum over CPUs
 * @records_missing: sum over CPUs of expected records not delivered
 * @pages_damaged: sum over CPUs
 * @bytes_damaged: sum over CPUs
 * @ncpus: entries in @cpus: every CPU that has data in the file
 * @cpus: per CPU
 */
struct ds_trace_damage {
	char *crash;
	gboolean complete;
	uint64_t records_expected;
	uint64_t records_read;
	uint64_t records_missing;
	uint64_t pages_damaged;
	uint64_t bytes_damaged;
	unsigned int ncpus;
	struct ds_trace_damage_cpu *cpus;
};

/**
 * struct ds_trace_info - what a trace holds (filled by the reader as it streams, complete
 * after the last event; `defersim info` prints it)
 * @path: file name
 * @sha256: hex sha256 of the file
 * @file_size: bytes
 * @clock: trace clock name ("mono", "local", ...), "unknown" if not stored
 * @clock_synced: whether that clock is synchronised across CPUs
 * @ncpus: CPUs in the trace
 * @first_ts: earliest first-record timestamp over CPUs
 * @start_ts: replay start: latest per-CPU first timestamp (events before it are dropped)
 * @last_ts: last timestamp seen
 * @events_per_type: counts of delivered events by enum ds_ev_type
 * @releases_per_cpu: release events per CPU (array of @ncpus)
 * @lost_per_cpu: events lost per CPU as reported by the ring buffer (array of @ncpus)
 * @lost_markers_per_cpu: number of lost-event markers per CPU
 * @dropped_before_start: events dropped because they precede @start_ts
 * @unpaired_ends: RELEASE_END without their entry
 * @reordered: records whose timestamp went backwards and were clamped (reported)
 * @maps: how each trace event was recognised (GPtrArray of struct ds_event_map_info)
 * @file_version: trace.dat file format version (6 or 7; 0 for other sources)
 * @cpus_with_events: CPUs that have at least one record
 * @releases_per_backend: release events by backend: [0] zram, [1] zswap
 * @lost_total: sum of the known lost-event counts over CPUs
 * @lost_unknown: lost-event markers whose count the ring buffer did not store
 * @durations: releases delivered with a measured duration (DS_EVF_DURATION)
 * @dur_p50_ns: median of those durations (log-linear histogram, within 1%)
 * @dur_p99_ns: 99th percentile of those durations (within 1%)
 * @dur_max_ns: largest of those durations (exact)
 * @unreturned: releases delivered without duration because no return closed them in time
 *	(closed by the same pid's next release or exit, or by DS_PAIR_HORIZON_NS)
 * @damage: damage found in the file (read with --accept-damaged), NULL if none
 */
struct ds_trace_info {
	char *path;
	char sha256[65];
	uint64_t file_size;
	char *clock;
	gboolean clock_synced;
	unsigned int ncpus;
	uint64_t first_ts;
	uint64_t start_ts;
	uint64_t last_ts;
	uint64_t events_per_type[DS_EV__COUNT];
	uint64_t *releases_per_cpu;
	uint64_t *lost_per_cpu;
	uint64_t *lost_markers_per_cpu;
	uint64_t dropped_before_start;
	uint64_t unpaired_ends;
	uint64_t reordered;
	GPtrArray *maps;
	unsigned int file_version;
	unsigned int cpus_with_events;
	uint64_t releases_per_backend[2];
	uint64_t lost_total;
	uint64_t lost_unknown;
	uint64_t durations;
	uint64_t dur_p50_ns;
	uint64_t dur_p99_ns;
	uint64_t dur_max_ns;
	uint64_t unreturned;
	struct ds_trace_damage *damage;
};

/*
 * DS_PAIR_HORIZON_NS - how long (trace time) the reader holds a release back waiting for its
 * return before delivering it without a duration.  Releases take microseconds; 100 ms is far
 * beyond any plausible call yet bounds the reorder queue (traces/FORMAT.md, "Durations").
 */
#define DS_PAIR_HORIZON_NS (100ull * 1000 * 1000)

/**
 * ds_source_open_trace() - open a trace.dat (or its valid cache) as a source
 * @path: trace.dat file
 * @opts: options, NULL for defaults
 * @info: out: filled as the source is read; owned by the source (ds_source_info())
 * @error: why it cannot be opened
 *
 * Fails with DS_ERROR_IO (cannot read), DS_ERROR_FORMAT for files that are not trace.dat,
 * truncated or corrupt, DS_ERROR_CLOCK for unsynchronised clocks (unless forced),
 * DS_ERROR_PARAM for --map rules naming missing events or fields.  A trace in which no record
 * maps to a release is only known at its end: the last ds_source_next() then fails with
 * DS_ERROR_NO_RELEASES (a kprobe's function is learnt from its first record).
 * Return: a source, or NULL with @error set.
 */
struct ds_source *ds_source_open_trace(const char *path, const struct ds_trace_opts *opts,
				       GError **error);

/**
 * ds_source_info() - the trace information of a trace or cache source (NULL for others)
 */
const struct ds_trace_info *ds_source_info(const struct ds_source *src);

/**
 * ds_trace_info_is_synthetic() - whether the trace was made by `defersim synth` (its events
 * are in the kprobe group "defersim_synth", see include/ds_synth.h); NULL is not
 */
gboolean ds_trace_info_is_synthetic(const struct ds_trace_info *info);

/**
 * ds_trace_info_print() - human form of struct ds_trace_info, as `defersim info` prints it
 */
void ds_trace_info_print(const struct ds_trace_info *info, FILE *out);

/**
 * ds_trace_info_to_json() - JSON form of struct ds_trace_info (`defersim info --json`)
 *
 * Return: a new JSON object node (json_node_unref() it).
 */
JsonNode *ds_trace_info_to_json(const struct ds_trace_info *info);

/** ds_trace_damage_free() - free a struct ds_trace_damage (NULL is fine) */
void ds_trace_damage_free(struct ds_trace_damage *d);

/** ds_trace_damage_describe() - one line naming each damaged CPU and the crash, if any */
char *ds_trace_damage_describe(const struct ds_trace_damage *d);

/** ds_trace_damage_print() - human form (`defersim info`); NULL prints "damage: none" */
void ds_trace_damage_print(const struct ds_trace_damage *d, FILE *out);

/** ds_trace_damage_add_json() - member "damage" of the object being built: null if @d is */
void ds_trace_damage_add_json(JsonBuilder *b, const struct ds_trace_damage *d);

/**
 * ds_cache_path() - where the binary cache of @trace read with these options lives
 * @opts: the --map rules are part of the key; @opts->cache_dir, or
 *	$XDG_CACHE_HOME/defersim when NULL
 *
 * The key is the trace's quick key (ds_file_quick_key()), not its sha256: finding the cache
 * costs no read of the whole trace.
 * Return: a newly allocated path (the file may not exist), NULL with @error if @trace cannot
 * be opened.
 */
char *ds_cache_path(const char *trace, const struct ds_trace_opts *opts, GError **error);

/**
 * ds_file_quick_key() - 32 hex digits identifying a file without reading all of it: its
 * device, inode, size, mtime and its first and last 64 KiB
 */
gboolean ds_file_quick_key(const char *path, char out[33], GError **error);

/**
 * ds_trace_sha256_cached() - the sha256 of @trace from its cache's header, when caching is
 * on (@opts->use_cache, not @opts->verify) and a current cache for it exists; FALSE
 * otherwise (nothing is read but the cache's header and the trace's quick key)
 */
gboolean ds_trace_sha256_cached(const char *trace, const struct ds_trace_opts *opts,
				char out[65]);

/**
 * ds_trace_sha256_early() - the sha256 of @trace for a command that needs it before, or
 * without, waiting for its first open: from its cache's header when a current cache holds it
 * (no read of the trace); else, when opening it through @opts writes its cache (caching on,
 * not a .dsev), nothing is read: that first open hashes the trace beside its decode, and its
 * source's info (then its cache) carries the digest; else (no cache will be written, so every
 * open would hash it) it is hashed now, once.
 * Return: 1 @out holds the digest, 0 it is not known yet (take it from the first open's
 * ds_source_info()), -1 @error.
 */
int ds_trace_sha256_early(const char *trace, const struct ds_trace_opts *opts, char out[65],
			  GError **error);

/* --- the cache directory (replay/cachedir.c) ------------------------------------------ */

/** ds_cache_dir() - @cache_dir, or $XDG_CACHE_HOME/defersim (~/.cache/defersim) if NULL */
char *ds_cache_dir(const char *cache_dir);

/**
 * struct ds_cache_entry - one cache file
 * @file: its path
 * @size: bytes
 * @used: last use, seconds since the epoch (its mtime: set when written and on every hit)
 * @current: in this defersim's cache format (else stale: another version, or unreadable)
 * @version: its format version (0 when not even the header is readable)
 * @sha256: of the trace it holds ("" when unreadable)
 * @key: the quick key of the trace it holds (ds_file_quick_key(); "" when not current)
 * @trace: the trace's path when it was cached (current entries), else NULL
 * @events: events it holds (current entries)
 * @releases: release events among them (current entries)
 */
struct ds_cache_entry {
	char *file;
	uint64_t size;
	gint64 used;
	gboolean current;
	unsigned int version;
	char sha256[65];
	char key[33];
	char *trace;
	uint64_t events;
	uint64_t releases;
};

/**
 * ds_cache_list() - the *.dscache files of @dir, most recently used first
 *
 * Return: a GPtrArray of struct ds_cache_entry (freeing frees them; empty when @dir does not
 * exist), or NULL with @error when @dir cannot be read.
 */
GPtrArray *ds_cache_list(const char *dir, GError **error);
void ds_cache_entry_free(gpointer e);

/**
 * struct ds_cache_prune - what ds_cache_prune() removes.  Stale entries always go, and
 * temporary files of writers that died more than a day ago.
 * @max_size: then evict least recently used entries until the rest total at most this (0: no cap)
 * @older_than_s: entries not used for more than this many seconds (0: none)
 * @all: every entry
 * @keep: a file never removed (the entry just written), or NULL
 */
struct ds_cache_prune {
	uint64_t max_size;
	gint64 older_than_s;
	gboolean all;
	const char *keep;
};

/** struct ds_cache_pruned - files removed, their bytes, and the bytes left in entries */
struct ds_cache_pruned {
	unsigned int removed;
	uint64_t freed;
	uint64_t kept_bytes;
};

gboolean ds_cache_prune(const char *dir, const struct ds_cache_prune *how,
			struct ds_cache_pruned *res, GError **error);

/* Size cap of the cache directory unless $DEFERSIM_CACHE_MAX says otherwise (0: none). */
#define DS_CACHE_DEFAULT_MAX ((uint64_t)2 << 30)

/** ds_cache_max_size() - $DEFERSIM_CACHE_MAX, else DS_CACHE_DEFAULT_MAX (and @error if bad) */
uint64_t ds_cache_max_size(GError **error);

/** ds_parse_bytes() - "123", "64K", "500M", "2G", "1TiB" (binary units) into bytes */
gboolean ds_parse_bytes(const char *s, uint64_t *out);

/**
 * ds_file_sha256() - hex sha256 of a file
 * @out: 65 bytes
 */
gboolean ds_file_sha256(const char *path, char out[65], GError **error);

/* CPUs a trace may claim; more is corrupt data (Linux: NR_CPUS <= 8192) */
#define DS_TRACE_MAX_CPUS 65536

/**
 * ds_output_path_check() - FALSE with @error when @path exists and is not a regular file
 * (a device, FIFO, socket or directory): writing it through a temporary file and a rename
 * would replace it (replay/outpath.c)
 */
gboolean ds_output_path_check(const char *path, GError **error);

/** ds_output_path_special() - @path exists and is not a regular file */
gboolean ds_output_path_special(const char *path);

#endif /* DS_SOURCE_H */
