/* SPDX-License-Identifier: MIT */
/*
 * run_common.h - what every sub-command that runs the simulator shares (replay, compare):
 * the options that name a parameter, --set NAME=VALUE, --map rules, the profile.
 *
 * Every parameter goes through ds_params_set(), so it is parsed and checked in one place and
 * errors read the same whichever option or file it came from.
 */
#ifndef DS_RUN_COMMON_H
#define DS_RUN_COMMON_H

#include <stddef.h>
#include <glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/**
 * struct ds_cli_named - a dedicated option standing for a parameter (--cpus = "cpus")
 * @name: parameter name
 * @value: its text from the command line, NULL when the option was not given
 */
struct ds_cli_named {
	const char *name;
	const char *value;
};

/**
 * ds_cli_params_apply() - the dedicated options first, then every --set in order (a later
 * --set wins, as users expect), then ds_params_validate()
 * @p: parameters, already initialised
 * @named: @n dedicated options (NULL values are skipped)
 * @set: NULL-terminated "NAME=VALUE" strings, or NULL
 */
gboolean ds_cli_params_apply(struct ds_params *p, const struct ds_cli_named *named, size_t n,
			     char **set, GError **error);

/**
 * ds_cli_profile_load() - the profile named by --profile (file or name in profiles/), the
 * built-in one when @name is NULL
 */
struct ds_profile *ds_cli_profile_load(const char *name, GError **error);

/**
 * ds_cli_map_build() - parse every --map SYSTEM/EVENT=KIND[:FIELD]
 * @specs: NULL-terminated, or NULL
 * @n: out: number of rules
 * Return: an array of @n rules (free with ds_cli_map_free()), NULL with @error set
 */
struct ds_map_rule *ds_cli_map_build(char **specs, size_t *n, GError **error);
void ds_cli_map_free(struct ds_map_rule *rules, size_t n);

#endif
