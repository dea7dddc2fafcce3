/* SPDX-License-Identifier: MIT */
/*
 * ds_json.h - one-line members for json-glib's JsonBuilder, shared by every JSON writer
 * (defersim info, run reports, compare), so that a NULL string is written as null and an
 * unsigned count as an integer the same way everywhere.
 */
#ifndef DS_JSON_H
#define DS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <json-glib/json-glib.h>

static inline void ds_json_add_u64(JsonBuilder *b, const char *name, uint64_t v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, (gint64)v);
}

static inline void ds_json_add_dbl(JsonBuilder *b, const char *name, double v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_double_value(b, v);
}

/* A NULL @v is written as null. */
static inline void ds_json_add_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static inline void ds_json_add_bool(JsonBuilder *b, const char *name, bool v)
{
	json_builder_set_member_name(b, name);
	json_builder_add_boolean_value(b, v);
}

#endif /* DS_JSON_H */
