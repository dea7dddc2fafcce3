// SPDX-License-Identifier: MIT
/*
 * test_params.c - run parameters, hardware profiles and the histogram.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ds_sim.h"
#include "dstest.h"

static void assert_refused(const char *name, const char *value, const char *needle)
{
	struct ds_params p;
	GError *error = NULL;

	ds_params_init(&p);
	g_assert_false(ds_params_set(&p, name, value, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	/* the message names the parameter and the value refused */
	g_assert_nonnull(strstr(error->message, name));
	if (*value)
		g_assert_nonnull(strstr(error->message, value));
	if (needle)
		g_assert_nonnull(strstr(error->message, needle));
	g_clear_error(&error);
}

static void test_defaults(void)
{
	struct ds_params p;

	ds_params_init(&p);
	g_assert_cmpstr(p.policy, ==, "v3");
	g_assert_cmpint(p.pool_pages, ==, DS_POOL_AUTO);	/* 256 KiB / PAGE_SIZE [S] */
	g_assert_cmpuint(p.cpus, ==, 0);
	g_assert_false(p.percpu_pages_from_pool);
	g_assert_cmpint(p.push_semantics, ==, DS_PUSH_EAGER);
	g_assert_true(p.retry_swap_on_full);
	g_assert_cmpint(p.drain_order, ==, DS_DRAIN_FIFO);
	g_assert_cmpuint(p.drainers_per_pool, ==, 1);
	g_assert_cmpuint(p.max_pages_per_run, ==, 0);
	g_assert_cmpuint(p.idle_flush_ns, ==, 0);
	g_assert_cmpint(p.cpu_sharing, ==, DS_SHARE_FAIR);
	g_assert_cmpint(p.worker_placement, ==, DS_PLACE_IDLE_OTHER);
	g_assert_cmpfloat(p.think_scale, ==, 1.0);
	g_assert_cmpint(p.lock_contention, ==, DS_LOCKS_AUTO);
	g_assert_cmpint(p.pool_pages, ==, DS_POOL_AUTO);
	g_assert_cmpuint(p.record_sync_ns[DS_BE_ZRAM], ==, 0);
	g_assert_cmpuint(p.record_sync_ns[DS_BE_ZSWAP], ==, 0);
	g_assert_cmpuint(p.probe_overhead_ns, ==, DS_NS_AUTO);
	g_assert_cmpuint(p.probe_gap_ns, ==, DS_NS_AUTO);
	g_assert_cmpuint(p.busy_gap_ns, ==, 1000000);
	g_assert_true(ds_params_validate(&p, NULL));
}

