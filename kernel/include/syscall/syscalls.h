/* Prototypes of the system call handlers, by subsystem. Arguments come
 * straight from user registers: pointers are user pointers (x86/uaccess.h)
 * and nothing has been checked yet. */
#pragma once
#include <kernel/types.h>

struct iovec;
struct __kernel_timespec;

/* proc/fork.c, proc/exit.c */
long sys_fork(void);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(int pid, int *status, int options, void *rusage);

/* syscall/process.c */
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_sched_yield(void);
long sys_set_tid_address(int *tidptr);
long sys_arch_prctl(int code, uint64_t addr);
long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oldset, size_t sigsetsize);
long sys_uname(void *buf);
long sys_getcpu(unsigned *cpu, unsigned *node, void *cache);

/* syscall/console.c */
long sys_write(int fd, const void *buf, size_t count);
long sys_writev(int fd, const struct iovec *iov, int iovcnt);

/* time/time_syscalls.c */
long sys_clock_gettime(int clock, struct __kernel_timespec *tp);
long sys_clock_getres(int clock, struct __kernel_timespec *tp);
long sys_nanosleep(const struct __kernel_timespec *req, struct __kernel_timespec *rem);
long sys_clock_nanosleep(int clock, int flags, const struct __kernel_timespec *req, struct __kernel_timespec *rem);

/* mm/brk.c */
long sys_brk(uint64_t addr);
