// SPDX-License-Identifier: MIT
/*
 * run_common.c - see run_common.h.  The options of `defersim replay` that every simulating
 * command shares, so that compare and size build their runs exactly as replay does.
 */
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ds_report.h"
#include "run_common.h"

void ds_cli_run_add_options(GOptionContext *ctx, struct ds_cli_run_opts *o, unsigned int omit)
{
	const GOptionEntry all[DS_CLI_RUN_ENTRIES] = {
		{ "policy", 'p', 0, G_OPTION_ARG_STRING, &o->policy, "Release policy: sync, v2, v3 or zsonly (default v3)", "NAME" },
		{ "cpus", 'c', 0, G_OPTION_ARG_STRING, &o->cpus, "Virtual CPUs (default: the recorded CPUs)", "N" },
		{ "pool-pages", 'P', 0, G_OPTION_ARG_STRING, &o->pool_pages, "Pre-allocated pool pages per pool (default 64)", "N" },
		{ "profile", 'H', 0, G_OPTION_ARG_STRING, &o->profile, "Hardware profile: .ini file or name in profiles/ (default builtin-default)", "FILE|NAME" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &o->seed, "Random seed (default 1)", "N" },
		{ "cost-source", 0, 0, G_OPTION_ARG_STRING, &o->cost_source, "Sync cost of a release: trace (recorded durations), profile, or auto (default: the profile when one is given)", "trace|profile|auto" },
		{ "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o->set, "Set any parameter, or scale.COST=F to multiply a profile cost (repeatable; the report lists them all)", "NAME=VALUE" },
		{ "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &o->map, "Map a trace event explicitly (repeatable; see traces/FORMAT.md)", "SYSTEM/EVENT=KIND[:FIELD]" },
		{ "check", 0, 0, G_OPTION_ARG_NONE, &o->check, "Check the spec's invariants (conservation, pages) during every run", NULL },
		{ "force-clock", 0, 0, G_OPTION_ARG_NONE, &o->force_clock, "Accept a trace clock not synchronised across CPUs", NULL },
		{ "no-cache", 0, 0, G_OPTION_ARG_NONE, &o->no_cache, "Neither read nor write the binary event cache", NULL },
		{ "verify", 0, 0, G_OPTION_ARG_NONE, &o->verify, "Rehash the trace and check its whole cache before using it (the cache is otherwise found by size, mtime, inode and the file's ends)", NULL },
		{ "accept-damaged", 0, 0, G_OPTION_ARG_NONE, &o->accept_damaged, "Replay what is readable of a damaged trace.dat (the damage is reported) instead of failing", NULL },
	};
	size_t n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(all) && all[i].long_name; i++) {
		if (((omit & DS_CLI_NO_POLICY) && !strcmp(all[i].long_name, "policy")) ||
		    ((omit & DS_CLI_NO_POOL) && !strcmp(all[i].long_name, "pool-pages")))
			continue;
		o->entries[n++] = all[i];
	}
	memset(&o->entries[n], 0, sizeof(o->entries[n]));
	g_option_context_add_main_entries(ctx, o->entries, NULL);
}

void ds_cli_run_opts_clear(struct ds_cli_run_opts *o)
{
	g_free(o->policy);
	g_free(o->cpus);
	g_free(o->pool_pages);
	g_free(o->profile);
	g_free(o->seed);
	g_free(o->cost_source);
	g_strfreev(o->set);
	g_strfreev(o->map);
	for (size_t i = 0; o->rules && i < o->topts.n_map; i++)
		ds_map_rule_clear(&o->rules[i]);
	g_free(o->rules);
	memset(o, 0, sizeof(*o));
}

static gboolean apply_named(struct ds_params *p, const struct ds_cli_named *named, size_t n,
			    GError **error)
{
	for (size_t i = 0; i < n; i++)
		if (named[i].value && !ds_params_set(p, named[i].name, named[i].value, error))
			return FALSE;
	return TRUE;
}

gboolean ds_cli_run_params(const struct ds_cli_run_opts *o, const struct ds_cli_named *named,
			   size_t n, struct ds_params *p, GError **error)
{
	const struct ds_cli_named shared[] = {
		{ "policy", o->policy }, { "cpus", o->cpus }, { "pool_pages", o->pool_pages },
		{ "seed", o->seed }, { "cost_source", o->cost_source },
	};

	ds_params_init(p);
	if (o->check)
		p->check_invariants = true;
	if (!apply_named(p, shared, G_N_ELEMENTS(shared), error) ||
	    !apply_named(p, named, n, error))
		return FALSE;
	return ds_cli_apply_sets(p, o->set, error);
}

gboolean ds_cli_apply_sets(struct ds_params *p, char **set, GError **error)
{
	for (char **s = set; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		g_autofree char *name = NULL;

		if (!eq) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "--set '%s': expected NAME=VALUE", *s);
			return FALSE;
		}
		name = g_strndup(*s, (gsize)(eq - *s));
		if (g_str_has_prefix(name, "scale."))
			continue;	/* a profile cost: ds_cli_apply_scales() */
		if (!ds_params_set(p, name, eq + 1, error))
			return FALSE;
	}
	return ds_params_validate(p, error);
}

