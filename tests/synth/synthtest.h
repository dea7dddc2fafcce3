/* SPDX-License-Identifier: MIT */
/*
 * synthtest.h - helpers of the synthetic-trace tests: params from "NAME=VALUE" words, a whole
 * stream read into an array, temporary files, the defersim binary.
 */
#ifndef DS_SYNTHTEST_H
#define DS_SYNTHTEST_H

#include <glib.h>

#include "ds_source.h"
#include "ds_synth.h"
#include "dstest.h"

/* Workload @name with the NULL-terminated "NAME=VALUE" words applied; fails the test on error. */
struct ds_synth_params synthtest_params(const char *name, ...) G_GNUC_NULL_TERMINATED;

/* Every event of @src (closed afterwards) in a GArray of struct ds_event. */
GArray *synthtest_drain(struct ds_source *src);

/* The stream of @p (ds_synth_open()). */
GArray *synthtest_stream(const struct ds_synth_params *p);

/* A path in a fresh temporary directory of the test (removed by synthtest_cleanup()). */
char *synthtest_tmp(const char *name);
void synthtest_cleanup(void);

/* The whole file, or NULL. */
GBytes *synthtest_read(const char *path);

/*
 * Run a command (argv, NULL-terminated; dstest_spawn()); returns its exit status, stdout and
 * stderr.  A crash fails the test.
 */
int synthtest_run(char **out, char **err, const char *arg0, ...) G_GNUC_NULL_TERMINATED;

/* $DS_DEFERSIM, the built program (skips the test when unset). */
const char *synthtest_defersim(void);

/* trace-cmd is on PATH (else the test skips what needs it). */
gboolean synthtest_have_trace_cmd(void);

#endif
