/* Threads of one process run on several CPUs at once (Lab 6, Part D).
 *
 * NT CPU-bound threads meet at a barrier and each then asks getcpu where
 * it runs: as many different CPUs as there can be (the smaller of NT and
 * the CPUs the process may use) must show up, in one of a few tries.
 * Then the same with the process pinned to one CPU: one CPU only. */
#include "kt.h"
#include "kt_smp.h"

#define NT 4
#define TRIES 20

static volatile int arrived, attempt;
static volatile unsigned cpu_of[NT];

static unsigned current_cpu(void)
{
	unsigned cpu = ~0u;
	syscall(SYS_getcpu, &cpu, NULL, NULL);
	return cpu;
}

/* Meets the others, notes its CPU, and spins a little while they do. */
static int worker(struct kt_thread *t)
{
	__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < NT)
		syscall(SYS_sched_yield);
	cpu_of[t->index] = current_cpu();
	for (volatile long i = 0; i < 2000000; i++)
		;
	return 0;
}

static void pause_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* The most distinct CPUs seen at once in TRIES tries. */
static int most_cpus_at_once(void)
{
	int best = 0;
	for (int i = 0; i < TRIES && best < NT; i++) {
		static struct kt_thread t[TRIES][NT];
		arrived = 0;
		for (int k = 0; k < NT; k++) {
			t[i][k].fn = worker;
			t[i][k].index = k;
			kt_thread_start(&t[i][k]);
		}
		for (int k = 0; k < NT; k++)
			while (!t[i][k].done)
				pause_ms(1);        /* sleeping: leave the CPUs to them */
		uint64_t seen = 0;
		for (int k = 0; k < NT; k++)
			if (cpu_of[k] < 64)
				seen |= 1ull << cpu_of[k];
		if (__builtin_popcountll(seen) > best)
			best = __builtin_popcountll(seen);
	}
	return best;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	uint64_t all = 0, one;
	syscall(SYS_sched_getaffinity, 0, 8, &all);
	int ncpus = __builtin_popcountll(all);
	int want = ncpus < NT ? ncpus : NT;
	kt_check_eq("4 threads meeting at a barrier run on min(4, CPUs) different CPUs",
		    most_cpus_at_once(), want);
	one = all & -all;
	syscall(SYS_sched_setaffinity, 0, 8, &one);
	kt_check_eq("the same pinned to one CPU: one CPU", most_cpus_at_once(), 1);
	return kt_status();
}
