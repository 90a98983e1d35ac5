/* prog_thread_death: how a multi-threaded process ends, as its parent
 * sees it, compared with Linux.
 *
 *   - one thread dereferences NULL: the whole process dies of SIGSEGV,
 *     its other threads (blocked in pthread_join, read, a futex) too;
 *   - SIGKILL to a process of 5 threads (sleeping, spinning, blocked);
 *   - a thread calls exit(): every thread ends, the status is the parent's;
 *   - a non-main thread calls execve while the main thread is blocked:
 *     the new program has the same pid, and its one thread's tid is that
 *     pid (the kernel "de-threads" first);
 *   - the main thread leaves with pthread_exit: the process lives on
 *     until its last thread exits, whose status the parent gets.
 *
 * The execve runs this program again (relative path: the grader starts
 * it in "/" in the guest and in a copy of the image's tree on the host)
 * with "exec" and the old pid as arguments. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include "kt.h"
#include "kt_thread.h"

#define SELF "usr/lib/kestrel/lab6/prog_thread_death"

static int ready_pipe[2];               /* children say "ready" on it */

static atomic_int ready_here;           /* ... and count themselves here */

static void say_ready(void)
{
	write(ready_pipe[1], "r", 1);
	atomic_fetch_add(&ready_here, 1);
}

static void wait_ready(int n)
{
	char c;
	while (n-- > 0)
		read(ready_pipe[0], &c, 1);
}

static void *block_in_read(void *arg)
{
	(void)arg;
	int p[2];
	char c;
	pipe(p);
	say_ready();
	read(p[0], &c, 1);                  /* never returns */
	return NULL;
}

static void *spin(void *arg)
{
	(void)arg;
	say_ready();
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	say_ready();
	for (;;)
		pause();
	return NULL;
}

static void *fault(void *arg)
{
	(void)arg;
	while (atomic_load(&ready_here) < 2)    /* the other two told the parent */
		kt_sleep_ms(1);
	kt_sleep_ms(10);                        /* and are most likely blocked by now */
	*(volatile int *)0 = 1;
	return NULL;
}

/* Forks a child that runs body(); returns how it ended, as a line. */
static void report(const char *what, void (*body)(void), int nready)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		body();
		_exit(99);
	}
	wait_ready(nready);
	int status;
	pid_t w = waitpid(pid, &status, 0);
	if (w != pid)
		printf("%s: waitpid failed\n", what);
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d (%s)\n", what, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		printf("%s: exited with %d\n", what, WEXITSTATUS(status));
	kt_check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "  and no other child (thread) to wait for");
}

static void segv_body(void)
{
	pthread_t t;
	pthread_create(&t, NULL, block_in_read, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, fault, NULL);
	pthread_join(t, NULL);              /* main waits on the faulting thread's tid word */
}

static void kill_body(void)
{
	pthread_t t;
	pthread_create(&t, NULL, block_in_read, NULL);
	pthread_create(&t, NULL, spin, NULL);
	pthread_create(&t, NULL, spin, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	kill(getpid(), SIGKILL);            /* process-directed: every thread dies */
	for (;;)
		pause();
}

static void kill_from_parent_body(void)
{
	pthread_t t;
	pthread_create(&t, NULL, block_in_read, NULL);
	pthread_create(&t, NULL, spin, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	say_ready();
	pthread_join(t, NULL);
}

static void *exit_7(void *arg)
{
	(void)arg;
	kt_sleep_ms(10);
	exit(7);
}

static void exit_body(void)
{
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, exit_7, NULL);
	for (;;)
		pause();
}

static void *exit_last(void *arg)
{
	(void)arg;
	kt_sleep_ms(30);
	exit(5);
}

static void pthread_exit_body(void)
{
	pthread_t t;
	pthread_create(&t, NULL, exit_last, NULL);
	pthread_exit(NULL);                 /* the process goes on: one thread left */
}

static char pid_arg[32];

static void *exec_thread(void *arg)
{
	(void)arg;
	kt_sleep_ms(20);
	char *argv[] = { SELF, "exec", pid_arg, NULL };
	execv(SELF, argv);
	printf("execv from a thread failed: %s\n", strerror(errno));
	exit(98);
}

static void exec_body(void)
{
	snprintf(pid_arg, sizeof(pid_arg), "%d", getpid());
	pthread_t t;
	pthread_create(&t, NULL, block_in_read, NULL);
	pthread_create(&t, NULL, exec_thread, NULL);
	pthread_join(t, NULL);              /* never returns: the exec ends this thread */
}

static void *nothing(void *arg)
{
	return arg;
}

/* The program the thread's execve started. */
static int after_exec(const char *old_pid)
{
	printf("after execve from a thread: the pid is the same: %s\n", getpid() == atoi(old_pid) ? "yes" : "no");
	printf("after execve from a thread: the one thread's tid is the pid: %s\n", gettid() == getpid() ? "yes" : "no");
	pthread_t t;
	int r = pthread_create(&t, NULL, nothing, NULL);
	printf("after execve from a thread: threads work again: %s\n", r == 0 ? "yes" : "no");
	pthread_join(t, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "exec") == 0)
		return after_exec(argv[2]);
	kt_threads_or_exit();
	pipe(ready_pipe);
	report("a thread dereferences NULL", segv_body, 2);
	report("SIGKILL to itself, 5 threads", kill_body, 0);
	report("a thread calls exit(7)", exit_body, 1);
	report("main calls pthread_exit, the last thread exit(5)", pthread_exit_body, 0);
	report("a non-main thread calls execve", exec_body, 1);

	pid_t pid = kt_fork();
	if (pid == 0) {
		kill_from_parent_body();
		_exit(99);
	}
	wait_ready(4);
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	kt_check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		 "SIGKILL from the parent to a child of 4 threads: killed by SIGKILL");
	return kt_status();
}
