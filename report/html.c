// SPDX-License-Identifier: MIT
/*
 * html.c - the report page: its skeleton (head, style, contents, sections in a fixed order),
 * the pictures, which input is which (ds_html_classify()), and the small HTML helpers the
 * other report/html_*.c files share.
 *
 * The page is one GString built top to bottom.  Every text that comes from the input (paths,
 * names, notes) goes through dsh_esc(); only SVG passed by ds_html_svg_inline() and markup
 * made here is put in raw.  The style is inline so that the file stands alone; there is no
 * script: everything is visible as written, printable, and readable in a mail client.
 */
#include <stdarg.h>
#include <string.h>

#include "ds_report.h"
#include "html_priv.h"

/* --- helpers --------------------------------------------------------------------------- */

void dsh_esc(GString *s, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		switch (*p) {
		case '&': g_string_append(s, "&amp;"); break;
		case '<': g_string_append(s, "&lt;"); break;
		case '>': g_string_append(s, "&gt;"); break;
		case '"': g_string_append(s, "&quot;"); break;
		case '\'': g_string_append(s, "&#39;"); break;
		default: g_string_append_c(s, *p);
		}
	}
}

void dsh_printf(GString *s, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *t = NULL;

	va_start(ap, fmt);
	t = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	dsh_esc(s, t);
}

JsonNode *dsh_get(JsonNode *obj, const char *path)
{
	g_auto(GStrv) parts = g_strsplit(path, ".", -1);
	JsonNode *n = obj;

	for (guint i = 0; parts[i]; i++) {
		if (!n || !JSON_NODE_HOLDS_OBJECT(n))
			return NULL;
		n = json_object_get_member(json_node_get_object(n), parts[i]);
	}
	return n;
}

const char *dsh_str(JsonNode *obj, const char *path)
{
	JsonNode *n = dsh_get(obj, path);

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ?
		json_node_get_string(n) : NULL;
}

static char *number_text(double v, enum dsh_fmt f, gboolean integral)
{
	char buf[32];

	switch (f) {
	case DSH_PERCENT:
		return g_strdup_printf("%.4g%%", v * 100);
	case DSH_NS:
		return g_strdup(ds_fmt_ns(buf, v));
	case DSH_BYTES:
		return g_strdup(ds_fmt_bytes(buf, v));
	default:
		return integral ? g_strdup_printf("%.0f", v) : g_strdup_printf("%.6g", v);
	}
}

char *dsh_value(JsonNode *n, enum dsh_fmt f)
{
	if (!n)
		return g_strdup("-");
	if (JSON_NODE_HOLDS_NULL(n))
		return g_strdup("n/a");
	if (!JSON_NODE_HOLDS_VALUE(n))
		return json_to_string(n, FALSE);
	switch (json_node_get_value_type(n)) {
	case G_TYPE_INT64:
		return number_text((double)json_node_get_int(n), f, TRUE);
	case G_TYPE_DOUBLE:
		return number_text(json_node_get_double(n), f, FALSE);
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(n) ? "true" : "false");
	default:
		return g_strdup(json_node_get_string(n));
	}
}

void dsh_section_open(GString *s, const char *id, const char *title)
{
	g_string_append_printf(s, "<section id=\"%s\">\n<h2>", id);
	dsh_esc(s, title);
	g_string_append(s, "</h2>\n");
}

void dsh_section_close(GString *s)
{
	g_string_append(s, "</section>\n");
}

void dsh_table_open(GString *s, const char *id, const char *caption, const char *const *cols)
{
	g_string_append_printf(s, "<table id=\"%s\">\n<caption>", id);
	dsh_esc(s, caption);
	g_string_append(s, "</caption>\n<thead><tr>");
	for (guint i = 0; cols && cols[i]; i++) {
		g_string_append(s, "<th>");
		dsh_esc(s, cols[i]);
		g_string_append(s, "</th>");
	}
	g_string_append(s, "</tr></thead>\n<tbody>\n");
}

void dsh_table_close(GString *s)
{
	g_string_append(s, "</tbody>\n</table>\n");
}

void dsh_row_open(GString *s)
{
	g_string_append(s, "<tr>");
}

