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
};

static void usage(FILE *out)
{
	fprintf(out, "usage: defersim COMMAND [OPTIONS...]\n\n"
		     "Trace-driven simulator of zsmalloc per-cpu deferred free of swap entries.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		fprintf(out, "  %-10s %s\n", subcmds[i].name, subcmds[i].summary);
	fprintf(out, "\n`defersim COMMAND --help` describes each command.  Version %s.\n", DS_VERSION);
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
