/* mmap_shared_anon: shared anonymous memory is shared through fork even
 * where nobody touched it before the fork.
 *
 * Linux backs MAP_SHARED|MAP_ANONYMOUS (and MAP_SHARED of /dev/zero) with
 * a tmpfs file, so parent and children find the same page whoever faults
 * it in first. A kernel that gives such a region anonymous pages on first
 * touch gives each process its own zero page: a write by one is never
 * seen by the other. Every page here is untouched before the fork that
 * shares it: the child writes and the parent reads after wait, the parent
 * writes and a waiting child reads, a second child sees what the first
 * wrote, /dev/zero's shared mapping the same, MADV_DONTNEED keeps a
 * shared page's data (it is the file's), and mremap keeps the sharing
 * (the part it adds is past the end of the file: SIGBUS, as on Linux). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096
#define NPAGES 8

/* The exit status of a child that ran fn(map). */
static int in_child(int (*fn)(volatile int *), volatile int *map)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(map));
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int word(int page) { return page * (PAGE / sizeof(int)); }

/* The child writes pages 0..3. */
static int child_writes(volatile int *m)
{
	for (int p = 0; p < 4; p++)
		m[word(p)] = 100 + p;
	return 0;
}

/* The child reads pages 4..5 (written by the parent while it waited)
 * and page 0 (written by the first child): how many were right. */
static int child_reads(volatile int *m)
{
	/* The parent's go, in a page it writes last (not seen at all if
	 * the pages are not shared: then give up after 3 s). */
	for (int i = 0; m[word(7)] != 1 && i < 3000; i++)
		usleep(1000);
	return (m[word(4)] == 204) + (m[word(5)] == 205) + (m[word(0)] == 100);
}

static void check(const char *what, volatile int *m)
{
	int st = in_child(child_writes, m);
	int seen = 0;
	for (int p = 0; p < 4; p++)
		seen += m[word(p)] == 100 + p;
	printf("%s: child exit %d, parent sees %d of 4 pages the child wrote\n", what, st, seen);

	/* The other way: the child is forked first and waits; the parent
	 * writes pages nobody has touched, then tells it to look. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_reads(m));
	m[word(4)] = 204;
	m[word(5)] = 205;
	m[word(7)] = 1;
	int status;
	waitpid(pid, &status, 0);
	printf("%s: a waiting child sees %d of 3 pages the parent and the first child wrote\n", what,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int child_writes_page6(volatile int *m)
{
	m[word(6)] = 306;
	return 0;
}

static int child_writes_page1(volatile int *m)
{
	m[word(1)] = 401;
	return 0;
}

int main(void)
{
	size_t len = NPAGES * PAGE;
	volatile int *anon = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	check("anonymous", anon);
	/* A third child writes page 6, which nobody touched before. */
	int st = in_child(child_writes_page6, anon);
	printf("anonymous: third child exit %d, page 6 = %d\n", st, anon[word(6)]);

	int fd = open("/dev/zero", O_RDWR);
	volatile int *zero = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (zero == MAP_FAILED) {
		perror("mmap /dev/zero");
		return 1;
	}
	check("/dev/zero", zero);

	/* MADV_DONTNEED drops the mapping's pages, not the shared data. */
	madvise((void *)anon, len, MADV_DONTNEED);
	printf("after MADV_DONTNEED: page 0 = %d, page 4 = %d\n", anon[word(0)], anon[word(4)]);

	/* mremap keeps the sharing; the part it adds lies past the end of
	 * the file behind the region, as on Linux: SIGBUS there. */
	volatile int *grown = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	grown = mremap((void *)grown, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	if (grown == MAP_FAILED) {
		perror("mremap");
		return 1;
	}
	st = in_child(child_writes_page1, grown);
	printf("after mremap: child exit %d, parent sees page 1 = %d\n", st, grown[word(1)]);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		grown[word(3)] = 1;
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("after mremap: a write to the added part: %s %d\n",
	       WIFSIGNALED(status) ? "killed by signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

	/* A private anonymous mapping is copied at fork, never shared. */
	volatile int *priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st = in_child(child_writes, priv);
	printf("private: child exit %d, parent sees page 0 = %d\n", st, priv[word(0)]);
	return 0;
}
