/* futex_wake: waking and requeueing sleepers, with the sleepers in
 * child processes waiting on words in MAP_SHARED anonymous memory. Each
 * step waits until the kernel has the expected number of sleepers on a
 * word (counted by a requeue of the word onto itself, which moves
 * nothing), then prints what a wake, a requeue or a WAKE_OP returned and
 * how many sleepers each word has left: FUTEX_WAKE's count (0 still
 * wakes one, as Linux), bitsets, REQUEUE and CMP_REQUEUE counts, WAKE_OP
 * waking on the second word only when its comparison holds, and private
 * keys, which another process never matches. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <kt_futex.h>

static volatile uint32_t *A, *B;
static int children;

/* A child that sleeps on w (op, val = the word's value, bitset) and
 * exits 0 if woken, else with the errno. */
static void sleeper(volatile uint32_t *w, int op, uint32_t bitset)
{
	children++;
	if (kt_fork() == 0) {
		long r = kt_futex(w, op, *w, NULL, NULL, bitset);
		_exit(r == 0 ? 0 : errno);
	}
}

/* Adds a sleeper and waits until the kernel has it queued, so that
 * sleepers queue in a known order. */
static void sleeper_queued(volatile uint32_t *w, int op, uint32_t bitset, long now_queued)
{
	sleeper(w, op, bitset);
	kt_futex_need_sleepers("sleeper", w, 0, now_queued);
}

static void left(void)
{
	printf("  sleepers left on A: %ld, on B: %ld\n", kt_futex_sleepers(A, 0), kt_futex_sleepers(B, 0));
}

/* Reaps every child: all must have been woken (exit 0). */
static void reap(const char *what)
{
	int bad = 0, status;
	for (; children > 0; children--)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	printf("%s: every sleeper woken by a wake: %s\n", what, bad ? "BAD" : "ok");
}

static void counts(void)
{
	for (int i = 1; i <= 3; i++)
		sleeper_queued(A, FUTEX_WAIT, 0, i);
	kt_fres("WAKE 1 of 3", kt_futex(A, FUTEX_WAKE, 1, NULL, NULL, 0));
	left();
	kt_fres("WAKE 0 of 2 (wakes one)", kt_futex(A, FUTEX_WAKE, 0, NULL, NULL, 0));
	left();
	kt_fres("WAKE INT_MAX of 1", kt_futex(A, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	left();
	reap("counts");
}

static void bitsets(void)
{
	sleeper_queued(A, FUTEX_WAIT_BITSET, 1, 1);
	sleeper_queued(A, FUTEX_WAIT_BITSET, 2, 2);
	sleeper_queued(A, FUTEX_WAIT_BITSET, 3, 3);
	sleeper_queued(A, FUTEX_WAIT, 0, 4);
	kt_fres("WAKE_BITSET 4", kt_futex(A, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 4));
	left();
	kt_fres("WAKE_BITSET 2, up to 2", kt_futex(A, FUTEX_WAKE_BITSET, 2, NULL, NULL, 2));
	left();
	kt_fres("WAKE_BITSET 0x80", kt_futex(A, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x80));
	left();
	kt_fres("WAKE_BITSET 1", kt_futex(A, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 1));
	left();
	reap("bitsets");
}

static void requeues(void)
{
	for (int i = 1; i <= 4; i++)
		sleeper_queued(A, FUTEX_WAIT, 0, i);
	kt_fres("REQUEUE A to B, wake 1, move 2", kt_futex(A, FUTEX_REQUEUE, 1, KT_VAL2(2), B, 0));
	left();
	kt_fres("CMP_REQUEUE B to A, other value", kt_futex(B, FUTEX_CMP_REQUEUE, 0, KT_VAL2(1), A, *B + 1));
	kt_fres("CMP_REQUEUE B to A, wake 0, move 0", kt_futex(B, FUTEX_CMP_REQUEUE, 0, KT_VAL2(0), A, *B));
	kt_fres("CMP_REQUEUE B to A, wake 0, move 1", kt_futex(B, FUTEX_CMP_REQUEUE, 0, KT_VAL2(1), A, *B));
	left();
	kt_fres("CMP_REQUEUE A onto A, wake 1, move all", kt_futex(A, FUTEX_CMP_REQUEUE, 1, KT_VAL2(INT_MAX), A, *A));
	left();
	kt_fres("WAKE A", kt_futex(A, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	kt_fres("WAKE B", kt_futex(B, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	left();
	reap("requeues");
}

static void wake_ops(void)
{
	*B = 0;
	sleeper_queued(A, FUTEX_WAIT, 0, 1);
	sleeper_queued(A, FUTEX_WAIT, 0, 2);
	sleeper_queued(B, FUTEX_WAIT, 0, 1);
	sleeper_queued(B, FUTEX_WAIT, 0, 2);
	kt_fres("WAKE_OP A 1, B 1 if B == 0 (B = 1)",
		kt_futex(A, FUTEX_WAKE_OP, 1, KT_VAL2(1), B, FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)));
	printf("  B: %u\n", *B);
	left();
	kt_fres("WAKE_OP A 1, B 5 if B == 0 (B += 1)",
		kt_futex(A, FUTEX_WAKE_OP, 1, KT_VAL2(5), B, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)));
	printf("  B: %u\n", *B);
	left();
	kt_fres("WAKE_OP A 0, B 0 if B > 1 (A has none)",
		kt_futex(A, FUTEX_WAKE_OP, 0, KT_VAL2(0), B, FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_GT, 1)));
	left();
	reap("wake_ops");
}

/* Private keys are per address space: a wake from another process
 * never reaches a private sleeper, and a private wake never reaches a
 * shared one. */
static void private_keys(void)
{
	sleeper_queued(A, FUTEX_WAIT, 0, 1);
	kt_fres("WAKE_PRIVATE, the sleeper in another process waits shared",
		kt_futex(A, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0));
	kt_fres("WAKE, the same", kt_futex(A, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	reap("private keys, shared sleeper");

	pid_t pid = kt_fork();
	if (pid == 0) {
		kt_futex(B, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, *B, NULL, NULL, 0);
		_exit(0);
	}
	kt_sleep_ms(100);
	kt_fres("WAKE_PRIVATE, the sleeper in another process waits private",
		kt_futex(B, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0));
	kt_fres("WAKE, the same", kt_futex(B, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	printf("private sleeper still asleep until killed: %s\n",
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "ok" : "BAD");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	volatile uint32_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	A = shared;
	B = shared + 16;
	*A = 7;
	*B = 11;
	counts();
	bitsets();
	requeues();
	wake_ops();
	private_keys();
	return 0;
}
