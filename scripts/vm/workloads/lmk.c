// SPDX-License-Identifier: MIT
/*
 * lmk.c - a low-memory-killer storm: K processes hold swapped memory and are killed
 * together with SIGKILL; each exit releases all its swap entries (exit_mmap ->
 * zap_pte_range) from the dying task's context.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

static void child(const struct wl_opts *o, int i, int report_fd)
{
	wl_fill(o->bytes_each, (unsigned int)i + 1);
	wl_report(report_fd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct wl_opts o;
	struct wl_child *kids;
	double t0;

	wl_parse(argc, argv, &o);
	kids = wl_start_and_go(&o, child, NULL);
	t0 = wl_now_ms();
	wl_signal_all(&o, kids, SIGKILL);
	wl_reap_all(&o, kids);
	printf("lmk: killed %d process(es) of %zu MiB each, all reaped in %.3f ms\n", o.procs,
	       o.bytes_each >> 20, wl_now_ms() - t0);
	fflush(stdout);
	wl_write_file(o.done, "done\n");
	free(kids);
	return 0;
}
