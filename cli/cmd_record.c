// SPDX-License-Identifier: MIT
/* cmd_record.c - placeholder until `defersim record` lands; fails loudly. */
#include <stdio.h>
#include "cmd.h"

int ds_cmd_record(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "defersim %s: not implemented yet\n", argv[0]);
	return DS_EXIT_FAIL;
}
