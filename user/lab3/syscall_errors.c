/* syscall_errors: bad system calls must fail cleanly with the errno Linux
 * gives, and leave the process (and the kernel) running.
 *
 * Unknown numbers get ENOSYS, bad user pointers EFAULT (including kernel
 * addresses and a range that runs off the end of the lower canonical half),
 * bad fds EBADF, bad arguments EINVAL. Raw syscall() is used where libc
 * would otherwise touch the bad pointer itself. fd 1000 is never open. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <kt.h>

#define KERNEL_ADDR	((void *)0xffffffff80000000UL)
/* Kernel addresses with memory behind them in Kestrel (its code, and its
 * direct map of low physical memory): only the range check stops the
 * kernel from reading or writing them for the program. Linux refuses
 * them the same way. */
#define KERNEL_TEXT	((void *)0xffffffff80100000UL)
#define KERNEL_DATA	((void *)0xffff888000001000UL)
#define CANON_END	0x0000800000000000UL	/* one past the lower half */

int main(void)
{
	char buf[4] = "abc";
	struct iovec iov;
	struct timespec ts;
	long r;

	/* The bad calls below must not print anything: start clean. */
	fflush(stdout);

	r = syscall(9999);
	kt_expect_err("syscall(9999)", r, ENOSYS);
	r = syscall(9999);
	kt_expect_err("syscall(9999) again", r, ENOSYS);
	r = syscall(-1);
	kt_expect_err("syscall(-1)", r, ENOSYS);
	r = syscall(500);
	kt_expect_err("syscall(500)", r, ENOSYS);
	fflush(stdout);

	r = write(1, NULL, 5);
	kt_expect_err("write(1, NULL, 5)", r, EFAULT);
	r = write(1, KERNEL_ADDR, 4);
	kt_expect_err("write(1, kernel address, 4)", r, EFAULT);
	r = write(1, KERNEL_TEXT, 4);
	kt_expect_err("write(1, kernel code, 4)", r, EFAULT);
	r = write(1, (void *)(CANON_END - 2), 4);
	kt_expect_err("write(1, end of user space - 2, 4)", r, EFAULT);
	r = syscall(SYS_writev, 1, NULL, 1);
	kt_expect_err("writev(1, NULL, 1)", r, EFAULT);
	iov.iov_base = NULL;
	iov.iov_len = 3;
	r = syscall(SYS_writev, 1, &iov, 1);
	kt_expect_err("writev with iov_base NULL, len 3", r, EFAULT);
	iov.iov_base = KERNEL_ADDR;
	r = syscall(SYS_writev, 1, &iov, 1);
	kt_expect_err("writev with iov_base a kernel address", r, EFAULT);
	fflush(stdout);

	r = write(1000, buf, 1);
	kt_expect_err("write(1000, buf, 1)", r, EBADF);
	iov.iov_base = buf;
	iov.iov_len = 1;
	r = syscall(SYS_writev, 1000, &iov, 1);
	kt_expect_err("writev(1000, ...)", r, EBADF);
	r = syscall(SYS_writev, 1, &iov, -1L);
	kt_expect_err("writev(1, iov, -1)", r, EINVAL);

	r = syscall(SYS_clock_gettime, 1000, &ts);
	kt_expect_err("clock_gettime(1000, ...)", r, EINVAL);
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1);
	kt_expect_err("clock_gettime(CLOCK_MONOTONIC, (void *)1)", r, EFAULT);
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_ADDR);
	kt_expect_err("clock_gettime(CLOCK_MONOTONIC, kernel address)", r, EFAULT);
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_DATA);
	kt_expect_err("clock_gettime(CLOCK_MONOTONIC, kernel data)", r, EFAULT);

	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	r = syscall(SYS_nanosleep, &ts, NULL);
	kt_expect_err("nanosleep with tv_nsec = 1000000000", r, EINVAL);
	ts.tv_nsec = -1;
	r = syscall(SYS_nanosleep, &ts, NULL);
	kt_expect_err("nanosleep with tv_nsec = -1", r, EINVAL);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	r = syscall(SYS_nanosleep, &ts, NULL);
	kt_expect_err("nanosleep with tv_sec = -1", r, EINVAL);
	r = syscall(SYS_nanosleep, NULL, NULL);
	kt_expect_err("nanosleep(NULL, NULL)", r, EFAULT);

	r = syscall(SYS_uname, NULL);
	kt_expect_err("uname(NULL)", r, EFAULT);
	r = syscall(SYS_uname, KERNEL_ADDR);
	kt_expect_err("uname(kernel address)", r, EFAULT);

	r = syscall(SYS_wait4, -1, NULL, 0, NULL);
	kt_expect_err("wait4(-1) with no children", r, ECHILD);

	/* Still alive, and plain calls still work. */
	r = syscall(SYS_getpid);
	kt_check(r > 0, "getpid still works");
	return kt_status();
}
