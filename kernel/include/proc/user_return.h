/* What the kernel does every time it is about to return to user mode. */
#pragma once
#include <x86/trap.h>

/* Signals first (proc/signal.h's signal_deliver): ends the task if its
 * thread group is exiting, stops it while its process is stopped (job
 * control), runs handlers (frames on the user stack), makes again or
 * fails with EINTR a system call a signal cut short; then switches to
 * another task if the time slice is over. Returns nonzero if the frame
 * must be restored with iretq rather than sysret. */
int user_return_work(struct trap_frame *tf);
