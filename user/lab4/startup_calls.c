/* startup_calls: the calls a glibc program makes before main, and their
 * error paths: prlimit64 (and getrlimit/setrlimit), getrandom, mprotect,
 * prctl (names, dumpable, parent-death signal), set_robust_list and
 * get_robust_list, clone with the flags glibc's fork() passes, and
 * sysinfo.
 *
 * Limits, random bytes and addresses vary, so the output shows relations
 * ("the soft limit is below the hard one"), never the values. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51       /* <linux/auxvec.h>; older musl headers lack it */
#endif

/* <linux/futex.h>'s, which musl's headers do not carry. */
struct robust_list {
	struct robust_list *next;
};
struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list *list_op_pending;
};

static long sys_prlimit(int pid, int res, const struct rlimit *new, struct rlimit *old)
{
	return syscall(SYS_prlimit64, pid, res, new, old);
}

static void test_limits(void)
{
	struct rlimit r, r2;
	kt_check(sys_prlimit(0, RLIMIT_STACK, NULL, &r) == 0, "prlimit64 RLIMIT_STACK");
	kt_check(r.rlim_cur <= r.rlim_max, "stack: soft <= hard");
	kt_check(r.rlim_cur >= 1 << 20, "stack: soft at least 1 MiB");
	kt_check(sys_prlimit(0, RLIMIT_NOFILE, NULL, &r) == 0, "prlimit64 RLIMIT_NOFILE");
	kt_check(r.rlim_cur >= 64 && r.rlim_cur <= r.rlim_max, "nofile: 64 <= soft <= hard");
	kt_check(getrlimit(RLIMIT_NOFILE, &r2) == 0 && r2.rlim_cur == r.rlim_cur &&
		 r2.rlim_max == r.rlim_max, "getrlimit agrees with prlimit64");

	/* A lower soft limit is enforced by open and dup. */
	struct rlimit low = { 8, r.rlim_max };
	kt_check(sys_prlimit(getpid(), RLIMIT_NOFILE, &low, NULL) == 0, "prlimit64 sets nofile to 8");
	int fds[16], n = 0, fd;
	while (n < 16 && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	kt_expect_err("open beyond the limit", fd, EMFILE);
	kt_check(fds[n - 1] == 7, "the last fd is 7");
	kt_expect_err("dup2 to fd 8", dup2(0, 8), EBADF);
	kt_expect_err("fcntl F_DUPFD from 8", fcntl(0, F_DUPFD, 8), EINVAL);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* Inherited by a child. */
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit c;
		getrlimit(RLIMIT_NOFILE, &c);
		_exit(c.rlim_cur == 8 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a child inherits the limit");
	kt_check(setrlimit(RLIMIT_NOFILE, &r) == 0, "setrlimit puts it back");

	struct rlimit bad = { 10, 5 };
	kt_expect_err("soft above hard", sys_prlimit(0, RLIMIT_NOFILE, &bad, NULL), EINVAL);
	kt_expect_err("resource 99", sys_prlimit(0, 99, NULL, &r), EINVAL);
	kt_expect_err("a bad old pointer", sys_prlimit(0, RLIMIT_STACK, NULL, (struct rlimit *)8), EFAULT);
	kt_expect_err("a bad new pointer", sys_prlimit(0, RLIMIT_STACK, (struct rlimit *)8, NULL), EFAULT);
	kt_expect_err("no such process", sys_prlimit(999999, RLIMIT_STACK, NULL, &r), ESRCH);
	struct rlimit huge = { 1 << 30, 1 << 30 };
	kt_expect_err("nofile above nr_open", sys_prlimit(0, RLIMIT_NOFILE, &huge, NULL), EPERM);
}

static void test_getrandom(void)
{
	unsigned char a[64], b[64];
	kt_check_eq("getrandom 64 bytes", syscall(SYS_getrandom, a, sizeof(a), 0), 64);
	kt_check_eq("getrandom GRND_NONBLOCK", syscall(SYS_getrandom, b, sizeof(b), 1), 64);
	kt_check(memcmp(a, b, sizeof(a)) != 0, "two draws differ");
	kt_check_eq("getrandom 0 bytes", syscall(SYS_getrandom, a, 0, 0), 0);
	kt_expect_err("unknown flags", syscall(SYS_getrandom, a, 8, 0x100), EINVAL);
	kt_expect_err("GRND_RANDOM with GRND_INSECURE", syscall(SYS_getrandom, a, 8, 6), EINVAL);
	kt_expect_err("a bad buffer", syscall(SYS_getrandom, (void *)8, 8, 0), EFAULT);
}

static char pages[4 * 4096] __attribute__((aligned(4096)));

/* Runs fn in a child and reports how it ended. */
static void in_child(const char *what, void (*fn)(void))
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(status));
}

static void write_page1(void) { pages[4096] = 1; }
static void read_page1(void) { _exit(pages[4096] == 7 ? 0 : 1); }
static void write_page2(void) { pages[2 * 4096] = 1; }

