// SPDX-License-Identifier: MIT
/*
 * merge.c - k-way merge of per-CPU record streams with a binary min-heap (see merge.h).
 */
#include <string.h>
#include <glib.h>

#include "decode.h"
#include "merge.h"

static gboolean before(const struct ds_merge_key *a, const struct ds_merge_key *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->cpu < b->cpu);
}

static void sift_down(struct ds_merge *m, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, min = i;

		if (l < m->nheap && before(&m->heap[l], &m->heap[min]))
			min = l;
		if (r < m->nheap && before(&m->heap[r], &m->heap[min]))
			min = r;
		if (min == i)
			return;
		struct ds_merge_key t = m->heap[i];

		m->heap[i] = m->heap[min];
		m->heap[min] = t;
		i = min;
	}
}

/* Record in shared memory what libtracecmd is about to read, and what it gave. */
static void note_reading(struct ds_merge *m, unsigned int c)
{
	m->reading->cpu = (int32_t)c;
}

static void note_read(struct ds_merge *m, unsigned int c, const struct tep_record *r)
{
	m->reading->offset = r->offset;
	m->records[c]++;
}

void ds_merge_init(struct ds_merge *m, struct tracecmd_input *handle, unsigned int ncpus,
		   const guint8 *cpus, struct ds_decode_reading *reading, uint64_t *records)
{
	memset(m, 0, sizeof(*m));
	m->handle = handle;
	m->ncpus = ncpus;
	m->reading = reading;
	m->records = records;
	m->cpus = g_new0(struct ds_merge_cpu, ncpus ? ncpus : 1);
	m->heap = g_new0(struct ds_merge_key, ncpus ? ncpus : 1);
	for (unsigned int c = 0; c < ncpus; c++) {
		struct tep_record *r;

		if (!cpus[c])
			continue;
		note_reading(m, c);
		r = tracecmd_read_cpu_first(handle, (int)c);
		if (!r)
			continue;
		note_read(m, c, r);
		m->cpus[c].rec = r;
		m->cpus[c].first_ts = m->cpus[c].last_ts = r->ts;
		m->heap[m->nheap++] = (struct ds_merge_key){ .ts = r->ts, .cpu = c };
	}
	for (unsigned int i = m->nheap / 2; i-- > 0;)
		sift_down(m, i);
}

struct tep_record *ds_merge_next(struct ds_merge *m)
{
	if (!m->nheap)
		return NULL;
	unsigned int c = m->heap[0].cpu;
	struct ds_merge_cpu *cs = &m->cpus[c];
	struct tep_record *out = cs->rec;

	cs->last_ts = out->ts;
	note_reading(m, c);
	cs->rec = tracecmd_read_data(m->handle, (int)c);
	if (cs->rec) {
		note_read(m, c, cs->rec);
		if (cs->rec->ts < cs->last_ts) {
			cs->rec->ts = cs->last_ts;
			m->reordered++;
		}
		m->heap[0].ts = cs->rec->ts;
	} else {
		m->heap[0] = m->heap[--m->nheap];
	}
	sift_down(m, 0);
	return out;
}

void ds_merge_clear(struct ds_merge *m)
{
	for (unsigned int c = 0; m->cpus && c < m->ncpus; c++)
		if (m->cpus[c].rec)
			tracecmd_free_record(m->cpus[c].rec);
	g_free(m->cpus);
	g_free(m->heap);
	memset(m, 0, sizeof(*m));
}
