/* futex_ops: every futex operation's answers that need no second task,
 * one line each, as Linux gives them: EAGAIN when the word differs,
 * ETIMEDOUT for relative and absolute timeouts on both clocks (and the
 * wait lasted), EINVAL for bad operations, bitset 0, unaligned words and
 * bad counts, EFAULT for bad words and timeouts, ENOSYS for unknown
 * operations, what requeue and WAKE_OP return with nobody waiting, and
 * every WAKE_OP operation and comparison on the word. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <kt_futex.h>

static uint32_t word = 5, other = 9;

static struct timespec ms(long n)
{
	return (struct timespec){ n / 1000, n % 1000 * 1000000 };
}

static struct timespec abs_in(clockid_t clock, long n)
{
	struct timespec t;
	clock_gettime(clock, &t);
	t.tv_nsec += n % 1000 * 1000000;
	t.tv_sec += n / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

/* A wait that must time out after about n ms (not before). */
static void timed(const char *what, int op, const struct timespec *ts, uint32_t bitset, long n)
{
	long long start = kt_now_ns();
	kt_fres(what, kt_futex(&word, op, word, ts, NULL, bitset));
	long long took = (kt_now_ns() - start) / 1000000;
	printf("%s: lasted the timeout: %s\n", what, took >= n - 1 ? "yes" : "no");
}

static void waits(void)
{
	struct timespec t20 = ms(20), zero = ms(0);
	kt_fres("WAIT, other value", kt_futex(&word, FUTEX_WAIT, 6, NULL, NULL, 0));
	kt_fres("WAIT_PRIVATE, other value", kt_futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 6, NULL, NULL, 0));
	kt_fres("WAIT_BITSET, other value", kt_futex(&word, FUTEX_WAIT_BITSET, 6, NULL, NULL, 1));
	kt_fres("WAIT, zero timeout", kt_futex(&word, FUTEX_WAIT, 5, &zero, NULL, 0));
	timed("WAIT, 20 ms", FUTEX_WAIT, &t20, 0, 20);
	timed("WAIT_PRIVATE, 20 ms", FUTEX_WAIT | FUTEX_PRIVATE_FLAG, &t20, 0, 20);
	struct timespec mono = abs_in(CLOCK_MONOTONIC, 20);
	timed("WAIT_BITSET, monotonic deadline in 20 ms", FUTEX_WAIT_BITSET, &mono, FUTEX_BITSET_MATCH_ANY, 20);
	struct timespec real = abs_in(CLOCK_REALTIME, 20);
	timed("WAIT_BITSET|CLOCK_REALTIME, realtime deadline in 20 ms",
	      FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, &real, 1, 20);
	struct timespec past = { 1, 0 };
	kt_fres("WAIT_BITSET, deadline in the past", kt_futex(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, 1));
	kt_fres("WAIT_BITSET|CLOCK_REALTIME, deadline in the past",
		kt_futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &past, NULL, 1));
	kt_fres("WAIT_BITSET, bitset 0", kt_futex(&word, FUTEX_WAIT_BITSET, 5, &zero, NULL, 0));
	struct timespec bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	kt_fres("WAIT, tv_nsec 1e9", kt_futex(&word, FUTEX_WAIT, 5, &bad_ns, NULL, 0));
	kt_fres("WAIT, tv_sec -1", kt_futex(&word, FUTEX_WAIT, 5, &neg, NULL, 0));
	kt_fres("WAIT, timeout at a bad address", kt_futex(&word, FUTEX_WAIT, 5, (void *)8, NULL, 0));
	kt_fres("WAIT, bad timeout and other value", kt_futex(&word, FUTEX_WAIT, 6, &bad_ns, NULL, 0));
	kt_fres("WAIT, unaligned word", kt_futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT, 5, &zero, NULL, 0));
	kt_fres("WAIT, NULL word", kt_futex(NULL, FUTEX_WAIT, 0, &zero, NULL, 0));
	kt_fres("WAIT_PRIVATE, NULL word", kt_futex(NULL, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &zero, NULL, 0));
	kt_fres("WAIT, kernel address",
		kt_futex((uint32_t *)0xffffffff80000000ul, FUTEX_WAIT, 0, &zero, NULL, 0));
}

