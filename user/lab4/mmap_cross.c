/* mmap_cross: two files, each read into a fresh mapping of the other, by
 * processes running at once (the grader gives the kernel 4 CPUs).
 *
 * A reads X into a mapping of Y while B reads Y into a mapping of X: the
 * copy faults on the mapping, and the fault reads the mapped file's page.
 * A kernel that holds a file's lock across the copy deadlocks here, A
 * holding X and waiting for Y, B holding Y and waiting for X (issue 15).
 * Two of each run a bounded number of rounds and must all finish with
 * the right bytes. X is on ext2 (./kt-mmap-cross), Y on tmpfs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define SIZE 65536
#define ROUNDS 150

static const char *const path[2] = { "kt-mmap-cross/x", "/tmp/kt-mmap-cross/y" };

/* Byte i of file f. */
static unsigned char pattern(int f, size_t i)
{
	return (unsigned char)(i * (f ? 5 : 3) + i / 4096 + f);
}

static void create(int f)
{
	static unsigned char buf[SIZE];
	for (size_t i = 0; i < SIZE; i++)
		buf[i] = pattern(f, i);
	int fd = open(path[f], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, SIZE) != SIZE) {
		printf("cannot create %s\n", path[f]);
		exit(1);
	}
	close(fd);
}

/* Reads file `from` into a new private mapping of the other, ROUNDS
 * times; the exit status says whether every round read the right bytes. */
static int reader(int from)
{
	int src = open(path[from], O_RDONLY), dst = open(path[!from], O_RDONLY);
	if (src < 0 || dst < 0)
		return 2;
	for (int round = 0; round < ROUNDS; round++) {
		unsigned char *map = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, dst, 0);
		if (map == MAP_FAILED)
			return 3;
		if (pread(src, map, SIZE, 0) != SIZE)
			return 4;
		for (size_t i = 0; i < SIZE; i++)
			if (map[i] != pattern(from, i))
				return 5;
		munmap(map, SIZE);
	}
	return 0;
}

int main(void)
{
	if (kt_fresh_dir("kt-mmap-cross") || kt_fresh_dir("/tmp/kt-mmap-cross"))
		return 1;
	create(0);
	create(1);
	pid_t pid[4];
	for (int i = 0; i < 4; i++) {
		pid[i] = kt_fork();
		if (pid[i] == 0)
			_exit(reader(i % 2));
	}
	for (int i = 0; i < 4; i++) {
		int status;
		waitpid(pid[i], &status, 0);
		printf("%s into a mapping of %s, %d rounds: %s\n", i % 2 ? "y" : "x", i % 2 ? "x" : "y", ROUNDS,
		       WIFEXITED(status) ? WEXITSTATUS(status) ? "wrong" : "ok" : "killed");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			++*kt_failures();
	}
	kt_rmtree("kt-mmap-cross");
	kt_rmtree("/tmp/kt-mmap-cross");
	return kt_status();
}