static void test_set(void)
{
	struct ds_params p;

	ds_params_init(&p);
	g_assert_true(ds_params_set(&p, "policy", "sync", NULL));
	g_assert_cmpstr(p.policy, ==, "sync");
	g_assert_true(ds_params_set(&p, "cpus", "8", NULL));
	g_assert_cmpuint(p.cpus, ==, 8);
	g_assert_true(ds_params_set(&p, "cpus", "recorded", NULL));
	g_assert_cmpuint(p.cpus, ==, 0);
	g_assert_true(ds_params_set(&p, "pool_pages", "0", NULL));
	g_assert_cmpint(p.pool_pages, ==, 0);
	g_assert_true(ds_params_set(&p, "seed", "18446744073709551615", NULL));
	g_assert_cmpuint(p.seed, ==, G_MAXUINT64);
	g_assert_true(ds_params_set(&p, "cost_source", "profile", NULL));
	g_assert_cmpint(p.cost_source, ==, DS_COST_PROFILE);
	g_assert_true(ds_params_set(&p, "push_semantics", "lazy", NULL));
	g_assert_cmpint(p.push_semantics, ==, DS_PUSH_LAZY);
	g_assert_true(ds_params_set(&p, "retry_swap_on_full", "false", NULL));
	g_assert_false(p.retry_swap_on_full);
	g_assert_true(ds_params_set(&p, "percpu_pages_from_pool", "yes", NULL));
	g_assert_true(p.percpu_pages_from_pool);
	g_assert_true(ds_params_set(&p, "drain_order", "lifo", NULL));
	g_assert_true(ds_params_set(&p, "drainers_per_pool", "3", NULL));
	g_assert_cmpuint(p.drainers_per_pool, ==, 3);
	g_assert_true(ds_params_set(&p, "max_pages_per_run", "unbounded", NULL));
	g_assert_cmpuint(p.max_pages_per_run, ==, 0);
	g_assert_true(ds_params_set(&p, "max_pages_per_run", "32", NULL));
	g_assert_cmpuint(p.max_pages_per_run, ==, 32);
	g_assert_true(ds_params_set(&p, "idle_flush_ns", "2ms", NULL));
	g_assert_cmpuint(p.idle_flush_ns, ==, 2000000);
	g_assert_true(ds_params_set(&p, "idle_flush_ns", "off", NULL));
	g_assert_cmpuint(p.idle_flush_ns, ==, 0);
	g_assert_true(ds_params_set(&p, "busy_gap_ns", "250us", NULL));
	g_assert_cmpuint(p.busy_gap_ns, ==, 250000);
	g_assert_true(ds_params_set(&p, "timeseries_ns", "1s", NULL));
	g_assert_cmpuint(p.timeseries_ns, ==, 1000000000);
	g_assert_true(ds_params_set(&p, "cpu_sharing", "fifo", NULL));
	g_assert_cmpint(p.cpu_sharing, ==, DS_SHARE_FIFO);
	g_assert_true(ds_params_set(&p, "worker_placement", "producer", NULL));
	g_assert_cmpint(p.worker_placement, ==, DS_PLACE_PRODUCER);
	g_assert_true(ds_params_set(&p, "think_scale", "auto", NULL));
	g_assert_cmpfloat(p.think_scale, ==, 0);
	g_assert_true(ds_params_set(&p, "think_scale", "2.5", NULL));
	g_assert_cmpfloat(p.think_scale, ==, 2.5);
	g_assert_true(ds_params_set(&p, "record_sync_zswap_ns", "3us", NULL));
	g_assert_cmpuint(p.record_sync_ns[DS_BE_ZSWAP], ==, 3000);
	g_assert_true(ds_params_set(&p, "record_sync_zswap_ns", "auto", NULL));
	g_assert_cmpuint(p.record_sync_ns[DS_BE_ZSWAP], ==, 0);
	g_assert_true(ds_params_set(&p, "lock_contention", "off", NULL));
	g_assert_cmpint(p.lock_contention, ==, DS_LOCKS_OFF);
	g_assert_true(ds_params_set(&p, "pool_pages", "auto", NULL));
	g_assert_cmpint(p.pool_pages, ==, DS_POOL_AUTO);
	g_assert_true(ds_params_set(&p, "page_size", "16384", NULL));
	g_assert_cmpuint(p.page_size, ==, 16384);
	g_assert_true(ds_params_set(&p, "check_invariants", "on", NULL));
	g_assert_true(p.check_invariants);
	g_assert_true(ds_params_set(&p, "stale_policy", "noop", NULL));
	g_assert_true(ds_params_validate(&p, NULL));
}

static void test_refused(void)
{
	assert_refused("cpus", "0", "recorded");
	assert_refused("cpus", "-2", NULL);
	assert_refused("cpus", "4x", NULL);
	assert_refused("pool_pages", "-1", "negative");
	assert_refused("pool_pages", "many", NULL);
	assert_refused("pool_pages", "64 ", NULL);
	assert_refused("policy", "v9", "sync, v2, v3, zsonly");
	assert_refused("think_scale", "0", "(0, 1000]");
	assert_refused("think_scale", "-1", NULL);
	assert_refused("think_scale", "nan", NULL);
	assert_refused("think_scale", "0.5x", NULL);
	assert_refused("cpu_sharing", "rr", "fair, fifo");
	assert_refused("lock_contention", "maybe", "auto, on, off");
	assert_refused("record_sync_zram_ns", "2000000000000000", "10^15");
	assert_refused("seed", "", NULL);
	assert_refused("seed", "+3", NULL);
	assert_refused("seed", "12abc", NULL);
	assert_refused("idle_flush_ns", "5 ms", NULL);
	assert_refused("idle_flush_ns", "5h", NULL);
	assert_refused("push_semantics", "sometimes", "eager, lazy");
	assert_refused("drainers_per_pool", "0", NULL);
	assert_refused("page_size", "1000", NULL);
	assert_refused("page_size", "4", NULL);
	assert_refused("check_invariants", "maybe", NULL);
	assert_refused("cost_source", "guess", "trace, profile");
}

static void test_unknown_name(void)
{
	struct ds_params p;
	GError *error = NULL;

	ds_params_init(&p);
	g_assert_false(ds_params_set(&p, "pool_size", "3", &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "pool_size"));
	g_assert_nonnull(strstr(error->message, "pool_pages"));	/* lists the known ones */
	g_clear_error(&error);
}

