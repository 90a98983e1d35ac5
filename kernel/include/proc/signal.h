/* Signals, as far as they go so far (proc/signal.c): rt_sigaction records
 * what each signal is to do, and a signal the kernel raises itself (a
 * write to a pipe nobody reads: SIGPIPE) takes its default action if that
 * is what the process asked for. Handlers, pending sets, delivery and
 * kill(2) come with the signals lab. */
#pragma once

/* Sends sig to the current thread group, as Linux's send_sig(sig, current).
 * If its action is the default and that ends the process, the group ends
 * "killed by sig" when it next returns to user mode. Ignored, blocked or
 * caught, nothing happens yet: there is no pending set to keep it in and
 * no way to run a handler. */
void signal_raise_self(int sig);

struct task;
/* execve: handlers are addresses in the old program, so caught signals go
 * back to their default action; ignored ones stay ignored (Linux's
 * flush_signal_handlers). */
void signals_reset_for_exec(struct task *t);
