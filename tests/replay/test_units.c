// SPDX-License-Identifier: MIT
/*
 * test_units.c - the reader's parts on their own: --map parsing, the clock table, the
 * pairing/reorder queue (hand-worked cases and a seeded random stream checked against the
 * queue's invariants), and the duration histogram against exact sorted quantiles.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "ds_source.h"
#include "pairq.h"
#include "trace_impl.h"

/* --- map rules ---------------------------------------------------------------------- */

static void test_map_ok(void)
{
	struct ds_map_rule r;
	g_autoptr(GError) err = NULL;

	g_assert_true(ds_map_rule_parse("defersim/zram_free=zram_release", &r, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(r.system, ==, "defersim");
	g_assert_cmpstr(r.event, ==, "zram_free");
	g_assert_cmpuint(r.type, ==, DS_EV_RELEASE);
	g_assert_cmpuint(r.flags, ==, 0);
	g_assert_null(r.field);
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("my_group/inv-2=zswap_release:entry", &r, &err));
	g_assert_cmpuint(r.type, ==, DS_EV_RELEASE);
	g_assert_cmpuint(r.flags, ==, DS_EVF_ZSWAP);
	g_assert_cmpstr(r.field, ==, "entry");
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("a/b=zswap_release_end", &r, &err));
	g_assert_cmpuint(r.type, ==, DS_EV_RELEASE_END);
	g_assert_cmpuint(r.flags, ==, DS_EVF_ZSWAP);
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("sched/sched_wakeup=ignore", &r, &err));
	g_assert_cmpuint(r.type, ==, DS_EV_NONE);
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("w/q=wq_end", &r, &err));
	g_assert_cmpuint(r.type, ==, DS_EV_WQ_END);
	ds_map_rule_clear(&r);
}

static void test_map_bad(void)
{
	static const char *const bad[] = {
		"", "noslash=zs_free", "a/b", "a/b=bogus", "a/b=zs_free:", "a/b=ignore:x",
		"/b=zs_free", "a/=zs_free", "a/b/c=zs_free", "a/b=zs_free:x y", "a b/c=exit",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct ds_map_rule r;
		g_autoptr(GError) err = NULL;

		if (ds_map_rule_parse(bad[i], &r, &err))
			g_error("\"%s\" parsed", bad[i]);
		g_assert_error(err, DS_ERROR, DS_ERROR_PARAM);
		g_assert_nonnull(strstr(err->message, "--map"));
		g_assert_null(r.system);
	}
	struct ds_map_rule r;
	g_autoptr(GError) err = NULL;

	g_assert_false(ds_map_rule_parse("a/b=bogus", &r, &err));
	g_assert_nonnull(strstr(err->message, "zram_release, zram_release_end"));
	g_assert_false(ds_map_rule_parse(NULL, &r, NULL));
}

static void test_clock_table(void)
{
	static const char *const yes[] = { "mono", "mono_raw", "boot", "global", "tai", "x86-tsc",
					   "uptime" };
	static const char *const no[] = { "local", "perf", "counter", "unknown", "bogus" };
	const char *note = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(yes); i++)
		g_assert_true(ds_clock_is_synced(yes[i], NULL));
	for (size_t i = 0; i < G_N_ELEMENTS(no); i++) {
		g_assert_false(ds_clock_is_synced(no[i], &note));
		g_assert_nonnull(note);
	}
	g_assert_false(ds_clock_is_synced(NULL, NULL));
}

/* --- pairing queue -------------------------------------------------------------------- */

static struct ds_event mk(uint64_t ts, int32_t pid, unsigned int type, uint64_t value,
			  unsigned int flags)
{
	struct ds_event e = { .ts = ts, .pid = pid, .type = (uint8_t)type, .value = value,
			      .flags = (uint8_t)flags };
	return e;
}

static GArray *drain(struct ds_pairq *q)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_event e;

	while (ds_pairq_pop(q, &e))
		g_array_append_val(out, e);
	return out;
}

#define AT(a, i) (&g_array_index((a), struct ds_event, (i)))

static void test_pair_basic(void)
{
	struct ds_pairq q;
	g_autoptr(GArray) out = NULL;
	struct ds_event e;

	ds_pairq_init(&q, 1000);
	e = mk(0, 1, DS_EV_RELEASE, 42, 0);
	ds_pairq_push(&q, &e, -1);
	e = mk(10, 2, DS_EV_ZS_FREE, 7, 0);
	ds_pairq_push(&q, &e, -1);
	g_assert_false(ds_pairq_pop(&q, &e));	/* the release waits for its return */
	e = mk(25, 1, DS_EV_RELEASE_END, 0, 0);
	ds_pairq_push(&q, &e, -1);
	out = drain(&q);
	g_assert_cmpuint(out->len, ==, 3);
	g_assert_cmpuint(AT(out, 0)->type, ==, DS_EV_RELEASE);
	g_assert_cmpuint(AT(out, 0)->aux, ==, 25);
	g_assert_cmpuint(AT(out, 0)->flags, ==, DS_EVF_DURATION);
	g_assert_cmpuint(AT(out, 1)->type, ==, DS_EV_ZS_FREE);
	g_assert_cmpuint(AT(out, 2)->aux, ==, 25);
	g_assert_cmpuint(AT(out, 2)->value, ==, 42);
	g_assert_cmpuint(AT(out, 2)->flags, ==, 0);
	g_assert_cmpuint(q.unpaired_ends, ==, 0);
	g_assert_cmpuint(q.unreturned, ==, 0);
	ds_pairq_clear(&q);
}

