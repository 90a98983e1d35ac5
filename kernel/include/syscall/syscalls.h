/* Prototypes of the system call handlers, by subsystem. Arguments come
 * straight from user registers: pointers are user pointers (x86/uaccess.h)
 * and nothing has been checked yet. */
#pragma once
#include <kernel/types.h>
#include <linux/posix_types.h>     /* __kernel_fd_set */

struct iovec;
struct __kernel_timespec;
struct k_sigaction;
typedef struct siginfo siginfo_t;

/* proc/fork.c, proc/exit.c */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(uint64_t flags, uint64_t stack, int *parent_tid, int *child_tid, uint64_t tls);
void fork_child_start(void);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(int pid, int *status, int options, void *rusage);
long sys_waitid(int idtype, int id, siginfo_t *info, int options, void *rusage);

/* syscall/process.c */
long sys_getpid(void);
long sys_getppid(void);
long sys_gettid(void);
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_sched_yield(void);
long sys_set_tid_address(int *tidptr);
long sys_arch_prctl(int code, uint64_t addr);
long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oldset, size_t sigsetsize);
long sys_uname(void *buf);
long sys_sethostname(const char *name, int len);
long sys_setdomainname(const char *name, int len);

/* proc/signal.c, proc/kill.c, proc/sigwait.c */
long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact,
		      size_t sigsetsize);
long sys_kill(int pid, int sig);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);
long sys_rt_sigtimedwait(const uint64_t *set, siginfo_t *info, const struct __kernel_timespec *timeout,
			 size_t sigsetsize);
long sys_rt_sigpending(uint64_t *set, size_t sigsetsize);
long sys_getcpu(unsigned *cpu, unsigned *node, void *cache);
long sys_set_robust_list(void *head, size_t len);
long sys_get_robust_list(int tid, uint64_t *head, size_t *len);
long sys_rseq(void *rseq, uint32_t len, int flags, uint32_t sig);

/* proc/pgrp.c */
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(int pid);

/* proc/futex.c */
long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct __kernel_timespec *timeout,
	       uint32_t *uaddr2, uint32_t val3);

/* syscall/prctl.c */
long sys_prctl(int option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);

/* proc/execve.c */
long sys_execve(const char *path, const char *const *argv, const char *const *envp);
long sys_execveat(int dirfd, const char *path, const char *const *argv, const char *const *envp, int flags);

/* syscall/rlimit.c, syscall/getrandom.c */
struct rlimit64;
long sys_prlimit64(int pid, unsigned resource, const struct rlimit64 *new, struct rlimit64 *old);
long sys_getrlimit(unsigned resource, struct rlimit64 *lim);
long sys_setrlimit(unsigned resource, const struct rlimit64 *lim);
long sys_getrandom(void *buf, size_t count, unsigned flags);
struct sysinfo;
long sys_sysinfo(struct sysinfo *info);


/* time/time_syscalls.c */
long sys_clock_gettime(int clock, struct __kernel_timespec *tp);
long sys_clock_getres(int clock, struct __kernel_timespec *tp);
long sys_time(int64_t *tloc);
long sys_nanosleep(const struct __kernel_timespec *req, struct __kernel_timespec *rem);
long sys_clock_nanosleep(int clock, int flags, const struct __kernel_timespec *req, struct __kernel_timespec *rem);
long sys_restart_syscall(void);

/* mm/brk.c */
long sys_brk(uint64_t addr);
/* mm/mmap.c, mm/mprotect.c */
long sys_mmap(uint64_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off);
long sys_munmap(uint64_t addr, size_t len);
long sys_msync(uint64_t addr, size_t len, int flags);
/* mm/mremap.c */
long sys_mremap(uint64_t addr, size_t old_len, size_t new_len, int flags, uint64_t new_addr);
long sys_madvise(uint64_t addr, size_t len, int advice);
long sys_mprotect(uint64_t start, size_t len, unsigned long prot);

/* fs/: files and the tree (open.c, read_write.c, fcntl.c, stat.c, names.c,
 * attr.c, cwd.c, readdir.c) */
