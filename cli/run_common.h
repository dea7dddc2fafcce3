/* SPDX-License-Identifier: MIT */
/*
 * run_common.h - what every sub-command that runs the simulator shares (replay, compare,
 * size): the options that name a parameter, --set NAME=VALUE, the profile, --map rules and
 * the trace-opening options.
 *
 * Every parameter goes through ds_params_set(), so it is parsed and checked in one place and
 * errors read the same whichever option or file it came from.  A command adds these options
 * to its GOptionContext (ds_cli_run_add_options()) beside its own, so that the same option
 * means the same thing, with the same help text, in every command.
 */
#ifndef DS_RUN_COMMON_H
#define DS_RUN_COMMON_H

#include <stddef.h>
#include <glib.h>

#include "ds_sim.h"
#include "ds_source.h"

/* Options a command may leave out of ds_cli_run_add_options(). */
#define DS_CLI_NO_POLICY	0x1	/* compare sets the policy per run */
#define DS_CLI_NO_POOL		0x2	/* size chooses pool_pages itself */

#define DS_CLI_RUN_ENTRIES 13

/**
 * struct ds_cli_run_opts - the shared options as parsed, and the trace options built from
 * them (ds_cli_run_trace_opts())
 * @entries: the GOptionEntry table handed to GLib (it must outlive the parse)
 * @topts: trace-opening options; @topts.map points to @rules
 */
struct ds_cli_run_opts {
	char *policy;
	char *cpus;
	char *pool_pages;
	char *profile;
	char *seed;
	char *cost_source;
	char **set;
	char **map;
	gboolean check;
	gboolean force_clock;
	gboolean accept_damaged;
	gboolean verify;
	gboolean no_cache;
	GOptionEntry entries[DS_CLI_RUN_ENTRIES + 1];
	struct ds_map_rule *rules;
	struct ds_trace_opts topts;
	char sha256[65];
};

/**
 * ds_cli_run_add_options() - add the shared options to @ctx's main group
 * @omit: DS_CLI_NO_* options this command does not take
 */
void ds_cli_run_add_options(GOptionContext *ctx, struct ds_cli_run_opts *o, unsigned int omit);

/** ds_cli_run_opts_clear() - free what parsing and ds_cli_run_trace_opts() allocated */
void ds_cli_run_opts_clear(struct ds_cli_run_opts *o);

/**
 * struct ds_cli_named - a command's own option standing for a parameter
 * @name: parameter name
 * @value: its text from the command line, NULL when the option was not given
 */
struct ds_cli_named {
	const char *name;
	const char *value;
};

/**
 * ds_cli_run_params() - the run parameters: defaults, --check, the shared options, then the
 * command's own @named ones, then every --set in order (a later --set wins, as users
 * expect), then ds_params_validate()
 * @named: @n command-specific options (NULL values are skipped)
 */
gboolean ds_cli_run_params(const struct ds_cli_run_opts *o, const struct ds_cli_named *named,
			   size_t n, struct ds_params *p, GError **error);

/**
 * ds_cli_apply_sets() - every NAME=VALUE of @set (--set options) in order, then
 * ds_params_validate(); scale.COST=F entries are left to ds_cli_apply_scales()
 */
gboolean ds_cli_apply_sets(struct ds_params *p, char **set, GError **error);

/**
 * ds_cli_run_trace_opts() - parse every --map and fill @o->topts (cache, clock, progress on a
 * terminal)
 */
gboolean ds_cli_run_trace_opts(struct ds_cli_run_opts *o, GError **error);

/**
 * ds_cli_run_hash_trace() - hash @trace once and let every later open of it through
 * @o->topts use that digest (commands that replay one trace many times: compare, size)
 */
gboolean ds_cli_run_hash_trace(struct ds_cli_run_opts *o, const char *trace, GError **error);

/**
 * ds_cli_exit_for_run_error() - exit status of a run that failed with @error: 2 (bad input)
 * when the trace or a parameter was at fault, even if found while the events streamed
 * (corrupt, damaged, no releases, clock, parameter, profile), else 1 (the run failed)
 */
int ds_cli_exit_for_run_error(const GError *error);

/**
 * ds_cli_run_warn() - print the run's warnings (ds_report_warnings()) on stderr as
 * "defersim @cmd: warning: ..."
 */
void ds_cli_run_warn(const char *cmd, const struct ds_results *r,
		     const struct ds_trace_info *info);

/**
 * ds_cli_apply_scales() - every scale.COST=F of @set (--set options) applied to @prof's costs
 * (ds_scale_set(); ds_cli_apply_sets() leaves them to this)
 */
gboolean ds_cli_apply_scales(struct ds_profile *prof, char **set, GError **error);

/**
 * ds_cli_profile_load() - the profile named by --profile (file or name in profiles/), the
 * built-in one when @name is NULL, with the --set scale.COST=F of @set applied
 */
struct ds_profile *ds_cli_profile_load(const char *name, char **set, GError **error);

#endif
