// SPDX-License-Identifier: MIT
/*
 * test_job.c - sim/'s jobs (sim/job.c, engine.h): when a job ends and when its work reached
 * a given amount (ds_job_time_at()), across rate changes.
 *
 * A job started at one rate writes no breakpoint: its start's {start, 0, rate} is implied
 * until its first rate change writes it (job.c's bp_first()).  The cases below check that the
 * answers are the same either way: without any change, with one, with two, and with a change
 * at the start's own instant (which replaces the start's rate).  Every expected time is
 * worked by hand in the comments: work w at rate r takes w / r ns.
 */
#include <glib.h>

#include "engine.h"

static struct ds_job job_at(uint64_t now, double work, double rate)
{
	struct ds_job j;

	ds_job_init(&j);
	j.gen = 0;
	ds_job_start(&j, now, work, rate);
	return j;
}

/* 100 ns of work at rate 1 from t = 1000: ends at 1100; 30 ns of it done at 1030 */
static void test_one_rate(void)
{
	struct ds_job j = job_at(1000, 100, 1.0);

	g_assert_cmpuint(j.end, ==, 1100);
	g_assert_cmpuint(ds_job_time_at(&j, 0), ==, 1000);
	g_assert_cmpuint(ds_job_time_at(&j, 30), ==, 1030);
	g_assert_cmpuint(ds_job_time_at(&j, 100), ==, 1100);
	g_assert_true(j.plain);
	ds_job_clear(&j);
}

/* the same at rate 0.5 from the start: 100 ns take 200; 30 ns are done at 1060 */
static void test_start_rate(void)
{
	struct ds_job j = job_at(1000, 100, 0.5);

	g_assert_cmpuint(j.end, ==, 1200);
	g_assert_cmpuint(ds_job_time_at(&j, 30), ==, 1060);
	g_assert_false(j.plain);
	ds_job_clear(&j);
}

/*
 * Rate 1 from 1000, 0.5 from 1040 (40 done, 60 left: 120 ns more, end 1160), 0.25 from 1080
 * (20 more done: 60 done, 40 left: 160 ns more, end 1240).  20 ns of work: 1020 (first
 * segment); 50: 1040 + 10 / 0.5 = 1060; 70: 1080 + 10 / 0.25 = 1120.
 */
static void test_two_changes(void)
{
	struct ds_job j = job_at(1000, 100, 1.0);

	g_assert_true(ds_job_set_rate(&j, 1040, 0.5));
	g_assert_cmpuint(j.end, ==, 1160);
	g_assert_true(ds_job_set_rate(&j, 1080, 0.25));
	g_assert_cmpuint(j.end, ==, 1240);
	g_assert_false(j.plain);
	g_assert_cmpuint(ds_job_time_at(&j, 0), ==, 1000);
	g_assert_cmpuint(ds_job_time_at(&j, 20), ==, 1020);
	g_assert_cmpuint(ds_job_time_at(&j, 40), ==, 1040);
	g_assert_cmpuint(ds_job_time_at(&j, 50), ==, 1060);
	g_assert_cmpuint(ds_job_time_at(&j, 70), ==, 1120);
	g_assert_cmpuint(ds_job_time_at(&j, 100), ==, 1240);
	ds_job_clear(&j);
}

/* a change at the start's instant replaces the start's rate: 100 ns at 0.5 from 1000 */
static void test_change_at_start(void)
{
	struct ds_job j = job_at(1000, 100, 1.0);

	g_assert_true(ds_job_set_rate(&j, 1000, 0.5));
	g_assert_cmpuint(j.end, ==, 1200);
	g_assert_cmpuint(ds_job_time_at(&j, 10), ==, 1020);
	g_assert_cmpuint(ds_job_time_at(&j, 100), ==, 1200);
	ds_job_clear(&j);
}

/*
 * A job started again after a changed one starts afresh: its breakpoints are the new start's
 * alone.  First job: rate 1 then 0.5 from 1040; second: 50 ns at rate 1 from 2000, 25 ns of
 * it done at 2025 (not read through the first job's breakpoints).
 */
static void test_restart(void)
{
	struct ds_job j = job_at(1000, 100, 1.0);

	ds_job_set_rate(&j, 1040, 0.5);
	ds_job_start(&j, 2000, 50, 1.0);
	g_assert_cmpuint(j.end, ==, 2050);
	g_assert_true(j.plain);
	g_assert_cmpuint(ds_job_time_at(&j, 25), ==, 2025);
	/* and a change of the new job writes its own start: 1.0 until 2010, then 0.5 */
	g_assert_true(ds_job_set_rate(&j, 2010, 0.5));
	g_assert_cmpuint(ds_job_time_at(&j, 5), ==, 2005);
	g_assert_cmpuint(ds_job_time_at(&j, 20), ==, 2030);
	g_assert_cmpuint(j.end, ==, 2090);	/* 40 left at 0.5 from 2010 */
	ds_job_clear(&j);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/job/one-rate", test_one_rate);
	g_test_add_func("/job/start-rate", test_start_rate);
	g_test_add_func("/job/two-changes", test_two_changes);
	g_test_add_func("/job/change-at-start", test_change_at_start);
	g_test_add_func("/job/restart", test_restart);
	return g_test_run();
}