static void test_validate(void)
{
	struct ds_params p;
	GError *error = NULL;

	ds_params_init(&p);
	p.pool_pages = -5;
	g_assert_false(ds_params_validate(&p, &error));
	g_assert_nonnull(strstr(error->message, "pool_pages"));
	g_clear_error(&error);
	ds_params_init(&p);
	p.think_scale = -2.0;
	g_assert_false(ds_params_validate(&p, &error));
	g_assert_nonnull(strstr(error->message, "think_scale"));
	g_clear_error(&error);
	ds_params_init(&p);
	p.drainers_per_pool = 0;
	g_assert_false(ds_params_validate(&p, &error));
	g_clear_error(&error);
	ds_params_init(&p);
	p.policy = NULL;
	g_assert_false(ds_params_validate(&p, &error));
	g_clear_error(&error);
}

struct seen {
	GHashTable *values;
	GHashTable *inferred;
};

static void collect(const char *name, const char *value, bool inferred, void *data)
{
	struct seen *s = data;

	g_hash_table_insert(s->values, g_strdup(name), g_strdup(value));
	if (inferred)
		g_hash_table_add(s->inferred, g_strdup(name));
}

/* Every parameter is listed, round-trips through ds_params_set, and the spec's [I] ones
 * (§2, §3) are exactly those marked inferred. */
static void test_foreach(void)
{
	static const char *const spec_inferred[] = {
		"percpu_pages_from_pool", "push_semantics", "retry_swap_on_full", "drain_order",
		"drainers_per_pool", "max_pages_per_run", "idle_flush_ns", "stale_policy",
		"v2_drain_holds_lock", "cpu_sharing", "worker_placement", "think_scale",
	};
	struct seen s = {
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	};
	struct ds_params p, q;
	GHashTableIter it;
	gpointer k, v;

	ds_params_init(&p);
	p.cpus = 3;
	p.idle_flush_ns = 777;
	p.think_scale = 0.25;
	ds_params_foreach(&p, collect, &s);
	g_assert_cmpuint(g_hash_table_size(s.inferred), ==, G_N_ELEMENTS(spec_inferred));
	for (size_t i = 0; i < G_N_ELEMENTS(spec_inferred); i++)
		g_assert_true(g_hash_table_contains(s.inferred, spec_inferred[i]));
	g_assert_cmpstr(g_hash_table_lookup(s.values, "cpus"), ==, "3");
	g_assert_cmpstr(g_hash_table_lookup(s.values, "idle_flush_ns"), ==, "777");
	g_assert_cmpstr(g_hash_table_lookup(s.values, "max_pages_per_run"), ==, "unbounded");
	g_assert_cmpuint(g_hash_table_size(s.values), ==, 30);	/* 25 + v2 (3), zsonly (2) */
	ds_params_init(&q);
	g_hash_table_iter_init(&it, s.values);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_assert_true(ds_params_set(&q, k, v, NULL));
	g_assert_cmpuint(q.cpus, ==, 3);
	g_assert_cmpuint(q.idle_flush_ns, ==, 777);
	g_assert_cmpfloat(q.think_scale, ==, 0.25);
	g_hash_table_destroy(s.values);
	g_hash_table_destroy(s.inferred);
}

/* profiles */

static const char good_costs[] =
	"[costs]\npush_ns=1\nswap_ns=2\nqueue_work_ns=3\nlock_ns=4\nwake_latency_ns=5\n"
	"drain_page_ns=6\ndrain_entry_zram_ns=7\ndrain_entry_zswap_ns=8\nsync_free_zram_ns=9\n"
	"sync_free_zswap_ns=10\nzs_free_ns=11\n";