static void wakes(void)
{
	kt_fres("WAKE, nobody waits", kt_futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0));
	kt_fres("WAKE_PRIVATE, nobody waits", kt_futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0));
	kt_fres("WAKE, count -1", kt_futex(&word, FUTEX_WAKE, -1, NULL, NULL, 0));
	kt_fres("WAKE_BITSET, bitset 0", kt_futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
	kt_fres("WAKE_BITSET, bitset 1", kt_futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 1));
	kt_fres("WAKE, unaligned word", kt_futex((uint32_t *)((char *)&word + 2), FUTEX_WAKE, 1, NULL, NULL, 0));
	kt_fres("WAKE, NULL word", kt_futex(NULL, FUTEX_WAKE, 1, NULL, NULL, 0));
	kt_fres("WAKE_PRIVATE, NULL word", kt_futex(NULL, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
	kt_fres("WAKE, kernel address", kt_futex((uint32_t *)0xffffffff80000000ul, FUTEX_WAKE, 1, NULL, NULL, 0));
	kt_fres("WAKE|CLOCK_REALTIME", kt_futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
	struct timespec t20 = ms(20);
	kt_fres("WAIT|CLOCK_REALTIME, 20 ms", kt_futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &t20, NULL, 0));
	kt_fres("operation 2 (FUTEX_FD)", kt_futex(&word, FUTEX_FD, 1, NULL, NULL, 0));
	kt_fres("operation 14", kt_futex(&word, 14, 1, NULL, NULL, 0));
	kt_fres("operation 99", kt_futex(&word, 99, 1, NULL, NULL, 0));
	kt_fres("operation 127|PRIVATE", kt_futex(&word, 127 | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
}

static void requeues(void)
{
	kt_fres("REQUEUE, nobody waits", kt_futex(&word, FUTEX_REQUEUE, 1, KT_VAL2(1), &other, 0));
	kt_fres("REQUEUE, nr_wake -1", kt_futex(&word, FUTEX_REQUEUE, -1, KT_VAL2(1), &other, 0));
	kt_fres("REQUEUE, nr_requeue -1", kt_futex(&word, FUTEX_REQUEUE, 1, KT_VAL2(-1), &other, 0));
	kt_fres("CMP_REQUEUE, value matches", kt_futex(&word, FUTEX_CMP_REQUEUE, 1, KT_VAL2(1), &other, 5));
	kt_fres("CMP_REQUEUE, other value", kt_futex(&word, FUTEX_CMP_REQUEUE, 1, KT_VAL2(1), &other, 6));
	kt_fres("CMP_REQUEUE, onto itself", kt_futex(&word, FUTEX_CMP_REQUEUE, 1, KT_VAL2(1), &word, 5));
	kt_fres("CMP_REQUEUE_PRIVATE, value matches",
		kt_futex(&word, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, KT_VAL2(1), &other, 5));
	kt_fres("CMP_REQUEUE, unaligned second word",
		kt_futex(&word, FUTEX_CMP_REQUEUE, 1, KT_VAL2(1), (uint32_t *)((char *)&other + 1), 5));
	kt_fres("CMP_REQUEUE, NULL second word", kt_futex(&word, FUTEX_CMP_REQUEUE, 1, KT_VAL2(1), NULL, 5));
	kt_fres("CMP_REQUEUE_PRIVATE, NULL word",
		kt_futex(NULL, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, KT_VAL2(1), &other, 5));
	kt_fres("CMP_REQUEUE, other value and bad counts", kt_futex(&word, FUTEX_CMP_REQUEUE, -1, KT_VAL2(1), &other, 6));
}

/* One WAKE_OP on a word holding start: the result and the word after. */
static void wake_op(const char *what, uint32_t start, uint32_t encoded)
{
	char line[128];
	other = start;
	snprintf(line, sizeof line, "WAKE_OP %s", what);
	kt_fres(line, kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), &other, encoded));
	printf("WAKE_OP %s: word after: %#x\n", what, other);
}

static void wake_ops(void)
{
	static const char *ops[] = { "SET", "ADD", "OR", "ANDN", "XOR" };
	static const char *cmps[] = { "EQ", "NE", "LT", "LE", "GT", "GE" };
	char what[64];
	for (int op = 0; op < 5; op++) {
		snprintf(what, sizeof what, "%s 6", ops[op]);
		wake_op(what, 0xc, FUTEX_OP(op, 6, FUTEX_OP_CMP_EQ, 0xc));
		snprintf(what, sizeof what, "%s 1<<4", ops[op]);
		wake_op(what, 0xff, FUTEX_OP(op | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_NE, 0xff));
		snprintf(what, sizeof what, "%s -1", ops[op]);
		wake_op(what, 7, FUTEX_OP(op, -1, FUTEX_OP_CMP_GE, 0));
	}
	for (int cmp = 0; cmp < 6; cmp++)
		for (int old = -1; old <= 1; old++) {
			snprintf(what, sizeof what, "old %d %s 0", old, cmps[cmp]);
			wake_op(what, (uint32_t)old, FUTEX_OP(FUTEX_OP_ADD, 0, cmp, 0));
		}
	wake_op("old 5 LT cmparg -2048 (sign-extended)", 5, FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_LT, 0x800));
	wake_op("SET 1<<40 (shift masked)", 0, FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 40, FUTEX_OP_CMP_EQ, 0));
	wake_op("operation 5", 3, FUTEX_OP(5, 1, FUTEX_OP_CMP_EQ, 0));
	wake_op("operation 7", 3, FUTEX_OP(7, 1, FUTEX_OP_CMP_EQ, 0));
	wake_op("comparison 6 (the operation is done)", 3, FUTEX_OP(FUTEX_OP_ADD, 1, 6, 0));
	wake_op("comparison 15", 3, FUTEX_OP(FUTEX_OP_ADD, 1, 15, 0));
	kt_fres("WAKE_OP, NULL second word", kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), NULL, 0));
	kt_fres("WAKE_OP_PRIVATE, NULL second word",
		kt_futex(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, KT_VAL2(1), NULL, 0));
	kt_fres("WAKE_OP, unaligned second word",
		kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), (uint32_t *)((char *)&other + 1), 0));
	kt_fres("WAKE_OP, kernel second word",
		kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), (uint32_t *)0xffffffff80000000ul, 0));
	kt_fres("WAKE_OP, unknown operation on NULL",
		kt_futex(&word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, KT_VAL2(1), NULL, FUTEX_OP(6, 0, 0, 0)));
}

