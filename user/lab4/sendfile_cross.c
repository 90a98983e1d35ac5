/* sendfile_cross: two open files, each sent into the other by processes
 * running at once (the grader gives the kernel 4 CPUs).
 *
 * sendfile(out, in, NULL, n) uses and advances in's own offset, and
 * writing to out uses out's. Parent and child share both open files (the
 * offsets too, across fork): the parent sends x into y while the child
 * sends y into x. A kernel that holds in's offset lock for the whole
 * transfer and takes out's for the write deadlocks here, each process
 * holding one and waiting for the other. The offsets race on purpose, so
 * only the results' signs are printed. Files on tmpfs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_fs.h>

#define SIZE 16384
#define ROUNDS 300

static int open_filled(const char *path, int c)
{
	static char buf[SIZE];
	memset(buf, c, SIZE);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, SIZE) != SIZE) {
		printf("cannot create %s\n", path);
		exit(1);
	}
	return fd;
}

/* ROUNDS sendfiles from in to out, both rewound first: the exit status
 * says whether any failed. */
static int sender(int out, int in)
{
	for (int round = 0; round < ROUNDS; round++) {
		lseek(in, 0, SEEK_SET);
		lseek(out, 0, SEEK_SET);
		if (sendfile(out, in, NULL, SIZE) < 0)
			return 1;
	}
	return 0;
}

int main(void)
{
	if (kt_fresh_dir("/tmp/kt-sendfile-cross"))
		return 1;
	int x = open_filled("/tmp/kt-sendfile-cross/x", 'x');
	int y = open_filled("/tmp/kt-sendfile-cross/y", 'y');
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(sender(x, y));
	int mine = sender(y, x), status;
	waitpid(pid, &status, 0);
	printf("x into y, %d rounds: %s\n", ROUNDS, mine ? "failed" : "ok");
	printf("y into x, %d rounds: %s\n", ROUNDS,
	       WIFEXITED(status) ? WEXITSTATUS(status) ? "failed" : "ok" : "killed");
	kt_check(!mine && WIFEXITED(status) && !WEXITSTATUS(status), "both finished");
	kt_rmtree("/tmp/kt-sendfile-cross");
	return kt_status();
}
