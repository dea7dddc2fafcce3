/* SPDX-License-Identifier: MIT */
/*
 * ds_sweep.h - many runs at once (sweep/): sweep files, points, their keys, the output
 * directory that makes a sweep resumable, merging, pool sizing, and plot data.
 *
 * Data flows forward: a sweep file becomes a struct ds_sweep (axes of values); the sweep
 * becomes a plan (an array of struct ds_sweep_point: the cartesian product, each with its
 * parameters, its profile and its key); points run (in parallel, pulled from an executor)
 * into records (the run's JSON object plus a "point" member); records are stored one file per
 * point and gathered into results.jsonl + results.csv.  Nothing here holds global state.
 */
#ifndef DS_SWEEP_H
#define DS_SWEEP_H

#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/*
 * Values: lists and ranges
 */

/* Bounds that keep a typo ("0..1e9/1") from turning into a sweep that never ends. */
#define DS_SWEEP_MAX_VALUES 100000	/* values one key may expand to */
#define DS_SWEEP_MAX_POINTS 100000	/* points one sweep may have (each finished one is kept
					   in memory as text, ~10 KB) */

/**
 * ds_sweep_values_parse() - expand one sweep-file value into its list of values
 * @text: comma-separated items; an item is a literal ("v3", "8", "traces/a.dat") or a range:
 *	"A..B" (step 1), "A..B/S" (A, A+S, ... up to B), "A..B*F" (geometric: A, A*F, A*F^2,
 *	... up to B, F > 1; when A is 0 the sequence is 0, 1, F, F^2, ...).  Numbers may carry a
 *	duration unit (ns, us, ms, s): the values are then integer nanoseconds.
 * @ranges: whether ".." makes a range (not for paths: "../traces/a.dat")
 * @out: GPtrArray of char *, appended to (free func g_free)
 *
 * Return: FALSE with @error saying which item is wrong and why (empty item, B < A, step <= 0,
 * F <= 1, a value listed twice, more than DS_SWEEP_MAX_VALUES values).
 */
gboolean ds_sweep_values_parse(const char *text, gboolean ranges, GPtrArray *out,
			       GError **error);

/*
 * Sweep files
 */

/**
 * enum ds_axis_kind - what a sweep-file key varies
 * @DS_AXIS_PARAM: a run parameter (any name ds_params_set() accepts)
 * @DS_AXIS_TRACE: "trace": the trace.dat files (relative to the sweep file's directory)
 * @DS_AXIS_PROFILE: "profile": profile names or .ini files
 * @DS_AXIS_SCALE: "scale.COST": factors multiplying one profile cost
 */
enum ds_axis_kind { DS_AXIS_PARAM, DS_AXIS_TRACE, DS_AXIS_PROFILE, DS_AXIS_SCALE };

/**
 * struct ds_sweep_axis - one key of the sweep file and its expanded values
 * @key: the key as written ("pool_pages", "scale.sync_free")
 * @kind: enum ds_axis_kind
 * @values: char *, in the order given; a single value is a constant of the sweep
 */
struct ds_sweep_axis {
	char *key;
	enum ds_axis_kind kind;
	GPtrArray *values;
};

/**
 * struct ds_sweep - a loaded sweep file
 * @path: the file
 * @dir: its directory (relative trace and profile paths are taken from there)
 * @axes: struct ds_sweep_axis *, in file order; the first varies slowest
 * @n_points: product of the axes' value counts
 */
struct ds_sweep {
	char *path;
	char *dir;
	GPtrArray *axes;
	guint64 n_points;
};

/**
 * ds_sweep_load() - read a sweep file (GKeyFile, one group [sweep])
 *
 * Every key is checked: unknown parameters, bad values (each is tried with ds_params_set()),
 * bad ranges and unknown scale names are errors naming the file, the group and the key.  A
 * `trace` key is required; `profile` defaults to the built-in profile.
 * Return: the sweep, or NULL with @error set.
 */
struct ds_sweep *ds_sweep_load(const char *path, GError **error);
void ds_sweep_free(struct ds_sweep *sw);

