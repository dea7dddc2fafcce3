// SPDX-License-Identifier: MIT
/*
 * test_sweep_keys.c - point keys: stable for the same inputs whatever the sweep file looks
 * like, different as soon as any input that decides the result differs (trace bytes, profile
 * file, any cost, any parameter, the version); and scale.COST factors.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_sweep.h"
#include "dstest.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void key_of(const char *sha, const char *digest, const struct ds_profile *prof,
		   const struct ds_params *p, const char *version, char *out)
{
	ds_sweep_key(sha, digest, prof, p, version, out);
	g_assert_cmpuint(strlen(out), ==, DS_SWEEP_KEY_LEN);
	for (const char *c = out; *c; c++)
		g_assert_true(g_ascii_isxdigit(*c) && !g_ascii_isupper(*c));
}

static void test_stable(void)
{
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p, q;
	char k1[DS_SWEEP_KEY_LEN + 1], k2[DS_SWEEP_KEY_LEN + 1];

	ds_params_init(&p);
	ds_params_init(&q);
	key_of(SHA_A, SHA_B, prof, &p, "1.0", k1);
	key_of(SHA_A, SHA_B, prof, &q, "1.0", k2);
	g_assert_cmpstr(k1, ==, k2);
	/* setting a parameter to its default value is the same run */
	g_assert_true(ds_params_set(&q, "pool_pages", "auto", NULL));
	g_assert_true(ds_params_set(&q, "policy", "v3", NULL));
	key_of(SHA_A, SHA_B, prof, &q, "1.0", k2);
	g_assert_cmpstr(k1, ==, k2);
	ds_profile_free(prof);
}

static void test_sensitive_inputs(void)
{
	struct ds_profile *prof = ds_profile_new_default();
	struct ds_params p;
	char base[DS_SWEEP_KEY_LEN + 1], k[DS_SWEEP_KEY_LEN + 1];

	ds_params_init(&p);
	key_of(SHA_A, SHA_A, prof, &p, "1.0", base);
	key_of(SHA_B, SHA_A, prof, &p, "1.0", k);
	g_assert_cmpstr(base, !=, k);		/* trace content */
	key_of(SHA_A, SHA_B, prof, &p, "1.0", k);
	g_assert_cmpstr(base, !=, k);		/* profile file content */
	key_of(SHA_A, SHA_A, prof, &p, "1.1", k);
	g_assert_cmpstr(base, !=, k);		/* tool version */
	ds_profile_free(prof);
}

/* Each parameter, set to a value other than its default, changes the key. */
static void test_sensitive_params(void)
{
	static const struct { const char *name, *value; } changes[] = {
		{ "policy", "sync" }, { "cpus", "4" }, { "pool_pages", "65" }, { "seed", "2" },
		{ "cost_source", "profile" }, { "page_size", "16384" },
		{ "percpu_pages_from_pool", "true" }, { "push_semantics", "lazy" },
		{ "retry_swap_on_full", "false" }, { "drain_order", "lifo" },
		{ "drainers_per_pool", "2" }, { "max_pages_per_run", "8" },
		{ "idle_flush_ns", "1ms" }, { "cpu_sharing", "fifo" },
		{ "busy_gap_ns", "2ms" }, { "check_invariants", "true" },
		{ "timeseries_ns", "1000" },
	};
	struct ds_profile *prof = ds_profile_new_default();
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct ds_params p;
	char k[DS_SWEEP_KEY_LEN + 1];

	ds_params_init(&p);
	key_of(SHA_A, SHA_A, prof, &p, "1.0", k);
	g_hash_table_add(seen, g_strdup(k));
	for (size_t i = 0; i < G_N_ELEMENTS(changes); i++) {
		GError *error = NULL;

		ds_params_init(&p);
		g_assert_true(ds_params_set(&p, changes[i].name, changes[i].value, &error));
		g_assert_no_error(error);
		key_of(SHA_A, SHA_A, prof, &p, "1.0", k);
		if (!g_hash_table_add(seen, g_strdup(k)))
			g_error("%s=%s does not change the key", changes[i].name, changes[i].value);
	}
	ds_profile_free(prof);
}

