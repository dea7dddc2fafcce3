// SPDX-License-Identifier: MIT
/*
 * merge.c - k-way merge of per-CPU record streams with a binary min-heap (see merge.h);
 * each CPU read by the page decoder or by libtracecmd.
 */
#include <string.h>
#include <glib.h>

#include "decode.h"
#include "merge.h"

static gboolean before(const struct ds_merge_key *a, const struct ds_merge_key *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->cpu < b->cpu);
}

/*
 * Move the key at @i down to its place: the smaller child moves up into the hole until the
 * key is not above it (keys are unique: no two CPUs share one, so the order out of the heap
 * does not depend on how ties would be broken).
 */
static void sift_down(struct ds_merge *m, unsigned int i)
{
	struct ds_merge_key k = m->heap[i];

	for (;;) {
		unsigned int l = 2 * i + 1, min = l;

		if (l >= m->nheap)
			break;
		if (l + 1 < m->nheap && before(&m->heap[l + 1], &m->heap[l]))
			min = l + 1;
		if (!before(&m->heap[min], &k))
			break;
		m->heap[i] = m->heap[min];
		i = min;
	}
	m->heap[i] = k;
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

/* The decoder's first record of a CPU is libtracecmd's (both NULL: the CPU has none). */
static gboolean same_record(const struct tep_record *a, const struct tep_record *b)
{
	if (!a || !b)
		return a == b;
	return a->ts == b->ts && a->offset == b->offset && a->size == b->size &&
	       a->record_size == b->record_size && a->missed_events == b->missed_events &&
	       a->size >= 0 && !memcmp(a->data, b->data, (size_t)a->size);
}

static void push(struct ds_merge *m, unsigned int c, struct tep_record *r)
{
	note_read(m, c, r);
	m->cpus[c].rec = r;
	m->cpus[c].first_ts = m->cpus[c].last_ts = r->ts;
	m->heap[m->nheap++] = (struct ds_merge_key){ .ts = r->ts, .cpu = c };
}

void ds_merge_init(struct ds_merge *m, struct tracecmd_input *handle, unsigned int ncpus,
		   const guint8 *cpus, struct ds_pagedec **pd, struct ds_decode_reading *reading,
		   uint64_t *records)
{
	g_autofree struct tep_record **lib = g_new0(struct tep_record *, ncpus ? ncpus : 1);
	g_autofree int *got = g_new0(int, ncpus ? ncpus : 1);

	memset(m, 0, sizeof(*m));
	m->handle = handle;
	m->ncpus = ncpus;
	m->reading = reading;
	m->records = records;
	m->cpus = g_new0(struct ds_merge_cpu, ncpus ? ncpus : 1);
	m->heap = g_new0(struct ds_merge_key, ncpus ? ncpus : 1);
	/* every CPU's first record from libtracecmd, and from the decoder where there is one */
	for (unsigned int c = 0; c < ncpus; c++) {
		struct ds_merge_cpu *cs = &m->cpus[c];

		if (!cpus[c])
			continue;
		note_reading(m, c);
		lib[c] = tracecmd_read_cpu_first(handle, (int)c);
		if (!pd || !pd[c])
			continue;
		cs->pd = pd[c];
		cs->nrec.cpu = (int)c;
		cs->nrec.ref_count = 1;
		m->native_cpus++;
		got[c] = ds_pagedec_next(cs->pd, &cs->nrec);
		/* stopped before its first record: libtracecmd's is that record */
		if (got[c] >= 0 && !same_record(got[c] ? &cs->nrec : NULL, lib[c]))
			m->mismatch = TRUE;
	}
	for (unsigned int c = 0; c < ncpus; c++) {
		struct ds_merge_cpu *cs = &m->cpus[c];

		if (cs->pd && (m->mismatch || got[c] < 0)) {
			cs->pd = NULL;
			m->handed_over += !m->mismatch;
		}
		if (cs->pd) {
			tracecmd_free_record(lib[c]);
			if (got[c] > 0)
				push(m, c, &cs->nrec);
		} else if (lib[c]) {
			push(m, c, lib[c]);
		}
	}
	if (m->mismatch)
		m->native_cpus = 0;
	for (unsigned int i = m->nheap / 2; i-- > 0;)
		sift_down(m, i);
}

/* The next record of CPU @c after the one handed out. */
static struct tep_record *advance(struct ds_merge *m, unsigned int c)
{
	struct ds_merge_cpu *cs = &m->cpus[c];
	int got;

	if (!cs->pd)
		return tracecmd_read_data(m->handle, (int)c);
	got = ds_pagedec_next(cs->pd, &cs->nrec);
	if (got > 0)
		return &cs->nrec;
	if (got == 0)
		return NULL;
	/* bytes only libtracecmd reads as it does: it goes on from that record */
	uint64_t at = cs->pd->stop_offset;

	m->handed_over++;
	m->reading->handed_over = m->handed_over;	/* seen by the parent even if we fail */
	cs->pd = NULL;
	return tracecmd_read_at(m->handle, at, NULL);
}

struct tep_record *ds_merge_next(struct ds_merge *m)
{
	if (m->lib_out) {
		tracecmd_free_record(m->lib_out);
		m->lib_out = NULL;
	}
	if (!m->nheap)
		return NULL;
	unsigned int c = m->heap[0].cpu;
	struct ds_merge_cpu *cs = &m->cpus[c];
	struct tep_record *out = cs->rec;

	cs->last_ts = out->ts;
	if (cs->pd) {
		m->out = cs->nrec;
		out = &m->out;
	} else {
		m->lib_out = out;
	}
	note_reading(m, c);
	cs->rec = advance(m, c);
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
		if (m->cpus[c].rec && !m->cpus[c].pd)
			tracecmd_free_record(m->cpus[c].rec);
	if (m->lib_out)
		tracecmd_free_record(m->lib_out);
	g_free(m->cpus);
	g_free(m->heap);
	memset(m, 0, sizeof(*m));
}
