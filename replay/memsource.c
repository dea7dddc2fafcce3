// SPDX-License-Identifier: MIT
/*
 * memsource.c - one trace's decoded event stream held in memory, read by many sources.
 *
 * A sweep replays one trace once per point.  Read from its binary cache, every point copies
 * the whole stream through stdio and checks its MD5 again (on the 64-CPU trace, ~1.7 s of
 * each point); loaded here once, the points read it from memory instead, at the cost of the
 * stream's size (32 bytes an event) for as long as the sweep runs.
 *
 * struct ds_mem_stream: the trace's path, its quick key when it was loaded, its events
 * exactly as the cache delivered them (a flat array, read-only once loaded: any number of
 * threads read it at once, unlocked), the cache source they were read from, kept for
 * its info, and a bound on the tasks a replay of it creates (counted as it loads:
 * ds_mem_source_tasks_max()).  A point opening its trace through the cache checks that the cache
 * is the trace's (the quick key names the cache) and, given the sha256 its sweep key was made
 * with, that the cache holds that content; ds_mem_stream_is() makes the same two checks
 * against the stream, so a trace changed since its stream was loaded is read as it is now.  A cache
 * source's info is complete at open (it is stored in the cache) and does not change as its
 * events stream past, so every reader of the stream reports the same info, at every moment,
 * as a point that opened the cache itself.  A stream is only made from a trace whose binary
 * cache exists (or is written by the load): a trace.dat read directly and a synthetic .dsev
 * build their info as they stream, which a shared stream could not reproduce.
 *
 * struct mem_source: a reader of the stream: a cursor into the shared array.
 *
 * The array is its own anonymous mapping, asked for in transparent huge pages: a 64-CPU
 * trace's stream is ~1 GB, and faulted in 4 KiB at a time (as malloc's memory is, with THP
 * in its "madvise" mode, the default of many kernels) the first write of each page costs a
 * fault -- 250 000 of them, most of the load's time in a virtual machine (see stream_alloc()).
 */
#include <string.h>
#include <sys/mman.h>

#include "ds_synth.h"
#include "source_impl.h"
#include "trace_impl.h"

struct ds_mem_stream {
	char *path;
	char key[33];			/* the trace's quick key when loaded */
	struct ds_event *evs;
	void *map;			/* the mapping holding @evs (stream_alloc()) */
	size_t map_len;
	size_t n;
	struct ds_source *info_src;	/* the cache source read: its info */
	uint64_t tasks_max;		/* releasing pids + exits: struct task_count */
};

/*
 * How many tasks a replay of the stream can create at most: the distinct pids that release,
 * plus the exits.  A task is made by a release of a pid that has no open task (the pid's
 * first, or one after its task closed), and a task closes while the stream is read only by
 * its pid's exit (sim/task.c; the end of the stream closes the rest, after the last
 * release): each task beyond a pid's first takes an exit of its own.  A point that knows its
 * tasks are few can keep their rows in memory (sweep/run.c).
 *
 * struct task_count: counted as the stream loads (each event once, while it is at hand): the
 * releasing pids in a bitmap for every pid Linux can give (below PID_MAX_LIMIT, 4 Mi: 512 KiB,
 * for the load only) and a hash set for any other value a trace may hold; the exits.
 */
#define PID_BITS (1u << 22)

struct task_count {
	guint32 *bits;
	GHashTable *others;
	uint64_t pids;
	uint64_t exits;
	int32_t last;		/* the last release's pid (valid once @pids) */
};

static void task_count_init(struct task_count *tc)
{
	memset(tc, 0, sizeof(*tc));
	tc->bits = g_new0(guint32, PID_BITS / 32);
}

static void task_count_event(struct task_count *tc, const struct ds_event *ev)
{
	int32_t pid = ev->pid;

	if (ev->type == DS_EV_EXIT)
		tc->exits++;
	/* a pid's releases come in runs: only a change can be a new pid */
	if (ev->type != DS_EV_RELEASE || (tc->pids && pid == tc->last))
		return;
	tc->last = pid;
	if (pid >= 0 && (uint32_t)pid < PID_BITS) {
		guint32 *w = &tc->bits[(uint32_t)pid >> 5], b = 1u << ((uint32_t)pid & 31);

		tc->pids += !(*w & b);
		*w |= b;
		return;
	}
	if (!tc->others)
		tc->others = g_hash_table_new(g_direct_hash, g_direct_equal);
	tc->pids += g_hash_table_add(tc->others, GINT_TO_POINTER(pid));
}

/* the bound; frees the counters */
static uint64_t task_count_finish(struct task_count *tc)
{
	g_free(tc->bits);
	if (tc->others)
		g_hash_table_destroy(tc->others);
	return tc->pids + tc->exits;
}

