// SPDX-License-Identifier: MIT
/*
 * churn.c - steady swap traffic: P processes write to random pages of their swapped region
 * for --duration seconds.  A write fault on a swapped page swaps it in and releases its swap
 * entry (the release on swap-in); memory.max pushes other pages out again (zs_malloc and
 * zram writes, which reuse released slots).  At the end the children stay alive, so the
 * exit burst is not part of the recording.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

static void child(const struct wl_opts *o, int i, int report_fd)
{
	volatile char *p = wl_fill(o->bytes_each, (unsigned int)i + 1);
	size_t pages = o->bytes_each / 4096;
	uint64_t s = 0x2545f4914f6cdd1dull + (uint64_t)i, touches = 0;
	double t0, end;

	wl_report(report_fd);
	wl_wait_usr1();
	t0 = wl_now_ms();
	end = t0 + o->duration * 1e3;
	while (wl_now_ms() < end) {
		for (int k = 0; k < 64; k++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			/* byte 8 stays inside the random kilobyte: the page keeps its kind */
			p[(s % pages) * 4096 + 8] ^= (char)(s >> 32 | 1);
			touches++;
		}
	}
	printf("churn: pid %d wrote %llu random pages of %zu MiB in %.0f ms\n", getpid(),
	       (unsigned long long)touches, o->bytes_each >> 20, wl_now_ms() - t0);
	fflush(stdout);
	wl_report(report_fd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct wl_opts o;
	struct wl_child *kids;
	int fd;

	wl_parse(argc, argv, &o);
	kids = wl_start_and_go(&o, child, &fd);
	wl_signal_all(&o, kids, SIGUSR1);
	wl_await_reports(fd, o.procs);
	wl_write_file(o.done, "done\n");
	/* The guest script kills the cgroup after the recording. */
	for (;;)
		pause();
}