void dsh_row_close(GString *s)
{
	g_string_append(s, "</tr>\n");
}

void dsh_cell(GString *s, const char *text)
{
	g_string_append(s, "<td>");
	dsh_esc(s, text);
	g_string_append(s, "</td>");
}

void dsh_cell_num(GString *s, const char *text)
{
	g_string_append(s, "<td class=\"num\">");
	dsh_esc(s, text);
	g_string_append(s, "</td>");
}

void dsh_cell_raw(GString *s, const char *html)
{
	g_string_append_printf(s, "<td>%s</td>", html);
}

char *dsh_run_label(JsonNode *run, guint i)
{
	JsonNode *idx = dsh_get(run, "point.index");
	const char *policy = dsh_str(run, "policy");
	g_autofree char *pages = dsh_value(dsh_get(run, "params.pool_pages"), DSH_PLAIN);

	if (idx && JSON_NODE_HOLDS_VALUE(idx))
		return g_strdup_printf("point %" G_GINT64_FORMAT, json_node_get_int(idx));
	if (policy)
		return g_strdup_printf("%s, pool_pages %s", policy, pages);
	return g_strdup_printf("run %u", i + 1);
}

void ds_html_figure_free(struct ds_html_figure *f)
{
	if (!f)
		return;
	g_free(f->name);
	g_free(f->svg);
	g_free(f);
}

/* --- which document ---------------------------------------------------------------------- */

static gboolean is_run(JsonNode *n)
{
	JsonNode *m = dsh_get(n, "metrics");

	return m && JSON_NODE_HOLDS_OBJECT(m);
}

gboolean ds_html_check_runs(GPtrArray *runs, const char *where, GError **error)
{
	if (!runs->len) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: no results in it (no run; a "
			    "sweep directory holds results.jsonl or points/KEY.json)", where);
		return FALSE;
	}
	for (guint i = 0; i < runs->len; i++) {
		if (!is_run(g_ptr_array_index(runs, i))) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: record %u is not a run's "
				    "JSON (no \"metrics\" object)", where, i + 1);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean add_array_runs(JsonNode *root, const char *member, const char *where,
			       GPtrArray *runs, GError **error)
{
	JsonArray *a = json_node_get_array(dsh_get(root, member));

	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *r = json_array_get_element(a, i);

		if (!is_run(r)) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: %s[%u] is not a run's "
				    "JSON (no \"metrics\" object)", where, member, i);
			return FALSE;
		}
		g_ptr_array_add(runs, json_node_ref(r));
	}
	return TRUE;
}

static void add_if_run(JsonNode *root, const char *member, GPtrArray *runs)
{
	JsonNode *r = dsh_get(root, member);

	if (r && is_run(r))
		g_ptr_array_add(runs, json_node_ref(r));
}

static gboolean holds_array(JsonNode *root, const char *member)
{
	JsonNode *n = dsh_get(root, member);

	return n && JSON_NODE_HOLDS_ARRAY(n);
}

gboolean ds_html_classify(JsonNode *root, const char *where, enum ds_html_kind *kind,
			  GPtrArray *runs, GError **error)
{
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a JSON object", where);
		return FALSE;
	}
	if (holds_array(root, "runs")) {
		*kind = DS_HTML_COMPARE;
		if (!add_array_runs(root, "runs", where, runs, error))
			return FALSE;
		return ds_html_check_runs(runs, where, error);
	}
	if (holds_array(root, "evaluations") || !g_strcmp0(dsh_str(root, "tool.name"),
							   "defersim size")) {
		*kind = DS_HTML_SIZE;
		add_if_run(root, "at_answer", runs);
		add_if_run(root, "below_answer", runs);
		return TRUE;
	}
	if (is_run(root)) {
		*kind = DS_HTML_RUN;
		g_ptr_array_add(runs, json_node_ref(root));
		return TRUE;
	}
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not a defersim result: expected the "
		    "JSON of `defersim replay --json` (\"metrics\"), `compare --json` (\"runs\") "
		    "or `size --json` (\"evaluations\"), or a sweep directory", where);
	return FALSE;
}

/* --- the page ---------------------------------------------------------------------------- */

