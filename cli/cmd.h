/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - sub-commands of the defersim CLI (trace-cmd style: one file per sub-command).
 *
 * Each sub-command gets argv with argv[0] = its own name and returns the process exit status,
 * the same in every command (README.md, "Exit status"; each --help ends with it):
 * 0 success, 1 runtime error (the work failed), 2 usage or input error (also bad input found
 * while it streams: ds_cli_exit_for_run_error()), 3 a target was not met (size, validate).
 */
#ifndef DS_CMD_H
#define DS_CMD_H

#define DS_EXIT_OK 0
#define DS_EXIT_FAIL 1
#define DS_EXIT_USAGE 2
#define DS_EXIT_TARGET 3

#include <glib.h>

/**
 * ds_cli_exit_help() - end @ctx's --help with the exit statuses (cli/exit_status.c)
 * @before: the command's own closing text (examples), or NULL
 * @target: what exit status 3 means for this command, NULL when it never returns 3
 */
void ds_cli_exit_help(GOptionContext *ctx, const char *before, const char *target);

int ds_cmd_replay(int argc, char **argv);
int ds_cmd_info(int argc, char **argv);
int ds_cmd_record(int argc, char **argv);
int ds_cmd_compare(int argc, char **argv);
int ds_cmd_synth(int argc, char **argv);
int ds_cmd_calibrate(int argc, char **argv);
int ds_cmd_sweep(int argc, char **argv);
int ds_cmd_merge(int argc, char **argv);
int ds_cmd_size(int argc, char **argv);
int ds_cmd_plot(int argc, char **argv);
int ds_cmd_report(int argc, char **argv);
int ds_cmd_validate(int argc, char **argv);
int ds_cmd_cache(int argc, char **argv);
int ds_cmd_profiles(int argc, char **argv);

#endif