/* Events the source will deliver, by its (complete) info: what the load may allocate. */
static uint64_t info_events(const struct ds_trace_info *info)
{
	uint64_t n = 0;

	for (unsigned int t = 0; info && t < DS_EV__COUNT; t++)
		n += info->events_per_type[t];
	return n;
}

/* 1: @path's binary cache exists, 0: not, -1: @path cannot be opened (@error) */
static int cache_exists(const char *path, const struct ds_trace_opts *opts, GError **error)
{
	g_autofree char *cpath = ds_cache_path(path, opts, error);

	if (!cpath)
		return -1;
	return g_file_test(cpath, G_FILE_TEST_IS_REGULAR) ? 1 : 0;
}

/*
 * Open @path through its binary cache (writing the cache first when there is none: that read
 * fills nothing here).  NULL with @error when it cannot be opened; NULL without @error and
 * *@why set when the stream is not shareable (no cache could be written).
 */
static struct ds_source *open_cached(const char *path, const struct ds_trace_opts *opts,
				     const char **why, GError **error)
{
	struct ds_source *src;
	int have = cache_exists(path, opts, error);

	if (have < 0)
		return NULL;
	if (!have) {
		src = ds_source_open_trace(path, opts, error);
		if (!src || ds_source_drain(src, error) < 0) {
			ds_source_close(src);
			return NULL;
		}
		ds_source_close(src);
		have = cache_exists(path, opts, error);
		if (have <= 0) {
			if (!have)
				*why = "its binary cache was not written";
			return NULL;
		}
	}
	return ds_source_open_trace(path, opts, error);
}

#define HUGE_PAGE ((size_t)2 << 20)

/*
 * Room for @n events at the start of a mapping aligned on 2 MiB (a huge page only covers an
 * aligned 2 MiB), put in *@map and *@len for munmap(); NULL when the memory is not there.
 * Huge pages are only a request (MADV_HUGEPAGE; THP "never" or fragmented memory get small
 * pages, as before): the stream's content does not depend on it.  Measured on the 64-CPU trace
 * (974 MiB) in this project's VM: bench/README.md, "The shared stream's load".
 */
static struct ds_event *stream_alloc(size_t n, void **map, size_t *len)
{
	size_t bytes = MAX(n, 1) * sizeof(struct ds_event);
	uintptr_t start;
	void *p;

	if (bytes > G_MAXSIZE / 2 - 2 * HUGE_PAGE)
		return NULL;
	bytes = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	*len = bytes + HUGE_PAGE;	/* slack to align in */
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*map = p;
	start = ((uintptr_t)p + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)start, bytes, MADV_HUGEPAGE);	/* advice: failing it changes nothing */
#endif
	return (struct ds_event *)start;
}

static int too_many(GError **error, const char *path, uint64_t n)
{
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: its cache delivered more than the %"
		    G_GUINT64_FORMAT " events its info counts", path, n);
	return -1;
}

/*
 * Read @src into @evs, which holds exactly @n (the info's count: one event more is a cache
 * that lies about itself, and is never stored), counting tasks as they pass: by chunks where
 * the source lends them (the cache, reading ahead on its own thread), else one at a time.
 */
static int load_events(struct ds_source *src, struct ds_event *evs, uint64_t n, size_t *got,
		       struct task_count *tc, const char *path, GError **error)
{
	const struct ds_event *chunk;
	struct ds_event ev;
	size_t k;
	int rc;

	while ((rc = ds_source_chunk(src, &chunk, &k, error)) > 0) {
		if (k > n - *got)
			return too_many(error, path, n);
		memcpy(evs + *got, chunk, k * sizeof(*chunk));
		for (size_t i = 0; i < k; i++)
			task_count_event(tc, &evs[*got + i]);
		*got += k;
	}
	if (rc != -2)
		return rc;
	while ((rc = ds_source_next(src, &ev, error)) > 0) {
		if (*got == n)
			return too_many(error, path, n);
		evs[(*got)++] = ev;
		task_count_event(tc, &ev);
	}
	return rc;
}