static void test_profile_file(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *text = g_strconcat("[profile]\nname=t\ncpus=2\npage_size=16384\n",
					    good_costs, "wake_dist=exp\n", NULL);
	g_autofree char *path = dstest_write(dir, "t.ini", text);
	GError *error = NULL;
	struct ds_profile *p = ds_profile_load(path, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(p->name, ==, "t");
	g_assert_cmpstr(p->path, ==, path);
	g_assert_cmpuint(p->cpus, ==, 2);
	g_assert_cmpuint(p->page_size, ==, 16384);
	g_assert_cmpuint(p->push_ns, ==, 1);
	g_assert_cmpuint(p->lock_ns, ==, 4);
	g_assert_cmpuint(p->drain_entry_ns[DS_BE_ZSWAP], ==, 8);
	g_assert_cmpuint(p->sync_free_ns[DS_BE_ZRAM], ==, 9);
	g_assert_cmpuint(p->zs_free_ns, ==, 11);
	g_assert_cmpint(p->wake_dist, ==, DS_DIST_EXP);
	ds_profile_free(p);
	dstest_rm_rf(dir);
}

/* Each broken file is refused with file, group and key in the message. */
static void test_profile_errors(void)
{
	static const struct {
		const char *body;
		const char *group;
		const char *key;
	} cases[] = {
		{ "[profile]\nname=x\nspeed=3\n", "profile", "speed" },		/* unknown key */
		{ "[profile]\nname=x\n[costs]\npush_ns=-1\n", "costs", "push_ns" },	/* negative */
		{ "[profile]\nname=x\n[costs]\npush_ns=fast\n", "costs", "push_ns" },	/* text */
		{ "[profile]\nname=x\n[costs]\npush_ns=12ns\n", "costs", "push_ns" },	/* garbage */
		{ "[profile]\nname=x\n[costs]\npush_ns=1\n", "costs", "swap_ns" },	/* missing */
		{ "[profile]\nname=x\n[costs]\nwake_dist=gauss\npush_ns=1\nswap_ns=2\n"
		  "queue_work_ns=3\nlock_ns=4\nwake_latency_ns=5\n", "costs", "wake_dist" },
		{ "[profile]\n[costs]\n", "profile", "name" },
	};
	g_autofree char *dir = dstest_tmp_dir();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = dstest_write(dir, "bad.ini", cases[i].body);
		GError *error = NULL;
		g_autofree char *grp = g_strdup_printf("[%s]", cases[i].group);

		g_assert_null(ds_profile_load(path, &error));
		g_assert_error(error, DS_ERROR, DS_ERROR_PROFILE);
		g_test_message("%s", error->message);
		g_assert_nonnull(strstr(error->message, path));
		g_assert_nonnull(strstr(error->message, grp));
		g_assert_nonnull(strstr(error->message, cases[i].key));
		g_clear_error(&error);
		g_unlink(path);
	}
	{
		g_autofree char *text = g_strconcat("[profile]\nname=x\n[extra]\na=1\n", good_costs,
						    NULL);
		g_autofree char *path = dstest_write(dir, "bad.ini", text);
		GError *error = NULL;

		g_assert_null(ds_profile_load(path, &error));
		g_assert_nonnull(strstr(error->message, "[extra]"));
		g_clear_error(&error);
		g_unlink(path);
	}
	{
		/* bounded before anything is allocated from them: a 2 GiB page, a 2^40 ns cost,
		 * a class-lock hold longer than zs_free itself */
		static const char *const bodies[][2] = {
			{ "[profile]\nname=x\npage_size=2147483648\n", "page_size" },
			{ "[profile]\nname=x\npage_size=4096\n", NULL },
		};
		g_autofree char *big = g_strconcat("[profile]\nname=x\n", good_costs, NULL);
		g_autofree char *cost = NULL, *hold = NULL;

		for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
			g_autofree char *text = g_strconcat(bodies[i][0], good_costs, NULL);
			g_autofree char *path = dstest_write(dir, "b.ini", text);
			GError *error = NULL;
			struct ds_profile *p = ds_profile_load(path, &error);

			if (bodies[i][1]) {
				g_assert_null(p);
				g_assert_nonnull(strstr(error->message, bodies[i][1]));
				g_clear_error(&error);
			} else {
				g_assert_no_error(error);
				ds_profile_free(p);
			}
			g_unlink(path);
		}
		cost = g_strconcat(big, "zs_class_hold_ns=1000000000\n", NULL);
		hold = dstest_write(dir, "h.ini", cost);
		{
			GError *error = NULL;

			g_assert_null(ds_profile_load(hold, &error));
			g_assert_nonnull(strstr(error->message, "zs_class_hold_ns"));
			g_clear_error(&error);
		}
		g_unlink(hold);
	}
	{
		GError *error = NULL;

		g_assert_null(ds_profile_load("no-such-profile", &error));
		g_assert_error(error, DS_ERROR, DS_ERROR_PROFILE);
		g_assert_nonnull(strstr(error->message, "no-such-profile"));
		g_clear_error(&error);
		g_assert_null(ds_profile_load("/nonexistent/x.ini", &error));
		g_assert_nonnull(strstr(error->message, "/nonexistent/x.ini"));
		g_clear_error(&error);
	}
	dstest_rm_rf(dir);
}

/*
 * The shipped profiles load by bare name and follow their documented derivation
 * (profiles/README.md): Pi 4B per-page munmap cost from the spec's §6 fit, slot_free >= 80%
 * of it, zs_free ~ 87% of slot_free; x86-desktop = that / 3 (stated assumption); the
 * built-in default equals x86-desktop.
 */
