/* thr_family: clone's process-making flags.
 *
 * CLONE_PARENT (the new process is the caller's sibling), clone with a
 * new stack and no sharing (a fork that starts on that stack), vfork
 * with a stack (the caller waits for the child's exit), clone3 as glibc's
 * posix_spawn calls it (CLONE_VM|CLONE_VFORK on a stack: the parent is
 * let go at the child's execve, while the new program still runs),
 * CLONE_CLEAR_SIGHAND, CLONE_CHILD_SETTID, and a child with no exit
 * signal, which wait4 takes only with __WCLONE. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <kt.h>
#include <thr_raw.h>

#define SELF "./usr/lib/kestrel/lab6/thr_family"

static volatile long *shared;   /* MAP_SHARED: seen by every process here */

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	thr_sys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
}

/* --- CLONE_PARENT ------------------------------------------------------------- */

static int report_ppid(void *arg)
{
	(void)arg;
	shared[0] = thr_sys(SYS_getppid, 0, 0, 0, 0, 0, 0);
	return 4;
}

static void clone_parent(void)
{
	shared[0] = 0;
	pid_t a = kt_fork();
	if (a == 0) {
		long g = thr_clone(CLONE_PARENT | SIGUSR1, thr_stack(), NULL, NULL, 0, report_ppid, NULL);
		printf("CLONE_PARENT: %s\n", g > 0 ? "a sibling made" : kt_errname(-g));
		kt_expect_err("  it is not the caller's child", waitpid(-1, NULL, __WALL), ECHILD);
		fflush(stdout);
		_exit(0);
	}
	int st[2] = { -1, -1 }, n = 0;
	for (int i = 0; i < 2; i++) {
		int s;
		pid_t p = waitpid(-1, &s, 0);       /* the sibling sends SIGCHLD, as the caller's own exit signal */
		if (p > 0 && WIFEXITED(s))
			st[n++] = WEXITSTATUS(s);
	}
	printf("  the test collects both: %d %d\n", st[0] < st[1] ? st[0] : st[1], st[0] < st[1] ? st[1] : st[0]);
	printf("  the sibling's parent is the test: %s\n", shared[0] == getpid() ? "ok" : "BAD");
}

/* --- a fork on a new stack -------------------------------------------------------- */

static long private_var;

static int on_stack(void *arg)
{
	int local;
	char *top = arg;
	shared[1] = (char *)&local < top && (char *)&local > top - 65536;
	private_var = 1;
	return 0;
}

static void fork_on_stack(void)
{
	char *top = thr_stack();
	long pid = thr_clone(SIGCHLD, top, NULL, NULL, 0, on_stack, top);
	int s = -1;
	if (pid > 0)
		waitpid(pid, &s, 0);
	kt_check(pid > 0 && WIFEXITED(s) && WEXITSTATUS(s) == 0, "clone with a stack and no flags: a child");
	kt_check(shared[1] == 1, "  it ran on the stack it was given");
	kt_check(private_var == 0, "  in a copy of the memory");
}

/* --- vfork with a stack ------------------------------------------------------------ */

static long vfork_mark;

static int slow_child(void *arg)
{
	(void)arg;
	nap_ms(50);
	vfork_mark = 1;
	return 3;
}

static void vfork_stack(void)
{
	vfork_mark = 0;
	long pid = thr_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, thr_stack(), NULL, NULL, 0, slow_child, NULL);
	kt_check(vfork_mark == 1, "CLONE_VM|CLONE_VFORK on a stack: the caller waited for the child");
	int s = -1;
	waitpid(pid, &s, 0);
	kt_check(WIFEXITED(s) && WEXITSTATUS(s) == 3, "  its exit status");
}

/* --- clone3 as posix_spawn ---------------------------------------------------------- */

static int spawn_pipe[2];
static char fd_arg[8];
static char *spawn_argv[] = { "thr_family", "sleeper", fd_arg, NULL };

static int exec_child(void *arg)
{
	(void)arg;
	thr_sys(SYS_execve, (long)SELF, (long)spawn_argv, (long)environ, 0, 0, 0);
	return 127;
}