/**
 * ds_sweep_choice() - which value of each axis point @index takes (mixed radix, the last axis
 * varying fastest)
 * @choice: out: one value index per axis
 */
void ds_sweep_choice(const struct ds_sweep *sw, guint64 index, guint *choice);

/*
 * Profile scaling
 */

/* The cost names and the scaling itself: ds_scale_names(), ds_scale_cost() (ds_sim.h). */

/** ds_sweep_profile_dup() - a deep copy of a profile */
struct ds_profile *ds_sweep_profile_dup(const struct ds_profile *p);

/*
 * Points and keys
 */

#define DS_SWEEP_KEY_LEN 32	/* hex digits of a point key (128 bits of SHA-256) */

/**
 * ds_sweep_key() - the key of a point: what must be equal for two runs to be the same run
 * @trace_sha256: hex SHA-256 of the trace.dat
 * @profile_digest: ds_sweep_profile_digest() of the profile file
 * @prof: the profile as used (after scaling): every cost is part of the key
 * @params: the run parameters: every one (ds_params_foreach()), not only the swept ones
 * @version: tool version (DS_VERSION)
 * @out: DS_SWEEP_KEY_LEN + 1 bytes
 */
void ds_sweep_key(const char *trace_sha256, const char *profile_digest,
		  const struct ds_profile *prof, const struct ds_params *params,
		  const char *version, char *out);

/**
 * ds_sweep_profile_digest() - hex SHA-256 of the profile's file ("builtin:NAME" hashed for a
 * built-in profile), so that an edited profile file is a different input
 * @out: 65 bytes
 */
gboolean ds_sweep_profile_digest(const struct ds_profile *prof, char *out, GError **error);

/**
 * struct ds_sweep_point - one point of a sweep, ready to run
 * @index: position in the cartesian product (0-based)
 * @key: ds_sweep_key() of its inputs
 * @trace: trace.dat path (resolved)
 * @trace_sha256: its hex SHA-256
 * @profile: the profile of this point, scaled (owned)
 * @params: run parameters
 * @axis_keys: the sweep's axis keys (borrowed from the sweep)
 * @values: the value of each axis at this point (borrowed from the sweep)
 * @n_axes: number of axes
 */
struct ds_sweep_point {
	guint64 index;
	char key[DS_SWEEP_KEY_LEN + 1];
	char *trace;
	char trace_sha256[65];
	struct ds_profile *profile;
	struct ds_params params;
	const char **axis_keys;
	const char **values;
	guint n_axes;
};

/**
 * ds_sweep_plan() - every point of the sweep, validated and keyed
 *
 * Loads each profile and identifies each trace once (ds_trace_sha256_early() through
 * @topts, NULL: the default cache directory; a trace whose cache is not written yet is read
 * once here, writing its cache, rather than hashed and then read again by its first point).
 * The points borrow strings from @sw, which must outlive them.  A combination refused by ds_params_validate() is an error naming the
 * point and its values.
 * Return: GPtrArray of struct ds_sweep_point * (frees them), or NULL with @error set.
 */
GPtrArray *ds_sweep_plan(const struct ds_sweep *sw, const struct ds_trace_opts *topts,
			 GError **error);
void ds_sweep_point_free(struct ds_sweep_point *pt);

/*
 * Running
 */

/**
 * ds_sweep_run_one() - one replay: open @trace (through the cache when @topts says so), run
 * the simulator, build the run's JSON object
 * @results: out, optional: the results (ds_results_free() them)
 * @json: out, optional: ds_report_to_json() of the run
 */
gboolean ds_sweep_run_one(const char *trace, const struct ds_trace_opts *topts,
			  const struct ds_profile *prof, const struct ds_params *params,
			  struct ds_results **results, JsonNode **json, GError **error);

/**
 * ds_sweep_point_run() - run one point and return its record: the run's JSON object with a
 * "point" member first ({index, key, values{AXIS: VALUE}})
 * Thread-safe: points share nothing but read-only inputs.
 */
