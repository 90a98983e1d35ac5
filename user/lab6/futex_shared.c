/* futex_shared: two processes meet on one futex word that each maps at
 * its own address: a MAP_SHARED file mapping (a file on the root file
 * system, one in /tmp, a memfd) that the child maps again after fork,
 * and MAP_SHARED anonymous memory that the child moves with mremap. The
 * key of such a word is its page, not its address. Then a lock word in shared memory taken by four
 * processes 3000 times each with FUTEX_WAIT/FUTEX_WAKE (a futex mutex):
 * the count must be exact and nobody may sleep for ever (a lost wake-up
 * would hang it: alarm). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <kt_futex.h>

#define SIZE 16384
#define WORD_OFFSET (4096 + 12)     /* a word in the second page */

/* The child: maps fd again (at another address than the parent's), or
 * moves the inherited anonymous mapping; sleeps on the word there. */
static void child_sleeps(int fd, char *inherited)
{
	char *mine;
	if (fd >= 0) {
		mine = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	} else {
		char *hole = mmap(NULL, SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		mine = mremap(inherited, SIZE, SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	}
	if (mine == MAP_FAILED)
		_exit(2);
	volatile uint32_t *w = (uint32_t *)(mine + WORD_OFFSET);
	*w = 1;                         /* tells the parent it is about to sleep */
	long r = kt_futex(w, FUTEX_WAIT, 1, NULL, NULL, 0);
	_exit(r == 0 && *w == 2 ? 0 : 3);
}

static void meet(const char *what, int fd)
{
	char *inherited = NULL;
	if (fd < 0) {
		inherited = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		memset(inherited, 0, SIZE);     /* pages there before the fork */
	}
	pid_t pid = kt_fork();
	if (pid == 0)
		child_sleeps(fd, inherited);
	/* The waker's view: for a file, a mapping of its own made after the fork. */
	char *view = fd >= 0 ? mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : inherited;
	volatile uint32_t *w = (uint32_t *)(view + WORD_OFFSET);
	int ok = 0;
	long long give_up = kt_now_ns() + 10000000000LL;
	while (!ok && kt_now_ns() < give_up) {
		ok = *w == 1 && kt_futex_sleepers(w, 0) == 1;
		if (!ok)
			kt_sleep_ms(1);
	}
	printf("%s: the child sleeps on the word: %s\n", what, ok ? "ok" : "BAD");
	if (!ok)
		exit(1);
	*w = 2;
	kt_fres("  WAKE from the other mapping", kt_futex(w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	int status;
	waitpid(pid, &status, 0);
	printf("%s: the child was woken and saw the new value: %s\n", what,
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "BAD");
	munmap(view, SIZE);
}

static int file_of(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, SIZE) != 0)
		printf("%s: cannot make it: BAD\n", path);
	unlink(path);
	return fd;
}

/* --- a mutex of four processes ------------------------------------------- */

/* Drepper's "Futexes are tricky" mutex: 0 free, 1 taken, 2 taken and
 * maybe waited for. */
static void lock(volatile uint32_t *m)
{
	uint32_t c = __sync_val_compare_and_swap(m, 0, 1);
	if (c == 0)
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		kt_futex(m, FUTEX_WAIT, 2, NULL, NULL, 0);
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(volatile uint32_t *m)
{
	if (__atomic_fetch_sub(m, 1, __ATOMIC_RELEASE) != 1) {
		*m = 0;
		kt_futex(m, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
}

static void mutex_of_processes(void)
{
	enum { PROCS = 4, ROUNDS = 3000 };
	volatile uint32_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *count = (uint64_t *)(m + 16);
	*m = 0;         /* the page there before the fork */
	*count = 0;
	for (int p = 0; p < PROCS; p++)
		if (kt_fork() == 0) {
			alarm(60);      /* a lost wake-up: killed, not hung */
			for (int i = 0; i < ROUNDS; i++) {
				lock(m);
				uint64_t c = *count;
				if (i % 64 == 0)
					sched_yield();  /* let others pile up on the lock */
				*count = c + 1;
				unlock(m);
			}
			_exit(0);
		}
	int bad = 0, status;
	for (int p = 0; p < PROCS; p++)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	printf("futex mutex, %d processes x %d: all finished: %s, count exact: %s\n", PROCS, ROUNDS,
	       bad ? "BAD" : "ok", *count == (uint64_t)PROCS * ROUNDS ? "ok" : "BAD");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	meet("file on the root file system", file_of("kt-futex-shared"));
	meet("file in /tmp", file_of("/tmp/kt-futex-shared"));
	int memfd = memfd_create("kt-futex", 0);
	if (ftruncate(memfd, SIZE) != 0)
		printf("memfd: BAD\n");
	meet("memfd", memfd);
	meet("anonymous shared memory, moved by the child", -1);
	mutex_of_processes();
	return 0;
}