static void test_mprotect(void)
{
	pages[4096] = 7;
	kt_check(mprotect(pages + 4096, 4096, PROT_READ) == 0, "mprotect one page read-only");
	in_child("reading it", read_page1);
	in_child("writing it", write_page1);
	in_child("writing the page after it", write_page2);
	kt_check(mprotect(pages + 4096, 4096, PROT_NONE) == 0, "mprotect PROT_NONE");
	in_child("reading a PROT_NONE page", read_page1);
	kt_check(mprotect(pages + 4096, 4096, PROT_READ | PROT_WRITE) == 0, "mprotect back to read-write");
	pages[4096] = 8;
	kt_check(pages[4096] == 8, "writable again");
	/* Raw: musl's mprotect() rounds the address down itself. */
	kt_expect_err("an unaligned address", syscall(SYS_mprotect, pages + 1, 4096, PROT_READ), EINVAL);
	kt_expect_err("unknown prot bits", mprotect(pages, 4096, 0x100), EINVAL);
	kt_expect_err("an unmapped range", mprotect((void *)0x100000000000, 4096, PROT_READ), ENOMEM);
	kt_check(mprotect(pages, 0, PROT_READ) == 0, "length 0");
}

static void test_prctl(void)
{
	char name[32];
	kt_check(prctl(PR_SET_NAME, "kt-renamed") == 0, "PR_SET_NAME");
	memset(name, 'x', sizeof(name));
	kt_check(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "kt-renamed") == 0, "PR_GET_NAME reads it back");
	prctl(PR_SET_NAME, "a-name-longer-than-fifteen-bytes");
	prctl(PR_GET_NAME, name);
	printf("a long name is cut to \"%s\"\n", name);
	kt_check(prctl(PR_GET_DUMPABLE) == 1, "dumpable by default");
	kt_check(prctl(PR_SET_DUMPABLE, 0) == 0 && prctl(PR_GET_DUMPABLE) == 0, "PR_SET_DUMPABLE 0");
	kt_expect_err("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2), EINVAL);
	prctl(PR_SET_DUMPABLE, 1);
	int sig = -1;
	kt_check(prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0 && prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR1,
		 "PR_SET_PDEATHSIG");
	prctl(PR_SET_PDEATHSIG, 0);
	kt_expect_err("PR_SET_PDEATHSIG 200", prctl(PR_SET_PDEATHSIG, 200), EINVAL);
	kt_expect_err("PR_GET_NAME to a bad pointer", prctl(PR_GET_NAME, (char *)8), EFAULT);
	kt_expect_err("option 12345", prctl(12345, 0, 0, 0, 0), EINVAL);
}

static void test_robust_list(void)
{
	struct robust_list_head head = { { &head.list }, 0, NULL };
	kt_check(syscall(SYS_set_robust_list, &head, sizeof(head)) == 0, "set_robust_list");
	kt_expect_err("a wrong size", syscall(SYS_set_robust_list, &head, 8), EINVAL);
	void *got = NULL;
	size_t len = 0;
	kt_check(syscall(SYS_get_robust_list, 0, &got, &len) == 0 && got == &head && len == sizeof(head),
		 "get_robust_list reads it back");
	kt_expect_err("get_robust_list to a bad pointer", syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT);
}

static void test_clone(void)
{
	/* What glibc's fork() does: the child's tid is written into the
	 * child's memory, not the parent's. */
	static pid_t child_tid, parent_tid;
	child_tid = parent_tid = 0;
	fflush(stdout);
	long pid = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | SIGCHLD,
			   0, &parent_tid, &child_tid, 0);
	if (pid == 0)
		_exit(child_tid == getpid() ? 0 : 1);
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "CLONE_CHILD_SETTID: in the child's memory");
	kt_check(child_tid == 0, "... and not in the parent's");
	kt_check(parent_tid == pid, "CLONE_PARENT_SETTID: in the parent's memory");
	kt_expect_err("CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone, CLONE_THREAD | SIGCHLD, 0, 0, 0, 0),
		      EINVAL);
}

static void test_auxv(void)
{
	/* Linux 5.14 and later; glibc's sysconf(_SC_MINSIGSTKSZ) reads it. The
	 * value depends on the CPU's register state (Linux says 1776 without
	 * AVX-512, more with it), so only its presence and scale are compared. */
	unsigned long m = getauxval(AT_MINSIGSTKSZ);
	kt_check(m >= 1024 && m < 1 << 20, "AT_MINSIGSTKSZ is present and at least 1 KiB");
}

static void test_sysinfo(void)
{
	struct sysinfo si;
	kt_check(sysinfo(&si) == 0, "sysinfo");
	kt_check(si.uptime > 0, "uptime is positive");
	kt_check(si.mem_unit >= 1 && si.totalram > 0 && si.freeram <= si.totalram, "free RAM within total");
	kt_check(si.procs >= 1, "at least one task");
	kt_expect_err("sysinfo to a bad pointer", syscall(SYS_sysinfo, (void *)8), EFAULT);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_limits();
	test_getrandom();
	test_mprotect();
	test_prctl();
	test_robust_list();
	test_clone();
	test_sysinfo();
	test_auxv();
	return kt_status();
}
