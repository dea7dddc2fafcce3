// SPDX-License-Identifier: MIT
/*
 * run_common.c - see run_common.h.  Taken out of cmd_replay.c so that `defersim compare`
 * builds its runs exactly as `defersim replay` does.
 */
#include <string.h>

#include "run_common.h"

gboolean ds_cli_params_apply(struct ds_params *p, const struct ds_cli_named *named, size_t n,
			     char **set, GError **error)
{
	for (size_t i = 0; i < n; i++)
		if (named[i].value && !ds_params_set(p, named[i].name, named[i].value, error))
			return FALSE;
	for (char **s = set; s && *s; s++) {
		char *eq = strchr(*s, '=');
		g_autofree char *name = NULL;

		if (!eq) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "--set '%s': expected NAME=VALUE", *s);
			return FALSE;
		}
		name = g_strndup(*s, (gsize)(eq - *s));
		if (!ds_params_set(p, name, eq + 1, error))
			return FALSE;
	}
	return ds_params_validate(p, error);
}

struct ds_profile *ds_cli_profile_load(const char *name, GError **error)
{
	return name ? ds_profile_load(name, error) : ds_profile_new_default();
}

struct ds_map_rule *ds_cli_map_build(char **specs, size_t *n, GError **error)
{
	size_t count = specs ? g_strv_length(specs) : 0;
	struct ds_map_rule *rules = g_new0(struct ds_map_rule, count + 1);

	for (size_t i = 0; i < count; i++) {
		if (!ds_map_rule_parse(specs[i], &rules[i], error)) {
			ds_cli_map_free(rules, i);
			return NULL;
		}
	}
	*n = count;
	return rules;
}

void ds_cli_map_free(struct ds_map_rule *rules, size_t n)
{
	for (size_t i = 0; rules && i < n; i++)
		ds_map_rule_clear(&rules[i]);
	g_free(rules);
}
