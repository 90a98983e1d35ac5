/* thr_cputime: a process's CPU time is every thread's, the ones still
 * running and the ones that have ended. Three threads each burn 150 ms
 * of their own CPU time (CLOCK_THREAD_CPUTIME_ID) while the main thread
 * waits; one has ended by the time the main thread looks. Then the
 * process clock (CLOCK_PROCESS_CPUTIME_ID and clock_getcpuclockid of its
 * own pid), getrusage(RUSAGE_SELF) and times() each count at least the
 * 450 ms, RUSAGE_THREAD and the main thread's clock only its own time:
 * the process's less the others' 450 ms. (Not "a few ms": with more
 * virtual CPUs than the host has cores, a system call of the main thread
 * may wait long for another CPU, as a TLB shootdown does, and that counts.)
 * A child doing the same with two threads is reported to its parent
 * with their time (wait4's rusage, RUSAGE_CHILDREN). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>

#define BURN_MS 150
#define MS 1000000ll

static long long clock_ms(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts))
		return -1;
	return (ts.tv_sec * 1000000000ll + ts.tv_nsec) / MS;
}

static long long tv_ms(struct timeval a, struct timeval b)
{
	return (a.tv_sec + b.tv_sec) * 1000ll + (a.tv_usec + b.tv_usec) / 1000;
}

static pthread_barrier_t burnt;

/* Burns BURN_MS of this thread's CPU time; the first thread then ends,
 * the others wait at the barrier with the main thread. */
static void *burn(void *arg)
{
	while (clock_ms(CLOCK_THREAD_CPUTIME_ID) < BURN_MS)
		;
	if (arg)
		pthread_barrier_wait(&burnt);
	return NULL;
}

static void check(const char *what, long long got, long long min, long long max)
{
	printf("%s: %s\n", what, got >= min && got <= max ? "ok" : "BAD");
	if (got < min || got > max)
		fprintf(stderr, "%s: %lld, expected %lld..%lld\n", what, got, min, max);
}

static void run_threads(int n, pthread_t *th)
{
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, burn, i ? (void *)1 : NULL))
			exit(90);
}

int main(void)
{
	pthread_t th[3];
	pthread_barrier_init(&burnt, NULL, 3);
	run_threads(3, th);
	pthread_join(th[0], NULL);          /* ended: its time stays the process's */
	pthread_barrier_wait(&burnt);       /* the other two have burnt theirs */

	/* The thread's own figures first: the process's, read later, are
	 * at least those plus the other threads' 450 ms. */
	long long thread = clock_ms(CLOCK_THREAD_CPUTIME_ID);
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	long long thread_ru = tv_ms(ru.ru_utime, ru.ru_stime);
	long long total = 3 * BURN_MS;
	long long process = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	check("process clock counts every thread", process, total, 60000);
	check("the main thread's clock is its own", thread, 0, process - total);
	clockid_t mine;
	if (clock_getcpuclockid(getpid(), &mine))
		return 1;
	check("clock_getcpuclockid(getpid()) too", clock_ms(mine), total, 60000);
	getrusage(RUSAGE_SELF, &ru);
	long long self = tv_ms(ru.ru_utime, ru.ru_stime);
	check("RUSAGE_SELF counts every thread", self, total, 60000);
	check("RUSAGE_THREAD is the caller's", thread_ru, 0, self - total);
	struct tms tm;
	times(&tm);
	long hz = sysconf(_SC_CLK_TCK);
	check("times() counts every thread", (tm.tms_utime + tm.tms_stime) * 1000ll / hz, total - 20, 60000);
	pthread_join(th[1], NULL);
	pthread_join(th[2], NULL);

	pid_t pid = fork();
	if (pid == 0) {
		pthread_barrier_init(&burnt, NULL, 2);
		run_threads(2, th);
		pthread_join(th[0], NULL);
		pthread_barrier_wait(&burnt);
		pthread_join(th[1], NULL);
		_exit(0);
	}
	int status;
	if (wait4(pid, &status, 0, &ru) != pid)
		return 2;
	check("wait4 reports the child's threads", tv_ms(ru.ru_utime, ru.ru_stime), 2 * BURN_MS, 60000);
	getrusage(RUSAGE_CHILDREN, &ru);
	check("RUSAGE_CHILDREN too", tv_ms(ru.ru_utime, ru.ru_stime), 2 * BURN_MS, 60000);
	return 0;
}
