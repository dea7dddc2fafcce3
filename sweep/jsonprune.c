// SPDX-License-Identifier: MIT
/*
 * jsonprune.c - read a run's JSON file without its per-task rows in memory.
 *
 * A `defersim replay --json` of a million-task trace holds a million rows in metrics.tasks
 * (hundreds of MB); json-glib parses only into a tree, and that tree took gigabytes for
 * `plot` and `merge`, which need none of the rows (schema 2 files summarise them in
 * metrics.tasks_summary).  So the text is read in chunks through a small scanner that copies
 * everything but the elements of an array that is the value of a "tasks" member and longer
 * than VERBATIM_MAX bytes (a small one is copied as it is): of those it keeps the DS_TASK_TOP
 * objects of largest sync_ns (ties: the earlier), in that order, which is all a schema 1 file
 * needs for the hot-path plot.  The pruned text is then parsed as usual.
 *
 * The scanner knows JSON's lexical structure only (strings with escapes, brackets): its
 * output is valid JSON whenever its input is, and malformed input stays malformed for the
 * parser to report.  Memory: the pruned text, the kept rows, one element at a time (at most
 * ELEM_MAX bytes; a longer element is dropped) and VERBATIM_MAX bytes of the array.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ds_sweep.h"

#define ELEM_MAX (64 * 1024)
#define VERBATIM_MAX (1024 * 1024)	/* a "tasks" array this small is kept as it is */

enum scan_state {
	S_TEXT,		/* copying */
	S_AFTER_KEY,	/* a "tasks" string just closed: a ':' makes it a member name */
	S_AFTER_COLON,	/* "tasks": seen, a '[' starts the array to prune */
	S_PRUNE,	/* inside that array */
};

struct kept {
	gint64 sync_ns;
	guint64 seq;
	char *text;
};

/*
 * struct prune - the scanner's state
 * @str, @esc: inside a string, after a backslash (in S_TEXT and S_PRUNE alike)
 * @key, @keylen: the first bytes of the string being read (S_TEXT), to recognise "tasks"
 * @depth: S_PRUNE: bracket depth, 1 = the array itself
 * @elem: S_PRUNE: the element being read (an object), dropped beyond ELEM_MAX
 * @kept: struct kept *, best first, at most DS_TASK_TOP
 */
struct prune {
	GString *out;
	enum scan_state state;
	bool str, esc;
	char key[8];
	guint keylen;
	guint depth;
	GString *elem;
	bool elem_on;
	GString *whole;		/* S_PRUNE: the array's text while it is short enough to keep */
	bool cut;		/* S_PRUNE: it was not: the kept rows replace it */
	guint64 seq;
	GPtrArray *kept;
};

static void kept_free(gpointer p)
{
	struct kept *k = p;

	g_free(k->text);
	g_free(k);
}

/* An element of the pruned array ended: rank it among the kept ones by sync_ns. */
static void elem_done(struct prune *p)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	struct kept *k;
	JsonNode *root;
	guint pos;

	if (!json_parser_load_from_data(parser, p->elem->str, (gssize)p->elem->len, NULL))
		return;
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root))
		return;
	k = g_new0(struct kept, 1);
	k->sync_ns = json_object_get_int_member_with_default(json_node_get_object(root),
							     "sync_ns", 0);
	k->seq = p->seq++;
	pos = p->kept->len;
	while (pos > 0 && ((struct kept *)p->kept->pdata[pos - 1])->sync_ns < k->sync_ns)
		pos--;
	if (pos >= DS_TASK_TOP) {
		kept_free(k);
		return;
	}
	k->text = g_strndup(p->elem->str, p->elem->len);
	g_ptr_array_insert(p->kept, (gint)pos, k);
	if (p->kept->len > DS_TASK_TOP)
		g_ptr_array_remove_index(p->kept, p->kept->len - 1);
}

