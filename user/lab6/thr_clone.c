/* thr_clone: raw clone with glibc's thread flags, and what each sharing
 * flag shares.
 *
 * A thread (CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|
 * CHILD_CLEARTID on a new stack) has the caller's pid and its own tid,
 * the tid reported in the parent's word and cleared (with a futex wake)
 * when it ends, the TLS base it was given; it is no child of anyone
 * (wait4 with __WALL: ECHILD). Then children sharing only the memory,
 * and sharing the memory, descriptor table, fs context and signal
 * handlers: each change a child makes shows in the parent exactly when
 * its part is shared. The NUMA memory policy is never shared: a child
 * starts with a copy of the caller's and changes only its own. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/mempolicy.h>   /* MPOL_* (the UAPI headers: see the Makefile) */
#include <kt.h>
#include <thr_raw.h>

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
		      CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

struct seen {
	long pid, tid, fs;
	volatile int done;
};

static int thread_fn(void *arg)
{
	struct seen *s = arg;
	s->pid = thr_sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	s->tid = thr_sys(SYS_gettid, 0, 0, 0, 0, 0, 0);
	unsigned long fs = 0;
	thr_sys(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, (long)&fs, 0, 0, 0, 0);
	s->fs = fs;
	s->done = 1;
	return 0;
}

static void a_thread(void)
{
	static struct seen s;
	static int ptid, ctid = -1;
	/* Its own TLS area (unused: the thread touches no TLS), whose first
	 * word points to itself as a thread pointer does. */
	static unsigned long tls[64];
	tls[0] = (unsigned long)tls;
	long fs = (long)tls;
	long tid = thr_clone(THREAD_FLAGS, thr_stack(), &ptid, &ctid, fs, thread_fn, &s);
	kt_check(tid > 0, "clone with glibc's thread flags");
	if (tid <= 0)
		return;
	kt_check(ptid == tid, "CLONE_PARENT_SETTID: the tid in the parent's word");
	kt_check(thr_wait_cleared(&ctid), "CLONE_CHILD_CLEARTID: the word cleared at the thread's end");
	kt_check(s.done, "the thread ran in the caller's memory");
	kt_check(s.pid == getpid(), "a thread's getpid is the process's");
	kt_check(s.tid == tid && tid != getpid(), "a thread's gettid is its own");
	kt_check(s.fs == fs, "CLONE_SETTLS: the thread's %fs base");
	errno = 0;
	kt_expect_err("wait4(__WALL) for a thread", waitpid(-1, NULL, __WALL | WNOHANG), ECHILD);
	kt_expect_err("wait4 for the thread's tid", waitpid(tid, NULL, __WALL | WNOHANG), ECHILD);
}

/* --- sharing, part by part --------------------------------------------------- */

static volatile int handled;
static void on_usr1(int sig) { (void)sig; handled = 1; }

struct change {
	int fd;                     /* a file the child opened */
	volatile int wrote;         /* memory written by the child */
	int policy;                 /* the memory policy the child started with */
};

static int policy_mode(void)
{
	int mode = -1;
	thr_sys(SYS_get_mempolicy, (long)&mode, 0, 0, 0, 0, 0);
	return mode;
}

static int change_fn(void *arg)
{
	struct change *c = arg;
	c->wrote = 1;
	c->policy = policy_mode();
	thr_sys(SYS_set_mempolicy, MPOL_LOCAL, 0, 0, 0, 0, 0);
	c->fd = thr_sys(SYS_open, (long)"/", O_RDONLY | O_DIRECTORY, 0, 0, 0, 0);
	thr_sys(SYS_chdir, (long)"/dev", 0, 0, 0, 0, 0);
	thr_sys(SYS_umask, 077, 0, 0, 0, 0, 0);
	struct { void *h; unsigned long flags; void *restorer; unsigned long mask; } act = { SIG_IGN, 0, 0, 0 };
	thr_sys(SYS_rt_sigaction, SIGUSR1, (long)&act, 0, 8, 0, 0);
	return 0;
}

static void sharing(const char *what, unsigned long flags)
{
	static struct change c;
	memset((void *)&c, 0, sizeof(c));
	c.fd = -1;
	char cwd[64];
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	chdir("/");
	umask(022);
	unsigned long node0 = 1;
	syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, &node0, 2);
	long pid = thr_clone(flags | SIGCHLD, thr_stack(), NULL, NULL, 0, change_fn, (void *)&c);
	int status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	printf("%s: child %s\n", what, pid > 0 && WIFEXITED(status) && !WEXITSTATUS(status) ? "exited 0" : "BAD");
	printf("  memory: %s\n", c.wrote ? "shared" : "copied");
	printf("  files: %s\n", c.fd >= 0 && fcntl(c.fd, F_GETFD) >= 0 ? "shared" : "copied");
	printf("  cwd: %s\n", getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/dev") ? "shared" : "copied");
	mode_t old = umask(022);
	printf("  umask: %s\n", old == 077 ? "shared" : "copied");
	sigaction(SIGUSR1, NULL, &sa);
	printf("  handlers: %s\n", sa.sa_handler == SIG_IGN ? "shared" : "copied");
	if (flags & CLONE_VM)       /* else what the child saw stayed in its memory */
		printf("  memory policy: %s\n",
		       c.policy == MPOL_INTERLEAVE && policy_mode() == MPOL_INTERLEAVE ? "copied" : "BAD");
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
	if (c.fd >= 0)
		close(c.fd);
	chdir("/");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	a_thread();
	sharing("CLONE_VM", CLONE_VM);
	sharing("CLONE_VM|CLONE_FILES", CLONE_VM | CLONE_FILES);
	sharing("CLONE_VM|CLONE_FS", CLONE_VM | CLONE_FS);
	sharing("CLONE_VM|CLONE_SIGHAND", CLONE_VM | CLONE_SIGHAND);
	sharing("CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND", CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND);
	sharing("no sharing, a new stack", 0);
	return kt_status();
}
