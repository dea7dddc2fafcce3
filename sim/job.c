// SPDX-License-Identifier: MIT
/*
 * job.c - CPU work at a rate that the CPU model changes (cpu.c).
 *
 * A job is @total ns of work done at @rate ns of work per ns of time (1 alone on a CPU, 1/n
 * shared fairly by n, 0 while it waits for its turn or for a lock holder on its CPU).  At
 * rate 1 the arithmetic stays in integers held exactly by doubles (< 2^53 ns), so runs
 * without sharing (every sync run on the recorded CPUs) reproduce times to the nanosecond;
 * at other rates ends are rounded up to a whole ns.
 *
 * Every rate change appends a breakpoint (time, work done, new rate), so the time at which
 * any amount of the job's work was reached is known exactly afterwards (ds_job_time_at()):
 * the worker's per-value free times inside a page are read from it, not interpolated.
 */
#include <math.h>

#include "engine.h"

/* Time to do @work at @rate, rounded up to a whole ns (1e-9 of slack for the division). */
static uint64_t span(double work, double rate)
{
	double t;
	uint64_t whole;

	if (rate == 1.0 && work >= 1.0 && work < 0x1p62)
		return ds_job_span1(work);	/* the common case, the same answer */
	if (work <= 1e-9)
		return 0;
	if (rate <= 0)
		return UINT64_MAX;
	t = rate == 1.0 ? work : work / rate;
	if (t >= 1.8e19)
		return UINT64_MAX;
	whole = (uint64_t)t;
	return whole + ((double)whole < t - 1e-9);
}

static inline uint64_t job_end(uint64_t now, double remaining, double rate)
{
	uint64_t s = span(remaining, rate);

	return ds_job_end_after(now, s);	/* (span()'s UINT64_MAX is DS_NEVER) */
}

uint64_t ds_job_end_at(uint64_t now, double remaining, double rate)
{
	return job_end(now, remaining, rate);
}

/* room for one more breakpoint (a plain array, not a GArray) */
static void bp_room(struct ds_job *j)
{
	if (j->nbp == j->bp_cap) {
		j->bp_cap = j->bp_cap ? 2 * j->bp_cap : 4;
		j->bp = g_renew(struct ds_job_bp, j->bp, j->bp_cap);
	}
}

/*
 * The start's breakpoint, implied until now (nbp 0: engine.h's ds_job_start_end() writes
 * none): written before the first change of @rate, which until then is the start's (only
 * ds_job_set_rate() and ds_job_ps_detach() change it, and both come here first).
 */
static void bp_first(struct ds_job *j)
{
	if (j->nbp)
		return;
	bp_room(j);
	j->bp[j->nbp++] = (struct ds_job_bp){ .t = j->start, .done = 0, .rate = j->rate };
}

static void bp_add(struct ds_job *j, uint64_t t, double done, double rate)
{
	j->plain = false;
	bp_first(j);
	if (j->bp[j->nbp - 1].t == t) {
		j->bp[j->nbp - 1].rate = rate;	/* several changes at one instant: the last */
		return;
	}
	bp_room(j);
	j->bp[j->nbp++] = (struct ds_job_bp){ .t = t, .done = done, .rate = rate };
}

void ds_job_init(struct ds_job *j)
{
	j->plain = false;
	j->bp = NULL;
	j->nbp = j->bp_cap = 0;
	j->ps = NULL;
}

void ds_job_clear(struct ds_job *j)
{
	g_free(j->bp);
	j->bp = NULL;
	j->nbp = j->bp_cap = 0;
}

double ds_job_ps_left(const struct ds_job *j, uint64_t now)
{
	ds_vtime v = ds_psclock_v(j->ps, now);

	return j->ps_f > v ? ds_vt_ns(j->ps_f - v) : 0.0;
}

bool ds_job_set_rate(struct ds_job *j, uint64_t now, double rate)
{
	uint64_t end;

	if (rate == j->rate)
		return false;
	bp_first(j);	/* before @rate changes */
	j->remaining -= (double)(now - j->since) * j->rate;
	if (j->remaining < 0)
		j->remaining = 0;
	j->rate = rate;
	j->since = now;
	bp_add(j, now, j->total - j->remaining, rate);
	end = job_end(now, j->remaining, rate);
	if (end == j->end)
		return false;
	j->end = end;
	j->gen++;
	return true;
}