/* Words in memory that is not there yet, read-only, or not accessible. */
static void pages(void)
{
	struct timespec zero = ms(0);
	uint32_t *fresh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	kt_fres("WAIT on an untouched page (reads 0)", kt_futex(fresh, FUTEX_WAIT, 0, &zero, NULL, 0));
	kt_fres("WAKE_OP on an untouched page", kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), fresh + 1024,
							   FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0)));
	printf("WAKE_OP on an untouched page: word after: %u\n", fresh[1024]);
	fresh[0] = 0;   /* a page of its own (Linux refuses the shared zero page) */
	mprotect(fresh, 8192, PROT_READ);
	kt_fres("WAKE_OP on a read-only page", kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), fresh,
							  FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 0)));
	kt_fres("WAIT on a read-only page", kt_futex(fresh, FUTEX_WAIT, 0, &zero, NULL, 0));
	kt_fres("WAIT_PRIVATE on a read-only page", kt_futex(fresh, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &zero, NULL, 0));
	mprotect(fresh, 8192, PROT_NONE);
	kt_fres("WAIT on a PROT_NONE page", kt_futex(fresh, FUTEX_WAIT, 0, &zero, NULL, 0));
	kt_fres("WAKE on a PROT_NONE page", kt_futex(fresh, FUTEX_WAKE, 1, NULL, NULL, 0));
	munmap(fresh, 8192);
	kt_fres("WAIT on an unmapped page", kt_futex(fresh, FUTEX_WAIT, 0, &zero, NULL, 0));
	kt_fres("WAKE on an unmapped page", kt_futex(fresh, FUTEX_WAKE, 1, NULL, NULL, 0));
	kt_fres("WAKE_PRIVATE on an unmapped page", kt_futex(fresh, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));

	/* A private page shared copy-on-write with a child: WAKE_OP's write
	 * gives the child a copy of its own, as any write. */
	uint32_t *cow = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*cow = 40;
	pid_t pid = kt_fork();
	if (pid == 0) {
		long r = kt_futex(&word, FUTEX_WAKE_OP, 1, KT_VAL2(1), cow, FUTEX_OP(FUTEX_OP_ADD, 2, FUTEX_OP_CMP_EQ, 40));
		_exit(r == 0 && *cow == 42 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("WAKE_OP on a copy-on-write page in a child: %s, parent's word still %u\n",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "BAD", *cow);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	waits();
	wakes();
	requeues();
	wake_ops();
	pages();
	return 0;
}
