// SPDX-License-Identifier: MIT
/*
 * test_record_plan.c - which kprobes `defersim record` picks for a kernel, from kallsyms.
 *
 * Fixtures: kallsyms-6.1.txt and kallsyms-6.12.txt are hand-made excerpts with the shape
 * of the real kernels (6.1: zswap_frontswap_invalidate_page, zram's write path inlined;
 * 6.12: zswap_invalidate, zram_write_page); kallsyms-nozram.txt has zram_slot_free_notify
 * only as a data symbol.  The expected kprobe lines are copied from the table in
 * traces/FORMAT.md, not from the program's output.
 */
#include <string.h>

#include <glib.h>

#include "record.h"

static GHashTable *load(const char *name)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, name, NULL);
	g_autoptr(GError) error = NULL;
	GHashTable *syms = ds_kallsyms_load(path, &error);

	g_assert_no_error(error);
	g_assert_nonnull(syms);
	return syms;
}

/* the plan's probes as kprobe_events lines, one string joined with '\n' */
static char *lines(const struct ds_rec_plan *plan)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < plan->probes->len; i++) {
		g_autofree char *def = ds_probe_format(&g_array_index(plan->probes, struct ds_probe, i));

		g_string_append_printf(s, "%s%s", i ? "\n" : "", def);
	}
	return g_string_free(s, FALSE);
}

static void check_plan_arch(const char *fixture, unsigned int target, gboolean graph,
			    enum ds_rec_arch arch, const char *expect, const char *expect_graph)
{
	g_autoptr(GHashTable) syms = load(fixture);
	g_autoptr(GError) error = NULL;
	struct ds_rec_plan *plan = ds_rec_plan_new(syms, target, graph, arch, &error);
	g_autofree char *got = NULL;
	g_autofree char *graph_got = NULL;

	g_assert_no_error(error);
	g_assert_nonnull(plan);
	got = lines(plan);
	g_assert_cmpstr(got, ==, expect);
	g_ptr_array_add(plan->graph_funcs, NULL);
	graph_got = g_strjoinv(",", (char **)plan->graph_funcs->pdata);
	g_assert_cmpstr(graph_got, ==, expect_graph);
	ds_rec_plan_free(plan);
}

static void check_plan(const char *fixture, unsigned int target, gboolean graph,
		       const char *expect, const char *expect_graph)
{
	check_plan_arch(fixture, target, graph, DS_REC_ARCH_X86_64, expect, expect_graph);
}

static void test_kallsyms_text_only(void)
{
	g_autoptr(GHashTable) syms = load("kallsyms-6.1.txt");

	g_assert_true(g_hash_table_contains(syms, "zram_slot_free_notify"));
	g_assert_true(g_hash_table_contains(syms, "zs_free"));
	g_assert_true(g_hash_table_contains(syms, "zram_bvec_rw.constprop.0"));
	/* "d zswap_enabled" is data, not a function */
	g_assert_false(g_hash_table_contains(syms, "zswap_enabled"));
	/* 9 text symbols in the fixture */
	g_assert_cmpuint(g_hash_table_size(syms), ==, 9);
}

static void test_kallsyms_missing(void)
{
	g_autoptr(GError) error = NULL;
	GHashTable *syms = ds_kallsyms_load("/nonexistent/kallsyms", &error);

	g_assert_null(syms);
	g_assert_error(error, DS_REC_ERROR, DS_REC_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "/nonexistent/kallsyms"));
}

static void test_zram_61(void)
{
	/* 6.1: no zram_write_page and __zram_bvec_write is inlined: no zram_write probe */
	check_plan("kallsyms-6.1.txt", DS_REC_ZRAM, FALSE,
		   "p:defersim/zram_free zram_slot_free_notify index=%si:u64\n"
		   "r:defersim/zram_free_ret zram_slot_free_notify\n"
		   "p:defersim/zs_free zs_free handle=%si:u64\n"
		   "p:defersim/zs_malloc zs_malloc size=%si:u64\n"
		   "r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64", "");
}

static void test_zswap_61(void)
{
	check_plan("kallsyms-6.1.txt", DS_REC_ZSWAP, FALSE,
		   "p:defersim/zswap_inv zswap_frontswap_invalidate_page type=%di:u32 offset=%si:u64\n"
		   "r:defersim/zswap_inv_ret zswap_frontswap_invalidate_page\n"
		   "p:defersim/zs_free zs_free handle=%si:u64\n"
		   "p:defersim/zs_malloc zs_malloc size=%si:u64\n"
		   "r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64", "");
}

static void test_both_612(void)
{
	check_plan("kallsyms-6.12.txt", DS_REC_BOTH, FALSE,
		   "p:defersim/zram_free zram_slot_free_notify index=%si:u64\n"
		   "r:defersim/zram_free_ret zram_slot_free_notify\n"
		   "p:defersim/zswap_inv zswap_invalidate entry=%di:u64\n"
		   "r:defersim/zswap_inv_ret zswap_invalidate\n"
		   "p:defersim/zs_free zs_free handle=%si:u64\n"
		   "p:defersim/zs_malloc zs_malloc size=%si:u64\n"
		   "r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64\n"
		   "p:defersim/zram_write zram_write_page index=%dx:u64", "");
}