static void test_shipped_profiles(void)
{
	GError *error = NULL;
	struct ds_profile *pi = ds_profile_load("rpi4b", &error);
	struct ds_profile *x86, *def;
	/* §6: (114.4 - 15.0) ms / (512 - 64) MiB of 4 KiB pages */
	double per_page = (114.4e6 - 15.0e6) / ((512.0 - 64.0) * 256.0);

	g_assert_no_error(error);
	x86 = ds_profile_load("x86-desktop", &error);
	g_assert_no_error(error);
	def = ds_profile_new_default();

	g_assert_cmpstr(pi->name, ==, "rpi4b");
	g_assert_cmpuint(pi->cpus, ==, 4);
	g_assert_cmpuint(pi->page_size, ==, 4096);
	g_assert_cmpfloat(per_page, >, 866.0);
	g_assert_cmpfloat(per_page, <, 868.0);
	/* slot_free is > 80% of the per-page cost and below all of it */
	g_assert_cmpfloat((double)pi->sync_free_ns[DS_BE_ZRAM], >=, 0.8 * per_page);
	g_assert_cmpfloat((double)pi->sync_free_ns[DS_BE_ZRAM], <, per_page);
	g_assert_cmpfloat(fabs((double)pi->zs_free_ns -
			       0.87 * (double)(pi->sync_free_ns[DS_BE_ZRAM] - pi->lock_ns)), <, 5.0);
	g_assert_cmpuint(pi->drain_entry_ns[DS_BE_ZRAM], ==, pi->sync_free_ns[DS_BE_ZRAM]);
	g_assert_cmpfloat(fabs((double)x86->sync_free_ns[DS_BE_ZRAM] * 3.0 -
			       (double)pi->sync_free_ns[DS_BE_ZRAM]), <, 15.0);

	g_assert_cmpstr(def->name, ==, "builtin-default");
	g_assert_cmpuint(def->push_ns, ==, x86->push_ns);
	g_assert_cmpuint(def->swap_ns, ==, x86->swap_ns);
	g_assert_cmpuint(def->queue_work_ns, ==, x86->queue_work_ns);
	g_assert_cmpuint(def->lock_ns, ==, x86->lock_ns);
	g_assert_cmpuint(def->wake_latency_ns, ==, x86->wake_latency_ns);
	g_assert_cmpint(def->wake_dist, ==, x86->wake_dist);
	g_assert_cmpfloat(def->wake_sigma, ==, x86->wake_sigma);
	g_assert_cmpuint(def->drain_page_ns, ==, x86->drain_page_ns);
	for (unsigned int be = 0; be < DS_BE__COUNT; be++) {
		g_assert_cmpuint(def->drain_entry_ns[be], ==, x86->drain_entry_ns[be]);
		g_assert_cmpuint(def->sync_free_ns[be], ==, x86->sync_free_ns[be]);
	}
	g_assert_cmpuint(def->zs_free_ns, ==, x86->zs_free_ns);
	g_assert_cmpuint(def->object_bytes, ==, x86->object_bytes);
	g_assert_cmpuint(def->page_size, ==, x86->page_size);
	/* the built-in profile says where its values come from as the file does */
	for (size_t i = 0; i < DS_PROFILE_KEYS_MAX; i++)
		g_assert_cmpuint(def->origin[i], ==, x86->origin[i]);
	g_assert_cmpint(ds_profile_origin(pi, "push_ns"), ==, DS_ORIGIN_GUESSED);
	g_assert_cmpint(ds_profile_origin(pi, "zs_free_ns"), ==, DS_ORIGIN_DERIVED);
	g_assert_cmpint(ds_profile_origin(pi, "lock_handover_ns"), ==, DS_ORIGIN_FITTED);
	/* "[D]+[G]": only as good as its guessed part */
	g_assert_cmpint(ds_profile_origin(pi, "sync_free_zram_ns"), ==, DS_ORIGIN_GUESSED);
	/* wake_dist and wake_sigma have no comment: the [G] of wake_latency_ns above them */
	g_assert_cmpint(ds_profile_origin(pi, "wake_sigma"), ==, DS_ORIGIN_GUESSED);
	g_assert_cmpint(ds_profile_origin(x86, "zs_free_ns"), ==, DS_ORIGIN_SCALED);
	ds_profile_free(pi);
	ds_profile_free(x86);
	ds_profile_free(def);
}

/*
 * Origin tags: the weakest tag of a comment, inherited by keys without a comment, unstated
 * after an untagged comment; "[profile]"-like words are not tags.
 */
