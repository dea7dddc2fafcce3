// SPDX-License-Identifier: MIT
/*
 * run_timeline.c - see run_timeline.h.  The timeline itself is report/timeline.c; this file
 * is what replay and compare share of its command line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ds_sweep.h"
#include "run_timeline.h"

void ds_cli_timeline_add_options(GOptionContext *ctx, struct ds_cli_timeline *t,
				 const char *path_help)
{
	const GOptionEntry e[] = {
		{ "export-timeline", 0, 0, G_OPTION_ARG_FILENAME, &t->path, path_help, "FILE.json" },
		{ "timeline-from", 0, 0, G_OPTION_ARG_STRING, &t->from, "Timeline: leave out what ends before this long after the first event (\"250ms\"; default 0)", "DURATION" },
		{ "timeline-to", 0, 0, G_OPTION_ARG_STRING, &t->to, "Timeline: leave out what starts after this long after the first event (default: the end)", "DURATION" },
		{ "timeline-max-events", 0, 0, G_OPTION_ARG_STRING, &t->max_events, "Timeline: at most N events; a file cut there says so (default 2000000, 0 = no cap)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};

	memcpy(t->entries, e, sizeof(e));
	g_option_context_add_main_entries(ctx, t->entries, NULL);
}

void ds_cli_timeline_clear(struct ds_cli_timeline *t)
{
	g_free(t->path);
	g_free(t->from);
	g_free(t->to);
	g_free(t->max_events);
	memset(t, 0, sizeof(*t));
}

static gboolean bound(const char *opt, const char *text, uint64_t *out, GError **error)
{
	GError *e = NULL;

	if (!text)
		return TRUE;
	if (ds_parse_duration(text, out, &e))
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--%s: %s", opt, e->message);
	g_error_free(e);
	return FALSE;
}

static gboolean max_events(const char *text, uint64_t *out, GError **error)
{
	char *end = NULL;

	if (!text)
		return TRUE;
	errno = 0;
	*out = g_ascii_strtoull(text, &end, 10);
	if (*text && g_ascii_isdigit(*text) && !*end && !errno)
		return TRUE;
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
		    "--timeline-max-events '%s': expected a count (0 = no cap)", text);
	return FALSE;
}

static gboolean build_opts(const struct ds_cli_timeline *t, struct ds_timeline_opts *o,
			   GError **error)
{
	ds_timeline_opts_init(o);
	if (!bound("timeline-from", t->from, &o->from_ns, error) ||
	    !bound("timeline-to", t->to, &o->to_ns, error) ||
	    !max_events(t->max_events, &o->max_events, error))
		return FALSE;
	if (o->to_ns != UINT64_MAX && o->to_ns < o->from_ns) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--timeline-to %s is before "
			    "--timeline-from %s: the window is empty", t->to, t->from);
		return FALSE;
	}
	return TRUE;
}

gboolean ds_cli_timeline_check(const struct ds_cli_timeline *t, GError **error)
{
	struct ds_timeline_opts o;

	if (!t->path && (t->from || t->to || t->max_events)) {
		g_set_error(error, DS_ERROR, DS_ERROR_PARAM, "--timeline-%s without "
			    "--export-timeline: give the file to write", t->from ? "from" :
			    t->to ? "to" : "max-events");
		return FALSE;
	}
	return build_opts(t, &o, error);
}

struct ds_timeline *ds_cli_timeline_open(const struct ds_cli_timeline *t, const char *path,
					 struct ds_params *params, const char *profile,
					 const char *trace, GError **error)
{
	struct ds_timeline_opts o;
	struct ds_timeline *tl;

	if (!path || !build_opts(t, &o, error))
		return NULL;
	o.policy = params->policy;
	o.profile = profile;
	o.trace = trace;
	tl = ds_timeline_open(path, &o, error);
	if (tl)
		params->observer = ds_timeline_observer(tl);
	return tl;
}

gboolean ds_cli_timeline_finish(struct ds_timeline *tl, const char *cmd, const char *path,
				struct ds_params *params, GError **error)
{
	struct ds_timeline_stats st;

	params->observer = NULL;
	if (!tl)
		return TRUE;
	if (!ds_timeline_commit(tl, &st, error))
		return FALSE;
	if (st.truncated)
		fprintf(stderr, "defersim %s: warning: %s was cut at %" PRIu64 " events (%" PRIu64
			" ns after the first event); %" PRIu64 " later events are not in it (the file "
			"says so): narrow it with --timeline-from/--timeline-to or raise "
			"--timeline-max-events\n", cmd, path, st.written, st.cut_at_ns, st.dropped);
	if (st.lane_overflow)
		fprintf(stderr, "defersim %s: warning: %s: %" PRIu64 " CPU slices left out: more "
			"than %u overlapped on one virtual CPU\n", cmd, path, st.lane_overflow,
			DS_TIMELINE_LANES);
	return TRUE;
}

char *ds_cli_timeline_path_for(const char *path, const char *policy)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');

	if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
		return g_strdup_printf("%s-%s", path, policy);
	return g_strdup_printf("%.*s-%s%s", (int)(dot - path), path, policy, dot);
}
