/* Stale TLB entries on another CPU (Lab 6, Part D, exercise 6).
 *
 * One thread keeps using a page while the main thread changes its mapping:
 * once munmap, mmap(MAP_FIXED), mprotect or a copy-on-write break returns,
 * the other thread must see the change, whichever CPU it runs on. Without
 * a shootdown its CPU's TLB keeps the old translation: it goes on reading
 * the old frame, or writing through a mapping that is read-only now.
 * Each case runs ROUNDS times (a new thread each) and stops at the first
 * round that goes wrong. */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include "kt.h"
#include "kt_smp.h"

#define ROUNDS 10
#define PAGE 4096

static volatile int *page;
static volatile int ready, check, seen, faulted, stop;

static void reset(void)
{
	ready = check = seen = faulted = stop = 0;
}

/* Reads the page until told to look once more, then reports that value. */
static int reader(struct kt_thread *t)
{
	(void)t;
	for (;;) {
		int v = *page;
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
		if (__atomic_load_n(&check, __ATOMIC_ACQUIRE) == 1) {
			seen = *page;
			__atomic_store_n(&check, 2, __ATOMIC_RELEASE);
			return v;
		}
		if (__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
			return 0;
	}
}

/* Writes the page until stopped (or until it faults: on_segv). */
static int writer(struct kt_thread *t)
{
	(void)t;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		(*page)++;
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* A fault in the reader or writer ends that thread only. */
static void on_segv(int sig)
{
	(void)sig;
	__atomic_store_n(&faulted, 1, __ATOMIC_RELEASE);
	syscall(SYS_exit, 0);
}

static int start(struct kt_thread *t, int (*fn)(struct kt_thread *))
{
	reset();
	t->fn = fn;
	if (kt_thread_start(t) != 0 || !kt_wait_for(&ready, 1, 5.0))
		return -1;
	return 0;
}

/* Asks the reader for the value it sees now. */
static int reader_sees(void)
{
	__atomic_store_n(&check, 1, __ATOMIC_RELEASE);
	if (!kt_wait_for(&check, 2, 3.0)) {
		stop = 1;
		return -1;
	}
	return seen;
}

/* Stops the thread and waits for it (one that faulted has ended). */
static void finish(struct kt_thread *t)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	if (!faulted)
		kt_wait_for(&t->done, 1, 5.0);
}

/* mmap(MAP_FIXED) puts another page of the file where the reader reads. */
static int remap_round(int fd)
{
	struct kt_thread t;
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED || start(&t, reader) != 0)
		return 0;
	int ok = mmap((void *)page, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, PAGE) == page &&
		 reader_sees() == 2;
	finish(&t);
	munmap((void *)page, PAGE);
	return ok;
}

/* munmap: the reader's next access faults. */
static int munmap_round(void)
{
	struct kt_thread t;
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 0;
	*page = 1;
	if (start(&t, reader) != 0)
		return 0;
	munmap((void *)page, PAGE);
	int ok = kt_wait_for(&faulted, 1, 2.0);
	finish(&t);
	return ok;
}

/* mprotect(PROT_READ): no write lands after it returns; the writer faults. */
static int mprotect_round(void)
{
	struct kt_thread t;
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || start(&t, writer) != 0)
		return 0;
	mprotect((void *)page, PAGE, PROT_READ);
	int before = *page;
	int ok = kt_wait_for(&faulted, 1, 2.0);
	ok = ok && *page == before;
	finish(&t);
	munmap((void *)page, PAGE);
	return ok;
}

/* A copy-on-write break by the main thread (the page is shared with a
 * child): the reader must see the main thread's copy, not the old frame. */
static int cow_round(void)
{
	struct kt_thread t;
	int fds[2];
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pipe(fds) != 0)
		return 0;
	*page = 1;
	if (start(&t, reader) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1);        /* keeps the old frame until the end */
		_exit(0);
	}
	/* Let the reader cache the read-only translation fork left. */
	ready = 0;
	kt_wait_for(&ready, 1, 2.0);
	*page = 2;
	int ok = reader_sees() == 2;
	finish(&t);
	close(fds[0]);
	close(fds[1]);
	waitpid(pid, NULL, 0);
	munmap((void *)page, PAGE);
	return ok;
}

/* fork while a thread writes: the child's copy must stay as fork left it
 * (the writer's CPU must drop its writable translation at fork). */
static int fork_round(void)
{
	struct kt_thread t;
	int fds[2];
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pipe(fds) != 0 || start(&t, writer) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		int first = *page;
		double end = kt_now() + 0.05;
		while (kt_now() < end)
			sched_yield();
		char same = *page == first;
		write(fds[1], &same, 1);
		_exit(0);
	}
	char same = 0;
	read(fds[0], &same, 1);
	finish(&t);
	close(fds[0]);
	close(fds[1]);
	waitpid(pid, NULL, 0);
	munmap((void *)page, PAGE);
	return same;
}

static int rounds(int (*round)(void))
{
	for (int i = 0; i < ROUNDS; i++)
		if (!round())
			return 0;
	return 1;
}

static int fd_for_remap;
static int remap_rounds(void) { return remap_round(fd_for_remap); }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);

	/* A file of two pages: 1 in the first, 2 in the second (both stay in
	 * the page cache, so a stale translation reads 1, not freed memory). */
	fd_for_remap = memfd_create("smp_tlb", 0);
	int one = 1, two = 2;
	if (fd_for_remap < 0 || ftruncate(fd_for_remap, 2 * PAGE) != 0 ||
	    pwrite(fd_for_remap, &one, sizeof(one), 0) != sizeof(one) ||
	    pwrite(fd_for_remap, &two, sizeof(two), PAGE) != sizeof(two))
		return kt_check(0, "memfd"), 1;

	kt_check(rounds(remap_rounds), "mmap(MAP_FIXED) over a page another thread reads: it sees the new page");
	kt_check(rounds(munmap_round), "munmap of a page another thread reads: it faults");
	kt_check(rounds(mprotect_round), "mprotect(PROT_READ) of a page another thread writes: no write after, it faults");
	kt_check(rounds(cow_round), "copy-on-write break while another thread reads: it sees the copy");
	kt_check(rounds(fork_round), "fork while another thread writes: the child's page stays as fork left it");
	return kt_status();
}