static void array_done(struct prune *p)
{
	if (!p->cut) {
		g_string_append_len(p->out, p->whole->str, (gssize)p->whole->len);
		g_ptr_array_set_size(p->kept, 0);
		p->state = S_TEXT;
		return;
	}
	g_string_append_c(p->out, '[');
	for (guint i = 0; i < p->kept->len; i++)
		g_string_append_printf(p->out, "%s%s", i ? "," : "",
				       ((struct kept *)p->kept->pdata[i])->text);
	g_string_append_c(p->out, ']');
	g_ptr_array_set_size(p->kept, 0);
	p->state = S_TEXT;
}

static void prune_char(struct prune *p, char c)
{
	if (!p->cut) {
		g_string_append_c(p->whole, c);
		if (p->whole->len > VERBATIM_MAX) {
			p->cut = true;
			g_string_truncate(p->whole, 0);
		}
	}
	if (p->elem_on) {
		if (p->elem->len < ELEM_MAX)
			g_string_append_c(p->elem, c);
		else
			p->elem_on = false;	/* too long for a task row: dropped */
	}
	if (p->str) {
		if (p->esc)
			p->esc = false;
		else if (c == '\\')
			p->esc = true;
		else if (c == '"')
			p->str = false;
		return;
	}
	if (c == '"') {
		p->str = true;
	} else if (c == '[' || c == '{') {
		if (++p->depth == 2 && c == '{') {
			g_string_assign(p->elem, "{");
			p->elem_on = true;
		}
	} else if (c == ']' || c == '}') {
		if (--p->depth == 1 && p->elem_on) {
			p->elem_on = false;
			elem_done(p);
		} else if (p->depth == 1) {
			p->elem_on = false;
		} else if (p->depth == 0) {
			array_done(p);
		}
	}
}

static void text_char(struct prune *p, char c)
{
	bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';

	if (p->state == S_AFTER_KEY && !space)
		p->state = c == ':' ? S_AFTER_COLON : S_TEXT;
	else if (p->state == S_AFTER_COLON && !space) {
		if (c == '[') {
			p->state = S_PRUNE;
			p->depth = 1;
			p->seq = 0;
			p->cut = false;
			g_string_assign(p->whole, "[");
			return;
		}
		p->state = S_TEXT;
	}
	g_string_append_c(p->out, c);
	if (p->str) {
		if (p->esc) {
			p->esc = false;
			p->keylen = G_N_ELEMENTS(p->key);	/* an escape: not the plain key */
		} else if (c == '\\') {
			p->esc = true;
		} else if (c == '"') {
			p->str = false;
			if (p->keylen == 5 && !memcmp(p->key, "tasks", 5))
				p->state = S_AFTER_KEY;
		} else if (p->keylen < G_N_ELEMENTS(p->key)) {
			p->key[p->keylen++] = c;
		}
		return;
	}
	if (c == '"' && (p->state == S_TEXT)) {
		p->str = true;
		p->keylen = 0;
	}
}

char *ds_json_read_pruned(const char *path, gsize *len, GError **error)
{
	struct prune p = { 0 };
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	gboolean ok;

	if (!f) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s", path, g_strerror(errno));
		return NULL;
	}
	p.out = g_string_new(NULL);
	p.elem = g_string_new(NULL);
	p.whole = g_string_new(NULL);
	p.kept = g_ptr_array_new_with_free_func(kept_free);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < n; i++) {
			if (p.state == S_PRUNE)
				prune_char(&p, buf[i]);
			else
				text_char(&p, buf[i]);
		}
	ok = !ferror(f);
	if (!ok)
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: %s", path, g_strerror(errno));
	fclose(f);
	g_string_free(p.elem, TRUE);
	g_string_free(p.whole, TRUE);
	g_ptr_array_free(p.kept, TRUE);
	if (!ok) {
		g_string_free(p.out, TRUE);
		return NULL;
	}
	*len = p.out->len;
	return g_string_free(p.out, FALSE);
}
