/* SPDX-License-Identifier: MIT */
/*
 * run_timeline.h - --export-timeline and its bounds, for the commands that run the
 * simulator (replay; compare writes one file per policy): the options, and a timeline file
 * opened before the run (a bad path fails before any work) and committed after it.
 */
#ifndef DS_RUN_TIMELINE_H
#define DS_RUN_TIMELINE_H

#include <glib.h>

#include "ds_sim.h"
#include "ds_timeline.h"

/**
 * struct ds_cli_timeline - the options as parsed
 * @path: --export-timeline FILE (NULL: no timeline)
 * @from, @to: --timeline-from/--timeline-to DURATION (after the first event)
 * @max_events: --timeline-max-events N (text: checked by ds_cli_timeline_opts())
 */
struct ds_cli_timeline {
	char *path;
	char *from;
	char *to;
	char *max_events;
	GOptionEntry entries[5];
};

/** ds_cli_timeline_add_options() - add the four options to @ctx's main group */
void ds_cli_timeline_add_options(GOptionContext *ctx, struct ds_cli_timeline *t,
				 const char *path_help);

void ds_cli_timeline_clear(struct ds_cli_timeline *t);

/**
 * ds_cli_timeline_check() - the options are consistent (bounds parse, from < to, a bound
 * without --export-timeline is an error); DS_ERROR_PARAM naming the option
 */
gboolean ds_cli_timeline_check(const struct ds_cli_timeline *t, GError **error);

/**
 * ds_cli_timeline_open() - open @path for a run of @params->policy (NULL when no timeline
 * is asked for, or on error with @error set) and set @params->observer to it
 */
struct ds_timeline *ds_cli_timeline_open(const struct ds_cli_timeline *t, const char *path,
					 struct ds_params *params, const char *profile,
					 const char *trace, GError **error);

/**
 * ds_cli_timeline_finish() - commit @tl after a good run: a cut file is reported on stderr
 * by @cmd; @params->observer is cleared
 */
gboolean ds_cli_timeline_finish(struct ds_timeline *tl, const char *cmd, const char *path,
				struct ds_params *params, GError **error);

/**
 * ds_cli_timeline_path_for() - compare's file for @policy: FILE.json -> FILE-POLICY.json
 * (the policy before the last extension, or at the end when there is none)
 */
char *ds_cli_timeline_path_for(const char *path, const char *policy);

#endif
