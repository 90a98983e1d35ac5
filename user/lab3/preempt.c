/* preempt: a process that never gives up the CPU must not starve others.
 *
 * The child spins for 1.5 s, making a system call (clock_gettime) only
 * every 100k iterations. The parent sleeps 20 ms. The grader runs this on
 * one CPU: without timer preemption the parent could only run again once
 * the child exits, and would find it gone. With it, the parent wakes while
 * the child is still spinning. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kt.h>

#define MS	1000000LL
#define SPIN	(1500 * MS)

static void spin(void)
{
	long long stop = kt_now_ns() + SPIN;
	volatile unsigned long counter = 0;

	for (;;) {
		counter++;
		if (counter % 100000 == 0 && kt_now_ns() >= stop)
			_exit(0);
	}
}

int main(void)
{
	int status;
	pid_t pid = kt_fork();

	if (pid == 0)
		spin();
	long long t = kt_now_ns();
	kt_sleep_ms(20);
	long long took = kt_now_ns() - t;
	pid_t r = wait4(pid, &status, WNOHANG, NULL);

	int woke_first = pid > 0 && r == 0;

	printf("parent woke while the child was still spinning: %s\n",
	       woke_first ? "yes" : "no");
	if (!woke_first)
		++*kt_failures();
	kt_check(took >= 20 * MS && took < 1000 * MS,
		 "the parent's 20 ms sleep took between 20 ms and 1 s");

	r = wait4(pid, &status, 0, NULL);
	kt_check(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "the child finished spinning and exited 0");
	return kt_status();
}
