// SPDX-License-Identifier: MIT
/*
 * damage.c - struct ds_trace_damage (ds_source.h): free, describe in one line, print, JSON.
 */
#include <stdio.h>
#include <string.h>

#include "ds_json.h"
#include "ds_source.h"

void ds_trace_damage_free(struct ds_trace_damage *d)
{
	if (!d)
		return;
	g_free(d->crash);
	g_free(d->cpus);
	g_free(d);
}

static gboolean cpu_damaged(const struct ds_trace_damage *d, const struct ds_trace_damage_cpu *c)
{
	return c->pages_damaged || (d->complete && c->records_read != c->records_expected);
}

char *ds_trace_damage_describe(const struct ds_trace_damage *d)
{
	GString *s = g_string_new(NULL);

	for (unsigned int i = 0; i < d->ncpus; i++) {
		const struct ds_trace_damage_cpu *c = &d->cpus[i];

		if (!cpu_damaged(d, c))
			continue;
		g_string_append_printf(s, "%sCPU %u: ", s->len ? "; " : "", c->cpu);
		if (d->complete)
			g_string_append_printf(s, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
					       " records read%s", c->records_read, c->records_expected,
					       c->pages_damaged ? ", " : "");
		if (c->pages_damaged)
			g_string_append_printf(s, "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
					       " pages damaged (the first at offset %" G_GUINT64_FORMAT
					       ": %s)", c->pages_damaged, c->pages, c->first_offset,
					       c->first_reason ? c->first_reason : "?");
	}
	if (d->crash)
		g_string_append_printf(s, "%s%s", s->len ? "; " : "", d->crash);
	return g_string_free(s, FALSE);
}

void ds_trace_damage_print(const struct ds_trace_damage *d, FILE *out)
{
	if (!d) {
		fprintf(out, "damage: none\n");
		return;
	}
	fprintf(out, "damage: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " records not read, %"
		G_GUINT64_FORMAT " pages (%" G_GUINT64_FORMAT " bytes) damaged%s%s\n",
		d->records_missing, d->records_expected, d->pages_damaged, d->bytes_damaged,
		d->crash ? "; " : "", d->crash ? d->crash : "");
	for (unsigned int i = 0; i < d->ncpus; i++) {
		const struct ds_trace_damage_cpu *c = &d->cpus[i];

		fprintf(out, "  cpu %u: records %" G_GUINT64_FORMAT " read of %" G_GUINT64_FORMAT
			" in its pages, %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " pages damaged",
			c->cpu, c->records_read, c->records_expected, c->pages_damaged, c->pages);
		if (c->pages_damaged)
			fprintf(out, ", first at offset %" G_GUINT64_FORMAT " (%s)", c->first_offset,
				c->first_reason ? c->first_reason : "?");
		fputc('\n', out);
	}
}

void ds_trace_damage_add_json(JsonBuilder *b, const struct ds_trace_damage *d)
{
	json_builder_set_member_name(b, "damage");
	if (!d) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	ds_json_add_str(b, "crash", d->crash);
	ds_json_add_bool(b, "complete", d->complete);
	ds_json_add_u64(b, "records_expected", d->records_expected);
	ds_json_add_u64(b, "records_read", d->records_read);
	ds_json_add_u64(b, "records_missing", d->records_missing);
	ds_json_add_u64(b, "pages_damaged", d->pages_damaged);
	ds_json_add_u64(b, "bytes_damaged", d->bytes_damaged);
	json_builder_set_member_name(b, "cpus");
	json_builder_begin_array(b);
	for (unsigned int i = 0; i < d->ncpus; i++) {
		const struct ds_trace_damage_cpu *c = &d->cpus[i];

		json_builder_begin_object(b);
		ds_json_add_u64(b, "cpu", c->cpu);
		ds_json_add_u64(b, "records_expected", c->records_expected);
		ds_json_add_u64(b, "records_read", c->records_read);
		ds_json_add_u64(b, "pages", c->pages);
		ds_json_add_u64(b, "pages_damaged", c->pages_damaged);
		ds_json_add_u64(b, "bytes_damaged", c->bytes_damaged);
		json_builder_set_member_name(b, "first_damaged_offset");
		if (c->pages_damaged)
			json_builder_add_int_value(b, (gint64)c->first_offset);
		else
			json_builder_add_null_value(b);
		ds_json_add_str(b, "first_damaged_reason", c->first_reason);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}
