// SPDX-License-Identifier: MIT
/*
 * synth_signal.c - a termination signal (SIGTERM, SIGINT, SIGHUP) during a synthetic write
 * stops the write cleanly instead of killing the process with its temporary files left
 * behind (the output's .tmp.XXXXXX, the writer's tracing directory).
 *
 * While caught (ds_synth_signals_catch()), the handler only records the signal: everything
 * else it could do (remove files, free memory) is not async-signal-safe.  The writers poll
 * ds_synth_interrupted() once per record and after each trace-cmd run (a run is not cut
 * short: the stop waits for it), fail with "interrupted", and remove what they created as
 * for any other error; ds_synth_signals_release() then restores the previous actions and
 * raises the signal again, so the process still ends the way its sender expects.
 *
 * The one global of synth/: a signal handler has no argument to carry state in, so the
 * caught signal's number lives in a static volatile sig_atomic_t, the only type a handler
 * may write.
 */
#include <string.h>

#include "synth_impl.h"

static volatile sig_atomic_t caught_signal;

static const int term_signals[DS_SYNTH_NSIGNALS] = { SIGTERM, SIGINT, SIGHUP };

static void on_signal(int sig)
{
	caught_signal = sig;
}

void ds_synth_signals_catch(struct ds_synth_signals *s)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;	/* reads and waits go on; the writers poll */
	caught_signal = 0;
	for (int i = 0; i < DS_SYNTH_NSIGNALS; i++)
		sigaction(term_signals[i], &sa, &s->old[i]);
}

gboolean ds_synth_interrupted(GError **error)
{
	if (!caught_signal)
		return FALSE;
	g_set_error(error, DS_ERROR, DS_ERROR_IO, "interrupted by signal %d (%s); nothing written",
		    (int)caught_signal, strsignal(caught_signal));
	return TRUE;
}

void ds_synth_signals_release(struct ds_synth_signals *s)
{
	int sig = caught_signal;

	for (int i = 0; i < DS_SYNTH_NSIGNALS; i++)
		sigaction(term_signals[i], &s->old[i], NULL);
	caught_signal = 0;
	if (sig)
		raise(sig);
}
