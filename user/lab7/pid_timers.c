/* pid_timers: /proc/self/timers, a process's POSIX timers in Linux's
 * lines (ID, signal and value, notify and pid or tid, ClockID), newest
 * first: one with no sigevent (SIGALRM, the id as value), a SIGEV_NONE
 * one, one to the caller's thread; a deleted one is gone. The pid is
 * printed as SELF. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <kt.h>
#include <kt_proc.h>

struct ksigevent {
	union sigval value;
	int signo, notify;
	int tid;
	int pad[11];
};

static int show(void)
{
	FILE *f = fopen("/proc/self/timers", "r");
	char line[200], self[32];
	snprintf(self, sizeof(self), ".%d\n", (int)getpid());
	int n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *pid = strstr(line, self);
		if (pid)
			strcpy(pid, ".SELF\n");
		printf("/proc/self/timers: %s", line);
		n++;
	}
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	kt_proc_mount();
	kt_check_eq("no timers: no lines", show(), 0);
	struct ksigevent none = { .value.sival_ptr = (void *)0x1234, .notify = SIGEV_NONE };
	struct ksigevent tid = { .notify = SIGEV_THREAD_ID, .signo = SIGUSR2, .tid = (int)syscall(SYS_gettid) };
	int ids[3];
	syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &ids[0]);
	syscall(SYS_timer_create, CLOCK_BOOTTIME, &none, &ids[1]);
	syscall(SYS_timer_create, CLOCK_REALTIME, &tid, &ids[2]);
	kt_check_eq("three timers: 4 lines each", show(), 12);
	syscall(SYS_timer_delete, ids[1]);
	kt_check_eq("one deleted: 8 lines", show(), 8);
	return kt_status();
}
