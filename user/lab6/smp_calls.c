/* The SMP system calls as Linux answers them (Lab 6, Part D):
 * sched_getaffinity and sched_setaffinity (the mask is the CPUs that
 * exist; a task pinned to a CPU runs there; each thread has its own mask,
 * a new thread inherits its creator's), getcpu, membarrier and rseq.
 * The host may have another number of CPUs than the kernel under test, so
 * lines say how things relate to the CPU count, never the count itself. */
#include <linux/membarrier.h>
#include <stdint.h>
#include "kt.h"
#include "kt_smp.h"

static long affinity_get(int tid, unsigned len, void *mask)
{
	return syscall(SYS_sched_getaffinity, tid, len, mask);
}

static long affinity_set(int tid, unsigned len, const void *mask)
{
	return syscall(SYS_sched_setaffinity, tid, len, mask);
}

static unsigned current_cpu(void)
{
	unsigned cpu = ~0u;
	syscall(SYS_getcpu, &cpu, NULL, NULL);
	return cpu;
}

static uint64_t all_cpus;

static void getaffinity_checks(void)
{
	uint64_t buf[16] = { 0 };
	kt_check_eq("getaffinity with 8 bytes returns 8", affinity_get(0, 8, buf), 8);
	all_cpus = buf[0];
	kt_check(all_cpus && (all_cpus & (all_cpus + 1)) == 0, "the mask is CPUs 0 to n-1");
	kt_check(current_cpu() < 64 && (all_cpus >> current_cpu()) & 1, "getcpu names a CPU of the mask");
	long n = affinity_get(0, sizeof(buf), buf);
	kt_check(n >= 8 && n <= (long)sizeof(buf) && n % 8 == 0 && buf[0] == all_cpus,
		 "getaffinity with 128 bytes: a multiple of 8 bytes, the same mask");
	kt_expect_err("getaffinity with 4 bytes", affinity_get(0, 4, buf), EINVAL);
	kt_expect_err("getaffinity with 12 bytes", affinity_get(0, 12, buf), EINVAL);
	kt_expect_err("getaffinity with 0 bytes", affinity_get(0, 0, buf), EINVAL);
	kt_expect_err("getaffinity to a bad pointer", affinity_get(0, 8, (void *)8), EFAULT);
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	kt_expect_err("getaffinity of a reaped child", affinity_get(pid, 8, buf), ESRCH);
}

static void setaffinity_errors(void)
{
	uint64_t mask = 0;
	kt_expect_err("setaffinity to no CPU", affinity_set(0, 8, &mask), EINVAL);
	mask = 1ull << 63;
	kt_expect_err("setaffinity to CPU 63 only (none such)", affinity_set(0, 8, &mask), EINVAL);
	mask = all_cpus;
	kt_expect_err("setaffinity with 0 bytes", affinity_set(0, 0, &mask), EINVAL);
	kt_expect_err("setaffinity from a bad pointer", affinity_set(0, 8, (void *)8), EFAULT);
}

static volatile int thread_stop;
static volatile uint64_t thread_mask;
static volatile int thread_tid, thread_ready;

/* Reports its own mask and tid, then waits. */
static int idle_thread(struct kt_thread *t)
{
	(void)t;
	uint64_t mask = 0;
	syscall(SYS_sched_getaffinity, 0, 8, &mask);
	thread_mask = mask;
	thread_tid = syscall(SYS_gettid);
	__atomic_store_n(&thread_ready, 1, __ATOMIC_RELEASE);
	kt_wait_for(&thread_stop, 1, 20.0);
	return 0;
}

