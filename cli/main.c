// SPDX-License-Identifier: MIT
/*
 * main.c - `defersim SUBCOMMAND ...`: finds the sub-command and hands it argv.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct subcmd subcmds[] = {
	{ "replay", ds_cmd_replay, "replay a trace through a policy and report what it costs" },
	{ "info", ds_cmd_info, "what a trace holds: events per type and CPU, clock, lost events" },
	{ "record", ds_cmd_record, "record swap-entry releases with kprobes (needs root, kprobes)" },
	{ "compare", ds_cmd_compare, "replay one trace under every policy and compare them side by side" },
	{ "synth", ds_cmd_synth, "write a synthetic trace (munmap, lmk, churn, poisson workloads)" },
	{ "calibrate", ds_cmd_calibrate, "measure a machine's costs from traces into a profile" },
	{ "sweep", ds_cmd_sweep, "run every point of a sweep file in parallel, resumably" },
	{ "merge", ds_cmd_merge, "merge the results of several sweep directories" },
	{ "size", ds_cmd_size, "smallest pool meeting a fallback-rate / drain-latency target" },
	{ "plot", ds_cmd_plot, "draw sweep or replay results with gnuplot" },
	{ "report", ds_cmd_report, "one self-contained HTML report of a run, comparison, sizing or sweep" },
	{ "validate", ds_cmd_validate, "the model beside published figures (validation suites)" },
	{ "profiles", ds_cmd_profiles, "list the hardware profiles and how many values are guessed" },
	{ "cache", ds_cmd_cache, "list, prune or clear the binary event cache of traces" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: defersim COMMAND [OPTIONS...]\n\n"
		     "Trace-driven simulator of zsmalloc per-cpu deferred free of swap entries.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		fprintf(out, "  %-10s %s\n", subcmds[i].name, subcmds[i].summary);
	fprintf(out, "\n`defersim COMMAND --help` describes each command.  Version %s.\n", DS_VERSION);
	fprintf(out, "Exit status (every command): 0 success, 1 runtime error, 2 usage or input "
		"error,\n3 target not met (size, validate).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return DS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return DS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("defersim %s\n", DS_VERSION);
		return DS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			return subcmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "defersim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return DS_EXIT_USAGE;
}