/*
 * Origins get a colour each: green what the trace measured on real time, orange emulated
 * time, blue what was derived or fitted, red what nobody measured (guessed, assumed).
 */
static const char page_style[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1100px;color:#222;padding:0 1em}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}\n"
	"table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em;display:block;"
	"overflow-x:auto;max-width:100%}\n"
	"caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
	"th,td{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}\n"
	"th{background:#f2f2f2;text-align:left}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"figure{margin:1em 0;border:1px solid #ddd;padding:.5em}\n"
	"figure svg{width:100%;max-width:960px;height:auto;display:block}\n"
	"figcaption{font-size:.9em;color:#444;margin-top:.3em}\n"
	".alert{border-left:6px solid #c62828;background:#fdecea;padding:.6em 1em;margin:.8em 0}\n"
	".warn{border-left-color:#ef6c00;background:#fff3e0}\n"
	".info{border-left-color:#1565c0;background:#e3f2fd}\n"
	".badge{display:inline-block;padding:0 .45em;border-radius:.6em;font-size:.85em;"
	"color:#fff;background:#757575;white-space:nowrap}\n"
	".o-measured{background:#2e7d32}.o-measured-emulated{background:#ef6c00}\n"
	".o-derived{background:#1565c0}.o-fitted{background:#6a1b9a}.o-scaled{background:#00838f}\n"
	".o-guessed{background:#c62828}.o-assumed{background:#ad1457}.o-default{background:#757575}\n"
	".sensitive{font-weight:bold}.meta{color:#555;font-size:.9em}\n"
	"nav ol{columns:2;font-size:.9em}code{background:#f5f5f5;padding:0 .2em}\n";

static const char *kind_text(enum ds_html_kind k)
{
	switch (k) {
	case DS_HTML_RUN: return "one run (defersim replay --json, or a sweep point)";
	case DS_HTML_COMPARE: return "policies compared on one trace (defersim compare --json)";
	case DS_HTML_SIZE: return "pool sizing (defersim size --json)";
	default: return "a sweep (defersim sweep: one record per point)";
	}
}

static void page_head(GString *s, const struct ds_html_doc *d)
{
	g_autofree char *base = g_path_get_basename(d->input);
	JsonNode *src = d->root ? d->root : g_ptr_array_index(d->runs, 0);
	const char *tool = dsh_str(src, "tool.name"), *ver = dsh_str(src, "tool.version");
	g_autofree char *schema = dsh_value(dsh_get(src, "tool.schema_version"), DSH_PLAIN);

	g_string_append(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>defersim report: ");
	dsh_esc(s, base);
	g_string_append_printf(s, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
			       "<header>\n<h1>defersim report: ", page_style);
	dsh_esc(s, base);
	g_string_append(s, "</h1>\n<p class=\"meta\" id=\"source\">Input: <code>");
	dsh_esc(s, d->input);
	g_string_append(s, "</code> &mdash; ");
	dsh_esc(s, kind_text(d->kind));
	g_string_append(s, ".<br>Written by ");
	dsh_printf(s, "%s %s (JSON schema_version %s)", tool ? tool : "an unnamed tool",
		   ver ? ver : "(no version)", !strcmp(schema, "-") ? "1: not stated" : schema);
	dsh_printf(s, "; this page by defersim report %s.", DS_VERSION);
	g_string_append(s, "</p>\n</header>\n");
}

static void page_contents(GString *s, const struct ds_html_doc *d)
{
	g_string_append(s, "<nav><ol>"
			"<li><a href=\"#results-section\">Results</a></li>"
			"<li><a href=\"#figures\">Pictures</a></li>"
			"<li><a href=\"#provenance-section\">Provenance of the costs</a></li>"
			"<li><a href=\"#inputs\">Trace, profile and parameters</a></li>");
	if (d->kind != DS_HTML_SWEEP)
		g_string_append(s, "<li><a href=\"#all-metrics\">Every number of the run</a></li>");
	g_string_append(s, "<li><a href=\"#reading\">How to read this page</a></li></ol></nav>\n");
}

static const char *figure_caption(const char *name)
{
	if (!strcmp(name, "cdf"))
		return "Drain-latency CDF: how long deferred values waited between push and free, "
		       "one curve per run.";
	if (!strcmp(name, "fallback_vs_pool"))
		return "Fallback rate against pool size (pool_pages), one line per other varied value.";
	if (!strcmp(name, "p99_vs_pool"))
		return "p99 drain latency against pool size, one line per other varied value.";
	if (!strcmp(name, "hotpath"))
		return "Hot-path (exit path) release time per task: mainline sync against the policy.";
	if (g_str_has_prefix(name, "timeseries"))
		return "Free pool pages, queued pages and values pending over simulated time.";
	return "";
}

static void page_figures(GString *s, const struct ds_html_doc *d)
{
	dsh_section_open(s, "figures", "Pictures");
	g_string_append(s, "<p class=\"meta\">Drawn by gnuplot from the templates in "
			"<code>plots/</code> (what <code>defersim plot</code> draws), from the "
			"simulated results above; inline SVG.</p>\n");
	for (guint i = 0; i < d->figures->len; i++) {
		const struct ds_html_figure *f = g_ptr_array_index(d->figures, i);

		g_string_append_printf(s, "<figure id=\"fig-%s\">\n%s\n<figcaption>", f->name, f->svg);
		dsh_esc(s, figure_caption(f->name));
		g_string_append(s, "</figcaption>\n</figure>\n");
	}
	if (!d->figures->len)
		g_string_append(s, "<p class=\"alert warn\" id=\"no-figures\">No picture in this "
				"report (why: below).</p>\n");
	if (d->notes && d->notes->len) {
		g_string_append(s, "<ul id=\"figure-notes\">\n");
		for (guint i = 0; i < d->notes->len; i++) {
			g_string_append(s, "<li>");
			dsh_esc(s, g_ptr_array_index(d->notes, i));
			g_string_append(s, "</li>\n");
		}
		g_string_append(s, "</ul>\n");
	}
	dsh_section_close(s);
}

static void page_reading(GString *s)
{
	dsh_section_open(s, "reading", "How to read this page");
	g_string_append(s,
		"<p>Every result is <b>simulated</b>: defersim replayed the recorded release "
		"events through the policy's algorithm under the profile's costs and the "
		"parameters shown.  A result is as good as the costs it rests on: the provenance "
		"table says for each cost where it comes from.</p>\n<ul>\n"
		"<li><span class=\"badge o-measured\">measured</span> measured in this trace, on "
		"real time</li>\n"
		"<li><span class=\"badge o-measured-emulated\">measured-emulated</span> measured in "
		"this trace, but the trace's time is emulated (a QEMU guest under software "
		"emulation, TCG): not a hardware time</li>\n"
		"<li><span class=\"badge o-derived\">derived</span> computed from published or "
		"measured figures; <span class=\"badge o-fitted\">fitted</span> chosen to meet a "
		"measured result; <span class=\"badge o-scaled\">scaled</span> a cost multiplied "
		"by a what-if factor (<code>scale.*</code>)</li>\n"
		"<li><span class=\"badge o-guessed\">guessed</span> and <span class=\"badge "
		"o-assumed\">assumed</span> nobody measured it: check the results against a "
		"change of it; <span class=\"badge o-default\">default</span> the built-in value</li>\n"
		"</ul>\n<p>Parameters marked <i>inferred</i> are choices the specification leaves "
		"open (docs/model.md), each overridable with <code>--set</code>.  \"n/a\" is a "
		"metric that does not apply to the run (e.g. drain latency under sync).  "
		"docs/report.md describes this page; docs/json.md the JSON it was made from.</p>\n");
	dsh_section_close(s);
}

GString *ds_html_render(const struct ds_html_doc *d)
{
	GString *s = g_string_sized_new(256 * 1024);

	page_head(s, d);
	dsh_banners(s, d);
	page_contents(s, d);
	dsh_results(s, d);
	page_figures(s, d);
	dsh_provenance(s, d);
	dsh_inputs(s, d);
	if (d->kind != DS_HTML_SWEEP)
		dsh_all_metrics(s, d);
	page_reading(s);
	g_string_append(s, "</body>\n</html>\n");
	return s;
}
