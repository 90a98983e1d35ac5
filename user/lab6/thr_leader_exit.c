/* thr_leader_exit: the leader (main) ends with exit(2), the thread
 * alone goes on and ends with exit 3: the process lives until then, and
 * its status is the last thread's (Linux's synchronize_group_exit). In
 * the kernel this program is init, whose last thread stops the machine. */
#define _GNU_SOURCE
#include <string.h>
#include <kt.h>
#include <thr_raw.h>

#define THREAD (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

static void say(const char *s)
{
	thr_sys(SYS_write, 1, (long)s, strlen(s), 0, 0, 0);
}

static int survivor(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	thr_sys(SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
	say("the thread outlived the leader: ok\n");
	long pid = thr_sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	long tid = thr_sys(SYS_gettid, 0, 0, 0, 0, 0, 0);
	say(pid != tid ? "its pid is still the process's: ok\n" : "its pid is still the process's: BAD\n");
	return 3;
}

int main(void)
{
	long tid = thr_clone(THREAD, thr_stack(), NULL, NULL, 0, survivor, NULL);
	say(tid > 0 ? "a thread: ok\n" : "a thread: BAD\n");
	thr_sys(SYS_exit, 2, 0, 0, 0, 0, 0);
	return 1;
}