/* The new program: after a while, a byte into the pipe, and exit 8. */
static int sleeper(int fd)
{
	nap_ms(100);
	write(fd, "x", 1);
	return 8;
}

static void spawn_clone3(void)
{
	pipe(spawn_pipe);
	fcntl(spawn_pipe[0], F_SETFL, O_NONBLOCK);
	snprintf(fd_arg, sizeof(fd_arg), "%d", spawn_pipe[1]);
	struct thr_clone_args a = {
		.flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD,
		.stack = (unsigned long)thr_stack() - 65536, .stack_size = 65536,
	};
	long pid = thr_clone3(&a, 88, exec_child, NULL);
	kt_check(pid > 0, "clone3(CLONE_VM|CLONE_VFORK, a stack): posix_spawn's call");
	char c;
	kt_check(read(spawn_pipe[0], &c, 1) < 0 && errno == EAGAIN,
		 "  the caller goes on at the child's execve, before it ends");
	int s = -1;
	waitpid(pid, &s, 0);
	kt_check(read(spawn_pipe[0], &c, 1) == 1 && WIFEXITED(s) && WEXITSTATUS(s) == 8,
		 "  the new program ran to its end");
	close(spawn_pipe[0]);
	close(spawn_pipe[1]);
}

/* --- clone3: CLONE_CLEAR_SIGHAND, CLONE_CHILD_SETTID, no exit signal -------------- */

static void on_usr1(int sig) { (void)sig; }

static void clear_sighand(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR2, &sa, NULL);
	struct thr_clone_args a = { .flags = CLONE_CLEAR_SIGHAND, .exit_signal = SIGCHLD };
	fflush(stdout);
	long pid = thr_sys(SYS_clone3, (long)&a, 88, 0, 0, 0, 0);
	if (pid == 0) {
		struct sigaction u1, u2;
		sigaction(SIGUSR1, NULL, &u1);
		sigaction(SIGUSR2, NULL, &u2);
		_exit((u1.sa_handler == SIG_DFL) | (u2.sa_handler == SIG_IGN) << 1);
	}
	int s = -1;
	waitpid(pid, &s, 0);
	kt_check(WIFEXITED(s) && (WEXITSTATUS(s) & 1), "CLONE_CLEAR_SIGHAND: a caught signal is back to SIG_DFL");
	kt_check(WIFEXITED(s) && (WEXITSTATUS(s) & 2), "  an ignored one stays ignored");
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static int child_word = -1;

static void child_settid(void)
{
	struct thr_clone_args a = { .flags = CLONE_CHILD_SETTID, .child_tid = (unsigned long)&child_word,
				    .exit_signal = SIGCHLD };
	fflush(stdout);
	long pid = thr_sys(SYS_clone3, (long)&a, 88, 0, 0, 0, 0);
	if (pid == 0)
		_exit(child_word == thr_sys(SYS_gettid, 0, 0, 0, 0, 0, 0) ? 0 : 1);
	int s = -1;
	waitpid(pid, &s, 0);
	kt_check(WIFEXITED(s) && WEXITSTATUS(s) == 0, "CLONE_CHILD_SETTID: the tid in the child's word");
	kt_check(child_word == -1, "  and not in the caller's");
}

static void no_exit_signal(void)
{
	struct thr_clone_args a = { 0 };
	fflush(stdout);
	long pid = thr_sys(SYS_clone3, (long)&a, 88, 0, 0, 0, 0);
	if (pid == 0)
		_exit(5);
	nap_ms(50);
	kt_expect_err("no exit signal: wait4 without __WCLONE", waitpid(pid, NULL, WNOHANG), ECHILD);
	int s = -1;
	kt_check(waitpid(pid, &s, __WCLONE) == pid && WIFEXITED(s) && WEXITSTATUS(s) == 5,
		 "  wait4 with __WCLONE collects it");
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "sleeper"))
		return sleeper(atoi(argv[2]));
	setvbuf(stdout, NULL, _IONBF, 0);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	clone_parent();
	fork_on_stack();
	vfork_stack();
	spawn_clone3();
	clear_sighand();
	child_settid();
	no_exit_signal();
	return kt_status();
}
