// SPDX-License-Identifier: MIT
/*
 * munmap.c - the series' own benchmark: P processes each map S/P MiB, fill it, push it to
 * swap, and on the signal munmap it, timing the call (zap_pte_range releases every swap
 * entry in the munmap caller's context).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

static void child(const struct wl_opts *o, int i, int report_fd)
{
	void *p = wl_fill(o->bytes_each, (unsigned int)i + 1);
	double t0;

	wl_report(report_fd);
	wl_wait_usr1();
	t0 = wl_now_ms();
	if (munmap(p, o->bytes_each))
		wl_die("munmap");
	printf("munmap: pid %d unmapped %zu MiB in %.3f ms\n", getpid(),
	       o->bytes_each >> 20, wl_now_ms() - t0);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct wl_opts o;
	struct wl_child *kids;
	double t0;

	wl_parse(argc, argv, &o);
	kids = wl_start_and_go(&o, child, NULL);
	t0 = wl_now_ms();
	wl_signal_all(&o, kids, SIGUSR1);
	wl_reap_all(&o, kids);
	printf("munmap: %d process(es) done in %.3f ms\n", o.procs, wl_now_ms() - t0);
	fflush(stdout);
	wl_write_file(o.done, "done\n");
	free(kids);
	return 0;
}
