// SPDX-License-Identifier: MIT
/*
 * wl.c - shared parts of the capture-vm workloads (see wl.h for the protocol).
 *
 * Page content: 1 KiB of xorshift bytes and 3 KiB of zeros per 4 KiB page, so that a page
 * compresses to about 1 KiB like typical anonymous memory and is never "same-filled" (zram
 * would store a same-filled page without a zsmalloc object and release it differently).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl.h"

#define PAGE 4096u
#define RANDOM_BYTES 1024u

void wl_die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s --size MIB [--procs N] [--duration S] --ready FILE --done FILE\n", prog);
	exit(2);
}

int wl_parse(int argc, char **argv, struct wl_opts *o)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "ready", required_argument, NULL, 'r' },
		{ "done", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	long size_mib = 0;
	int c;

	*o = (struct wl_opts){ .procs = 1, .duration = 5 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': size_mib = atol(optarg); break;
		case 'p': o->procs = atoi(optarg); break;
		case 'd': o->duration = atoi(optarg); break;
		case 'r': o->ready = optarg; break;
		case 'D': o->done = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (size_mib <= 0 || o->procs <= 0 || o->duration <= 0 || !o->ready || !o->done ||
	    optind != argc)
		usage(argv[0]);
	o->bytes_each = (size_t)size_mib * 1024 * 1024 / (size_t)o->procs / PAGE * PAGE;
	if (o->bytes_each < PAGE)
		usage(argv[0]);
	return 0;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

void *wl_fill(size_t bytes, unsigned int seed)
{
	uint64_t s = 0x9e3779b97f4a7c15ull ^ seed;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		wl_die("mmap");
	for (size_t off = 0; off < bytes; off += PAGE) {
		uint64_t *w = (uint64_t *)(p + off);

		for (size_t i = 0; i < RANDOM_BYTES / sizeof(*w); i++)
			w[i] = xorshift(&s);
	}
	/* Push everything to swap now rather than relying on memory.max alone, so that the
	 * whole region is swapped when the measured phase starts. */
	if (madvise(p, bytes, MADV_PAGEOUT))
		wl_die("madvise(MADV_PAGEOUT)");
	return p;
}

void wl_block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

void wl_wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, &sig);
}

double wl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void wl_report(int fd)
{
	char b = 1;

	if (write(fd, &b, 1) != 1)
		wl_die("write to parent");
}

/* A child that dies (the OOM killer, when memory.max is too small for what stays
 * resident) must end the workload with a message, not leave the parent waiting. */
static void check_children(void)
{
	int st;
	pid_t pid = waitpid(-1, &st, WNOHANG);

	if (pid <= 0)
		return;
	if (WIFSIGNALED(st))
		fprintf(stderr, "workload: child %d killed by signal %d%s\n", pid, WTERMSIG(st),
			WTERMSIG(st) == SIGKILL ? " (the OOM killer? raise --memory-max)" : "");
	else
		fprintf(stderr, "workload: child %d exited with status %d\n", pid, WEXITSTATUS(st));
	exit(1);
}

void wl_await_reports(int fd, int n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char b;

	for (int i = 0; i < n;) {
		ssize_t r;

		check_children();
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		r = read(fd, &b, 1);
		if (r == 1)
			i++;
		else if (r == 0 || (r < 0 && errno != EINTR))
			wl_die("reading the children's reports");
	}
}

int wl_start_children(const struct wl_opts *o, struct wl_child *kids,
		      void (*fn)(const struct wl_opts *o, int i, int report_fd))
{
	int fds[2];

	wl_block_usr1();
	if (pipe(fds))
		wl_die("pipe");
	for (int i = 0; i < o->procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			wl_die("fork");
		if (pid == 0) {
			close(fds[0]);
			fn(o, i, fds[1]);
			_exit(0);
		}
		kids[i].pid = pid;
	}
	close(fds[1]);
	wl_await_reports(fds[0], o->procs);
	return fds[0];
}

struct wl_child *wl_start_and_go(const struct wl_opts *o,
				 void (*fn)(const struct wl_opts *o, int i, int report_fd),
				 int *report_fd)
{
	struct wl_child *kids = calloc((size_t)o->procs, sizeof(*kids));
	char pid[32];
	int fd;

	if (!kids)
		wl_die("calloc");
	fd = wl_start_children(o, kids, fn);
	if (report_fd)
		*report_fd = fd;
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	wl_write_file(o->ready, pid);
	wl_wait_usr1();
	return kids;
}

void wl_signal_all(const struct wl_opts *o, const struct wl_child *kids, int sig)
{
	for (int i = 0; i < o->procs; i++)
		kill(kids[i].pid, sig);
}

void wl_reap_all(const struct wl_opts *o, const struct wl_child *kids)
{
	for (int i = 0; i < o->procs; i++)
		waitpid(kids[i].pid, NULL, 0);
}

void wl_write_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		wl_die(tmp);
	if (rename(tmp, path))
		wl_die(path);
}
