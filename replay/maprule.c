// SPDX-License-Identifier: MIT
/*
 * maprule.c - --map SYSTEM/EVENT=KIND[:FIELD] rules.
 *
 * kinds[]: the KIND words a user may write, each with the event type and flags it stands
 * for.  A rule is plain data (struct ds_map_rule); the event table (evmap.c) applies it.
 */
#include <string.h>

#include "ds_source.h"
#include "trace_impl.h"

struct kind_word {
	const char *word;
	unsigned int type;
	unsigned int flags;
};

static const struct kind_word kinds[] = {
	{ "zram_release", DS_EV_RELEASE, 0 },
	{ "zram_release_end", DS_EV_RELEASE_END, 0 },
	{ "zswap_release", DS_EV_RELEASE, DS_EVF_ZSWAP },
	{ "zswap_release_end", DS_EV_RELEASE_END, DS_EVF_ZSWAP },
	{ "zs_free", DS_EV_ZS_FREE, 0 },
	{ "zs_malloc", DS_EV_ZS_MALLOC, 0 },
	{ "zs_malloc_end", DS_EV_ZS_MALLOC_END, 0 },
	{ "slot_write", DS_EV_SLOT_WRITE, 0 },
	{ "switch", DS_EV_SWITCH, 0 },
	{ "exit", DS_EV_EXIT, 0 },
	{ "wq_queue", DS_EV_WQ_QUEUE, 0 },
	{ "wq_activate", DS_EV_WQ_ACTIVATE, 0 },
	{ "wq_start", DS_EV_WQ_START, 0 },
	{ "wq_end", DS_EV_WQ_END, 0 },
	{ "ignore", DS_EV_NONE, 0 },
};

static gboolean is_ident(const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return FALSE;
	return TRUE;
}

static GString *kind_list(void)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", kinds[i].word);
	return s;
}

gboolean ds_map_rule_parse(const char *spec, struct ds_map_rule *rule, GError **error)
{
	const char *eq = spec ? strchr(spec, '=') : NULL;
	const char *slash = spec ? strchr(spec, '/') : NULL;

	memset(rule, 0, sizeof(*rule));
	if (!eq || !slash || slash > eq) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--map \"%s\": expected "
			    "SYSTEM/EVENT=KIND[:FIELD]", spec ? spec : "");
		return FALSE;
	}
	g_autofree char *sys = g_strndup(spec, (size_t)(slash - spec));
	g_autofree char *ev = g_strndup(slash + 1, (size_t)(eq - slash - 1));
	g_autofree char *kind = g_strdup(eq + 1);
	char *colon = strchr(kind, ':');
	char *field = NULL;

	if (colon) {
		*colon = '\0';
		field = colon + 1;
	}
	if (!is_ident(sys) || !is_ident(ev)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--map \"%s\": bad system or event "
			    "name (letters, digits, '_', '-', '.')", spec);
		return FALSE;
	}
	if (field && !is_ident(field)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--map \"%s\": bad field name \"%s\"",
			    spec, field);
		return FALSE;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
		if (strcmp(kind, kinds[i].word))
			continue;
		if (field && kinds[i].type == DS_EV_NONE) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--map \"%s\": \"ignore\" takes "
				    "no field", spec);
			return FALSE;
		}
		rule->system = g_steal_pointer(&sys);
		rule->event = g_steal_pointer(&ev);
		rule->type = kinds[i].type;
		rule->flags = kinds[i].flags;
		rule->field = g_strdup(field);
		return TRUE;
	}
	g_autoptr(GString) list = kind_list();

	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--map \"%s\": unknown kind \"%s\" (one of: "
		    "%s)", spec, kind, list->str);
	return FALSE;
}

void ds_map_rule_clear(struct ds_map_rule *rule)
{
	if (!rule)
		return;
	g_free(rule->system);
	g_free(rule->event);
	g_free(rule->field);
	memset(rule, 0, sizeof(*rule));
}

char *ds_map_rules_digest(const struct ds_map_rule *rules, size_t n)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	char *out;

	for (size_t i = 0; i < n; i++) {
		g_autofree char *s = g_strdup_printf("%s/%s=%u,%u:%s;", rules[i].system,
						     rules[i].event, rules[i].type, rules[i].flags,
						     rules[i].field ? rules[i].field : "");

		g_checksum_update(ck, (const guchar *)s, -1);
	}
	out = g_strndup(g_checksum_get_string(ck), 16);
	g_checksum_free(ck);
	return out;
}