static void test_auto_is_what_exists(void)
{
	/* auto on a kernel with both: both; the zswap-only probe set when zram is absent */
	check_plan("kallsyms-6.12.txt", DS_REC_AUTO, FALSE,
		   "p:defersim/zram_free zram_slot_free_notify index=%si:u64\n"
		   "r:defersim/zram_free_ret zram_slot_free_notify\n"
		   "p:defersim/zswap_inv zswap_invalidate entry=%di:u64\n"
		   "r:defersim/zswap_inv_ret zswap_invalidate\n"
		   "p:defersim/zs_free zs_free handle=%si:u64\n"
		   "p:defersim/zs_malloc zs_malloc size=%si:u64\n"
		   "r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64\n"
		   "p:defersim/zram_write zram_write_page index=%dx:u64", "");
}

static void test_graph(void)
{
	/* function_graph pass: no kprobe at all, the notify functions as graph filters */
	check_plan("kallsyms-6.12.txt", DS_REC_ZRAM, TRUE, "", "zram_slot_free_notify");
	check_plan("kallsyms-6.1.txt", DS_REC_BOTH, TRUE, "",
		   "zram_slot_free_notify,zswap_frontswap_invalidate_page");
}

static void test_missing_release(void)
{
	g_autoptr(GHashTable) syms = load("kallsyms-nozram.txt");
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;

	g_assert_null(ds_rec_plan_new(syms, DS_REC_ZRAM, FALSE, DS_REC_ARCH_X86_64, &e1));
	g_assert_error(e1, DS_REC_ERROR, DS_REC_ERROR_MISSING);
	g_assert_nonnull(strstr(e1->message, "modprobe zram"));
	g_assert_null(ds_rec_plan_new(syms, DS_REC_ZSWAP, FALSE, DS_REC_ARCH_X86_64, &e2));
	g_assert_error(e2, DS_REC_ERROR, DS_REC_ERROR_MISSING);
	g_assert_null(ds_rec_plan_new(syms, DS_REC_AUTO, TRUE, DS_REC_ARCH_X86_64, &e3));
	g_assert_error(e3, DS_REC_ERROR, DS_REC_ERROR_MISSING);
}

/*
 * arm64 (a phone): the same probes, the AAPCS64 argument registers x0..x2 in place of
 * x86_64's di, si, dx (zram_slot_free_notify(bdev, index): index is the 2nd argument;
 * zswap_frontswap_invalidate_page(type, offset); zram_write_page(zram, page, index)).
 */
static void test_arm64(void)
{
	check_plan_arch("kallsyms-6.12.txt", DS_REC_BOTH, FALSE, DS_REC_ARCH_ARM64,
			"p:defersim/zram_free zram_slot_free_notify index=%x1:u64\n"
			"r:defersim/zram_free_ret zram_slot_free_notify\n"
			"p:defersim/zswap_inv zswap_invalidate entry=%x0:u64\n"
			"r:defersim/zswap_inv_ret zswap_invalidate\n"
			"p:defersim/zs_free zs_free handle=%x1:u64\n"
			"p:defersim/zs_malloc zs_malloc size=%x1:u64\n"
			"r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64\n"
			"p:defersim/zram_write zram_write_page index=%x2:u64", "");
	check_plan_arch("kallsyms-6.1.txt", DS_REC_ZSWAP, FALSE, DS_REC_ARCH_ARM64,
			"p:defersim/zswap_inv zswap_frontswap_invalidate_page type=%x0:u32 "
			"offset=%x1:u64\n"
			"r:defersim/zswap_inv_ret zswap_frontswap_invalidate_page\n"
			"p:defersim/zs_free zs_free handle=%x1:u64\n"
			"p:defersim/zs_malloc zs_malloc size=%x1:u64\n"
			"r:defersim/zs_malloc_ret zs_malloc handle=$retval:u64", "");
}

/* --arch names: ours, and uname's (aarch64 on a phone); anything else is refused */
static void test_arch_names(void)
{
	enum ds_rec_arch a;
	g_autoptr(GError) error = NULL;

	g_assert_true(ds_rec_arch_parse("aarch64", &a, NULL));
	g_assert_cmpint(a, ==, DS_REC_ARCH_ARM64);
	g_assert_true(ds_rec_arch_parse("x86_64", &a, NULL));
	g_assert_cmpint(a, ==, DS_REC_ARCH_X86_64);
	g_assert_cmpstr(ds_rec_arch_name(DS_REC_ARCH_ARM64), ==, "arm64");
	g_assert_false(ds_rec_arch_parse("riscv64", &a, &error));
	g_assert_error(error, DS_REC_ERROR, DS_REC_ERROR_ARCH);
	g_assert_nonnull(strstr(error->message, "riscv64"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/record/kallsyms/text-only", test_kallsyms_text_only);
	g_test_add_func("/record/kallsyms/missing", test_kallsyms_missing);
	g_test_add_func("/record/plan/zram-6.1", test_zram_61);
	g_test_add_func("/record/plan/zswap-6.1", test_zswap_61);
	g_test_add_func("/record/plan/both-6.12", test_both_612);
	g_test_add_func("/record/plan/auto", test_auto_is_what_exists);
	g_test_add_func("/record/plan/graph", test_graph);
	g_test_add_func("/record/plan/missing-release", test_missing_release);
	g_test_add_func("/record/plan/arm64", test_arm64);
	g_test_add_func("/record/arch/names", test_arch_names);
	return g_test_run();
}
