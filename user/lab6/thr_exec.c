/* thr_exec: execve in a process with several threads (de-thread).
 *
 * A child process starts threads that spin on a counter in memory it
 * shares with the test (MAP_SHARED), then one thread runs execve: from
 * the leader, and from another thread while the leader waits in
 * pthread_join. The new image checks that it kept the process's pid (a
 * non-leader took the leader's place) and its parent, and that it is
 * the only thread (its tid is the pid); the test then sees the counter
 * stand still (every old thread is gone) and collects the exit status
 * of the new program under the pid it knew. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <kt.h>

#define SELF "./usr/lib/kestrel/lab6/thr_exec"

struct shared {
	volatile unsigned long counter;
	volatile int spinning;
};
static struct shared *sh;
static char pid_arg[16], ppid_arg[16];

static int after_exec(char **argv)
{
	kt_check(getpid() == atoi(argv[2]), "  after exec: the pid is the process's");
	kt_check(getppid() == atoi(argv[3]), "  after exec: the parent is the same");
	kt_check(syscall(SYS_gettid) == getpid(), "  after exec: one thread, the leader");
	return kt_status() ? 1 : 5;
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;) {
		sh->counter++;
		sh->spinning = 1;
	}
	return NULL;
}

static void run_self(void)
{
	while (!sh->spinning)
		;
	char *argv[] = { "thr_exec", "after", pid_arg, ppid_arg, NULL };
	execv(SELF, argv);
	printf("  execv: %s\n", kt_errname(errno));
	_exit(100);
}

static void *exec_thread(void *arg)
{
	(void)arg;
	run_self();
	return NULL;
}

static void one(const char *what, int from_leader)
{
	printf("%s:\n", what);
	sh->counter = 0;
	sh->spinning = 0;
	pid_t pid = kt_fork();
	if (pid == 0) {
		snprintf(pid_arg, sizeof(pid_arg), "%d", getpid());
		snprintf(ppid_arg, sizeof(ppid_arg), "%d", getppid());
		pthread_t a, b;
		pthread_create(&a, NULL, spin, NULL);
		pthread_create(&b, NULL, spin, NULL);
		if (from_leader)
			run_self();
		pthread_t e;
		pthread_create(&e, NULL, exec_thread, NULL);
		pthread_join(e, NULL);          /* waits until de-threading ends it */
		printf("  the leader went on: BAD\n");
		_exit(101);
	}
	int status = 0;
	pid_t got = waitpid(pid, &status, 0);
	kt_check(got == pid, "  wait4 returns the process's pid");
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 5, "  the new program's exit status");
	unsigned long c1 = sh->counter;
	kt_sleep_ms(50);
	kt_check(sh->counter == c1, "  the old threads are gone");
}

int main(int argc, char **argv)
{
	if (argc > 3 && !strcmp(argv[1], "after"))
		return after_exec(argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	one("execve from the leader, two threads spinning", 1);
	one("execve from a thread, the leader in pthread_join", 0);
	return kt_status();
}