JsonNode *ds_sweep_point_run(const struct ds_sweep_point *pt, const struct ds_trace_opts *topts,
			     GError **error);

/**
 * ds_sweep_point_run_save() - run one point and save its point file in DIR @dir (with every
 * per-task row as metrics.tasks when @task_rows, streamed from a temporary file; else only
 * metrics.tasks_summary); return its record, always without the rows
 * @sync_dir: fsync() DIR/points after the file is renamed into it; FALSE when the caller
 *	syncs it before it lists the point (ds_results_table_write() does)
 * Thread-safe as ds_sweep_point_run().
 */
JsonNode *ds_sweep_point_run_save(const struct ds_sweep_point *pt,
				  const struct ds_trace_opts *topts, const char *dir,
				  gboolean task_rows, gboolean sync_dir, GError **error);

/**
 * ds_sweep_warm_cache() - read a trace once so that its binary cache exists before points
 * open it from several threads (libtracecmd is then never used concurrently); a synthetic
 * .dsev needs none (TRUE at once)
 * @sha256: NULL, or where the trace's sha256 goes once it was read whole (from the source's
 *	info: hashed beside the decode, or the cache's); "" when it was not (and for a .dsev)
 * Return: FALSE with @error when the trace cannot be read or the cache was not written.
 */
gboolean ds_sweep_warm_cache(const char *trace, const struct ds_trace_opts *topts,
			     char *sha256, GError **error);

/**
 * ds_sweep_share_budget() - the --share-memory value: a size ("500M", "2G"; 0 or "off":
 * never share), or "auto" (or NULL): a quarter of the machine's physical memory
 */
gboolean ds_sweep_share_budget(const char *text, uint64_t *out, GError **error);

/**
 * ds_sweep_share_streams() - before the points run: load in memory, once, the stream of each
 * trace that at least two of @todo read, while the streams fit in @budget bytes (sweep/share.c
 * says which are not shared and why), and warm the binary cache of the others when @jobs > 1
 * (ds_sweep_warm_cache()); say on stderr which mode each trace runs in unless @quiet
 * Return: trace path (borrowed from the points) -> struct ds_mem_stream * (freed with the
 * table), for ds_sweep_exec_start(); NULL with @error when a trace cannot be read.
 */
GHashTable *ds_sweep_share_streams(GPtrArray *todo, const struct ds_trace_opts *topts,
				   uint64_t budget, guint jobs, gboolean quiet, GError **error);

/**
 * struct ds_sweep_done - a finished point, as the executor hands it out
 * @point: the point (borrowed from the array given to ds_sweep_exec_start())
 * @record: its record (owned by the receiver), NULL on failure
 * @error: why it failed (owned by the receiver), NULL on success
 */
struct ds_sweep_done {
	const struct ds_sweep_point *point;
	JsonNode *record;
	GError *error;
};

struct ds_sweep_exec;

/**
 * ds_sweep_exec_start() - run points on @jobs threads; each finished point is saved to the
 * store's points/ directory by the thread that ran it, before it is handed out
 * (ds_sweep_point_run_save(), @task_rows as there); the caller fsync()s points/ before it
 * lists them (ds_results_table_write() does)
 * @points: struct ds_sweep_point * to run (borrowed; must outlive the executor)
 * @store_dir: the sweep output directory
 * @streams: trace path -> struct ds_mem_stream * loaded for the points to share (borrowed;
 *	must outlive the executor), or NULL: points of a trace in it read it from memory
 */
struct ds_sweep_exec *ds_sweep_exec_start(GPtrArray *points, const char *store_dir,
					  const struct ds_trace_opts *topts, guint jobs,
					  gboolean task_rows, GHashTable *streams,
					  GError **error);

/**
 * ds_sweep_exec_next() - take the next finished point, waiting at most @timeout_us
 * Return: TRUE when @done was filled, FALSE on timeout or when every point was handed out.
 */
gboolean ds_sweep_exec_next(struct ds_sweep_exec *ex, gint64 timeout_us,
			    struct ds_sweep_done *done);

