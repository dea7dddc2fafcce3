// SPDX-License-Identifier: MIT
/* cmd_replay.c - placeholder until `defersim replay` lands; fails loudly. */
#include <stdio.h>
#include "cmd.h"

int ds_cmd_replay(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "defersim %s: not implemented yet\n", argv[0]);
	return DS_EXIT_FAIL;
}
