/* thr_exit: exit ends one thread, exit_group all of them; a process
 * ends with its last thread, and only then does its parent hear of it,
 * with the leader's exit code, or exit_group's for all. wait4 never
 * reports a thread.
 *
 * Each case runs in a child process whose threads are raw clones
 * (thr_raw.h); a pipe tells the parent what a thread did before the
 * process was reported. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <kt.h>
#include <thr_raw.h>

#define THREAD (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

static int pipefd[2];

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	thr_sys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
}

/* Sleeps, writes one byte, exits (the thread only) with 5. */
static int late_exit(void *arg)
{
	(void)arg;
	nap_ms(100);
	thr_sys(SYS_write, pipefd[1], (long)"x", 1, 0, 0, 0);
	return 5;
}

static int group_exit_9(void *arg)
{
	(void)arg;
	nap_ms(20);
	thr_sys(SYS_exit_group, 9, 0, 0, 0, 0, 0);
	return 0;
}

static int spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ __volatile__("" ::: "memory");
	return 0;
}

static int ppid_then_exit(void *arg)
{
	*(long *)arg = thr_sys(SYS_getppid, 0, 0, 0, 0, 0, 0);
	return 6;
}

static void late_exit_7(void)
{
	nap_ms(50);
	thr_sys(SYS_exit_group, 7, 0, 0, 0, 0, 0);
}

static int group_exit_7(void *arg)
{
	(void)arg;
	late_exit_7();
	return 0;
}

/* Runs body in a child process; prints how the process ended, and
 * whether the pipe had a byte when it was reported. */
static void run(const char *what, void (*body)(void))
{
	pipe(pipefd);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	pid_t pid = kt_fork();
	if (pid == 0) {
		body();
		_exit(100);
	}
	int status = 0;
	pid_t got = waitpid(pid, &status, 0);
	char c;
	int wrote = read(pipefd[0], &c, 1) == 1;
	if (got != pid)
		printf("%s: wait4 BAD\n", what);
	else if (WIFEXITED(status))
		printf("%s: exit %d%s\n", what, WEXITSTATUS(status), wrote ? ", the late thread had written" : "");
	else
		printf("%s: signal %d\n", what, WTERMSIG(status));
	kt_expect_err("  nothing more to wait for", waitpid(-1, NULL, __WALL | WNOHANG), ECHILD);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void leader_exits_first(void)
{
	thr_clone(THREAD, thr_stack(), NULL, NULL, 0, late_exit, NULL);
	thr_sys(SYS_exit, 3, 0, 0, 0, 0, 0);
}

static void thread_calls_exit_group(void)
{
	thr_clone(THREAD, thr_stack(), NULL, NULL, 0, group_exit_9, NULL);
	char c;
	read(pipefd[0] + 100, &c, 1);       /* EBADF: then block below */
	int p[2];
	pipe(p);
	read(p[0], &c, 1);                  /* never written: exit_group ends it */
	_exit(101);
}

static void leader_calls_exit_group(void)
{
	thr_clone(THREAD, thr_stack(), NULL, NULL, 0, spin_forever, NULL);
	thr_clone(THREAD, thr_stack(), NULL, NULL, 0, spin_forever, NULL);
	nap_ms(20);
	thr_sys(SYS_exit_group, 4, 0, 0, 0, 0, 0);
}

static void thread_exits_first(void)
{
	static long ppid;
	static int ctid = -1;
	thr_clone(THREAD | CLONE_CHILD_CLEARTID, thr_stack(), NULL, &ctid, 0, ppid_then_exit, &ppid);
	thr_wait_cleared(&ctid);
	printf("  the thread's getppid is the process's: %s\n", ppid == getppid() ? "ok" : "BAD");
	kt_expect_err("  the process waits for its thread", waitpid(-1, NULL, __WALL | WNOHANG), ECHILD);
	fflush(stdout);
	_exit(2);
}

static void exit_group_after_leader(void)
{
	thr_clone(THREAD, thr_stack(), NULL, NULL, 0, group_exit_7, NULL);
	thr_sys(SYS_exit, 0, 0, 0, 0, 0, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run("the leader exits (3), a thread later (5)", leader_exits_first);
	run("a thread calls exit_group (9)", thread_calls_exit_group);
	run("the leader calls exit_group (4), threads spinning", leader_calls_exit_group);
	run("a thread exits (6), then the process (2)", thread_exits_first);
	run("the leader exits (0), a thread calls exit_group (7)", exit_group_after_leader);
	return kt_status();
}
