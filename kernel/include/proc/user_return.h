/* What the kernel does every time it is about to return to user mode. */
#pragma once
#include <x86/trap.h>

/* Ends the task if its thread group is exiting, stops it while its
 * process is stopped (job control), makes again a system call a signal
 * cut short (-ERESTARTSYS and friends: no handler runs yet), switches to
 * another task if the time slice is over; (signal delivery will go
 * here). Returns nonzero if the frame must be restored with iretq
 * rather than sysret. */
int user_return_work(struct trap_frame *tf);
