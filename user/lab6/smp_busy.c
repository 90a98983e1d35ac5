/* Threads of one process run on several CPUs at once (Lab 6, Part D).
 *
 * NT CPU-bound threads meet at a barrier and each then asks getcpu where
 * it runs: as many different CPUs as there can be (the smaller of NT and
 * the CPUs the process may use) must show up, in one of the tries of a
 * few seconds.
 * Then the same with the process pinned to one CPU: one CPU only. */
#include "kt.h"
#include "kt_smp.h"

#define NT 4
#define TRIES 20
#define MAX_TRIES 500

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

/* The most distinct CPUs seen at once, up to `want`, in TRIES tries and
 * then, until it is seen, for up to `seconds` more (at most MAX_TRIES:
 * each leaves its stacks behind): the host running Linux's side may be
 * busy with other programs that leave its threads one CPU for a while. */
static int most_cpus_at_once(int want, double seconds)
{
	int best = 0;
	double until = kt_now() + seconds;
	for (int i = 0; best < want && i < MAX_TRIES && (i < TRIES || kt_now() < until); i++) {
		static struct kt_thread t[NT];
		arrived = 0;
		for (int k = 0; k < NT; k++) {
			t[k] = (struct kt_thread){ .fn = worker, .index = k };
			if (kt_thread_start(&t[k]) != 0)
				return 0;   /* no threads: nothing ran at once */
		}
		for (int k = 0; k < NT; k++)
			while (!t[k].done)
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
		    most_cpus_at_once(want, 5), want);
	one = all & -all;
	syscall(SYS_sched_setaffinity, 0, 8, &one);
	kt_check_eq("the same pinned to one CPU: one CPU", most_cpus_at_once(2, 0), 1);
	return kt_status();
}
