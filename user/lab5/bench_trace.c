/* bench_trace: what the tracer costs, for `make bench` (not a test: times
 * vary).
 *
 *   getpid, untraced        the plain system call
 *   getpid, traced          with this process traced (PR_KESTREL_TRACE),
 *                           lines to /dev/null and to a file in /tmp
 *   tracer cost per call    traced minus untraced: decoding the call,
 *                           formatting its line, writing it
 *
 * On Linux (the host run) prctl says EINVAL; the program then times
 * `strace -f -o /dev/null` running its own getpid loop, for scale: ptrace
 * stops the tracee twice per call and switches to strace each time. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "bench.h"
#include "../../kernel/include/proc/trace_abi.h"

static double loop_ns(int n)
{
	double t0 = bench_now_ns();
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
	return (bench_now_ns() - t0) / n;
}

/* ns per getpid with this process traced into file `out`, or < 0. */
static double traced_ns(const char *out, int n)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || prctl(PR_KESTREL_TRACE, fd, NULL, 0, 0) < 0)
		return -1;
	double ns = loop_ns(n);
	prctl(PR_KESTREL_TRACE, TRACE_OFF, NULL, 0, 0);
	close(fd);
	return ns;
}

/* Linux: ns per getpid of this program's loop under strace. */
static double strace_ns(const char *self, int n)
{
	char count[16];
	snprintf(count, sizeof(count), "%d", n);
	double t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		execl("/usr/bin/strace", "strace", "-f", "-o", "/dev/null", self, "loop", count, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return (bench_now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "loop") == 0) {
		loop_ns(atoi(argv[2]));
		return 0;
	}
	const int n = 20000;
	double plain = loop_ns(n);
	printf("bench: getpid, untraced: %.0f ns (per call, %d calls)\n", plain, n);
	double to_null = traced_ns("/dev/null", n);
	if (to_null >= 0) {
		double to_file = traced_ns("/tmp/bench_trace.out", n);
		printf("bench: getpid, traced to /dev/null: %.0f ns (per call)\n", to_null);
		printf("bench: getpid, traced to a file: %.0f ns (per call, tmpfs)\n", to_file);
		printf("bench: tracer cost per traced syscall: %.0f ns (to /dev/null, traced minus untraced)\n",
		       to_null - plain);
		unlink("/tmp/bench_trace.out");
	} else {
		double st = strace_ns(argv[0], n);
		if (st >= 0)
			printf("bench: tracer cost per traced syscall: %.0f ns (strace -f -o /dev/null, ptrace)\n",
			       st - plain);
	}
	return 0;
}
