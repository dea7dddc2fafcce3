// SPDX-License-Identifier: MIT
/*
 * zbench - the series' munmap benchmark, run as PID 1's child in the bench-vm initramfs.
 *
 *   zbench munmap SIZE_MIB RUN       one process: mmap, fill, MADV_PAGEOUT, timed munmap
 *   zbench concurrent N SIZE_MIB RUN N processes started together, each times its munmap
 *   zbench lmk N SIZE_MIB RUN        N processes with swapped memory, SIGKILLed together:
 *                                    time from the first kill until all are reaped
 *   zbench reuse SIZE_MIB ITER       correctness, on a small zram device: ITER times, fill
 *                                    and page out A, munmap A (its slots go pending), fill
 *                                    and page out B (the swap core reuses A's slots while
 *                                    they may be pending), wait for the drain, read B back
 *                                    and compare: a drain that freed a reused slot's new
 *                                    object shows as corrupt pages (or a crash)
 *
 * Pages: 1 KiB of xorshift bytes + 3 KiB of zeros (compresses to ~1 KiB, never same-filled),
 * as in scripts/vm/workloads/wl.c.  Times: clock_gettime(CLOCK_MONOTONIC), guest time (under
 * TCG that is emulated time).  Before each timed phase it waits until the deferred-free
 * worker is idle (so one measurement does not drain the previous one's pages); after it, it
 * waits again and reports when the drain ended (drain_ms, polled every 0.5 ms).
 *
 * Capture hold (bench-init's capture plan, scripts/vm/kernel/bench-vm --capture): with
 * ZBENCH_READY=FILE in the environment, zbench creates FILE when the workload is filled and
 * the worker idle, then waits for SIGUSR1 before the timed phase (the recorder sends it once
 * tracing runs); with ZBENCH_DONE=FILE it creates FILE after printing its result (the
 * recorder's command waits for it).  So the recording covers the timed phase only.
 *
 * Output: one JSON object per measurement on stdout, prefixed "DSB-JSON ", with the
 * deferred_stat counters' change over the measurement ("d": numeric fields, "hist": push->free
 * latency log2(ns) buckets) when the kernel has /sys/block/zram0/deferred_stat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define CHUNK (16u << 20)	/* fill and page out in 16 MiB steps: little stays resident */
#define STAT "/sys/block/zram0/deferred_stat"
#define MAXKEYS 32
#define HIST 64

struct dstat {
	int present;
	int nkeys;
	char key[MAXKEYS][32];
	long long val[MAXKEYS];
	long long hist[HIST];
	char cons[32];
};

