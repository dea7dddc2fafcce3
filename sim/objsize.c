// SPDX-License-Identifier: MIT
/*
 * objsize.c - the size of each released zsmalloc object, where the trace records it.
 *
 * A trace may carry zs_malloc(size) and its return (the handle) from the store side, and a
 * zs_free(handle) inside each release (traces/FORMAT.md).  The size of a released object is
 * then: release -> the next zs_free of the same pid (it runs inside the notify call, so it
 * comes after the release and before that pid's next release) -> its handle -> the size of
 * the zs_malloc that returned that handle earlier in the trace.  Objects stored before the
 * recording began have no zs_malloc record: their size is unknown (0) and the policy draws
 * one from the profile (sizeclass.c).
 *
 * Data structures: struct ds_objsize (engine.h) holds @malloc_size (pid -> size of the
 * zs_malloc whose return is not read yet) and @handle_size (struct objsize_rec keyed by
 * handle: the live objects allocated inside the trace).  Each task keeps, in @zsf, one record
 * per release whose size was found (a struct ds_event whose ts is the release's recorded time
 * and aux the size), and in @zsf_await / @await_ts the latest read release still waiting for
 * its zs_free.  Nothing here runs unless the policy asks for sizes (needs_obj_size).
 */
#include "engine.h"

struct objsize_rec {
	uint64_t handle;	/* first: the key for g_int64_hash */
	uint32_t size;
};

void ds_objsize_init(struct ds_engine *eng)
{
	struct ds_objsize *o = &eng->objsize;

	if (!o->active)
		return;
	o->malloc_size = g_hash_table_new(g_direct_hash, g_direct_equal);
	o->handle_size = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

void ds_objsize_clear(struct ds_engine *eng)
{
	struct ds_objsize *o = &eng->objsize;

	if (o->malloc_size)
		g_hash_table_destroy(o->malloc_size);
	if (o->handle_size)
		g_hash_table_destroy(o->handle_size);
	o->malloc_size = NULL;
	o->handle_size = NULL;
}

static uint32_t clamp_size(uint64_t v)
{
	return (uint32_t)MIN(v, (uint64_t)G_MAXUINT32);
}

/* The zs_free of a release: its handle's size (if allocated in the trace) goes to the task. */
static void objsize_free(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_objsize *o = &eng->objsize;
	struct ds_task *t = g_hash_table_lookup(eng->open_tasks, GINT_TO_POINTER(ev->pid));
	struct objsize_rec *rec = g_hash_table_lookup(o->handle_size, &ev->value);
	struct ds_event found;

	if (t && t->zsf_await) {
		t->zsf_await = false;
		if (rec) {
			found = *ev;
			found.ts = t->await_ts;
			found.aux = rec->size;
			ds_evring_push(&t->zsf, &found);
		}
	}
	if (rec)
		g_hash_table_remove(o->handle_size, &ev->value);	/* the handle may come back */
}

void ds_objsize_read(struct ds_engine *eng, const struct ds_event *ev)
{
	struct ds_objsize *o = &eng->objsize;
	gpointer key = GINT_TO_POINTER(ev->pid);
	struct objsize_rec *rec;

	if (!o->active)
		return;
	switch (ev->type) {
	case DS_EV_ZS_MALLOC:
		/* size 0 cannot be stored: keep 1 so that "present" stays distinguishable */
		g_hash_table_replace(o->malloc_size, key,
				     GUINT_TO_POINTER(MAX(clamp_size(ev->value), 1u)));
		break;
	case DS_EV_ZS_MALLOC_END:
		if (!g_hash_table_contains(o->malloc_size, key) || !ev->value)
			break;	/* entry not seen, or the allocation failed (handle 0) */
		rec = g_new(struct objsize_rec, 1);
		rec->handle = ev->value;
		rec->size = GPOINTER_TO_UINT(g_hash_table_lookup(o->malloc_size, key));
		g_hash_table_remove(o->malloc_size, key);
		g_hash_table_replace(o->handle_size, &rec->handle, rec);
		break;
	case DS_EV_ZS_FREE:
		/* no object of the trace is live: nothing to find (ds_objsize_wait() and
		 * ds_objsize_take() see no record either) */
		if (g_hash_table_size(o->handle_size))
			objsize_free(eng, ev);
		break;
	default:
		break;
	}
}

void ds_objsize_release_read(struct ds_engine *eng, struct ds_task *t, const struct ds_event *ev)
{
	if (!eng->objsize.active)
		return;
	t->zsf_await = true;	/* a release without zs_free (same-filled page) is superseded */
	t->await_ts = ev->ts;
}

/*
 * The zs_free runs inside the notify call: before the release's recorded end (its duration)
 * when it has one; without one, within busy_gap_ns (a later release of the pid ends the wait
 * earlier).  Nothing to wait for while no object of the trace can match (no zs_malloc read).
 */
gboolean ds_objsize_wait(struct ds_engine *eng, struct ds_task *t, GError **error)
{
	const struct ds_event *head = ds_evring_peek(&t->fifo);
	uint64_t bound;

	if (!eng->objsize.active || !head || head->type != DS_EV_RELEASE)
		return TRUE;
	bound = head->ts + eng->p->busy_gap_ns +
		((head->flags & DS_EVF_DURATION) ? head->aux : 0);
	while (t->zsf_await && t->await_ts == head->ts && t->fifo.len == 1 && !eng->eof &&
	       g_hash_table_size(eng->objsize.handle_size) && eng->t_read <= bound)
		if (ds_engine_read_one(eng, error) < 0)
			return FALSE;
	return TRUE;
}

uint32_t ds_objsize_take(struct ds_engine *eng, struct ds_task *t, const struct ds_event *ev)
{
	const struct ds_event *rec;
	struct ds_event out;

	if (!eng->objsize.active)
		return 0;
	/* records of earlier releases (there are none unless timestamps repeat) are dropped */
	while ((rec = ds_evring_peek(&t->zsf)) && rec->ts < ev->ts)
		ds_evring_pop(&t->zsf, &out);
	if (!rec || rec->ts != ev->ts)
		return 0;
	ds_evring_pop(&t->zsf, &out);
	return (uint32_t)out.aux;
}
