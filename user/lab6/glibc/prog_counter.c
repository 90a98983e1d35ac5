/* prog_counter: 8 threads x 100,000 increments of one counter under a
 * mutex, on every CPU there is: the total must be exact, and every CPU
 * the process may run on must have run one of the threads.
 *
 * Each thread notes the CPUs it runs on (sched_getcpu every 256
 * increments) in a shared mask. If a CPU is still missing when the
 * counting is over (a loaded host can keep one busy), the threads go on
 * spinning, still sampling, until every CPU has been seen or 20 s pass.
 * The number of CPUs differs between the host and the guest: only the
 * verdict is printed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include "kt.h"
#include "kt_thread.h"

#define THREADS 8
#define INCREMENTS 100000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static atomic_uint_fast64_t seen_cpus;  /* bit i: some thread ran on CPU i */
static uint64_t allowed_cpus;           /* the CPUs this process may run on */
static pthread_barrier_t start;

static void note_cpu(void)
{
	int cpu = sched_getcpu();
	if (cpu >= 0 && cpu < 64)
		atomic_fetch_or(&seen_cpus, (uint64_t)1 << cpu);
}

static void *count(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);       /* all 8 runnable at once */
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 256 == 0)
			note_cpu();
	}
	long long deadline = kt_now_ns() + 20 * 1000000000LL;
	while ((atomic_load(&seen_cpus) & allowed_cpus) != allowed_cpus && kt_now_ns() < deadline)
		for (int k = 0; k < 1000; k++)
			note_cpu();
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kt_threads_or_exit();
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) != 0) {
		printf("sched_getaffinity: BAD\n");
		return 1;
	}
	for (int i = 0; i < 64; i++)
		if (CPU_ISSET(i, &set))
			allowed_cpus |= (uint64_t)1 << i;
	kt_check(sysconf(_SC_NPROCESSORS_ONLN) >= CPU_COUNT(&set),
		 "sched_getaffinity's CPUs are online (sysconf(_SC_NPROCESSORS_ONLN) at least as many)");
	pthread_barrier_init(&start, NULL, THREADS);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("8 threads x 100000 increments under a mutex: total %ld\n", counter);
	kt_check(counter == (long)THREADS * INCREMENTS, "the total is exact");
	uint64_t seen = atomic_load(&seen_cpus);
	printf("all online CPUs used: %s\n", (seen & allowed_cpus) == allowed_cpus ? "yes" : "no");
	kt_check((seen & ~allowed_cpus) == 0, "no thread ran on a CPU outside the affinity mask");
	return kt_status() || (seen & allowed_cpus) != allowed_cpus;
}
