/* trace_timers: POSIX timers as the tracer shows them: timer_create's
 * sigevent (SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID, none at all) and
 * the id it wrote, timer_settime's flags and itimerspecs, timer_gettime,
 * timer_getoverrun, timer_delete, the errors, and a timer's signal
 * ("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0, ...}")
 * ending a pause(). Run under trace in the kernel and under strace -f on
 * Linux; the traces are compared. */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

struct ksigevent {
	union sigval value;
	int signo, notify;
	int tid;
	int pad[11];
};

static void on_signal(int sig)
{
	(void)sig;
	write(1, "handler: SIGUSR1\n", 17);
}

int main(void)
{
	signal(SIGUSR1, on_signal);
	struct ksigevent ev = { .value.sival_int = 7, .signo = SIGUSR1, .notify = SIGEV_SIGNAL };
	int id, other;
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id);
	syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &other);
	syscall(SYS_timer_delete, other);
	ev.notify = SIGEV_NONE;
	syscall(SYS_timer_create, CLOCK_BOOTTIME, &ev, &other);
	syscall(SYS_timer_delete, other);
	ev.notify = SIGEV_THREAD_ID;
	ev.tid = 99999;
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &other);
	syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &other);

	struct itimerspec its = { .it_value = { 1000000000, 0 } }, old;     /* far ahead on both sides */
	syscall(SYS_timer_settime, id, TIMER_ABSTIME, &its, NULL);
	its.it_value.tv_sec = 0;
	syscall(SYS_timer_settime, id, 0, &its, &old);
	syscall(SYS_timer_gettime, id, &old);
	its.it_value.tv_nsec = 20000000;
	if (syscall(SYS_timer_settime, id, 0, &its, NULL) == 0)
		pause();        /* without timers, no signal would end it */
	syscall(SYS_timer_getoverrun, id);
	syscall(SYS_timer_delete, id);
	syscall(SYS_timer_delete, id);
	return 0;
}