static void die(const char *what)
{
	fprintf(stderr, "zbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void read_stat(struct dstat *s)
{
	char line[1024];
	FILE *f = fopen(STAT, "r");

	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	s->present = 1;
	while (fgets(line, sizeof(line), f)) {
		char k[32], v[32];

		if (!strncmp(line, "lat_hist_log2ns", 15)) {
			char *p = line + 15, *end;

			while (*p) {
				long b = strtol(p, &end, 10);

				if (end == p || *end != ':')
					break;
				if (b >= 0 && b < HIST)
					s->hist[b] = strtoll(end + 1, &end, 10);
				p = end;
			}
			continue;
		}
		if (sscanf(line, "%31s %31s", k, v) != 2)
			continue;
		if (!strcmp(k, "conservation")) {
			snprintf(s->cons, sizeof(s->cons), "%s", v);
			continue;
		}
		if (s->nkeys < MAXKEYS) {
			snprintf(s->key[s->nkeys], sizeof(s->key[0]), "%s", k);
			s->val[s->nkeys++] = strtoll(v, NULL, 10);
		}
	}
	fclose(f);
}

static long long stat_get(const struct dstat *s, const char *k)
{
	for (int i = 0; i < s->nkeys; i++)
		if (!strcmp(s->key[i], k))
			return s->val[i];
	return 0;
}

/* Wait until the worker is idle and nothing is queued; ms waited (0 without deferral). */
static double wait_drained(double since, struct dstat *out)
{
	struct dstat s;
	struct timespec half = { 0, 500000 };

	for (;;) {
		read_stat(&s);
		if (!s.present || (strcmp(s.cons, "busy") && stat_get(&s, "queued_pages") == 0 &&
				   stat_get(&s, "draining_pages") == 0))
			break;
		if (now_ms() - since > 60000) {
			fprintf(stderr, "zbench: drain not finished after 60 s\n");
			break;
		}
		nanosleep(&half, NULL);
	}
	if (out)
		*out = s;
	return now_ms() - since;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long vmswap_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSwap: %ld", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* mmap + fill + MADV_PAGEOUT, chunk by chunk; returns the mapping, *swapped in KiB */
static char *fill(size_t bytes, unsigned int seed, long *swapped)
{
	uint64_t s = 0x9e3779b97f4a7c15ull ^ seed;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	for (size_t c = 0; c < bytes; c += CHUNK) {
		size_t n = bytes - c < CHUNK ? bytes - c : CHUNK;

		for (size_t off = c; off < c + n; off += PAGE) {
			uint64_t *w = (uint64_t *)(p + off);

			for (size_t i = 0; i < 1024 / sizeof(*w); i++)
				w[i] = xorshift(&s);
		}
		if (madvise(p + c, n, MADV_PAGEOUT))
			die("madvise(MADV_PAGEOUT)");
	}
	/* a second pass catches pages that could not be isolated the first time */
	if ((size_t)vmswap_kib() * 1024 < bytes && madvise(p, bytes, MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	*swapped = vmswap_kib();
	return p;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	close(fd);
}

static void print_delta(const struct dstat *a, const struct dstat *b)
{
	if (!a->present || !b->present) {
		printf(",\"d\":null");
		return;
	}
	printf(",\"d\":{");
	for (int i = 0; i < b->nkeys; i++) {
		const char *k = b->key[i];
		/* levels, not counters: print the value after */
		int level = !strcmp(k, "enabled") || !strcmp(k, "pool_pages") || !strcmp(k, "cap") ||
			    !strcmp(k, "peak_pending") || !strcmp(k, "pending") ||
			    !strcmp(k, "in_buffers") || !strcmp(k, "free_pages") ||
			    !strcmp(k, "queued_pages") || !strcmp(k, "draining_pages");

		printf("%s\"%s\":%lld", i ? "," : "", k, level ? b->val[i] : b->val[i] - stat_get(a, k));
	}
	printf(",\"conservation\":\"%s\"},\"hist\":{", b->cons);
	for (int i = 0, first = 1; i < HIST; i++) {
		if (b->hist[i] - a->hist[i]) {
			printf("%s\"%d\":%lld", first ? "" : ",", i, b->hist[i] - a->hist[i]);
			first = 0;
		}
	}
	printf("}");
}

struct child {
	pid_t pid;
	int rd;		/* child -> parent: results */
	int go;		/* parent -> child: start */
};

/* A child: fill, report "ready swapped_kib", wait for the go byte, then do @what. */
static void child_body(int wr, int go, size_t bytes, unsigned int seed, int timed)
{
	long swapped;
	char *p = fill(bytes, seed, &swapped);
	char b;
	double t0, t1;

	dprintf(wr, "%ld\n", swapped);
	if (read(go, &b, 1) != 1)
		_exit(1);
	if (!timed) {
		for (;;)
			pause();
	}
	t0 = now_ms();
	if (munmap(p, bytes))
		die("munmap");
	t1 = now_ms();
	dprintf(wr, "%.3f %.3f\n", t0, t1);
	_exit(0);
}

static struct child spawn(size_t bytes, unsigned int seed, int timed)
{
	int r[2], g[2];
	struct child c;

	if (pipe(r) || pipe(g))
		die("pipe");
	c.pid = fork();
	if (c.pid < 0)
		die("fork");
	if (c.pid == 0) {
		close(r[0]);
		close(g[1]);
		child_body(r[1], g[0], bytes, seed, timed);
	}
	close(r[1]);
	close(g[0]);
	c.rd = r[0];
	c.go = g[1];
	return c;
}

static int read_line(int fd, char *buf, size_t n)
{
	size_t i = 0;

	while (i + 1 < n) {
		ssize_t k = read(fd, buf + i, 1);

		if (k <= 0)
			return -1;
		if (buf[i] == '\n')
			break;
		i++;
	}
	buf[i] = 0;
	return 0;
}

/* The number of pages of @p that differ from what fill() wrote with @seed. */
static long verify(const char *p, size_t bytes, unsigned int seed)
{
	uint64_t s = 0x9e3779b97f4a7c15ull ^ seed;
	long bad = 0;

	for (size_t off = 0; off < bytes; off += PAGE) {
		const uint64_t *w = (const uint64_t *)(p + off);
		int ok = 1;

		for (size_t i = 0; i < 1024 / sizeof(*w); i++)
			if (w[i] != xorshift(&s))
				ok = 0;
		for (size_t i = 1024 / sizeof(*w); i < PAGE / sizeof(*w); i++)
			if (w[i])
				ok = 0;
		bad += !ok;
	}
	return bad;
}

static int reuse(long size_mib, int iters)
{
	size_t bytes = (size_t)size_mib << 20;
	struct dstat before, after;
	long sw, bad = 0, pages = 0;

	read_stat(&before);
	for (int i = 1; i <= iters; i++) {
		char *a = fill(bytes, 5000 + i, &sw);
		char *b;

		if (munmap(a, bytes))
			die("munmap");
		b = fill(bytes, 9000 + i, &sw);
		wait_drained(now_ms(), NULL);
		bad += verify(b, bytes, 9000 + i);
		pages += bytes / PAGE;
		if (munmap(b, bytes))
			die("munmap");
	}
	wait_drained(now_ms(), &after);
	printf("DSB-JSON {\"kind\":\"reuse\",\"procs\":1,\"size_mib\":%ld,\"run\":%d,"
	       "\"pages_checked\":%ld,\"pages_corrupt\":%ld", size_mib, iters, pages, bad);
	print_delta(&before, &after);
	printf("}\n");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct dstat before, after;
	sigset_t usr1;
	int nprocs = 1, run, lmk = 0;
	long size_mib;
	size_t bytes;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* blocked before any fork: only sigwait() below takes it */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &usr1, NULL))
		die("sigprocmask");
	if (argc == 4 && !strcmp(argv[1], "reuse"))
		return reuse(atol(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "munmap")) {
		size_mib = atol(argv[2]);
		run = atoi(argv[3]);
	} else if (argc == 5 && (!strcmp(argv[1], "concurrent") || !strcmp(argv[1], "lmk"))) {
		lmk = !strcmp(argv[1], "lmk");
		nprocs = atoi(argv[2]);
		size_mib = atol(argv[3]);
		run = atoi(argv[4]);
	} else {
		fprintf(stderr, "usage: zbench munmap MIB RUN | concurrent N MIB RUN | lmk N MIB RUN\n");
		return 2;
	}
	if (size_mib <= 0 || nprocs <= 0 || nprocs > 16)
		return 2;
	bytes = (size_t)size_mib << 20;

	struct child c[16];
	long swapped[16];
	char line[128];

	for (int i = 0; i < nprocs; i++) {
		c[i] = spawn(bytes, (unsigned int)(run * 16 + i + 1), !lmk);
		if (read_line(c[i].rd, line, sizeof(line)))
			die("child failed while filling");
		swapped[i] = atol(line);
	}
	/* let any earlier drain finish, then measure */
	wait_drained(now_ms(), NULL);
	if (getenv("ZBENCH_READY")) {
		int sig;

		touch(getenv("ZBENCH_READY"));
		if (sigwait(&usr1, &sig))
			die("sigwait");
	}
	read_stat(&before);

	const char *kind = argv[1];
	double t0 = now_ms(), t_end, drain_end;
	double tm[16][2];

	if (lmk) {
		for (int i = 0; i < nprocs; i++)
			if (write(c[i].go, "g", 1) != 1)
				die("write");
		/* they are pausing now (the byte is read before pause) */
		usleep(20000);
		t0 = now_ms();
		for (int i = 0; i < nprocs; i++)
			kill(c[i].pid, SIGKILL);
		for (int i = 0; i < nprocs; i++)
			waitpid(c[i].pid, NULL, 0);
		t_end = now_ms();
	} else {
		for (int i = 0; i < nprocs; i++)
			if (write(c[i].go, "g", 1) != 1)
				die("write");
		t_end = t0;
		for (int i = 0; i < nprocs; i++) {
			if (read_line(c[i].rd, line, sizeof(line)) ||
			    sscanf(line, "%lf %lf", &tm[i][0], &tm[i][1]) != 2)
				die("child failed in munmap");
			if (tm[i][1] > t_end)
				t_end = tm[i][1];
			waitpid(c[i].pid, NULL, 0);
		}
	}
	drain_end = t0 + wait_drained(t0, &after);

	printf("DSB-JSON {\"kind\":\"%s\",\"procs\":%d,\"size_mib\":%ld,\"run\":%d", kind, nprocs,
	       size_mib, run);
	if (lmk) {
		printf(",\"reap_ms\":%.3f", t_end - t0);
	} else if (nprocs == 1) {
		printf(",\"munmap_ms\":%.3f", tm[0][1] - tm[0][0]);
	} else {
		double mx = 0;

		printf(",\"munmap_ms_each\":[");
		for (int i = 0; i < nprocs; i++) {
			printf("%s%.3f", i ? "," : "", tm[i][1] - tm[i][0]);
			if (tm[i][1] - tm[i][0] > mx)
				mx = tm[i][1] - tm[i][0];
		}
		printf("],\"munmap_ms\":%.3f,\"span_ms\":%.3f", mx, t_end - t0);
	}
	printf(",\"drain_ms\":%.3f,\"swapped_kib\":[", after.present ? drain_end - t0 : 0.0);
	for (int i = 0; i < nprocs; i++)
		printf("%s%ld", i ? "," : "", swapped[i]);
	printf("]");
	print_delta(&before, &after);
	printf("}\n");
	for (int i = 0; i < nprocs; i++) {
		close(c[i].rd);
		close(c[i].go);
	}
	if (getenv("ZBENCH_DONE"))
		touch(getenv("ZBENCH_DONE"));
	return 0;
}