static void test_profile_origins(void)
{
	static const char text[] =
		"# [S] a group comment\n[profile]\nname=t\n# [G]\ncpus=2\npage_size=4096\n"
		"[costs]\n# [M] measured, see [profile] and [x]\npush_ns=1\nswap_ns=2\n"
		"# [D]+[G] a derived value plus a guessed lock\nqueue_work_ns=3\n"
		"# [base x86-desktop] kept\nlock_ns=4\nwake_latency_ns=5\n"
		"# [F] [C]\ndrain_page_ns=6\n# [A]\ndrain_entry_zram_ns=7\n"
		"drain_entry_zswap_ns=8\nsync_free_zram_ns=9\nsync_free_zswap_ns=10\n"
		"# [C]\nzs_free_ns=11\n";
	static const struct {
		const char *key;
		enum ds_origin origin;
	} want[] = {
		{ "name", DS_ORIGIN_UNSTATED }, { "cpus", DS_ORIGIN_GUESSED },
		{ "page_size", DS_ORIGIN_GUESSED }, { "push_ns", DS_ORIGIN_MEASURED },
		{ "swap_ns", DS_ORIGIN_MEASURED }, { "queue_work_ns", DS_ORIGIN_GUESSED },
		{ "lock_ns", DS_ORIGIN_UNSTATED }, { "wake_latency_ns", DS_ORIGIN_UNSTATED },
		{ "drain_page_ns", DS_ORIGIN_FITTED }, { "drain_entry_zram_ns", DS_ORIGIN_SCALED },
		{ "sync_free_zswap_ns", DS_ORIGIN_SCALED }, { "zs_free_ns", DS_ORIGIN_CALIBRATED },
		{ "object_bytes", DS_ORIGIN_UNSTATED }, { "no_such_key", DS_ORIGIN_UNSTATED },
	};
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_write(dir, "t.ini", text);
	GError *error = NULL;
	struct ds_profile *p = ds_profile_load(path, &error);
	enum ds_origin o = DS_ORIGIN_TRACE;

	g_assert_no_error(error);
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		g_test_message("%s", want[i].key);
		g_assert_cmpint(ds_profile_origin(p, want[i].key), ==, want[i].origin);
	}
	g_assert_true(ds_profile_set_origin(p, "push_ns", DS_ORIGIN_SET));
	g_assert_cmpint(ds_profile_origin(p, "push_ns"), ==, DS_ORIGIN_SET);
	g_assert_false(ds_profile_set_origin(p, "no_such_key", DS_ORIGIN_SET));
	g_assert_cmpstr(ds_origin_name(DS_ORIGIN_GUESSED), ==, "guessed");
	/* scaling keeps the origin, compounds the factor, rounds to the ns, refuses > 10^12 */
	g_assert_cmpfloat(ds_profile_scale_of(p, "swap_ns"), ==, 1.0);
	g_assert_true(ds_profile_scale_cost(p, "swap_ns", 2.5));
	g_assert_true(ds_profile_scale_cost(p, "swap_ns", 2.0));
	g_assert_cmpuint(p->swap_ns, ==, 10);	/* 2 * 2.5 = 5, * 2 = 10 */
	g_assert_cmpfloat(ds_profile_scale_of(p, "swap_ns"), ==, 5.0);
	g_assert_cmpint(ds_profile_origin(p, "swap_ns"), ==, DS_ORIGIN_MEASURED);
	g_assert_false(ds_profile_scale_cost(p, "swap_ns", 1e12));
	g_assert_cmpuint(p->swap_ns, ==, 10);
	g_assert_false(ds_profile_scale_cost(p, "cpus", 2.0));	/* not a cost */
	g_assert_false(ds_profile_scale_cost(p, "swap_ns", -1.0));
	g_assert_false(ds_origin_from_comment("no tag [GG] [g]", &o));
	g_assert_cmpint(o, ==, DS_ORIGIN_TRACE);
	ds_profile_free(p);
	dstest_rm_rf(dir);
}

/* histogram */

static void test_hist_exact_small(void)
{
	struct ds_hist h;

	ds_hist_init(&h);
	g_assert_cmpuint(ds_hist_quantile(&h, 0.5), ==, 0);
	for (uint64_t v = 1; v <= 100; v++)
		ds_hist_add(&h, v);
	g_assert_cmpuint(h.count, ==, 100);
	g_assert_cmpuint(h.min, ==, 1);
	g_assert_cmpuint(h.max, ==, 100);
	g_assert_cmpfloat(h.sum, ==, 5050.0);
	/* rank ceil(q * 100): exact below 256 */
	g_assert_cmpuint(ds_hist_quantile(&h, 0.5), ==, 50);
	g_assert_cmpuint(ds_hist_quantile(&h, 0.99), ==, 99);
	g_assert_cmpuint(ds_hist_quantile(&h, 0.001), ==, 1);
	g_assert_cmpuint(ds_hist_quantile(&h, 0.0), ==, 1);
	g_assert_cmpuint(ds_hist_quantile(&h, 1.0), ==, 100);
	ds_hist_clear(&h);
}

