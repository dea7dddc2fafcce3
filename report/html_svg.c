// SPDX-License-Identifier: MIT
/*
 * html_svg.c - an SVG file made fit to sit inside an HTML page.
 *
 * gnuplot's svg terminal writes an XML declaration, then one <svg> element whose ids are the
 * same in every picture it draws (gnuplot_canvas, gpPt0, gnuplot_plot_1, ...).  In one page ids
 * must be unique, and a reference to "#gpPt3" would find the first picture's: so every id the
 * picture defines, and every local reference to one (href="#..", url(#..)), gets a per-picture
 * prefix.  The page must not run or fetch anything: a picture holding a script, an event
 * handler, a foreignObject or an address that is not local is refused rather than cleaned.
 */
#include <string.h>

#include "ds_report.h"
#include "html_priv.h"

/* Markup a plain picture never has; matched case-insensitively. */
static const char *const forbidden[] = {
	"<script", "<foreignobject", "<iframe", "<object", "<embed", " onload", " onclick",
	" onmouse", " onerror", " onbegin", "javascript:", "href=\"http", "href='http",
	"href=\"data:", "href='data:", "href=\"file:", "href='file:", "@import", "url(http",
	"url(data:", "url(file:", "url('", "url(\"",
};

/* Where a prefix goes: right after these (the id or the local reference's '#'). */
static const char *const id_marks[] = {
	" id=\"", " id='", "\tid=\"", "\tid='", "\nid=\"", "\nid='", "href=\"#", "href='#",
	"url(#",
};

static gboolean check_safe(const char *svg, GError **error)
{
	g_autofree char *low = g_ascii_strdown(svg, -1);

	for (guint i = 0; i < G_N_ELEMENTS(forbidden); i++) {
		if (strstr(low, forbidden[i])) {
			g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "the SVG holds \"%s\", which a "
				    "self-contained page must not", forbidden[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* The length of the id mark at @p, or 0; @def: whether it defines an id (else refers to one). */
static gsize id_mark_at(const char *p, gboolean *def)
{
	for (guint i = 0; i < G_N_ELEMENTS(id_marks); i++) {
		gsize n = strlen(id_marks[i]);

		if (!strncmp(p, id_marks[i], n)) {
			*def = strstr(id_marks[i], "id=") != NULL;
			return n;
		}
	}
	return 0;
}

/*
 * gnuplot itself defines some ids twice in one picture (gnuplot_plot_N, for its mouse script,
 * which nothing refers to): a second definition gets "-2", a third "-3", ...
 */
static const char *copy_id(GString *out, const char *p, GHashTable *seen)
{
	const char *end = strpbrk(p, "\"'<>");
	g_autofree char *id = NULL;
	guint n;

	if (!end || (*end != '"' && *end != '\''))
		return p;
	id = g_strndup(p, (gsize)(end - p));
	n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, id)) + 1;
	g_string_append(out, id);
	if (n > 1)
		g_string_append_printf(out, "-%u", n);
	g_hash_table_insert(seen, g_steal_pointer(&id), GUINT_TO_POINTER(n));
	return end;
}

static char *prefix_ids(const char *svg, const char *prefix)
{
	GString *out = g_string_sized_new(strlen(svg) + 4096);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (const char *p = svg; *p;) {
		gboolean def = FALSE;
		gsize n = id_mark_at(p, &def);

		if (n) {
			g_string_append_len(out, p, (gssize)n);
			g_string_append(out, prefix);
			p += n;
			if (def)
				p = copy_id(out, p, seen);
		} else {
			g_string_append_c(out, *p++);
		}
	}
	return g_string_free(out, FALSE);
}

char *ds_html_svg_inline(const char *svg, gsize len, const char *prefix, GError **error)
{
	g_autofree char *text = g_strndup(svg, len);
	const char *start = strstr(text, "<svg");
	const char *end = g_strrstr(text, "</svg>");
	g_autofree char *elem = NULL;

	if (strlen(text) != len) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "the SVG holds a NUL byte");
		return NULL;
	}
	if (!start || !end || end < start) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "not one whole <svg> element");
		return NULL;
	}
	elem = g_strndup(start, (gsize)(end - start) + strlen("</svg>"));
	if (!check_safe(elem, error))
		return NULL;
	return prefix_ids(elem, prefix);
}
