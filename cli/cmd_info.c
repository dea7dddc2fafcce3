// SPDX-License-Identifier: MIT
/* cmd_info.c - placeholder until `defersim info` lands; fails loudly. */
#include <stdio.h>
#include "cmd.h"

int ds_cmd_info(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "defersim %s: not implemented yet\n", argv[0]);
	return DS_EXIT_FAIL;
}