/** ds_sweep_exec_remaining() - points not yet handed out */
guint ds_sweep_exec_remaining(const struct ds_sweep_exec *ex);

/**
 * ds_sweep_exec_free() - stop: waits for running points unless @abandon (then the process is
 * about to exit; running points are simply lost and recomputed on the next run)
 */
void ds_sweep_exec_free(struct ds_sweep_exec *ex, gboolean abandon);

/*
 * The output directory: DIR/points/KEY.json, DIR/results.jsonl, DIR/results.csv
 */

/** ds_sweep_point_path() - DIR/points/KEY.json */
char *ds_sweep_point_path(const char *dir, const char *key);

/**
 * ds_sweep_store_init() - create DIR and DIR/points, and bind DIR to @sweep_file
 * (DIR/sweep.source): a directory of another sweep file is refused unless @adopt
 */
gboolean ds_sweep_store_init(const char *dir, const char *sweep_file, gboolean adopt,
			     GError **error);

/**
 * ds_sweep_store_lock() - flock() DIR/sweep.lock (creating DIR): exclusively for a whole
 * sweep, shared for a --point run; held until the descriptor is closed (or the process ends)
 * Return: the descriptor, or -1 with @error: DS_ERROR_PARAM when another sweep holds it
 *	(naming its pid when known), DS_ERROR_IO otherwise
 */
int ds_sweep_store_lock(const char *dir, gboolean exclusive, GError **error);

/**
 * ds_sweep_store_sync_dir() - fsync() directory DIR/@sub (@sub NULL: DIR), so that the
 * names of the files renamed into it are on disk
 */
gboolean ds_sweep_store_sync_dir(const char *dir, const char *sub, GError **error);

/**
 * ds_sweep_record_matches() - whether a stored record is the run of @pt's inputs: its key,
 * trace SHA-256, tool version, policy, swept values and every profile value are @pt's
 * @why: out: what differs (g_free() it), NULL when it matches
 */
gboolean ds_sweep_record_matches(JsonNode *rec, const struct ds_sweep_point *pt, char **why);

/**
 * ds_sweep_store_lookup_point() - ds_sweep_store_lookup() of @pt's key, and a record that
 * does not match @pt's inputs (ds_sweep_record_matches()) reported in @error and treated as
 * absent: it is recomputed, not trusted
 */
JsonNode *ds_sweep_store_lookup_point(const char *dir, const struct ds_sweep_point *pt,
				      GError **error);

/**
 * ds_sweep_store_lookup() - the finished record of @key in DIR, or NULL when there is none
 * (a file that does not parse or whose key differs is reported in @error and treated as absent)
 */
JsonNode *ds_sweep_store_lookup(const char *dir, const char *key, GError **error);

/** ds_sweep_store_save() - write a record to DIR/points/KEY.json atomically, the file and
 * the directory fsync()ed */
gboolean ds_sweep_store_save(const char *dir, JsonNode *record, GError **error);

struct ds_json_rows;

/** ds_sweep_store_save_rows() - the same with the run's per-task rows streamed in as
 * metrics.tasks (ds_json_write_rows(); @rows->metrics is @record's) */
gboolean ds_sweep_store_save_rows(const char *dir, JsonNode *record,
				  const struct ds_json_rows *rows, GError **error);

/** ds_sweep_store_write() - ds_sweep_store_save_rows() (@rows may be NULL), the directory
 * fsync()ed only when @sync_dir (the file always is) */
gboolean ds_sweep_store_write(const char *dir, JsonNode *record,
			      const struct ds_json_rows *rows, gboolean sync_dir, GError **error);

/**
 * ds_sweep_results_write() - DIR/results.jsonl (one compact record per line) and
 * DIR/results.csv (columns: the union of the records' scalar leaves), both atomically
 * @records: JsonNode *, in the order to write (callers sort them by point index)
 */
gboolean ds_sweep_results_write(const char *dir, GPtrArray *records, GError **error);

