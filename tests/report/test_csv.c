// SPDX-License-Identifier: MIT
/*
 * test_csv.c - ds_csv_table() (report/csv.c) on hand-written rows: columns are the union of
 * the rows' keys in the order first seen, a row lacking one gets an empty field, a field with
 * a comma is quoted; rows whose keys are the previous row's pointer for pointer (a sweep's
 * interned names) take the same columns as rows naming them by other copies of the text, or in
 * another order.
 */
#include <string.h>

#include "ds_report.h"

static GPtrArray *strv(const char *a, const char *b)
{
	GPtrArray *p = g_ptr_array_new();

	g_ptr_array_add(p, (gpointer)a);
	g_ptr_array_add(p, (gpointer)b);
	return p;
}

static void test_table(void)
{
	const char *a = g_intern_string("a"), *b = g_intern_string("b");
	const char *c = g_intern_string("c");
	char a2[] = "a", b2[] = "b";	/* the same names at other addresses */
	GPtrArray *keys[5] = {
		strv(a, b), strv(a, b), strv(b, c), strv(a2, b2), strv(c, b),
	};
	GPtrArray *values[5] = {
		strv("1", "2"), strv("3", "x,y"), strv("4", "5"), strv("6", "7"), strv("8", "9"),
	};
	/* worked by hand: columns a, b (row 0), c (row 2); rows 3 and 4 by their text */
	g_autofree char *want = g_strdup_printf("schema_version,a,b,c\n"
						"%d,1,2,\n"
						"%d,3,\"x,y\",\n"
						"%d,,4,5\n"
						"%d,6,7,\n"
						"%d,,9,8\n",
						DS_CSV_SCHEMA_VERSION, DS_CSV_SCHEMA_VERSION,
						DS_CSV_SCHEMA_VERSION, DS_CSV_SCHEMA_VERSION,
						DS_CSV_SCHEMA_VERSION);
	GString *s = ds_csv_table(keys, values, 5);

	g_assert_cmpstr(s->str, ==, want);
	g_string_free(s, TRUE);
	/* one row alone, and no row: the header only */
	s = ds_csv_table(&keys[2], &values[2], 1);
	g_free(want);
	want = g_strdup_printf("schema_version,b,c\n%d,4,5\n", DS_CSV_SCHEMA_VERSION);
	g_assert_cmpstr(s->str, ==, want);
	g_string_free(s, TRUE);
	s = ds_csv_table(keys, values, 0);
	g_assert_cmpstr(s->str, ==, "schema_version\n");
	g_string_free(s, TRUE);
	for (guint i = 0; i < 5; i++) {
		g_ptr_array_unref(keys[i]);
		g_ptr_array_unref(values[i]);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report/csv/table", test_table);
	return g_test_run();
}
