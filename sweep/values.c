// SPDX-License-Identifier: MIT
/*
 * values.c - one sweep-file value -> its list of values: literals and ranges.
 *
 * An item is split at "..": no ".." means a literal (copied as written, so "v3" or a path
 * stays text and parameters parse it later); with "..", "A..B", "A..B/S" or "A..B*F" is a
 * range of numbers.  A number is a decimal with an optional duration unit; struct quantity
 * keeps whether it had one, because a range with units produces integer nanoseconds.
 * Arithmetic ranges compute A + i*S (not repeated addition) so 0.1 steps do not drift; the
 * end is included within a relative 1e-9.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "ds_sweep.h"

struct quantity {
	double v;
	gboolean unit;	/* had ns/us/ms/s: v is in ns */
};

static gboolean bad(GError **error, const char *item, const char *why)
{
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': %s", item, why);
	return FALSE;
}

static gboolean parse_quantity(const char *s, struct quantity *q)
{
	static const struct { const char *suffix; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end = NULL;

	if (!*s || g_ascii_isspace(*s))
		return FALSE;
	errno = 0;
	q->v = g_ascii_strtod(s, &end);
	if (errno || end == s || !isfinite(q->v))
		return FALSE;
	q->unit = FALSE;
	if (!*end)
		return TRUE;
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			q->v *= units[i].mul;
			q->unit = TRUE;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean is_integral(double v)
{
	return fabs(v) < 9e15 && v == floor(v);
}

static char *format_number(double v, gboolean integral)
{
	if (integral)
		return g_strdup_printf("%.0f", v);
	return g_strdup_printf("%.12g", v);
}

/* The values so far, and the set of them (a value listed twice is found in O(1)). */
struct vals {
	GPtrArray *list;
	GHashTable *seen;
};

static gboolean add_value(struct vals *out, char *v, const char *item, GError **error)
{
	if (g_hash_table_contains(out->seen, v)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "'%s': value %s is listed twice", item, v);
		g_free(v);
		return FALSE;
	}
	if (out->list->len >= DS_SWEEP_MAX_VALUES) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "'%s': more than %d values", item, DS_SWEEP_MAX_VALUES);
		g_free(v);
		return FALSE;
	}
	g_ptr_array_add(out->list, v);
	g_hash_table_add(out->seen, v);
	return TRUE;
}

static gboolean expand_arith(const char *item, struct quantity a, struct quantity b,
			     struct quantity s, struct vals *out, GError **error)
{
	gboolean integral = is_integral(a.v) && is_integral(s.v);
	double n;

	if (!(s.v > 0))
		return bad(error, item, "the step must be positive");
	n = floor((b.v - a.v) / s.v * (1 + 1e-12) + 1e-9) + 1;
	if (n > DS_SWEEP_MAX_VALUES) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': %.0f values (more than %d)",
			    item, n, DS_SWEEP_MAX_VALUES);
		return FALSE;
	}
	for (guint64 i = 0; i < (guint64)n; i++)
		if (!add_value(out, format_number(a.v + (double)i * s.v, integral), item, error))
			return FALSE;
	return TRUE;
}

static gboolean expand_geom(const char *item, struct quantity a, struct quantity b,
			    struct quantity f, struct vals *out, GError **error)
{
	gboolean integral = is_integral(a.v) && is_integral(f.v);
	double v = a.v, limit = b.v * (1 + 1e-9);

	if (f.unit)
		return bad(error, item, "a geometric factor has no unit");
	if (!(f.v > 1))
		return bad(error, item, "the geometric factor must be greater than 1");
	if (a.v < 0)
		return bad(error, item, "a geometric range starts at 0 or above");
	if (a.v == 0) {
		/* 0 then 1, F, F^2...: the usual "none, then powers" of a pool-size sweep */
		if (!add_value(out, g_strdup("0"), item, error))
			return FALSE;
		v = 1;
	}
	for (; v <= limit; v *= f.v)
		if (!add_value(out, format_number(integral ? round(v) : v, integral), item, error))
			return FALSE;
	return TRUE;
}

static gboolean expand_range(const char *item, const char *dots, struct vals *out,
			     GError **error)
{
	g_autofree char *lo = g_strndup(item, (gsize)(dots - item));
	const char *rest = dots + 2;
	const char *op = strpbrk(rest, "/*");
	g_autofree char *hi = op ? g_strndup(rest, (gsize)(op - rest)) : g_strdup(rest);
	struct quantity a, b, s = { 1, FALSE };

	if (!parse_quantity(lo, &a))
		return bad(error, item, "the start of the range is not a number");
	if (!parse_quantity(hi, &b))
		return bad(error, item, "the end of the range is not a number");
	if (op && !parse_quantity(op + 1, &s))
		return bad(error, item, *op == '/' ? "the step is not a number" :
			   "the factor is not a number");
	if (b.v < a.v)
		return bad(error, item, "the end of the range is below its start");
	if (op && *op == '/' && (a.unit || b.unit) && !s.unit)
		return bad(error, item, "give the step a unit too (e.g. 0..1ms/100us)");
	if (op && *op == '*')
		return expand_geom(item, a, b, s, out, error);
	return expand_arith(item, a, b, s, out, error);
}

gboolean ds_sweep_values_parse(const char *text, gboolean ranges, GPtrArray *list,
			       GError **error)
{
	g_auto(GStrv) items = g_strsplit(text, ",", -1);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	struct vals vals = { list, seen }, *out = &vals;

	for (guint i = 0; i < list->len; i++)
		g_hash_table_add(seen, g_ptr_array_index(list, i));
	if (!items[0]) {	/* g_strsplit("") has no item at all */
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': empty item in the list", text);
		return FALSE;
	}
	for (guint i = 0; items[i]; i++) {
		char *item = g_strstrip(items[i]);
		const char *dots = strstr(item, "..");

		if (!*item) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "'%s': empty item in the list",
				    text);
			return FALSE;
		}
		if (ranges && dots) {
			if (!expand_range(item, dots, out, error))
				return FALSE;
		} else if (!add_value(out, g_strdup(item), item, error)) {
			return FALSE;
		}
	}
	return TRUE;
}
