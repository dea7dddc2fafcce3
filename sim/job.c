// SPDX-License-Identifier: MIT
/*
 * job.c - CPU work under processor sharing.
 *
 * A job is @remaining ns of work done at @rate ns of work per ns of time.  At rate 1 the
 * arithmetic stays in integers held exactly by doubles (< 2^53 ns), so runs without sharing
 * (every sync run) reproduce times to the nanosecond; at other rates the end is rounded up to
 * a whole ns.
 */
#include "engine.h"

/* Round up to a whole ns (with 1e-9 of slack for the error of the division). */
static uint64_t job_end(uint64_t now, double remaining, double rate)
{
	double t = rate == 1.0 ? remaining : remaining / rate;
	uint64_t whole;

	if (t <= 1e-9)
		return now;
	whole = (uint64_t)t;
	return now + whole + ((double)whole < t - 1e-9);
}

void ds_job_start(struct ds_job *j, uint64_t now, uint64_t work, double rate)
{
	j->remaining = (double)work;
	j->rate = rate;
	j->since = now;
	j->end = job_end(now, j->remaining, rate);
	j->gen++;
}

bool ds_job_set_rate(struct ds_job *j, uint64_t now, double rate)
{
	uint64_t end;

	if (rate == j->rate)
		return false;
	j->remaining -= (double)(now - j->since) * j->rate;
	if (j->remaining < 0)
		j->remaining = 0;
	j->rate = rate;
	j->since = now;
	end = job_end(now, j->remaining, rate);
	if (end == j->end)
		return false;
	j->end = end;
	j->gen++;
	return true;
}
