/* prog_ps_bench: /proc figures for `make bench` (not a test: times vary).
 *
 *   ps aux, 50 more processes   Debian's /usr/bin/ps aux (output to
 *                               /dev/null) with 50 sleeping children of
 *                               this program besides what was running:
 *                               fork, exec of a dynamically linked
 *                               program, then the walk of /proc (stat,
 *                               status, environ, cmdline per process)
 *   /proc/self/stat             open, read and close of one pseudo file:
 *                               the framework's cost per file
 *   /proc listing               open, getdents64 to the end and close of
 *                               /proc: the generated pid directory
 *
 * Mounts /proc if it is not there (as the kernel's first process).
 * Prints "bench: <what>: <number> <unit> (...)" for scripts/bench.py. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#define CHILDREN 50

static double ps_aux_ms(int runs)
{
	double t0 = bench_now_ns();
	for (int i = 0; i < runs; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			execl("/usr/bin/ps", "ps", "aux", (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
			return -1;
	}
	return (bench_now_ns() - t0) / runs / 1e6;
}

static double stat_read_us(int runs)
{
	char buf[1024];
	double t0 = bench_now_ns();
	for (int i = 0; i < runs; i++) {
		int fd = open("/proc/self/stat", O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof buf) <= 0)
			return -1;
		close(fd);
	}
	return (bench_now_ns() - t0) / runs / 1000;
}

static double listing_us(int runs)
{
	double t0 = bench_now_ns();
	for (int i = 0; i < runs; i++) {
		DIR *d = opendir("/proc");
		if (!d)
			return -1;
		while (readdir(d))
			;
		closedir(d);
	}
	return (bench_now_ns() - t0) / runs / 1000;
}

int main(void)
{
	struct stat st;
	pid_t children[CHILDREN];

	setvbuf(stdout, NULL, _IONBF, 0);
	if (stat("/proc/self", &st) != 0 && mount("proc", "/proc", "proc", 0, NULL) != 0) {
		printf("prog_ps_bench: cannot mount /proc\n");
		return 1;
	}
	for (int i = 0; i < CHILDREN; i++) {
		children[i] = fork();
		if (children[i] == 0) {
			pause();
			_exit(0);
		}
	}
	double ps = ps_aux_ms(5);
	printf("bench: ps aux, %d more processes: %.1f ms (fork, exec, the /proc walk)\n", CHILDREN, ps);
	printf("bench: /proc listing: %.1f us (open, getdents64, close, %d more processes)\n",
	       listing_us(200), CHILDREN);
	printf("bench: /proc/self/stat: %.2f us (open, read, close)\n", stat_read_us(2000));
	for (int i = 0; i < CHILDREN; i++)
		kill(children[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return ps < 0;
}
