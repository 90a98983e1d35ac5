/* Page faults of several threads on one page at once (Lab 6, Part D).
 *
 * NT threads write, all at the same moment and in the same page order,
 * each its own word of every page of a fresh mapping: anonymous memory
 * (demand-zero faults), pages shared copy-on-write with a child (COW
 * breaks racing on one page), a private file mapping (file faults then
 * copies) and a shared one. Afterwards every page must hold every
 * thread's word and what was there before: two frames given to one page,
 * or a copy made from a stale frame, loses a write. A fault of a thread
 * that finds the page already fixed by another must simply retry, not
 * kill the process. */
#include <string.h>
#include "kt.h"
#include "kt_smp.h"

#define NT 4
#define NPAGES 32
#define ROUNDS 10
#define PAGE 4096
#define OLD_WORD 8          /* a word set before the threads start */
#define OLD_VALUE 77

static volatile int go, finished;
static int *volatile region;

/* Each round: wait for the start, write word index of every page. */
static int toucher(struct kt_thread *t)
{
	for (int round = 1;; round++) {
		while (__atomic_load_n(&go, __ATOMIC_ACQUIRE) < round) {
			if (go < 0)
				return 0;
			syscall(SYS_sched_yield);   /* one CPU: let the others run */
		}
		if (go < 0)
			return 0;
		int *r = region;
		for (int p = 0; p < NPAGES; p++)
			__atomic_store_n(&r[p * (PAGE / sizeof(int)) + t->index], t->index + 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&finished, 1, __ATOMIC_ACQ_REL);
	}
}

static int round_no;

/* Runs one round on r; whether every word is there (and old, if set). */
static int run_round(int *r, int old)
{
	region = r;
	__atomic_store_n(&finished, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&go, ++round_no, __ATOMIC_RELEASE);
	if (!kt_wait_for(&finished, NT, 20.0))
		return 0;
	for (int p = 0; p < NPAGES; p++) {
		int *w = &r[p * (PAGE / sizeof(int))];
		for (int i = 0; i < NT; i++)
			if (w[i] != i + 1)
				return 0;
		if (old && w[OLD_WORD] != OLD_VALUE)
			return 0;
	}
	return 1;
}

static void set_old(int *r)
{
	for (int p = 0; p < NPAGES; p++)
		r[p * (PAGE / sizeof(int)) + OLD_WORD] = OLD_VALUE;
}

static int anon_round(void)
{
	int *r = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = r != MAP_FAILED && run_round(r, 0);
	munmap(r, NPAGES * PAGE);
	return ok;
}

/* The pages are shared with a child, which checks its own copy is intact. */
static int cow_round(void)
{
	int *r = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[2];
	if (r == MAP_FAILED || pipe(fds) != 0)
		return 0;
	set_old(r);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);
		for (int p = 0; p < NPAGES; p++)
			for (int i = 0; i < NT; i++)
				if (r[p * (PAGE / sizeof(int)) + i] != 0)
					_exit(1);
		_exit(0);
	}
	close(fds[0]);
	int ok = run_round(r, 1);
	close(fds[1]);
	int status;
	ok = waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && ok;
	munmap(r, NPAGES * PAGE);
	return ok;
}

static int file_round(int shared)
{
	int fd = memfd_create("smp_faults", 0);
	if (fd < 0 || ftruncate(fd, NPAGES * PAGE) != 0)
		return 0;
	int old = OLD_VALUE;
	for (int p = 0; p < NPAGES; p++)
		pwrite(fd, &old, sizeof(old), p * PAGE + OLD_WORD * sizeof(int));
	int *r = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	int ok = r != MAP_FAILED && run_round(r, 1);
	/* The file: every word written (shared), or none (private). */
	for (int p = 0; ok && p < NPAGES; p++) {
		int w[NT];
		if (pread(fd, w, sizeof(w), p * PAGE) != sizeof(w))
			ok = 0;
		for (int i = 0; ok && i < NT; i++)
			ok = w[i] == (shared ? i + 1 : 0);
	}
	munmap(r, NPAGES * PAGE);
	close(fd);
	return ok;
}

static int private_file_round(void) { return file_round(0); }
static int shared_file_round(void) { return file_round(1); }

static int rounds(int (*round)(void))
{
	for (int i = 0; i < ROUNDS; i++)
		if (!round())
			return 0;
	return 1;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	static struct kt_thread threads[NT];
	for (int i = 0; i < NT; i++) {
		threads[i].fn = toucher;
		threads[i].index = i;
		if (kt_thread_start(&threads[i]) != 0)
			return kt_check(0, "clone"), 1;
	}
	kt_check(rounds(anon_round), "4 threads fault in the same anonymous pages: no write lost");
	kt_check(rounds(cow_round), "4 threads break the same copy-on-write pages: no write lost, the child's copy intact");
	kt_check(rounds(private_file_round), "4 threads write the same private file pages: no write lost, the file intact");
	kt_check(rounds(shared_file_round), "4 threads write the same shared file pages: every write in the file");
	__atomic_store_n(&go, -1, __ATOMIC_RELEASE);
	for (int i = 0; i < NT; i++)
		kt_wait_for(&threads[i].done, 1, 5.0);
	return kt_status();
}