static void pinning_checks(void)
{
	/* Pinned to each CPU in turn, the caller is on it when the call returns. */
	int all_ok = 1;
	for (int cpu = 0; cpu < 64; cpu++) {
		if (!((all_cpus >> cpu) & 1))
			continue;
		uint64_t one = 1ull << cpu, got = 0;
		all_ok &= affinity_set(0, 8, &one) == 0;
		all_ok &= current_cpu() == (unsigned)cpu;
		all_ok &= affinity_get(0, 8, &got) == 8 && got == one;
	}
	kt_check(all_ok, "pinned to each CPU of the mask in turn: getcpu agrees at once");

	/* The last pin stays on the caller only; a new thread inherits it. */
	struct kt_thread t = { 0 };
	t.fn = idle_thread;
	thread_ready = 0;
	kt_thread_start(&t);
	kt_wait_for(&thread_ready, 1, 10.0);
	uint64_t mine = 0, theirs = 0;
	affinity_get(0, 8, &mine);
	kt_check(thread_mask == mine && __builtin_popcountll(mine) == 1, "a new thread inherits its creator's mask");
	kt_check(affinity_set(0, 8, &all_cpus) == 0, "back to every CPU");
	affinity_get(thread_tid, 8, &theirs);
	kt_check(theirs == thread_mask, "the thread's mask is its own (the creator's change does not reach it)");
	kt_check(affinity_set(thread_tid, 8, &all_cpus) == 0 && affinity_get(thread_tid, 8, &theirs) == 8 &&
		 theirs == all_cpus, "setaffinity of another thread by its tid");
	thread_stop = 1;
	kt_wait_for(&t.done, 1, 10.0);
}

static long membarrier(int cmd, unsigned flags, int cpu)
{
	return syscall(SYS_membarrier, cmd, flags, cpu);
}

static void membarrier_checks(void)
{
	long q = membarrier(MEMBARRIER_CMD_QUERY, 0, 0);
	/* Linux 6.1's commands (later kernels add GET_REGISTRATIONS). */
	printf("membarrier QUERY, the commands of Linux 6.1: %#lx\n", q & 0x1ff);
	kt_expect_err("membarrier QUERY with flags", membarrier(MEMBARRIER_CMD_QUERY, 1, 0), EINVAL);
	kt_expect_err("membarrier of an unknown command", membarrier(1 << 12, 0, 0), EINVAL);
	kt_expect_err("PRIVATE_EXPEDITED before registering",
		      membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM);
	kt_expect_err("PRIVATE_EXPEDITED_SYNC_CORE before registering",
		      membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, 0, 0), EPERM);
	kt_expect_err("REGISTER_PRIVATE_EXPEDITED with flags",
		      membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 1, 0), EINVAL);
	kt_check_eq("REGISTER_PRIVATE_EXPEDITED", membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0), 0);
	kt_check_eq("PRIVATE_EXPEDITED", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), 0);
	kt_expect_err("PRIVATE_EXPEDITED with flags", membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 1, 0), EINVAL);
	kt_check_eq("GLOBAL", membarrier(MEMBARRIER_CMD_GLOBAL, 0, 0), 0);
	kt_check_eq("GLOBAL_EXPEDITED", membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0), 0);
	kt_check_eq("REGISTER_GLOBAL_EXPEDITED", membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0), 0);
	kt_expect_err("PRIVATE_EXPEDITED_RSEQ on one CPU before registering",
		      membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 0), EPERM);
	kt_check_eq("REGISTER_PRIVATE_EXPEDITED_RSEQ",
		    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0), 0);
	kt_check_eq("PRIVATE_EXPEDITED_RSEQ on CPU 1000 (none such)",
		    membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_FLAG_CPU, 1000), 0);
	kt_expect_err("PRIVATE_EXPEDITED_RSEQ with an unknown flag",
		      membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 2, 0), EINVAL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	getaffinity_checks();
	setaffinity_errors();
	pinning_checks();
	membarrier_checks();
	/* rseq: Linux registers the area; Kestrel has no rseq (ENOSYS),
	 * which glibc 2.36 accepts. Either answer is right here. */
	static struct { uint32_t cpu_id_start, cpu_id; uint64_t cs; uint32_t flags, pad[3]; }
		__attribute__((aligned(32))) area;
	long r = syscall(SYS_rseq, &area, sizeof(area), 0, 0x53053053);
	kt_check(r == 0 || (r == -1 && errno == ENOSYS), "rseq registers, or is ENOSYS");
	return kt_status();
}
