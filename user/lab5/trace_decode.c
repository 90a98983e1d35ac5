/* trace_decode: system calls with known arguments, one of each kind the
 * tracer decodes (flags, strings long and escaped, structs, errors, signal
 * sets), so that its trace can be compared line by line with strace's on
 * Linux. Works in tmp/ under the current directory (the image's /tmp in
 * the kernel; a copy of the image's tree on the host). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/sched.h>       /* struct clone_args, CLONE_* (the UAPI headers: see the Makefile) */
#include <linux/mempolicy.h>   /* MPOL_* */
#include <asm/unistd.h>        /* __NR_set_mempolicy_home_node, which musl lacks */

/* <linux/futex.h>'s, which musl's headers do not carry (strace on the
 * host names them back: a wrong value would show). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static void on_usr1(int sig)
{
	(void)sig;
}

/* The NUMA calls (one node, node 0): modes and their flags, node masks
 * in and out (empty, cut short by maxnode, running into a hole, longer
 * than strace shows), MPOL_* flags known and not, move_pages' arrays. */
static void numa_calls(void)
{
	static unsigned long mask[16] = { 3 }, big[1] = { 1 };
	int mode, status[3] = { 0 }, nodes[3] = { 0, 1, 0 };
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 2 * 4096, 4096);
	p[0] = p[4096] = 1;
	unsigned long *edge = (unsigned long *)(p + 2 * 4096) - 1;
	*edge = 1;
	syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0);
	syscall(SYS_set_mempolicy, MPOL_PREFERRED_MANY, mask, 1024);
	syscall(SYS_get_mempolicy, &mode, mask, 1025, NULL, 0);
	syscall(SYS_set_mempolicy, MPOL_BIND | MPOL_F_STATIC_NODES, mask, 65);
	syscall(SYS_get_mempolicy, &mode, mask, 130, NULL, 0);
	syscall(SYS_get_mempolicy, &mode, mask, 0, NULL, MPOL_F_MEMS_ALLOWED);
	syscall(SYS_get_mempolicy, &mode, mask, 1, NULL, MPOL_F_MEMS_ALLOWED);
	syscall(SYS_get_mempolicy, &mode, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR);
	syscall(SYS_get_mempolicy, &mode, mask, 65, NULL, 8);
	syscall(SYS_set_mempolicy, 0x1002, mask, 65);
	syscall(SYS_set_mempolicy, -1, mask, 65);
	syscall(SYS_set_mempolicy, MPOL_BIND, edge, 66);
	syscall(SYS_set_mempolicy, MPOL_BIND, big, -1L);
	syscall(SYS_mbind, p, 4096, MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, mask, 3, MPOL_MF_STRICT | MPOL_MF_MOVE);
	syscall(SYS_mbind, p, 4096, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT);
	syscall(SYS_mbind, p, 4096, MPOL_BIND, mask, 65, MPOL_MF_STRICT | 0x100);
	syscall(SYS_mbind, p, 4096, MPOL_BIND, mask, 65, 0x100);
	syscall(__NR_set_mempolicy_home_node, p, 4096, 0, 1);
	syscall(SYS_migrate_pages, 0, 65, mask, mask);
	void *pages[3] = { p, p + 4096, p + 2 * 4096 };
	syscall(SYS_move_pages, 0, 3, pages, NULL, status, 0);
	syscall(SYS_move_pages, 0, 3, pages, nodes, status, MPOL_MF_MOVE);
	syscall(SYS_move_pages, 0, 1, pages, NULL, status, MPOL_MF_STRICT);
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	munmap(p, 2 * 4096);
}

