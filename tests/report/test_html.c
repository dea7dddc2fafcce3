// SPDX-License-Identifier: MIT
/*
 * test_html.c - the HTML writer's pieces that the browser test cannot see directly:
 * ds_html_svg_inline() on hand-written SVG (ids prefixed, gnuplot's doubled ids made unique,
 * references following their ids, active or outside content refused), and
 * ds_html_classify() on hand-written documents of each kind and on documents of none.
 */
#include <string.h>

#include "ds_html.h"
#include "ds_source.h"

static void test_svg_prefix(void)
{
	static const char in[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
		"<svg viewBox=\"0 0 10 10\"\n xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<defs><path id='a' d='M0,0 L1,1'/></defs><use xlink:href='#a'/>"
		"<g id=\"g1\"></g><g id=\"g1\"></g><g\tid=\"g1\"></g>"
		"<rect style=\"fill:url(#a)\" href=\"#g1\"/></svg>\ntrailing text";
	/* worked by hand: every id and local reference gets "p-"; the 2nd and 3rd g1 -2, -3 */
	static const char want[] =
		"<svg viewBox=\"0 0 10 10\"\n xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<defs><path id='p-a' d='M0,0 L1,1'/></defs><use xlink:href='#p-a'/>"
		"<g id=\"p-g1\"></g><g id=\"p-g1-2\"></g><g\tid=\"p-g1-3\"></g>"
		"<rect style=\"fill:url(#p-a)\" href=\"#p-g1\"/></svg>";
	GError *e = NULL;
	g_autofree char *out = ds_html_svg_inline(in, strlen(in), "p-", &e);

	g_assert_no_error(e);
	g_assert_cmpstr(out, ==, want);
}

static void refuse(const char *svg, gsize len, const char *needle)
{
	GError *e = NULL;
	char *out = ds_html_svg_inline(svg, len, "p-", &e);

	g_assert_null(out);
	g_assert_error(e, DS_ERROR, DS_ERROR_FORMAT);
	if (!strstr(e->message, needle))
		g_error("refusing %s: message '%s' lacks '%s'", svg, e->message, needle);
	g_error_free(e);
}

static void test_svg_refused(void)
{
	static const char *const active[][2] = {
		{ "<svg><script>alert(1)</script></svg>", "<script" },
		{ "<svg><SCRIPT>alert(1)</SCRIPT></svg>", "<script" },
		{ "<svg onload=\"x()\"><path d='M0,0'/></svg>", " onload" },
		{ "<svg><image href=\"http://example.org/a.png\"/></svg>", "href=\"http" },
		{ "<svg><image xlink:href='data:image/png;base64,AA'/></svg>", "href='data:" },
		{ "<svg><foreignObject><p>x</p></foreignObject></svg>", "<foreignobject" },
		{ "<svg><rect style=\"fill:url(http://x/y#z)\"/></svg>", "url(http" },
		{ "<svg><a href=\"javascript:x()\">x</a></svg>", "javascript:" },
	};
	static const char nul[] = "<svg>\0</svg>";

	for (guint i = 0; i < G_N_ELEMENTS(active); i++)
		refuse(active[i][0], strlen(active[i][0]), active[i][1]);
	refuse("<svg><path d='M0,0'/>", strlen("<svg><path d='M0,0'/>"), "not one whole");
	refuse("no picture here", strlen("no picture here"), "not one whole");
	refuse("</svg><svg>", strlen("</svg><svg>"), "not one whole");
	refuse(nul, sizeof(nul) - 1, "NUL");
}

static JsonNode *parse(const char *text)
{
	g_autoptr(JsonParser) p = json_parser_new();
	GError *e = NULL;

	json_parser_load_from_data(p, text, -1, &e);
	g_assert_no_error(e);
	return json_node_copy(json_parser_get_root(p));
}

static void classify(const char *text, gboolean ok, enum ds_html_kind want, guint n_runs,
		     const char *needle)
{
	g_autoptr(JsonNode) root = parse(text);
	g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
	enum ds_html_kind kind = DS_HTML_SWEEP;
	GError *e = NULL;

	g_assert_cmpint(ds_html_classify(root, "doc.json", &kind, runs, &e), ==, ok);
	if (!ok) {
		g_assert_error(e, DS_ERROR, DS_ERROR_FORMAT);
		if (!strstr(e->message, needle) || !strstr(e->message, "doc.json"))
			g_error("%s: message '%s' lacks doc.json or '%s'", text, e->message, needle);
		g_error_free(e);
		return;
	}
	g_assert_no_error(e);
	g_assert_cmpint(kind, ==, want);
	g_assert_cmpuint(runs->len, ==, n_runs);
}

static void test_classify(void)
{
	classify("{\"policy\": \"v3\", \"metrics\": {}}", TRUE, DS_HTML_RUN, 1, NULL);
	classify("{\"summary\": [], \"runs\": [{\"metrics\": {}}, {\"metrics\": {}}]}", TRUE,
		 DS_HTML_COMPARE, 2, NULL);
	classify("{\"evaluations\": [], \"at_answer\": {\"metrics\": {}}, \"below_answer\": null}",
		 TRUE, DS_HTML_SIZE, 1, NULL);
	classify("{\"tool\": {\"name\": \"defersim size\"}, \"answer\": null}", TRUE,
		 DS_HTML_SIZE, 0, NULL);
	classify("{\"runs\": [{\"metrics\": {}}, {\"policy\": \"v3\"}]}", FALSE, DS_HTML_RUN, 0,
		 "runs[1] is not a run");
	classify("{\"runs\": []}", FALSE, DS_HTML_RUN, 0, "no results");
	classify("{\"metrics\": 3}", FALSE, DS_HTML_RUN, 0, "not a defersim result");
	classify("[1, 2]", FALSE, DS_HTML_RUN, 0, "not a JSON object");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/html/svg/prefix", test_svg_prefix);
	g_test_add_func("/html/svg/refused", test_svg_refused);
	g_test_add_func("/html/classify", test_classify);
	return g_test_run();
}
