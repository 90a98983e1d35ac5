/* trace: run a command with its system calls traced by the kernel, in
 * strace -f format (Lab 5, Part A).
 *
 *     trace [-e name,name...] [-o file] command [args...]
 *
 * -e traces only the named calls; -o writes the lines to file instead of
 * the console. Like strace, trace finds the command in $PATH itself, so
 * the trace starts with the one execve that runs it. The tracing is the
 * kernel's: prctl(PR_KESTREL_TRACE) (kernel/include/proc/trace_abi.h)
 * turns it on for this process and what it forks, and execve keeps it.
 * The system call names are the kernel's own list, generated from Linux's
 * UAPI header (build/gen/syscall_names.h), not a copy. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include "syscall_names.h"      /* generated: SYSCALL_NAMES_INIT */
#include "proc/trace_abi.h"

static const char *const names[SYSCALL_NAMES_COUNT] = SYSCALL_NAMES_INIT;
static uint64_t filter[(SYSCALL_NAMES_COUNT + 63) / 64];

static void usage(void)
{
	fprintf(stderr, "usage: trace [-e name,name...] [-o file] command [args...]\n");
	exit(2);
}

/* -e read,write: the filter's bits. */
static void choose(char *list)
{
	for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		int nr = 0;
		while (nr < SYSCALL_NAMES_COUNT && !(names[nr] && strcmp(names[nr], name) == 0))
			nr++;
		if (nr == SYSCALL_NAMES_COUNT) {
			fprintf(stderr, "trace: no system call named %s\n", name);
			exit(2);
		}
		filter[nr / 64] |= 1ull << (nr % 64);
	}
}

/* The command's path: as given if it has a '/', else the first
 * executable file of that name in $PATH. */
static const char *find(const char *cmd)
{
	static char path[4096];
	if (strchr(cmd, '/'))
		return cmd;
	const char *dirs = getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = dirs; *d; d += strcspn(d, ":") + (d[strcspn(d, ":")] == ':')) {
		struct stat st;
		snprintf(path, sizeof(path), "%.*s/%s", (int)strcspn(d, ":"), d, cmd);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return path;
	}
	return cmd;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	bool some = false;
	int opt;
	while ((opt = getopt(argc, argv, "+e:o:")) != -1) {
		if (opt == 'e') {
			choose(optarg);
			some = true;
		} else if (opt == 'o') {
			out = optarg;
		} else {
			usage();
		}
	}
	if (optind == argc)
		usage();
	int fd = TRACE_TO_CONSOLE;
	if (out && (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "trace: %s: %s\n", out, strerror(errno));
		return 1;
	}
	const char *path = find(argv[optind]);
	/* From here on every call is traced: the next one is the execve (fd is
	 * close-on-exec; the kernel keeps its own reference to the file). */
	if (prctl(PR_KESTREL_TRACE, fd, some ? filter : NULL, sizeof(filter), 0) < 0) {
		fprintf(stderr, "trace: this kernel cannot trace (prctl PR_KESTREL_TRACE: %s)\n", strerror(errno));
		return 1;
	}
	execve(path, argv + optind, environ);
	int err = errno;
	prctl(PR_KESTREL_TRACE, TRACE_OFF, NULL, 0, 0);
	fprintf(stderr, "trace: %s: %s\n", argv[optind], strerror(err));
	return 127;
}
