/* many_procs: 64 children alive at once, all runnable, on however many
 * CPUs there are. Each computes a deterministic result from its index,
 * yielding now and then, and exits with it; the parent computes the same
 * values itself and checks every child's answer. Children also call
 * sched_getcpu() (the getcpu syscall) but the CPU it names is not printed:
 * it differs from run to run. */
#define _GNU_SOURCE		/* sched_getcpu */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <kt.h>

#define NCHILD	64
#define ITERS	400000		/* ~2 M instructions per child: long enough that several CPUs
				 * collect timer ticks in user mode even when QEMU gets
				 * fewer host cores than it has CPUs */
#define CPU_BAD	0x80		/* exit code bit: sched_getcpu() failed */

static unsigned work(int index, int yield)
{
	uint32_t x = 2463534242u + index * 7919u;

	for (int i = 1; i <= ITERS; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (yield && i % (ITERS / 4) == 0)
			sched_yield();
	}
	return x;
}

static void child(int index)
{
	int code = work(index, 1) & 0x7f;

	if (sched_getcpu() < 0)
		code |= CPU_BAD;
	_exit(code);
}

int main(void)
{
	pid_t pids[NCHILD];
	int seen[NCHILD] = { 0 };
	int nforked = 0, reaped = 0, once = 1, right = 0, cpu_ok = 1, status;

	for (int i = 0; i < NCHILD; i++) {
		pids[i] = kt_fork();
		if (pids[i] == 0)
			child(i);
		if (pids[i] < 0)
			break;
		nforked++;
	}
	kt_check_eq("children forked", nforked, NCHILD);

	for (;;) {
		pid_t pid = wait4(-1, &status, 0, NULL);
		int i;

		if (pid < 0)
			break;
		reaped++;
		for (i = 0; i < nforked && pids[i] != pid; i++)
			;
		if (i == nforked || seen[i]++) {
			once = 0;
			continue;
		}
		if (!WIFEXITED(status)) {
			cpu_ok = 0;
			continue;
		}
		if (WEXITSTATUS(status) & CPU_BAD)
			cpu_ok = 0;
		if ((WEXITSTATUS(status) & 0x7f) == (work(i, 0) & 0x7f))
			right++;
	}
	kt_check(errno == ECHILD, "wait4(-1) ends with ECHILD");
	kt_check(reaped == nforked && once, "every child reaped exactly once");
	kt_check(cpu_ok, "sched_getcpu() worked in every child");
	if (right == NCHILD)
		printf("%d children, all results correct\n", NCHILD);
	else
		printf("%d children, %d results correct: BAD\n", NCHILD, right);
	return kt_status() || right != NCHILD;
}