/* Push, then pop what is ready, as the trace source does. */
static void push_pop(struct ds_pairq *q, struct ds_event e, GArray *out)
{
	ds_pairq_push(q, &e, -1);
	while (ds_pairq_pop(q, &e))
		g_array_append_val(out, e);
}

static void test_pair_give_up(void)
{
	struct ds_pairq q;
	g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(struct ds_event));

	ds_pairq_init(&q, 100);
	push_pop(&q, mk(0, 1, DS_EV_RELEASE, 1, 0), out);	/* A: pid 1 releases again */
	push_pop(&q, mk(5, 1, DS_EV_RELEASE, 2, 0), out);	/* B: pid 1 exits */
	g_assert_cmpuint(out->len, ==, 1);			/* A went */
	push_pop(&q, mk(6, 2, DS_EV_RELEASE, 3, DS_EVF_ZSWAP), out);	/* C */
	push_pop(&q, mk(7, 2, DS_EV_RELEASE_END, 0, 0), out);	/* a zram return: not C's */
	push_pop(&q, mk(9, 1, DS_EV_EXIT, 0, 0), out);
	g_assert_cmpuint(out->len, ==, 5);
	push_pop(&q, mk(20, 3, DS_EV_RELEASE, 4, 0), out);	/* D: waits ... */
	push_pop(&q, mk(120, 4, DS_EV_SWITCH, 0, 0), out);	/* 100 after D: still waits */
	g_assert_cmpuint(out->len, ==, 5);
	push_pop(&q, mk(121, 4, DS_EV_SWITCH, 0, 0), out);	/* 101 after D: given up */
	g_assert_cmpuint(out->len, ==, 8);
	for (guint i = 0; i < out->len; i++)
		g_assert_false(AT(out, i)->flags & DS_EVF_DURATION);
	g_assert_cmpuint(AT(out, 3)->type, ==, DS_EV_RELEASE_END);
	g_assert_cmpuint(AT(out, 3)->flags, ==, DS_EVF_UNPAIRED);
	g_assert_cmpuint(AT(out, 2)->flags, ==, DS_EVF_ZSWAP);
	g_assert_cmpuint(q.unreturned, ==, 4);
	g_assert_cmpuint(q.unpaired_ends, ==, 1);
	ds_pairq_clear(&q);
}

static void test_pair_intrinsic(void)
{
	struct ds_pairq q;
	g_autoptr(GArray) out = NULL;
	struct ds_event e;

	ds_pairq_init(&q, 1000);
	e = mk(100, 9, DS_EV_RELEASE, 0, DS_EVF_NOVALUE);
	ds_pairq_push(&q, &e, -1);
	e = mk(900, 9, DS_EV_RELEASE_END, 0, 0);
	ds_pairq_push(&q, &e, 777);			/* function graph: rettime - calltime */
	ds_pairq_finish(&q);
	out = drain(&q);
	g_assert_cmpuint(AT(out, 0)->aux, ==, 777);
	g_assert_cmpuint(AT(out, 0)->flags, ==, DS_EVF_NOVALUE | DS_EVF_DURATION);
	g_assert_cmpuint(AT(out, 1)->aux, ==, 777);
	g_assert_cmpuint(AT(out, 1)->flags, ==, DS_EVF_NOVALUE);
	ds_pairq_clear(&q);
}

/* Random stream: output = input order (so timestamps stay non-decreasing), nothing lost,
 * every duration equals its return's time minus its entry's, returns without a release of
 * the same pid pending are unpaired. */
/* @pids: pids drawn from [0, pids) (many: the pid table grows, and removals shift entries
 * back across collisions); @horizon: the pairing horizon. */
