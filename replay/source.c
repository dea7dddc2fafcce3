// SPDX-License-Identifier: MIT
/*
 * source.c - the generic event source and the in-memory array source.
 *
 * struct ds_source is a tiny vtable: the trace reader, the cache reader and the array source
 * each fill one in.  Pull-style (ds_source_next) so that data flows forward: the consumer asks
 * for the next event; nothing calls back into it.
 */
#include <string.h>

#include "ds_source.h"
#include "source_impl.h"

G_DEFINE_QUARK(ds-error-quark, ds_error)

static const char *const ev_names[DS_EV__COUNT] = {
	[DS_EV_NONE] = "none",
	[DS_EV_RELEASE] = "release",
	[DS_EV_RELEASE_END] = "release_end",
	[DS_EV_ZS_FREE] = "zs_free",
	[DS_EV_ZS_MALLOC] = "zs_malloc",
	[DS_EV_ZS_MALLOC_END] = "zs_malloc_end",
	[DS_EV_SLOT_WRITE] = "slot_write",
	[DS_EV_SWITCH] = "switch",
	[DS_EV_EXIT] = "exit",
	[DS_EV_WQ_QUEUE] = "wq_queue",
	[DS_EV_WQ_ACTIVATE] = "wq_activate",
	[DS_EV_WQ_START] = "wq_start",
	[DS_EV_WQ_END] = "wq_end",
	[DS_EV_LOST] = "lost",
};

const char *ds_ev_type_name(unsigned int type)
{
	return type < DS_EV__COUNT ? ev_names[type] : "unknown";
}

int ds_source_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	return src->ops->next(src, ev, error);
}

bool ds_source_block(struct ds_source *src, const struct ds_event **evs, size_t *n)
{
	return src->ops->block && src->ops->block(src, evs, n);
}

int ds_source_chunk(struct ds_source *src, const struct ds_event **evs, size_t *n,
		    GError **error)
{
	return src->ops->chunk ? src->ops->chunk(src, evs, n, error) : -2;
}

int64_t ds_source_drain(struct ds_source *src, GError **error)
{
	const struct ds_event *evs;
	struct ds_event ev;
	size_t k;
	int64_t n = 0;
	int rc;

	/* by chunks where the source lends them (no copy per event) */
	while ((rc = ds_source_chunk(src, &evs, &k, error)) > 0)
		n += (int64_t)k;
	if (rc != -2)
		return rc < 0 ? -1 : n;
	while ((rc = ds_source_next(src, &ev, error)) > 0)
		n++;
	return rc < 0 ? -1 : n;
}

void ds_source_close(struct ds_source *src)
{
	if (src)
		src->ops->close(src);
}

const struct ds_trace_info *ds_source_info(const struct ds_source *src)
{
	return src->ops->info ? src->ops->info(src) : NULL;
}

/* The array source: a copy of the caller's events and a cursor. */
struct array_source {
	struct ds_source base;
	struct ds_event *evs;
	size_t n;
	size_t pos;
};

static int array_next(struct ds_source *src, struct ds_event *ev, GError **error)
{
	struct array_source *a = (struct array_source *)src;

	(void)error;
	if (a->pos >= a->n)
		return 0;
	*ev = a->evs[a->pos++];
	return 1;
}

static bool array_block(struct ds_source *src, const struct ds_event **evs, size_t *n)
{
	struct array_source *a = (struct array_source *)src;

	*evs = a->evs + a->pos;
	*n = a->n - a->pos;
	a->pos = a->n;
	return true;
}

static void array_close(struct ds_source *src)
{
	struct array_source *a = (struct array_source *)src;

	g_free(a->evs);
	g_free(a);
}

static const struct ds_source_ops array_ops = {
	.next = array_next,
	.close = array_close,
	.info = NULL,
	.block = array_block,
};

struct ds_source *ds_source_new_array(const struct ds_event *evs, size_t n)
{
	struct array_source *a = g_new0(struct array_source, 1);

	a->base.ops = &array_ops;
	a->evs = n ? g_memdup2(evs, n * sizeof(*evs)) : NULL;
	a->n = n;
	return &a->base;
}