/*
 * ds_hist_add_pairs() counts values in two histograms (drained values' latencies: pool.c).
 * @a starts with 7 in it, @b empty; then 300, 5, 70000 into both (min 5 is not the first:
 * the batch's min and max are merged with what @a held):
 * a: count 4, min 5, max 70000, sum 7 + 300 + 5 + 70000 = 70312; b: count 3, min 5, sum
 * 70305.  Buckets: 5 and 7 exact; 300 has top bit 8: bucket 256 + (300 >> 1 & 127) = 278;
 * 70000 has top bit 16: bucket 256 + 8 * 128 + (70000 >> 9 & 127) = 1280 + 8 = 1288.
 * b's median (rank 2 of 5, 300, 70000) is 300's bucket [300, 301]: midpoint 300.
 */
static void test_hist_pair(void)
{
	struct ds_hist a, b;
	static const uint64_t vals[] = { 300, 5, 70000 };

	ds_hist_init(&a);
	ds_hist_init(&b);
	ds_hist_add(&a, 7);
	ds_hist_add_pairs(&a, &b, vals, 0);	/* nothing: b stays empty */
	g_assert_cmpuint(b.count, ==, 0);
	ds_hist_add_pairs(&a, &b, vals, G_N_ELEMENTS(vals));
	g_assert_cmpuint(a.count, ==, 4);
	g_assert_cmpuint(a.min, ==, 5);
	g_assert_cmpuint(a.max, ==, 70000);
	g_assert_cmpfloat(a.sum, ==, 70312.0);
	g_assert_cmpuint(b.count, ==, 3);
	g_assert_cmpuint(b.min, ==, 5);
	g_assert_cmpuint(b.max, ==, 70000);
	g_assert_cmpfloat(b.sum, ==, 70305.0);
	g_assert_cmpuint(a.buckets[5], ==, 1);
	g_assert_cmpuint(a.buckets[7], ==, 1);
	g_assert_cmpuint(b.buckets[7], ==, 0);
	g_assert_cmpuint(a.buckets[278], ==, 1);
	g_assert_cmpuint(b.buckets[278], ==, 1);
	g_assert_cmpuint(a.buckets[1288], ==, 1);
	g_assert_cmpuint(b.buckets[1288], ==, 1);
	g_assert_cmpuint(ds_hist_quantile(&b, 0.5), ==, 300);
	/* a second batch inside both ranges: min and max stay, counts and sums go on */
	ds_hist_add_pairs(&a, &b, (const uint64_t[]){ 6, 6 }, 2);
	g_assert_cmpuint(a.count, ==, 6);
	g_assert_cmpuint(a.min, ==, 5);
	g_assert_cmpuint(a.max, ==, 70000);
	g_assert_cmpfloat(a.sum, ==, 70324.0);
	g_assert_cmpuint(b.count, ==, 5);
	g_assert_cmpuint(b.min, ==, 5);
	g_assert_cmpfloat(b.sum, ==, 70317.0);
	g_assert_cmpuint(b.buckets[6], ==, 2);
	ds_hist_clear(&a);
	ds_hist_clear(&b);
}

/*
 * The top of the range (hist.c: the bucket without a branch, the pairs' sums with a signed
 * conversion redone for a value >= 2^63).  2^63 + 2048 is a double exactly (doubles near 2^63
 * are 2048 apart), and adding 1.0 to it rounds back to it: both sums are 2^63 + 2048.  Its top
 * bit is 63: bucket 256 + (63 - 8) * 128 + ((v >> 56) & 127) = 7296; UINT64_MAX's is 256 + 55 *
 * 128 + 127 = 7423, the last one; 1 is bucket 1.
 */
static void test_hist_top(void)
{
	struct ds_hist a, b;
	const uint64_t big = (1ull << 63) + 2048;
	const uint64_t vals[] = { big, 1 };
	const double want = ldexp(1.0, 63) + 2048.0;

	ds_hist_init(&a);
	ds_hist_init(&b);
	ds_hist_add_pairs(&a, &b, vals, G_N_ELEMENTS(vals));
	g_assert_cmpfloat(a.sum, ==, want);
	g_assert_cmpfloat(b.sum, ==, want);
	g_assert_cmpuint(a.min, ==, 1);
	g_assert_cmpuint(a.max, ==, big);
	g_assert_cmpuint(a.buckets[7296], ==, 1);
	g_assert_cmpuint(b.buckets[1], ==, 1);
	ds_hist_add(&a, UINT64_MAX);
	g_assert_cmpuint(a.buckets[DS_HIST_BUCKETS - 1], ==, 1);
	g_assert_cmpuint(ds_hist_quantile(&a, 1.0), ==, UINT64_MAX);
	ds_hist_clear(&a);
	ds_hist_clear(&b);
}

