/* SPDX-License-Identifier: MIT */
/*
 * wl.h - what the capture-vm workloads share: options, page filling, the ready/go/done
 * protocol with the guest script.
 *
 * Protocol: the parent forks P children; each maps its share of the memory, fills it and
 * pushes it to swap (MADV_PAGEOUT), then reports on a pipe.  When all have, the parent
 * writes its pid to the --ready file and waits for SIGUSR1 (the guest script sends it from
 * inside the recording); then the workload's measured phase runs and the parent creates the
 * --done file, which ends the recording.  Only that phase is recorded, so a trace holds
 * the releases and not the set-up.
 */
#ifndef WL_H
#define WL_H

#include <stddef.h>
#include <sys/types.h>

/* struct wl_opts - command line of every workload */
struct wl_opts {
	size_t bytes_each;	/* memory of one process */
	int procs;		/* processes */
	int duration;		/* churn: seconds */
	const char *ready;	/* file the parent writes its pid to once all are swapped */
	const char *done;	/* file the parent creates when the measured phase is over */
};

/* struct wl_child - a forked worker, as the parent knows it */
struct wl_child {
	pid_t pid;
};

int wl_parse(int argc, char **argv, struct wl_opts *o);
void *wl_fill(size_t bytes, unsigned int seed);
void wl_block_usr1(void);
void wl_wait_usr1(void);
double wl_now_ms(void);
/* wl_start_children() - fork o->procs children running fn(o, i, report_fd) and wait until
 * each wrote its ready byte; returns the pipe the children report on later. */
int wl_start_children(const struct wl_opts *o, struct wl_child *kids,
		      void (*fn)(const struct wl_opts *o, int i, int report_fd));
/* wl_start_and_go() - what every workload's parent does first: fork the children
 * (wl_start_children), write its pid to o->ready, and wait for the go signal (SIGUSR1 from
 * the guest script, once recording runs).  Returns the children; *report_fd (if not NULL)
 * gets the pipe they report on. */
struct wl_child *wl_start_and_go(const struct wl_opts *o,
				 void (*fn)(const struct wl_opts *o, int i, int report_fd),
				 int *report_fd);
/* wl_signal_all() - send sig to every child; wl_reap_all() - wait for every child */
void wl_signal_all(const struct wl_opts *o, const struct wl_child *kids, int sig);
void wl_reap_all(const struct wl_opts *o, const struct wl_child *kids);
void wl_write_file(const char *path, const char *text);
void wl_report(int fd);
void wl_await_reports(int fd, int n);
void wl_die(const char *what);

#endif