/*
 * struct ds_results_table - the rows of results.jsonl/csv by point index, kept as text (a
 * running sweep holds every finished point to rewrite the files; text is several times
 * smaller than a JsonNode tree)
 */
struct ds_results_table;

struct ds_results_table *ds_results_table_new(guint n_rows);
void ds_results_table_free(struct ds_results_table *t);

/** ds_results_table_set() - (re)place row @index with @record (not kept: converted) */
void ds_results_table_set(struct ds_results_table *t, guint index, JsonNode *record);

/** ds_results_table_count() - rows present */
guint ds_results_table_count(const struct ds_results_table *t);

/** ds_results_table_write() - the present rows, by index, as DIR/results.jsonl and .csv */
gboolean ds_results_table_write(const struct ds_results_table *t, const char *dir,
				GError **error);

/**
 * ds_sweep_read_lines() - a text file's lines (results.jsonl, a time-series CSV), or NULL with
 * @error (DS_ERROR_IO) naming the file
 * Return: a NULL-terminated vector (g_strfreev() it); the last line is empty when the file
 *	ends with a newline
 */
char **ds_sweep_read_lines(const char *path, GError **error);

/**
 * ds_record_set_point() - a copy of @run with the "point" member put first
 */
JsonNode *ds_record_set_point(JsonNode *run, const struct ds_sweep_point *pt);

/** ds_record_key() - point.key of a record, NULL when it has none */
const char *ds_record_key(JsonNode *record);

/** ds_record_index() - point.index of a record, -1 when it has none */
gint64 ds_record_index(JsonNode *record);

/** ds_record_get() - the member at a dotted path ("metrics.zram.fallback_rate"), or NULL */
JsonNode *ds_record_get(JsonNode *record, const char *path);

/** ds_records_sort() - sort JsonNode * records by point index, then key */
void ds_records_sort(GPtrArray *records);

/**
 * ds_json_read_pruned() - the text of JSON file @path with every array that is the value of
 * a "tasks" member and longer than 1 MiB cut to its DS_TASK_TOP objects of largest sync_ns
 * (ties: the earlier), in that order: a run's per-task rows never all in memory
 * (sweep/jsonprune.c)
 * @len: out: length of the text
 * Return: the text (g_free() it) or NULL with @error (DS_ERROR_IO)
 */
char *ds_json_read_pruned(const char *path, gsize *len, GError **error);

/**
 * ds_records_load() - read records from a sweep directory (its points/ files, else its
 * results.jsonl), a .jsonl file, or a single-run .json file; per-task rows (metrics.tasks)
 * are cut as ds_json_read_pruned() does
 * @out: JsonNode *, appended to (caller's free func json_node_unref)
 */
gboolean ds_records_load(const char *path, GPtrArray *out, GError **error);

/**
 * ds_records_merge() - records of several inputs, deduplicated by point key
 * @paths: inputs as for ds_records_load()
 *
 * Two records with the same key must agree on their params, metrics and invariants; if they
 * do not, that is an error naming the key and both inputs.  A record without a key is an
 * error (merge is for sweep output).
 * Return: sorted records (free func json_node_unref) or NULL with @error.
 */
GPtrArray *ds_records_merge(const char *const *paths, guint n_paths, GError **error);

/*
 * Pool sizing: `defersim size`
 */

/**
 * ds_parse_fraction() - "0.1%", "0.001", "5%" -> a fraction in [0, 1]
 */
gboolean ds_parse_fraction(const char *text, double *out, GError **error);

/**
 * ds_parse_duration() - "5ms", "200us", "1.5s", "750ns", "0" -> ns (a unit is required for
 * anything but 0)
 */
gboolean ds_parse_duration(const char *text, uint64_t *out, GError **error);

/**
 * struct ds_size_targets - what a pool size must achieve
 * @fallback_rate: largest acceptable fallbacks / releases (< 0: no target)
 * @p99_ns: largest acceptable p99 drain latency (0 with !@has_p99: no target)
 * @has_p99: whether @p99_ns is a target
 */