long sys_openat(int dirfd, const char *path, int flags, unsigned mode);
long sys_open(const char *path, int flags, unsigned mode);
long sys_creat(const char *path, unsigned mode);
long sys_close(int fd);
long sys_read(int fd, void *buf, size_t count);
long sys_write(int fd, const void *buf, size_t count);
long sys_pread64(int fd, void *buf, size_t count, int64_t pos);
long sys_pwrite64(int fd, const void *buf, size_t count, int64_t pos);
long sys_readv(int fd, const struct iovec *iov, int iovcnt);
long sys_writev(int fd, const struct iovec *iov, int iovcnt);
long sys_preadv(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h);
long sys_pwritev(int fd, const struct iovec *iov, int iovcnt, uint64_t pos_l, uint64_t pos_h);
long sys_lseek(int fd, int64_t offset, unsigned whence);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_sync(void);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, unsigned cmd, uint64_t arg);
long sys_newfstatat(int dirfd, const char *path, void *statbuf, int flags);
long sys_stat(const char *path, void *statbuf);
long sys_lstat(const char *path, void *statbuf);
long sys_fstat(int fd, void *statbuf);
long sys_statx(int dirfd, const char *path, int flags, unsigned mask, void *buf);
long sys_statfs(const char *path, void *buf);
long sys_fstatfs(int fd, void *buf);
long sys_mkdirat(int dirfd, const char *path, unsigned mode);
long sys_mkdir(const char *path, unsigned mode);
long sys_unlinkat(int dirfd, const char *path, int flags);
long sys_unlink(const char *path);
long sys_rmdir(const char *path);
long sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags);
long sys_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
long sys_rename(const char *oldpath, const char *newpath);
long sys_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
long sys_link(const char *oldpath, const char *newpath);
long sys_symlinkat(const char *target, int newdirfd, const char *linkpath);
long sys_symlink(const char *target, const char *linkpath);
long sys_readlinkat(int dirfd, const char *path, char *buf, int size);
long sys_readlink(const char *path, char *buf, int size);
long sys_truncate(const char *path, int64_t length);
long sys_ftruncate(int fd, int64_t length);
long sys_fchmod(int fd, unsigned mode);
long sys_fchmodat(int dirfd, const char *path, unsigned mode);
long sys_chmod(const char *path, unsigned mode);
long sys_umask(unsigned mask);
long sys_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags);
long sys_chown(const char *path, uint32_t uid, uint32_t gid);
long sys_lchown(const char *path, uint32_t uid, uint32_t gid);
long sys_fchown(int fd, uint32_t uid, uint32_t gid);
long sys_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count);
long sys_utimensat(int dirfd, const char *path, const struct __kernel_timespec *times, int flags);
long sys_faccessat2(int dirfd, const char *path, int mode, int flags);
long sys_faccessat(int dirfd, const char *path, int mode);
long sys_access(const char *path, int mode);
long sys_chdir(const char *path);
long sys_fchdir(int fd);
long sys_getcwd(char *buf, size_t size);
long sys_getdents64(int fd, void *dirp, unsigned count);
long sys_ioctl(int fd, unsigned cmd, uint64_t arg);
long sys_fadvise64(int fd, int64_t offset, int64_t len, int advice);

/* fs/pipe.c */
long sys_pipe(int *fds);
long sys_pipe2(int *fds, int flags);

/* fs/select.c */
struct pollfd;
struct __kernel_old_timeval;
long sys_poll(struct pollfd *fds, unsigned nfds, int timeout_ms);
long sys_ppoll(struct pollfd *fds, unsigned nfds, struct __kernel_timespec *timeout,
	       const uint64_t *sigmask, size_t sigsetsize);
long sys_select(int n, __kernel_fd_set *in, __kernel_fd_set *out, __kernel_fd_set *ex,
		struct __kernel_old_timeval *timeout);
long sys_pselect6(int n, __kernel_fd_set *in, __kernel_fd_set *out, __kernel_fd_set *ex,
		  struct __kernel_timespec *timeout, const void *sigmask_argpack);
long sys_reboot(unsigned magic1, unsigned magic2, unsigned cmd, void *arg);
