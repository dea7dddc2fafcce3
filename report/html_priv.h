/* SPDX-License-Identifier: MIT */
/*
 * html_priv.h - the pieces report/html*.c share: HTML escaping, tables, sections, and reading
 * values out of a run's JSON by dotted path.  Private to report/ (the API is ds_html.h).
 */
#ifndef DS_HTML_PRIV_H
#define DS_HTML_PRIV_H

#include "ds_html.h"

/* How a number is shown: as it is, as a percentage of 1, as a duration, as a size. */
enum dsh_fmt { DSH_PLAIN, DSH_PERCENT, DSH_NS, DSH_BYTES };

void dsh_esc(GString *s, const char *text);
void dsh_printf(GString *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* @obj's member at dotted @path ("metrics.zram.fallbacks"), or NULL */
JsonNode *dsh_get(JsonNode *obj, const char *path);
/* a string member, or NULL */
const char *dsh_str(JsonNode *obj, const char *path);
/* a scalar shown as @f: "n/a" for null, "-" when missing, JSON text for objects/arrays */
char *dsh_value(JsonNode *n, enum dsh_fmt f);

void dsh_section_open(GString *s, const char *id, const char *title);
void dsh_section_close(GString *s);
/* <table id=ID> with an escaped caption and a header row of escaped @cols (NULL-terminated) */
void dsh_table_open(GString *s, const char *id, const char *caption, const char *const *cols);
void dsh_table_close(GString *s);
void dsh_row_open(GString *s);
void dsh_row_close(GString *s);
void dsh_cell(GString *s, const char *text);
void dsh_cell_num(GString *s, const char *text);
/* a cell of HTML made by the caller (badges) */
void dsh_cell_raw(GString *s, const char *html);

/* a run's short name: sweep point index, else policy (+ pool_pages) */
char *dsh_run_label(JsonNode *run, guint i);

/* html_prov.c: the provenance of the costs, or plainly that there is none */
void dsh_provenance(GString *s, const struct ds_html_doc *d);
/* banners for the top of the page: emulated time, no provenance, damage, synthetic, invariants */
void dsh_banners(GString *s, const struct ds_html_doc *d);
/* the provenance object that applies to @run (its own, else the document's), or NULL */
JsonNode *dsh_provenance_of(const struct ds_html_doc *d, JsonNode *run);
/* html_inputs.c: the trace, the profile's costs (with their origins), the parameters */
void dsh_inputs(GString *s, const struct ds_html_doc *d);
/* html_results.c: the results tables of each kind, and every metric of the runs */
void dsh_results(GString *s, const struct ds_html_doc *d);
void dsh_all_metrics(GString *s, const struct ds_html_doc *d);

#endif /* DS_HTML_PRIV_H */