/* Each scalable cost, doubled, changes the key; a factor of 1 does not. */
static void test_sensitive_costs(void)
{
	const char *const *names = ds_scale_names();
	struct ds_profile *prof = ds_profile_new_default();
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct ds_params p;
	char base[DS_SWEEP_KEY_LEN + 1], k[DS_SWEEP_KEY_LEN + 1];

	ds_params_init(&p);
	key_of(SHA_A, SHA_A, prof, &p, "1.0", base);
	g_hash_table_add(seen, g_strdup(base));
	for (guint i = 0; names[i]; i++) {
		struct ds_profile *s = ds_sweep_profile_dup(prof);

		g_assert_true(ds_scale_cost(s, names[i], 1.0, NULL));
		key_of(SHA_A, SHA_A, s, &p, "1.0", k);
		g_assert_cmpstr(k, ==, base);
		g_assert_true(ds_scale_cost(s, names[i], 2.0, NULL));
		key_of(SHA_A, SHA_A, s, &p, "1.0", k);
		/* "sync_free" = both backends: differs from "sync_free_zram" alone, etc. */
		if (!g_hash_table_add(seen, g_strdup(k)))
			g_error("scale.%s=2 gives a key seen before", names[i]);
		ds_profile_free(s);
	}
	ds_profile_free(prof);
}

static void test_scale_fields(void)
{
	struct ds_profile *p = ds_profile_new_default();
	struct ds_profile *s = ds_sweep_profile_dup(p);
	GError *error = NULL;

	g_assert_true(ds_scale_cost(s, "drain_entry", 3, NULL));
	g_assert_cmpuint(s->drain_entry_ns[DS_BE_ZRAM], ==, 3 * p->drain_entry_ns[DS_BE_ZRAM]);
	g_assert_cmpuint(s->drain_entry_ns[DS_BE_ZSWAP], ==, 3 * p->drain_entry_ns[DS_BE_ZSWAP]);
	g_assert_true(ds_scale_cost(s, "sync_free_zswap", 2, NULL));
	g_assert_cmpuint(s->sync_free_ns[DS_BE_ZSWAP], ==, 2 * p->sync_free_ns[DS_BE_ZSWAP]);
	g_assert_cmpuint(s->sync_free_ns[DS_BE_ZRAM], ==, p->sync_free_ns[DS_BE_ZRAM]);
	g_assert_true(ds_scale_cost(s, "wake_latency", 0, NULL));
	g_assert_cmpuint(s->wake_latency_ns, ==, 0);
	/* rounding to the nearest ns: push 5 ns * 0.5 = 2.5 -> 3 (half away from zero) */
	s->push_ns = 5;
	g_assert_true(ds_scale_cost(s, "push", 0.5, NULL));
	g_assert_cmpuint(s->push_ns, ==, 3);
	/* untouched costs stay */
	g_assert_cmpuint(s->swap_ns, ==, p->swap_ns);
	g_assert_cmpuint(s->zs_free_ns, ==, p->zs_free_ns);
	g_assert_cmpstr(s->name, ==, p->name);
	g_assert_false(ds_scale_cost(s, "nope", 2, &error));
	g_assert_error(error, DS_ERROR, DS_ERROR_PARAM);
	g_assert_nonnull(strstr(error->message, "scale.nope"));
	g_clear_error(&error);
	g_assert_false(ds_scale_cost(s, "push", -1, &error));
	g_clear_error(&error);
	ds_profile_free(s);
	ds_profile_free(p);
}

static void put(const struct dstest_tmp *t, const char *name, const char *text)
{
	g_free(dstest_write(t->dir, name, text));
}

static GPtrArray *plan(const struct dstest_tmp *t, const char *name)
{
	g_autofree char *path = g_build_filename(t->dir, name, NULL);
	GError *error = NULL;
	struct ds_sweep *sw = ds_sweep_load(path, &error);
	GPtrArray *pts;

	g_assert_no_error(error);
	pts = ds_sweep_plan(sw, NULL, &error);
	g_assert_no_error(error);
	/* points borrow the sweep's strings: keep it alive with them */
	g_ptr_array_set_free_func(pts, NULL);
	g_ptr_array_add(pts, sw);
	return pts;
}

static void plan_free(GPtrArray *pts)
{
	for (guint i = 0; i + 1 < pts->len; i++)
		ds_sweep_point_free(pts->pdata[i]);
	ds_sweep_free(pts->pdata[pts->len - 1]);
	g_ptr_array_free(pts, TRUE);
}

static const struct ds_sweep_point *find(GPtrArray *pts, const char *policy, int64_t pool)
{
	for (guint i = 0; i + 1 < pts->len; i++) {
		const struct ds_sweep_point *pt = pts->pdata[i];

		if (!strcmp(pt->params.policy, policy) && pt->params.pool_pages == pool)
			return pt;
	}
	g_error("no point %s/%" G_GINT64_FORMAT, policy, pool);
	return NULL;
}

