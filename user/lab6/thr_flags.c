/* thr_flags: the flag combinations clone and clone3 refuse (Linux's
 * EINVAL rules in copy_process and clone3_args_valid), and clone3's
 * struct sizes: the three published ones, a larger one whose tail is
 * zero (accepted) or not (E2BIG), too small (EINVAL), more than a page
 * (E2BIG). Every refused call must make no child. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <kt.h>
#include <thr_raw.h>

static int quiet_fn(void *arg) { (void)arg; return 0; }

/* clone(flags) with a stack, so that a wrongly accepted thread ends at once. */
static void clone_err(const char *what, unsigned long flags, int *ptid)
{
	long r = thr_clone(flags, thr_stack(), ptid, NULL, 0, quiet_fn, NULL);
	printf("clone %s: %s\n", what, r < 0 ? kt_errname(-r) : "accepted");
	if (r != -EINVAL)
		++*kt_failures();
}

static char page[8192] __attribute__((aligned(4096)));

static long clone3_raw(struct thr_clone_args *a, unsigned long size)
{
	return thr_sys(SYS_clone3, (long)a, size, 0, 0, 0, 0);
}

static void clone3_err(const char *what, struct thr_clone_args a, unsigned long size, int want)
{
	/* Copied into a buffer as long as size, zero beyond the struct. */
	memset(page, 0, sizeof(page));
	memcpy(page, &a, sizeof(a));
	long r = clone3_raw((struct thr_clone_args *)page, size);
	if (r == 0)
		thr_sys(SYS_exit_group, 0, 0, 0, 0, 0, 0);      /* a child that should not be */
	printf("clone3 %s: %s\n", what, r < 0 ? kt_errname(-r) : "accepted");
	if (r != -want) {
		++*kt_failures();
		if (r > 0)
			waitpid(r, NULL, __WALL);
	}
}

/* A fork-like clone3 of size bytes (zero beyond the struct): the child
 * exits 7 at once. */
static void clone3_size(const char *what, unsigned long size)
{
	memset(page, 0, sizeof(page));
	struct thr_clone_args a = { .exit_signal = SIGCHLD };
	memcpy(page, &a, sizeof(a));
	fflush(stdout);
	long r = clone3_raw((struct thr_clone_args *)page, size);
	if (r == 0)
		thr_sys(SYS_exit_group, 7, 0, 0, 0, 0, 0);
	int status = 0;
	if (r > 0)
		waitpid(r, &status, 0);
	kt_check(r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7, what);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int ptid = 0;
	clone_err("CLONE_THREAD", CLONE_THREAD, NULL);
	clone_err("CLONE_THREAD|CLONE_VM", CLONE_THREAD | CLONE_VM, NULL);
	clone_err("CLONE_SIGHAND", CLONE_SIGHAND, NULL);
	clone_err("CLONE_SIGHAND|CLONE_THREAD", CLONE_SIGHAND | CLONE_THREAD, NULL);
	clone_err("CLONE_NEWNS|CLONE_FS", CLONE_NEWNS | CLONE_FS, NULL);
	clone_err("CLONE_NEWUSER|CLONE_FS", CLONE_NEWUSER | CLONE_FS, NULL);
	clone_err("thread with CLONE_NEWPID", CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID, NULL);
	clone_err("CLONE_PIDFD|CLONE_DETACHED", CLONE_PIDFD | CLONE_DETACHED, &ptid);
	clone_err("CLONE_PIDFD|CLONE_PARENT_SETTID", CLONE_PIDFD | CLONE_PARENT_SETTID, &ptid);

	struct thr_clone_args z = { 0 };
	clone3_err("size 0", z, 0, EINVAL);
	clone3_err("size 63", z, 63, EINVAL);
	clone3_err("size 4097", z, 4097, E2BIG);
	struct thr_clone_args a = z;
	memset(page, 0, sizeof(page));
	page[100] = 1;                          /* beyond the struct, not zero */
	long r = clone3_raw((struct thr_clone_args *)page, 128);
	if (r == 0)
		thr_sys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	printf("clone3 size 128, tail not zero: %s\n", r < 0 ? kt_errname(-r) : "accepted");
	if (r != -E2BIG)
		++*kt_failures();
	a = z; a.flags = SIGCHLD;
	clone3_err("exit signal in flags", a, 88, EINVAL);
	a = z; a.flags = CLONE_DETACHED;
	clone3_err("CLONE_DETACHED", a, 88, EINVAL);
	a = z; a.exit_signal = 65;
	clone3_err("exit_signal 65", a, 88, EINVAL);
	a = z; a.exit_signal = 0x100000000ull | SIGCHLD;
	clone3_err("exit_signal with high bits", a, 88, EINVAL);
	a = z; a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_CLEAR_SIGHAND;
	clone3_err("CLONE_SIGHAND|CLONE_CLEAR_SIGHAND", a, 88, EINVAL);
	a = z; a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD; a.exit_signal = SIGCHLD;
	clone3_err("CLONE_THREAD with an exit signal", a, 88, EINVAL);
	a = z; a.flags = CLONE_PARENT; a.exit_signal = SIGCHLD;
	clone3_err("CLONE_PARENT with an exit signal", a, 88, EINVAL);
	a = z; a.stack_size = 4096;
	clone3_err("stack_size without a stack", a, 88, EINVAL);
	a = z; a.stack = (unsigned long)thr_stack() - 4096;
	clone3_err("a stack without a size", a, 88, EINVAL);
	a = z; a.set_tid_size = 1;
	clone3_err("set_tid_size without set_tid", a, 88, EINVAL);
	static int tids[1];
	a = z; a.set_tid = (unsigned long)tids;
	clone3_err("set_tid without a size", a, 88, EINVAL);
	a = z; a.flags = 1ull << 40;
	clone3_err("an unknown flag", a, 88, EINVAL);
	r = thr_sys(SYS_clone3, 8, 88, 0, 0, 0, 0);
	printf("clone3 at a bad address: %s\n", r < 0 ? kt_errname(-r) : "accepted");
	if (r != -EFAULT)
		++*kt_failures();

	clone3_size("clone3 size 64 (VER0)", 64);
	clone3_size("clone3 size 80 (VER1)", 80);
	clone3_size("clone3 size 88 (VER2)", 88);
	clone3_size("clone3 size 96, zero tail", 96);
	clone3_size("clone3 size 4096, zero tail", 4096);
	kt_expect_err("no child left behind", waitpid(-1, NULL, __WALL | WNOHANG), ECHILD);
	return kt_status();
}
