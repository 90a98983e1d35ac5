/* Freeing the processes nobody waits for (proc/reaper.c): a child whose
 * parent ignores SIGCHLD (or set SA_NOCLDWAIT) is reaped as it ends, but
 * it cannot free its own kernel stack while it still runs on it. */
#pragma once

struct task;

/* Hands over t, which has ended and left its family; t is freed once it
 * is off its CPU. Any locks may be held. */
void reap_later(struct task *t);

/* kmain's last job once the first process runs: free what reap_later
 * hands over, forever. */
void __attribute__((noreturn)) reaper_loop(void);