int main(void)
{
	/* Flags, modes, an error, strings short, long and with escapes. */
	umask(022);
	mkdir("tmp/trace_decode.d", 0750);
	int fd = open("tmp/trace_decode.d/file", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0640);
	write(fd, "short\n", 6);
	write(fd, "a line longer than thirty-two characters, cut by strace\n", 57);
	write(fd, "\t\"quoted\"\\ \x01\x7f\0" "0\n", 16);
	struct iovec iov[2] = { { "two ", 4 }, { "pieces\n", 7 } };
	writev(fd, iov, 2);
	close(fd);
	open("tmp/trace_decode.d/missing", O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	access("tmp/trace_decode.d/file", R_OK | W_OK);
	access("tmp/trace_decode.d/missing", F_OK);

	/* Output arguments, shown after the call: read's buffer, stat. */
	char buf[128];
	fd = open("tmp/trace_decode.d/file", O_RDONLY);
	read(fd, buf, 5);
	lseek(fd, 0, SEEK_SET);
	read(fd, buf, sizeof(buf));
	lseek(fd, -3, SEEK_END);
	struct stat st;
	fstat(fd, &st);
	fstatat(AT_FDCWD, "tmp/trace_decode.d/file", &st, AT_SYMLINK_NOFOLLOW);
	char stx[256];          /* struct statx, which musl's headers do not carry */
	syscall(SYS_statx, AT_FDCWD, "tmp/trace_decode.d/file", AT_SYMLINK_NOFOLLOW, 0x7ffu /* STATX_BASIC_STATS */,
		stx);
	syscall(SYS_statx, AT_FDCWD, "tmp/trace_decode.d/missing", 0, 0xfffu /* STATX_ALL */, stx);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_GETFD);
	close(fd);
	symlink("file", "tmp/trace_decode.d/link");
	readlink("tmp/trace_decode.d/link", buf, sizeof(buf));

	/* Pipes, poll, dup3. */
	int p[2];
	pipe2(p, O_CLOEXEC | O_NONBLOCK);
	write(p[1], "x", 1);
	struct pollfd pfd = { .fd = p[0], .events = POLLIN | POLLPRI };
	poll(&pfd, 1, 0);
	dup3(p[0], 10, O_CLOEXEC);
	close(10);
	close(p[0]);
	close(p[1]);

	/* Memory: PROT_ and MAP_ flags. */
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(m, 4096, PROT_READ);
	mprotect(m, 4096, PROT_NONE);
	munmap(m, 8192);

	/* Signals: an action with a mask and flags, masks, a bad signal. */
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	kill(getpid(), 0);
	kill(getpid(), 99);

	/* Limits (lowered first: the grader's own may differ from the guest's). */
	struct rlimit rl = { 1024, 8192 };
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);

	/* Structures the kernel fills in, and times (the grader compares
	 * their fields' names, not the values of this machine). */
	struct utsname u;
	uname(&u);
	struct sysinfo si;
	sysinfo(&si);
	struct timespec ts = { 0, 1000 };
	nanosleep(&ts, NULL);
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);      /* not the vDSO's */

	/* futex: only the arguments each operation uses. */
	static int word = 1;
	struct timespec tiny = { 0, 1000 };
	syscall(SYS_futex, &word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &tiny, NULL, 0);     /* EAGAIN: word is 1 */
	syscall(SYS_futex, &word, FUTEX_WAIT, 1, &tiny, NULL, 0);             /* ETIMEDOUT */
	syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0, NULL, NULL,
		FUTEX_BITSET_MATCH_ANY);

	/* clone3's struct clone_args: the fields its flags use, and a struct
	 * too short to be one (its address). Each fails with EINVAL before
	 * anything is made: CLONE_SIGHAND needs CLONE_VM; a stack size
	 * without a stack. */
	int tid = 0;
	struct clone_args ca = { .flags = CLONE_SIGHAND | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
				 .exit_signal = SIGCHLD, .stack = 0x10000, .stack_size = 0x9000, .tls = 0x20000,
				 .parent_tid = (unsigned long)&tid, .child_tid = (unsigned long)&tid };
	syscall(SYS_clone3, &ca, sizeof(ca));
	ca.flags = CLONE_VM | CLONE_VFORK;
	ca.stack = 0;
	syscall(SYS_clone3, &ca, CLONE_ARGS_SIZE_VER0);
	syscall(SYS_clone3, &ca, 8);

	numa_calls();

	/* Cleaning up: AT_REMOVEDIR. */
	unlink("tmp/trace_decode.d/link");
	unlink("tmp/trace_decode.d/file");
	unlinkat(AT_FDCWD, "tmp/trace_decode.d", AT_REMOVEDIR);
	printf("done\n");
	return 0;
}
