// SPDX-License-Identifier: MIT
/*
 * exit_status.c - the one statement of defersim's exit statuses, put at the end of every
 * sub-command's --help (so cli/gendoc.py carries it into each man page's EXIT STATUS).
 *
 * Why one place: the statuses are a contract scripts rely on (`defersim size ... || ...`),
 * and a table repeated by hand in twelve files would drift.  Each command adds only what
 * status 3 means for it, or that it never returns 3.
 */
#include "cmd.h"

void ds_cli_exit_help(GOptionContext *ctx, const char *before, const char *target)
{
	g_autofree char *text = g_strdup_printf(
		"%s%s"
		"Exit status:\n"
		"  0  success\n"
		"  1  runtime error: the work failed (an output could not be written, a tool or the\n"
		"     kernel failed, a check of the model failed)\n"
		"  2  usage or input error: a bad option or argument, an input file that is missing,\n"
		"     unreadable or malformed (also when found while it is read), a bad parameter\n"
		"     or profile\n"
		"  3  %s",
		before ? before : "", before ? "\n\n" : "",
		target ? target : "target not met (not used by this command)");

	g_option_context_set_description(ctx, text);
}
