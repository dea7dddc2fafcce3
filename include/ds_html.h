/* SPDX-License-Identifier: MIT */
/*
 * ds_html.h - results as one self-contained HTML page (report/html*.c), for `defersim report`.
 *
 * The page is made of what a JSON document already holds: one run (`replay --json`, a sweep
 * point), a comparison (`compare --json`), a sizing (`size --json`) or a sweep's records; the
 * pictures are SVG text drawn beforehand (gnuplot, the plots/ templates) and put inline.  Nothing on the
 * page refers to anything outside it: no scripts, no style sheets, no fonts, no images by
 * address.  The writer only formats: reading the input and drawing live in cli/cmd_report.c,
 * since they need the sweep layer (records, plot data), which comes after report/.
 */
#ifndef DS_HTML_H
#define DS_HTML_H

#include <glib.h>
#include <json-glib/json-glib.h>

/**
 * enum ds_html_kind - what the input was
 * @DS_HTML_RUN: one run's object (`defersim replay --json`, a sweep's point file)
 * @DS_HTML_COMPARE: `defersim compare --json` (summary[] + runs[])
 * @DS_HTML_SIZE: `defersim size --json` (answer, evaluations[], the runs at and below it)
 * @DS_HTML_SWEEP: a sweep's records (its directory, or a results.jsonl)
 */
enum ds_html_kind { DS_HTML_RUN, DS_HTML_COMPARE, DS_HTML_SIZE, DS_HTML_SWEEP };

/**
 * struct ds_html_figure - one picture for the page
 * @name: the plot's name ("cdf", "fallback_vs_pool", ...): the figure's id is "fig-NAME"
 * @svg: the SVG element, made safe to inline by ds_html_svg_inline()
 */
struct ds_html_figure {
	char *name;
	char *svg;
};

void ds_html_figure_free(struct ds_html_figure *f);

/**
 * struct ds_html_doc - what one page shows
 * @input: the input path as given (shown, never opened)
 * @kind: enum ds_html_kind
 * @root: the document read (NULL for a sweep)
 * @runs: JsonNode *: the run objects tables and pictures are made of, in order
 * @figures: struct ds_html_figure *
 * @notes: char *: pictures not drawn and why (shown under the pictures)
 * @max_rows: most rows of the per-run results table (the rest are counted, not shown)
 */
struct ds_html_doc {
	const char *input;
	enum ds_html_kind kind;
	JsonNode *root;
	GPtrArray *runs;
	GPtrArray *figures;
	GPtrArray *notes;
	guint max_rows;
};

/**
 * ds_html_classify() - which document @root is, and its run objects
 * @where: the input's name for errors
 * @runs: out: JsonNode * (referenced), appended to
 * Return: FALSE with @error (DS_ERROR_FORMAT) naming @where when @root is not a defersim
 * run, compare or size document, or a run in it is not an object with "metrics".
 */
gboolean ds_html_classify(JsonNode *root, const char *where, enum ds_html_kind *kind,
			  GPtrArray *runs, GError **error);

/**
 * ds_html_check_runs() - every record of a sweep is a run object (has "metrics")
 * Return: FALSE with @error naming @where and the record's position otherwise, or when
 * there is no record at all.
 */
gboolean ds_html_check_runs(GPtrArray *runs, const char *where, GError **error);

/**
 * ds_html_svg_inline() - an SVG file's text as an element to put in an HTML page
 * @svg: the file's text (@len bytes)
 * @prefix: put before every id it defines and refers to, so that two pictures' ids
 *	(gnuplot names them alike) cannot collide in one page
 * Return: a new string from "<svg" to "</svg>", or NULL with @error when it is not one whole
 * SVG element or holds anything active or external (script, foreignObject, event handler
 * attributes, addresses other than "#id").
 */
char *ds_html_svg_inline(const char *svg, gsize len, const char *prefix, GError **error);

/**
 * ds_html_render() - the page
 * Return: a new GString holding the whole HTML document
 */
GString *ds_html_render(const struct ds_html_doc *d);

#endif /* DS_HTML_H */
