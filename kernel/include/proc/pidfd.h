/* pidfds: files that stand for a process (proc/pidfd.c). */
#pragma once

/* A new pidfd for process pid in the caller's table (close-on-exec;
 * O_NONBLOCK in flags kept): the fd, or -errno. */
int pidfd_create(int pid, unsigned flags);
/* The pid a pidfd stands for, or -EBADF if fd is not a pidfd. */
int pidfd_to_pid(int fd);
/* A process ended: pollers of pidfds look again (proc/exit.c). */
void pidfd_process_ended(void);
