// SPDX-License-Identifier: MIT
/*
 * units.c - targets as people write them: "0.1%", "0.001", "5ms", "200us", "1.5s".
 *
 * A bare number is a fraction but never a duration: "5" could be ns or ms, and guessing
 * would size a pool against a target a million times off.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "ds_sweep.h"

static gboolean parse_number(const char *text, double *v, char **end)
{
	if (!*text || g_ascii_isspace(*text))
		return FALSE;
	errno = 0;
	*v = g_ascii_strtod(text, end);
	return !errno && *end != text && isfinite(*v);
}

gboolean ds_parse_fraction(const char *text, double *out, GError **error)
{
	char *end = NULL;
	double v;

	if (!parse_number(text, &v, &end) || (*end && strcmp(end, "%"))) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "'%s': expected a fraction (0.001) or a percentage (0.1%%)", text);
		return FALSE;
	}
	if (*end)
		v /= 100.0;
	if (v < 0 || v > 1) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "'%s': a rate must lie between 0 and 1 (0%% and 100%%)", text);
		return FALSE;
	}
	*out = v;
	return TRUE;
}

gboolean ds_parse_duration(const char *text, uint64_t *out, GError **error)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end = NULL;
	double v;

	if (!parse_number(text, &v, &end) || v < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
			    "'%s': expected a duration such as 5ms, 200us, 1.5s or 750ns", text);
		return FALSE;
	}
	if (!*end && v == 0) {
		*out = 0;
		return TRUE;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (v * units[i].mul >= 1.8e19)
				break;
			*out = (uint64_t)round(v * units[i].mul);
			return TRUE;
		}
	}
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, *end ?
		    "'%s': unknown or too large a duration (units: ns, us, ms, s)" :
		    "'%s': a duration needs a unit: ns, us, ms or s", text);
	return FALSE;
}
