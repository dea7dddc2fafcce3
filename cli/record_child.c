// SPDX-License-Identifier: MIT
/*
 * record_child.c - the trace-cmd child of `defersim record`, watched without signal handlers.
 *
 * SIGINT, SIGTERM, SIGHUP and SIGCHLD stay blocked in defersim and are taken with
 * sigtimedwait() in one loop, so an interrupt can never cut the clean-up short and no
 * handler has to reach shared state.  The child starts with an empty mask and default
 * dispositions, as if started from a shell, in a process group of its own: an interrupt is
 * forwarded to that whole group, so that the recorded COMMAND (trace-cmd's child) stops
 * with trace-cmd; trace-cmd alone would wait for its command to exit first.  (The price:
 * COMMAND is not the terminal's foreground job, so it should not read the terminal.)
 * State: struct ds_rec_wait, owned by the caller.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record.h"

extern char **environ;

static void interrupt_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void ds_rec_signals_block(void)
{
	sigset_t set;

	interrupt_set(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

int ds_rec_signal_pending(void)
{
	sigset_t set;
	struct timespec zero = { 0, 0 };

	interrupt_set(&set);
	return sigtimedwait(&set, NULL, &zero) > 0;
}

GPid ds_rec_child_spawn(char **argv, GError **error)
{
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int rc;

	sigemptyset(&none);
	interrupt_set(&dfl);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				       POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	rc = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (rc) {
		g_set_error(error, DS_REC_ERROR, DS_REC_ERROR_IO, "cannot run %s: %s%s", argv[0],
			    g_strerror(rc), rc == ENOENT ? " (apt-get install trace-cmd)" : "");
		return -1;
	}
	return pid;
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int ds_rec_child_wait(GPid pid, struct ds_rec_wait *w)
{
	sigset_t set;
	struct timespec tick = { 0, 200 * 1000 * 1000 }, t0, now;
	gboolean stopped = FALSE;
	int st;

	interrupt_set(&set);
	sigaddset(&set, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &tick);
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return exit_status(st);
		if (r < 0 && errno != EINTR)
			return 128;
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			/* trace-cmd stops and writes its file on SIGINT; an impatient third
			 * interrupt kills it (the kprobes are still removed by the caller). */
			w->signals++;
			kill(-pid, w->signals >= 3 ? SIGKILL : SIGINT);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (w->duration_s > 0 && !stopped && now.tv_sec - t0.tv_sec >= w->duration_s) {
			kill(-pid, SIGINT);
			stopped = TRUE;
		}
	}
}
