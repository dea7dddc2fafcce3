/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - sub-commands of the defersim CLI (trace-cmd style: one file per sub-command).
 *
 * Each sub-command gets argv with argv[0] = its own name and returns the process exit status:
 * 0 success, 1 failure of the work, 2 bad usage or bad input.
 */
#ifndef DS_CMD_H
#define DS_CMD_H

#define DS_EXIT_OK 0
#define DS_EXIT_FAIL 1
#define DS_EXIT_USAGE 2

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
int ds_cmd_validate(int argc, char **argv);
int ds_cmd_cache(int argc, char **argv);
int ds_cmd_profiles(int argc, char **argv);

#endif