/* Key order in the file, other axes, the point's index: none of them changes a key. */
static void test_file_shape(struct dstest_tmp *t, gconstpointer data)
{
	GPtrArray *a, *b;

	(void)data;
	put(t, "t.dat", "trace bytes");
	put(t, "a.ini", "[sweep]\ntrace = t.dat\npolicy = sync, v3\npool_pages = 8, 16\n");
	put(t, "b.ini", "[sweep]\npool_pages = 32, 16, 4, 8\ntrace = t.dat\npolicy = v3\n");
	a = plan(t, "a.ini");
	b = plan(t, "b.ini");
	g_assert_cmpstr(find(a, "v3", 8)->key, ==, find(b, "v3", 8)->key);
	g_assert_cmpstr(find(a, "v3", 16)->key, ==, find(b, "v3", 16)->key);
	g_assert_cmpuint(find(a, "v3", 8)->index, !=, find(b, "v3", 8)->index);
	g_assert_cmpstr(find(a, "v3", 8)->key, !=, find(a, "sync", 8)->key);
	plan_free(a);
	plan_free(b);
}

#define PROFILE_INI \
	"[profile]\nname = hand\n# %s\n[costs]\npush_ns = 10\nswap_ns = 100\nqueue_work_ns = 50\n" \
	"lock_ns = 5\nwake_latency_ns = %d\ndrain_page_ns = 20\ndrain_entry_zram_ns = 100\n" \
	"drain_entry_zswap_ns = 200\nsync_free_zram_ns = 300\nsync_free_zswap_ns = 400\n" \
	"zs_free_ns = 250\n"

/* The trace's bytes and the profile file's content are part of the key. */
static void test_file_contents(struct dstest_tmp *t, gconstpointer data)
{
	g_autofree char *k0 = NULL, *k1 = NULL, *k2 = NULL, *k3 = NULL;
	g_autofree char *p0 = g_strdup_printf(PROFILE_INI, "first", 1000);
	g_autofree char *p1 = g_strdup_printf(PROFILE_INI, "edited comment", 1000);
	g_autofree char *p2 = g_strdup_printf(PROFILE_INI, "edited comment", 2000);
	GPtrArray *pts;

	(void)data;
	put(t, "t.dat", "trace bytes");
	put(t, "s.ini", "[sweep]\ntrace = t.dat\nprofile = hand.ini\n");
	put(t, "hand.ini", p0);
	pts = plan(t, "s.ini");
	k0 = g_strdup(((struct ds_sweep_point *)pts->pdata[0])->key);
	plan_free(pts);
	put(t, "hand.ini", p1);
	pts = plan(t, "s.ini");
	k1 = g_strdup(((struct ds_sweep_point *)pts->pdata[0])->key);
	plan_free(pts);
	put(t, "hand.ini", p2);
	pts = plan(t, "s.ini");
	k2 = g_strdup(((struct ds_sweep_point *)pts->pdata[0])->key);
	g_assert_cmpuint(((struct ds_sweep_point *)pts->pdata[0])->profile->wake_latency_ns, ==, 2000);
	plan_free(pts);
	put(t, "t.dat", "trace bytes, changed");
	pts = plan(t, "s.ini");
	k3 = g_strdup(((struct ds_sweep_point *)pts->pdata[0])->key);
	plan_free(pts);
	g_assert_cmpstr(k0, !=, k1);
	g_assert_cmpstr(k1, !=, k2);
	g_assert_cmpstr(k2, !=, k3);
	g_assert_cmpstr(k0, !=, k3);
	/* and back to the first inputs: the first key again */
	put(t, "t.dat", "trace bytes");
	put(t, "hand.ini", p0);
	pts = plan(t, "s.ini");
	g_assert_cmpstr(((struct ds_sweep_point *)pts->pdata[0])->key, ==, k0);
	plan_free(pts);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sweep/key/stable", test_stable);
	g_test_add_func("/sweep/key/inputs", test_sensitive_inputs);
	g_test_add_func("/sweep/key/params", test_sensitive_params);
	g_test_add_func("/sweep/key/costs", test_sensitive_costs);
	g_test_add_func("/sweep/scale/fields", test_scale_fields);
	dstest_add_tmp("/sweep/key/file-shape", test_file_shape);
	dstest_add_tmp("/sweep/key/file-contents", test_file_contents);
	return g_test_run();
}