struct ds_size_targets {
	double fallback_rate;
	uint64_t p99_ns;
	gboolean has_p99;
};

/**
 * struct ds_size_eval - what one pool size gave
 * @pool_pages: the size
 * @releases: releases replayed
 * @fallbacks: of them, fallbacks
 * @fallback_rate: fallbacks / releases
 * @swap_failures: swaps that found the pool empty (with @fallbacks 0 and this 0 the pool never
 *	ran out: a larger one replays the same)
 * @deferred: values freed by the worker whose drain latency counts (teardown excluded)
 * @p99_ns: p99 drain latency over both backends (0 when nothing was deferred)
 * @meets: whether the targets are met (set by ds_size_search_feed())
 */
struct ds_size_eval {
	int64_t pool_pages;
	uint64_t releases;
	uint64_t fallbacks;
	double fallback_rate;
	uint64_t swap_failures;
	uint64_t deferred;
	uint64_t p99_ns;
	gboolean meets;
};

/** ds_size_eval_from_results() - fill @ev (except @meets) from one run's results */
void ds_size_eval_from_results(const struct ds_results *r, struct ds_size_eval *ev);

/** ds_size_meets() - whether @ev meets @t; @why (optional, 128 bytes) says why not */
gboolean ds_size_meets(const struct ds_size_targets *t, const struct ds_size_eval *ev,
		       char *why);

struct ds_size_search;

/**
 * ds_size_search_new() - the search for the smallest pool_pages meeting @t in [0, max_pages]:
 * 0, then 1, 2, 4, ... (and @max_pages) until a size meets the targets, then bisection; a
 * failing size whose pool never ran out sends the search straight to @max_pages
 * between the largest failing and the smallest meeting size seen.  The caller runs the
 * simulator: ds_size_search_next() says which size to evaluate, ds_size_search_feed() takes
 * the result (pull style: the search never calls the simulator).
 */
struct ds_size_search *ds_size_search_new(const struct ds_size_targets *t, int64_t max_pages);
void ds_size_search_free(struct ds_size_search *s);

/** ds_size_search_next() - Return: TRUE with the next size in @pages, FALSE when done */
gboolean ds_size_search_next(struct ds_size_search *s, int64_t *pages);

/** ds_size_search_feed() - the result at the size last returned by ds_size_search_next() */
void ds_size_search_feed(struct ds_size_search *s, const struct ds_size_eval *ev);

/**
 * ds_size_search_answer() - Return: the smallest size meeting the targets, or -1 when even
 * max_pages does not (valid once ds_size_search_next() returned FALSE)
 */
int64_t ds_size_search_answer(const struct ds_size_search *s);

/** ds_size_eval_saturated() - the pool never ran out at this size (no fallback, no failed swap) */
gboolean ds_size_eval_saturated(const struct ds_size_eval *ev);

/**
 * ds_size_search_unmet_by_pool() - the search ended without an answer and max_pages itself
 * failed with a pool that never ran out: no pool size meets the targets (the search jumps to
 * max_pages as soon as a failing size is saturated, so it stops early in that case)
 */
gboolean ds_size_search_unmet_by_pool(const struct ds_size_search *s);

/** ds_size_search_lookup() - the evaluation at @pages, NULL if that size was not visited */
const struct ds_size_eval *ds_size_search_lookup(const struct ds_size_search *s, int64_t pages);

/** ds_size_search_visited() - every evaluation, by increasing pool_pages (struct ds_size_eval) */
GArray *ds_size_search_visited(const struct ds_size_search *s);

/**
 * ds_size_search_violations() - visited neighbours (a < b in pool_pages, adjacent among the
 * visited sizes) where b had more fallbacks than a (fallbacks are expected never to increase
 * with the pool; the spec says it is not a law) or where a met the targets and b did not
 * Return: GArray of struct ds_size_eval pairs: [2i] = a, [2i+1] = b (free it)
 */
GArray *ds_size_search_violations(const struct ds_size_search *s);

#endif /* DS_SWEEP_H */
