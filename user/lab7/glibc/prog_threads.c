/* prog_threads: a glibc process with named threads, for the Lab 7 scripts
 * that look at it from outside (ps -eLf, ps -L, top -H, pmap,
 * /proc/PID/task). It starts 3 threads, names them worker-1..3 (the
 * first two name themselves: prctl(PR_SET_NAME); the third is named by
 * main: glibc then writes /proc/self/task/TID/comm), prints "ready" and
 * waits until a signal ends it. With an argument N it starts N threads. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t named;     /* every thread named before "ready" */

static void *worker(void *arg)
{
	long n = (long)arg;
	char name[16];

	if (n < 3) {
		snprintf(name, sizeof name, "worker-%d", (int)n);
		if (pthread_setname_np(pthread_self(), name) != 0)
			printf("BAD: worker-%ld could not name itself\n", n);
	}
	pthread_barrier_wait(&named);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 3;
	pthread_t t[64];

	if (count < 1 || count > 64)
		return 2;
	pthread_barrier_init(&named, NULL, count + 1);
	for (long i = 0; i < count; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(i + 1)) != 0) {
			printf("BAD: pthread_create failed\n");
			return 1;
		}
	for (long i = 2; i < count; i++) {     /* names written through /proc */
		char name[16];
		snprintf(name, sizeof name, "worker-%d", (int)(i + 1));
		int e = pthread_setname_np(t[i], name);
		if (e != 0)
			printf("BAD: pthread_setname_np(worker-%ld) from main: error %d\n", i + 1, e);
	}
	pthread_barrier_wait(&named);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