static gint u64_cmp(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Quantiles of wide-ranging values are within 0.8% of the exact order statistic. */
static void test_hist_relative_error(void)
{
	GRand *rng = g_rand_new_with_seed(17);
	GArray *vals = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	static const double qs[] = { 0.01, 0.1, 0.5, 0.9, 0.99, 0.999 };
	struct ds_hist h;

	ds_hist_init(&h);
	for (int i = 0; i < 20000; i++) {
		uint64_t v = (uint64_t)exp(g_rand_double_range(rng, 0.0, 40.0));

		g_array_append_val(vals, v);
		ds_hist_add(&h, v);
	}
	ds_hist_add(&h, G_MAXUINT64);	/* the top bucket exists */
	g_array_append_val(vals, (uint64_t){ G_MAXUINT64 });
	g_array_sort(vals, u64_cmp);
	for (size_t i = 0; i < G_N_ELEMENTS(qs); i++) {
		double rank = ceil(qs[i] * (double)vals->len);
		uint64_t exact = g_array_index(vals, uint64_t, (guint)rank - 1);
		uint64_t got = ds_hist_quantile(&h, qs[i]);
		double err = fabs((double)got - (double)exact) / (double)MAX(exact, 1);

		g_assert_cmpfloat(err, <, 0.008);
	}
	g_assert_cmpuint(ds_hist_quantile(&h, 1.0), ==, G_MAXUINT64);
	ds_hist_clear(&h);
	g_array_free(vals, TRUE);
	g_rand_free(rng);
}

/*
 * ds_hist_quantiles() answers what ds_hist_quantile() answers, q by q: 0..100 percentiles
 * ascending (the reports' walk), and an unordered list (the walk restarts), on an empty
 * histogram, one value, small exact values, and wide-ranging ones with ties.
 */
static void test_hist_quantiles(void)
{
	GRand *rng = g_rand_new_with_seed(5);
	static const double mixed[] = { 0.9, 0.1, 0.5, 0.5, 1.0, 0.0, 0.999, 0.001, -1, 2 };
	double pct[101];
	uint64_t got[101];

	for (int q = 0; q <= 100; q++)
		pct[q] = q / 100.0;
	for (int shape = 0; shape < 5; shape++) {
		struct ds_hist h;
		int n = shape == 0 ? 0 : shape == 1 ? 1 : shape == 2 ? 300 : 20000;

		ds_hist_init(&h);
		for (int i = 0; i < n; i++) {
			uint64_t v = shape == 2 ? (uint64_t)g_rand_int_range(rng, 0, 200) :
				     shape == 4 ? (uint64_t)g_rand_int_range(rng, 0, 4) * 1000003 :
				     (uint64_t)exp(g_rand_double_range(rng, 0, 40));
			ds_hist_add(&h, v);
		}
		ds_hist_quantiles(&h, pct, G_N_ELEMENTS(pct), got);
		for (size_t i = 0; i < G_N_ELEMENTS(pct); i++)
			g_assert_cmpuint(got[i], ==, ds_hist_quantile(&h, pct[i]));
		ds_hist_quantiles(&h, mixed, G_N_ELEMENTS(mixed), got);
		for (size_t i = 0; i < G_N_ELEMENTS(mixed); i++)
			g_assert_cmpuint(got[i], ==, ds_hist_quantile(&h, mixed[i]));
		ds_hist_clear(&h);
	}
	g_rand_free(rng);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sim/params/defaults", test_defaults);
	g_test_add_func("/sim/params/set", test_set);
	g_test_add_func("/sim/params/refused", test_refused);
	g_test_add_func("/sim/params/unknown-name", test_unknown_name);
	g_test_add_func("/sim/params/validate", test_validate);
	g_test_add_func("/sim/params/foreach", test_foreach);
	g_test_add_func("/sim/profile/file", test_profile_file);
	g_test_add_func("/sim/profile/errors", test_profile_errors);
	g_test_add_func("/sim/profile/shipped", test_shipped_profiles);
	g_test_add_func("/sim/profile/origins", test_profile_origins);
	g_test_add_func("/sim/hist/exact-small", test_hist_exact_small);
	g_test_add_func("/sim/hist/relative-error", test_hist_relative_error);
	g_test_add_func("/sim/hist/quantiles-one-pass", test_hist_quantiles);
	g_test_add_func("/sim/hist/pair", test_hist_pair);
	g_test_add_func("/sim/hist/top", test_hist_top);
	return g_test_run();
}
