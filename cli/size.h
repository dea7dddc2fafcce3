/* SPDX-License-Identifier: MIT */
/*
 * size.h - `defersim size`'s pieces: one search per (trace, profile variant), run in parallel
 * (size_run.c), the text report (cmd_size.c) and the JSON one (size_json.c).
 *
 * struct size_trace is one trace given on the command line: its base search (the profile as
 * given), one search per guessed cost the policy reads at x0.5 and at x2, and the worst
 * combination.  struct size_case is one search: its profile (a scaled copy), the search
 * state, and what its runs said (the JSON of every run when @keep_runs).
 */
#ifndef DS_CLI_SIZE_H
#define DS_CLI_SIZE_H

#include <stdio.h>

#include "ds_report.h"
#include "ds_sweep.h"

#define SIZE_LOW 0.5	/* the factors every guessed cost is tried at */
#define SIZE_HIGH 2.0
#define SIZE_UNMET INT64_MAX	/* a need that no pool size meets, for comparisons */

struct size_case {
	const struct size_trace *trace;
	char *key;			/* cost key scaled ("push_ns"); NULL: as given or worst */
	double factor;
	gboolean worst;
	struct ds_profile *prof;	/* owned */
	struct ds_params params;
	const struct ds_size_targets *targets;
	int64_t max_pages;
	gboolean keep_runs;
	struct ds_size_search *search;
	GHashTable *runs;		/* gint64 pool_pages -> JsonNode *, when @keep_runs */
	JsonNode *trace_json;		/* "trace" member of a run */
	unsigned int ncpus;
	uint64_t be_releases[DS_BE__COUNT];
	int lock_contention;		/* resolved by the runs */
	int64_t answer;			/* -1: not met */
	GError *error;
};

struct size_trace {
	const char *path;
	char sha256[65];
	struct ds_trace_opts topts;
	struct ds_mem_stream *stream;	/* its events in memory for every run, or NULL */
	struct size_case *base;
	GPtrArray *costs;		/* struct size_case *: [2i] = x0.5, [2i+1] = x2 */
	struct size_case *worst;	/* NULL with --no-range or no guessed cost */
};

struct size_case *size_case_new(const struct size_trace *t, const struct ds_profile *prof,
				const struct ds_params *params,
				const struct ds_size_targets *targets, int64_t max_pages);
void size_case_free(struct size_case *c);

/** size_case_need() - its answer, SIZE_UNMET when no size met the targets */
int64_t size_case_need(const struct size_case *c);

/** size_case_label() - "the profile as given", "push_ns x2", "worst combination" (g_free() it) */
char *size_case_label(const struct size_case *c);

/**
 * size_cases_run() - run every search of @cases on @jobs threads, a progress line on stderr
 * per finished search unless @quiet
 * Return: FALSE when one failed (its ->error says why; the others still ran).
 */
gboolean size_cases_run(GPtrArray *cases, guint jobs, gboolean quiet);

/* The parts of the answer both reports print. */
struct size_answer {
	int64_t need;			/* largest need over traces and cases, SIZE_UNMET */
	const struct size_case *sets;	/* the case that sets it */
	int64_t base_need;		/* largest need under the profile as given */
	const struct size_case *base_sets;
	int64_t low;			/* smallest answer over every case */
	gboolean all_met;
	gboolean range;			/* the range was computed (not --no-range) */
	unsigned int page_size;
};

/** size_answer_of() - the answer over every trace and case run */
void size_answer_of(GPtrArray *traces, gboolean range, struct size_answer *a);

/** size_trace_range() - smallest and largest need of one trace's cases (SIZE_UNMET: not met) */
void size_trace_range(const struct size_trace *t, int64_t *low, int64_t *high);

/**
 * size_print_report() - the text report: per trace the sizes tried (unless @quiet), the
 * answer, the range table, the per-trace table, the recommendation and its margin
 */
void size_print_report(FILE *out, GPtrArray *traces, const struct size_answer *a,
		       const struct ds_size_targets *t, int64_t max_pages, gboolean quiet);

/**
 * size_write_json() - the answer, the range table, the per-trace table, the recommendation
 * and the margin, and the runs at and below the answer under the profile as given (docs/json.md)
 */
gboolean size_write_json(const char *path, GPtrArray *traces, const struct size_answer *a,
			 const struct ds_size_targets *t, int64_t max_pages, GError **error);

#endif