static void run_pair_random(guint32 seed, int pids, uint64_t horizon)
{
	g_autoptr(GRand) rng = g_rand_new_with_seed(seed);
	g_autoptr(GArray) in = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_pairq q;
	uint64_t ts = 0, paired = 0, releases = 0;
	struct ds_event e;

	ds_pairq_init(&q, horizon);
	for (int i = 0; i < 200000; i++) {
		static const unsigned int types[] = { DS_EV_RELEASE, DS_EV_RELEASE_END,
						      DS_EV_ZS_FREE, DS_EV_EXIT, DS_EV_SWITCH };
		ts += (uint64_t)g_rand_int_range(rng, 0, 400);
		e = mk(ts, g_rand_int_range(rng, 0, pids), types[g_rand_int_range(rng, 0, 5)],
		       (uint64_t)i, 0);
		g_array_append_val(in, e);
		ds_pairq_push(&q, &e, -1);
		while (ds_pairq_pop(&q, &e))
			g_array_append_val(out, e);
		g_assert_cmpuint(q.len, <=, DS_PAIRQ_MAX);
	}
	ds_pairq_finish(&q);
	while (ds_pairq_pop(&q, &e))
		g_array_append_val(out, e);
	g_assert_cmpuint(out->len, ==, in->len);
	for (guint i = 0; i < out->len; i++) {
		const struct ds_event *o = AT(out, i), *x = AT(in, i);
		/* the pid's next release, return or exit: what pairs with or ends a release */
		guint j = i + 1;

		while (j < out->len && (AT(out, j)->pid != o->pid ||
		       (AT(out, j)->type != DS_EV_RELEASE && AT(out, j)->type != DS_EV_RELEASE_END &&
			AT(out, j)->type != DS_EV_EXIT)))
			j++;
		g_assert_cmpuint(o->ts, ==, x->ts);
		g_assert_cmpuint(o->type, ==, x->type);
		releases += o->type == DS_EV_RELEASE;
		if (o->type == DS_EV_RELEASE && (o->flags & DS_EVF_DURATION)) {
			paired++;
			g_assert_cmpuint(j, <, out->len);
			g_assert_cmpuint(AT(out, j)->type, ==, DS_EV_RELEASE_END);
			g_assert_cmpuint(AT(out, j)->aux, ==, AT(out, j)->ts - o->ts);
			g_assert_cmpuint(o->aux, ==, AT(out, j)->ts - o->ts);
			g_assert_cmpuint(AT(out, j)->value, ==, o->value);
			g_assert_cmpuint(o->aux, <=, horizon);
		} else if (o->type == DS_EV_RELEASE) {
			/* given up: no return of its pid came within the horizon */
			g_assert_true(j == out->len || AT(out, j)->type != DS_EV_RELEASE_END ||
				      AT(out, j)->ts - o->ts > horizon);
		}
		if (i)
			g_assert_cmpuint(AT(out, i - 1)->ts, <=, o->ts);
	}
	/* a release's next event of its pid is a return in about a third of cases: the test
	 * exercises pairing, not only giving up */
	g_assert_cmpuint(paired, >, releases / 8);
	ds_pairq_clear(&q);
}

static void test_pair_random(void)
{
	run_pair_random(20260508, 6, 5000);
}

static void test_pair_random_pids(void)
{
	run_pair_random(20261130, 4000, 5000000);
}

/* --- duration histogram -------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_durhist(void)
{
	g_autoptr(GRand) rng = g_rand_new_with_seed(7);
	enum { N = 50001 };
	uint64_t *v = g_new(uint64_t, N);
	struct ds_durhist h;
	const double qs[] = { 0.01, 0.5, 0.9, 0.99, 0.999, 1.0 };

	ds_durhist_init(&h);
	for (int i = 0; i < N; i++) {
		v[i] = (uint64_t)(g_rand_double_range(rng, 0, 1) * g_rand_double_range(rng, 0, 1) *
				  2e7);
		ds_durhist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < G_N_ELEMENTS(qs); k++) {
		/* exact: the smallest value with at least ceil(q N) values at or below it */
		size_t rank = (size_t)(qs[k] * N + 0.999999999);
		uint64_t exact = v[(rank ? rank : 1) - 1];
		uint64_t got = ds_durhist_quantile(&h, qs[k]);

		g_assert_cmpfloat((double)got, <=, (double)exact * 1.005 + 1);
		g_assert_cmpfloat((double)got, >=, (double)exact * 0.995 - 1);
	}
	g_assert_cmpuint(h.max, ==, v[N - 1]);
	g_assert_cmpuint(h.count, ==, N);
	/* small values are exact */
	ds_durhist_clear(&h);
	ds_durhist_init(&h);
	ds_durhist_add(&h, 3);
	ds_durhist_add(&h, 100);
	ds_durhist_add(&h, 127);
	g_assert_cmpuint(ds_durhist_quantile(&h, 0.5), ==, 100);
	g_assert_cmpuint(ds_durhist_quantile(&h, 0.0), ==, 3);
	ds_durhist_clear(&h);
	g_free(v);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/units/map-rule-ok", test_map_ok);
	g_test_add_func("/replay/units/map-rule-bad", test_map_bad);
	g_test_add_func("/replay/units/clock-table", test_clock_table);
	g_test_add_func("/replay/units/pair-basic", test_pair_basic);
	g_test_add_func("/replay/units/pair-give-up", test_pair_give_up);
	g_test_add_func("/replay/units/pair-intrinsic-duration", test_pair_intrinsic);
	g_test_add_func("/replay/units/pair-random-stream", test_pair_random);
	g_test_add_func("/replay/units/pair-random-many-pids", test_pair_random_pids);
	g_test_add_func("/replay/units/duration-histogram", test_durhist);
	return g_test_run();
}
