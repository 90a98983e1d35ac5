/* Error numbers: Linux's own, from the UAPI headers (linux-libc-dev), so
 * the values the kernel returns are the ones user programs expect.
 * Kernel functions return -ENOMEM and friends; 0 or more means success. */
#pragma once
#include <asm-generic/errno.h>

/* Kernel-only codes, never seen by user space (Linux's include/linux/
 * errno.h): a system call a signal cut short returns one, and on the way
 * back to user mode (proc/user_return.c) it becomes EINTR for a signal
 * whose handler runs, or the call is made again when no handler runs
 * (a stop, then SIGCONT). RESTART_RESTARTBLOCK restarts through
 * restart_syscall, which resumes the call where it was (nanosleep). */
#define ERESTARTSYS           512
#define ERESTARTNOINTR        513
#define ERESTARTNOHAND        514
#define ERESTART_RESTARTBLOCK 516