gboolean ds_cli_run_trace_opts(struct ds_cli_run_opts *o, GError **error)
{
	size_t count = o->map ? g_strv_length(o->map) : 0;

	o->rules = g_new0(struct ds_map_rule, count + 1);
	for (size_t i = 0; i < count; i++) {
		if (!ds_map_rule_parse(o->map[i], &o->rules[i], error)) {
			o->topts.n_map = i;
			return FALSE;
		}
	}
	o->topts.map = o->rules;
	o->topts.n_map = count;
	o->topts.force_clock = o->force_clock;
	o->topts.accept_damaged = o->accept_damaged;
	o->topts.verify = o->verify;
	o->topts.use_cache = !o->no_cache;
	o->topts.progress = isatty(STDERR_FILENO);
	return TRUE;
}

/*
 * A trace that will be cached is not hashed here when it has no cache yet: its first open
 * hashes it beside the decode and writes the digest into the cache, where every later open
 * finds it; hashing it first read the whole file once more, before the decode could start
 * (0.6 s of CPU and a read of 902 MB for issue 11's 64-CPU trace).  Without caching, every
 * open would hash it again: it is hashed once here (ds_trace_sha256_early()).
 */
gboolean ds_cli_run_hash_trace(struct ds_cli_run_opts *o, const char *trace, GError **error)
{
	int known = ds_trace_sha256_early(trace, &o->topts, o->sha256, error);

	if (known > 0)
		o->topts.sha256 = o->sha256;
	return known >= 0;
}

void ds_cli_run_warn(const char *cmd, const struct ds_results *r,
		     const struct ds_trace_info *info)
{
	g_autoptr(GPtrArray) w = ds_report_warnings(r, info);

	for (guint i = 0; i < w->len; i++)
		g_printerr("defersim %s: warning: %s\n", cmd, (char *)g_ptr_array_index(w, i));
}

gboolean ds_cli_apply_scales(struct ds_profile *prof, char **set, GError **error)
{
	for (char **s = set; s && *s; s++) {
		const char *eq = strchr(*s, '=');
		g_autofree char *name = NULL;

		if (!eq || !g_str_has_prefix(*s, "scale."))
			continue;	/* parameters: ds_cli_apply_sets() */
		name = g_strndup(*s + strlen("scale."), (gsize)(eq - *s) - strlen("scale."));
		if (!ds_scale_set(prof, name, eq + 1, error)) {
			g_prefix_error(error, "--set: ");
			return FALSE;
		}
	}
	return TRUE;
}

struct ds_profile *ds_cli_profile_load(const char *name, char **set, GError **error)
{
	struct ds_profile *prof = name ? ds_profile_load(name, error) : ds_profile_new_default();

	if (prof && !ds_cli_apply_scales(prof, set, error))
		g_clear_pointer(&prof, ds_profile_free);
	return prof;
}

int ds_cli_exit_for_run_error(const GError *error)
{
	if (!error || error->domain != DS_ERROR)
		return DS_EXIT_FAIL;
	switch (error->code) {
	case DS_ERROR_FORMAT:
	case DS_ERROR_DAMAGED:
	case DS_ERROR_NO_RELEASES:
	case DS_ERROR_CLOCK:
	case DS_ERROR_ORDER:
	case DS_ERROR_PARAM:
	case DS_ERROR_PROFILE:
		return DS_EXIT_USAGE;
	default:
		return DS_EXIT_FAIL;
	}
}
