/* ids: process ids across fork, uname() and sched_yield().
 *
 * Ids are compared, never printed. Each child reports through its exit
 * code: the low 7 bits of its own getpid(), so the parent can tell that
 * fork's return value names that child, plus 0x80 if one of its own
 * checks failed. Of uname() only the fields that are the same on every
 * x86_64 Linux are printed. */
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <kt.h>

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

int main(void)
{
	pid_t me = getpid(), pids[2];
	int status, reported = 1;

	kt_check(me > 0, "getpid() > 0");
	kt_check(gettid_() == me, "gettid() == getpid() (one thread)");
	kt_check(getppid() != me, "getppid() != getpid()");

	for (int i = 0; i < 2; i++) {
		pids[i] = kt_fork();
		if (pids[i] == 0) {
			pid_t self = getpid();
			int bad = getppid() != me || gettid_() != self ||
				  self == me || self <= 0;
			_exit((self & 0x7f) | (bad ? 0x80 : 0));
		}
	}
	kt_check(pids[0] > 0 && pids[1] > 0, "fork returned child pids > 0");
	kt_check(pids[0] != pids[1], "the two children have different pids");
	kt_check(pids[0] != me && pids[1] != me, "neither child has the parent's pid");
	for (int i = 0; i < 2; i++) {
		if (wait4(pids[i], &status, 0, NULL) != pids[i] || !WIFEXITED(status))
			reported = 0;
		else if (WEXITSTATUS(status) != (pids[i] & 0x7f))
			reported = 0;
	}
	kt_check(reported, "in each child: getpid() is what fork returned, getppid() "
		 "is the parent, gettid() == getpid()");
	kt_check(getpid() == me, "the parent's pid did not change");

	struct utsname u;
	kt_check(uname(&u) == 0, "uname() returns 0");
	printf("sysname: %s\n", u.sysname);
	printf("machine: %s\n", u.machine);

	kt_check(sched_yield() == 0, "sched_yield() returns 0");
	return kt_status();
}
