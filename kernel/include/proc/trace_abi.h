/* The tracer's interface to user space: a Kestrel-private prctl option.
 * Shared by the kernel (proc/trace.c) and user/lab5/trace.c, so it has no
 * kernel dependencies.
 *
 *   prctl(PR_KESTREL_TRACE, fd, filter, filter_bytes, 0)
 *
 * traces the calling process from the next system call on, in strace -f
 * format, and every process it forks or clones from then on; execve keeps
 * it. fd is an open file the lines are written to (the kernel keeps its
 * own reference: the caller may close it), a regular file or a device
 * (a pipe is EINVAL: its reader could be traced too, and wait for the
 * writer that waits for it), or TRACE_TO_CONSOLE. filter is
 * NULL (every call) or a bitmap of system call numbers (bit nr % 64 of
 * 64-bit word nr / 64), filter_bytes long. fd TRACE_OFF stops tracing.
 * The number is 'Kest' in ASCII: Linux's options are small numbers (and
 * Yama's 0x59616d61), so no Linux program asks for it by accident; Linux
 * answers it with EINVAL. */
#pragma once

#define PR_KESTREL_TRACE 0x4b657374
#define TRACE_TO_CONSOLE (-1)
#define TRACE_OFF (-2)