/*
 * Following a clock the progress is kept as the clock's history from the current segment
 * (ps_idx) on: the breakpoints so far stay for the work done before.
 */
void ds_job_ps_attach(struct ds_job *j, struct ds_psclock *k, uint64_t now)
{
	ds_vtime v = ds_psclock_v(k, now);
	double left = ds_job_left(j, now);	/* once: MAX() evaluates its arguments twice */

	j->remaining = MAX(left, 0.0);
	j->since = now;
	j->ps = k;
	j->plain = false;
	j->ps_idx = k->base + k->hist->len - 1;
	j->ps_v0 = v;
	j->ps_done0 = j->total - j->remaining;
	j->ps_f = v + ds_vt_from_ns(j->remaining);
	j->end = DS_NEVER;	/* the clock's earliest job alone has an engine event */
	j->gen++;
}

/* the rate cpu.c gives explicitly for a share of 1/m */
static double seg_rate(const struct ds_ps_seg *s)
{
	return s->m ? 1.0 / (double)s->m : 0.0;
}

void ds_job_ps_detach(struct ds_job *j, uint64_t now, double rate)
{
	const struct ds_psclock *k = j->ps;
	const struct ds_ps_seg *h = (const struct ds_ps_seg *)(void *)k->hist->data;
	guint first = (guint)(j->ps_idx - k->base);
	double left;

	/* the clock's segments become the job's breakpoints */
	bp_add(j, j->since, j->ps_done0, seg_rate(&h[first]));
	for (guint i = first + 1; i < k->hist->len; i++)
		bp_add(j, h[i].t, j->ps_done0 + ds_vt_ns(h[i].v - j->ps_v0), seg_rate(&h[i]));
	left = ds_job_left(j, now);
	j->remaining = MAX(left, 0.0);
	j->ps = NULL;
	j->since = now;
	j->rate = rate;
	bp_add(j, now, j->total - j->remaining, rate);
	j->end = job_end(now, j->remaining, rate);
	j->gen++;
}

bool ds_job_set_total(struct ds_job *j, uint64_t now, double total)
{
	double done = ds_job_done(j, now);
	uint64_t end;

	g_assert(!j->ps);	/* cpu.c moves a job following a clock */
	j->total = total;
	j->remaining = MAX(total - done, 0.0);
	j->since = now;
	end = job_end(now, j->remaining, j->rate);
	if (end == j->end)
		return false;
	j->end = end;
	j->gen++;
	return true;
}

uint64_t ds_job_time_at(const struct ds_job *j, double work)
{
	const struct ds_job_bp *bp = j->bp;
	guint lo = 0, hi = j->nbp;
	uint64_t s;

	/* The earliest time the work done reached @work: from the last breakpoint below it
	 * (its rate is > 0 unless it is the last one: work only stands still until the next).
	 * The first breakpoint's work is 0, implied or written. */
	if (work <= 0)
		return j->start;
	if (j->ps && work > j->ps_done0) {	/* past the work done when it joined the clock */
		ds_vtime back = ds_vt_from_ns(j->total - work);

		return ds_psclock_time_at(j->ps, j->ps_idx, j->ps_f > back ? j->ps_f - back : 0,
					  j->end);
	}
	if (j->nbp <= 1) {	/* no rate change: the common case (rate: the start's) */
		s = span(work, j->nbp ? bp[0].rate : j->rate);
		return s == UINT64_MAX ? j->end : MIN(j->start + s, j->end);
	}
	while (hi - lo > 1) {
		guint mid = (lo + hi) / 2;

		if (bp[mid].done < work)
			lo = mid;
		else
			hi = mid;
	}
	s = span(work - bp[lo].done, bp[lo].rate);
	return s == UINT64_MAX ? j->end : MIN(bp[lo].t + s, j->end);
}