struct ds_mem_stream *ds_mem_stream_load(const char *path, const struct ds_trace_opts *opts,
					 uint64_t max_bytes, uint64_t *bytes, const char **why,
					 GError **error)
{
	struct ds_trace_opts o = opts ? *opts : (struct ds_trace_opts){ 0 };
	struct ds_mem_stream *s;
	struct ds_source *src;
	struct task_count tc;
	uint64_t n;
	size_t got = 0;
	char key[33];
	int rc;

	*bytes = 0;
	*why = NULL;
	o.stream = NULL;
	if (ds_synth_file_is(path)) {
		*why = "a synthetic .dsev builds its trace info as it streams";
		return NULL;
	}
	if (!o.use_cache) {
		*why = "the binary cache is off";
		return NULL;
	}
	/* the key before the open: a trace changed in between is not served (ds_mem_stream_is()) */
	if (!ds_file_quick_key(path, key, error))
		return NULL;
	src = open_cached(path, &o, why, error);
	if (!src)
		return NULL;
	n = info_events(ds_source_info(src));
	*bytes = n * sizeof(struct ds_event);
	if (n > max_bytes / sizeof(struct ds_event) || n > G_MAXSIZE / sizeof(struct ds_event)) {
		ds_source_close(src);
		*why = "the stream is larger than the memory allowed to share it";
		return NULL;
	}
	s = g_new0(struct ds_mem_stream, 1);
	s->path = g_strdup(path);
	memcpy(s->key, key, sizeof(s->key));
	s->evs = stream_alloc(n, &s->map, &s->map_len);
	if (!s->evs) {
		ds_source_close(src);
		ds_mem_stream_free(s);
		*why = "its memory could not be allocated";
		return NULL;
	}
	task_count_init(&tc);
	rc = load_events(src, s->evs, n, &got, &tc, path, error);
	/*
	 * The info every reader reports: the loading source's own.  A cache source's info is
	 * read whole at open and never changes after (cache.c), so it is the info a point
	 * opening the cache would report; opening the cache once more for it read the header
	 * and info record again, for the same bytes.
	 */
	if (rc >= 0 && !ds_cache_source_is(src)) {
		/* a bad cache was replaced while it loaded: the trace was read; the new cache's */
		ds_source_close(src);
		src = ds_source_open_trace(path, &o, error);
		rc = src ? 0 : -1;
	}
	s->info_src = src;
	s->tasks_max = task_count_finish(&tc);
	if (rc < 0) {
		ds_mem_stream_free(s);
		return NULL;
	}
	s->n = got;
	return s;
}

gboolean ds_mem_stream_is(const struct ds_mem_stream *s, const char *path, const char *sha256)
{
	char key[33];

	if (strcmp(path, s->path))
		return FALSE;
	if (!ds_file_quick_key(path, key, NULL) || strcmp(key, s->key) ||
	    (sha256 && strcmp(sha256, ds_source_info(s->info_src)->sha256))) {
		g_printerr("defersim: warning: %s changed since its events were loaded for "
			   "sharing: reading it again\n", path);
		return FALSE;
	}
	return TRUE;
}

uint64_t ds_mem_stream_events(const struct ds_mem_stream *s)
{
	return s->n;
}

const char *ds_mem_stream_path(const struct ds_mem_stream *s)
{
	return s->path;
}

void ds_mem_stream_free(struct ds_mem_stream *s)
{
	if (!s)
		return;
	ds_source_close(s->info_src);
	if (s->map)
		munmap(s->map, s->map_len);
	g_free(s->path);
	g_free(s);
}

/* --- a reader of the stream ------------------------------------------------------------ */

struct mem_source {
	struct ds_source base;
	const struct ds_mem_stream *s;
	size_t pos;
};

static int mem_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct mem_source *m = (struct mem_source *)src;

	(void)error;
	if (m->pos >= m->s->n)
		return 0;
	*ev = m->s->evs[m->pos++];
	return 1;
}

/* the stream outlives every reader of it: its array is the block */
static bool mem_block(struct ds_source *src, const struct ds_event **evs, size_t *n)
{
	struct mem_source *m = (struct mem_source *)src;

	*evs = m->s->evs + m->pos;
	*n = m->s->n - m->pos;
	m->pos = m->s->n;
	return true;
}

static void mem_close(struct ds_source *src)
{
	g_free(src);
}

static const struct ds_trace_info *mem_info(const struct ds_source *src)
{
	return ds_source_info(((const struct mem_source *)src)->s->info_src);
}

static const struct ds_source_ops mem_ops = {
	.next = mem_next,
	.close = mem_close,
	.info = mem_info,
	.block = mem_block,
};

uint64_t ds_mem_source_tasks_max(const struct ds_source *src)
{
	if (!src || src->ops != &mem_ops)
		return G_MAXUINT64;
	return ((const struct mem_source *)src)->s->tasks_max;
}

struct ds_source *ds_mem_stream_open(const struct ds_mem_stream *s)
{
	struct mem_source *m = g_new0(struct mem_source, 1);

	m->base.ops = &mem_ops;
	m->s = s;
	return &m->base;
}
