/* Lab 6, Part A: glibc's ways to run a program: posix_spawn (clone3 with
 * CLONE_VM|CLONE_VFORK on a stack of its own), popen and system (the
 * same, through /bin/sh), and vfork. Each must let the caller go on at
 * the child's execve and report the program's exit status. */
#define _GNU_SOURCE
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include "kt.h"

extern char **environ;

static void spawn(void)
{
	pid_t pid;
	char *argv[] = { "sh", "-c", "exit 5", NULL };
	int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	kt_check_eq("posix_spawn /bin/sh -c 'exit 5'", err, 0);
	int s = -1;
	kt_check(waitpid(pid, &s, 0) == pid && WIFEXITED(s) && WEXITSTATUS(s) == 5, "  its status");
	err = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, argv, environ);
	printf("posix_spawn of a missing program: %s\n", kt_errname(err));
}

static void spawn_actions(void)
{
	int p[2];
	pipe(p);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	char *argv[] = { "sh", "-c", "echo spawned output", NULL };
	pid_t pid;
	int err = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	close(p[1]);
	char buf[64] = "";
	int n = 0, r;
	while ((r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	buf[n] = 0;
	waitpid(pid, NULL, 0);
	close(p[0]);
	printf("posix_spawn with a dup2 action: %s, read \"%.*s\"\n", err ? "BAD" : "ok",
	       n && buf[n - 1] == '\n' ? n - 1 : n, buf);
	posix_spawn_file_actions_destroy(&fa);
}

static void popen_pclose(void)
{
	FILE *f = popen("echo from popen; exit 3", "r");
	char line[64] = "";
	if (f && fgets(line, sizeof(line), f))
		line[strcspn(line, "\n")] = 0;
	int s = f ? pclose(f) : -1;
	printf("popen: read \"%s\", pclose status exit %d\n", line, WIFEXITED(s) ? WEXITSTATUS(s) : -1);
}

static void run_system(void)
{
	int s = system("exit 4");
	printf("system(\"exit 4\"): exit %d\n", WIFEXITED(s) ? WEXITSTATUS(s) : -1);
	s = system(NULL);
	printf("system(NULL): a shell %s\n", s ? "is there" : "is missing");
}

static void run_vfork(void)
{
	static volatile int touched;
	pid_t pid = vfork();
	if (pid == 0) {
		touched = 1;            /* the caller's memory: it is borrowed */
		execl("/bin/sh", "sh", "-c", "exit 6", (char *)NULL);
		_exit(127);
	}
	int s = -1;
	waitpid(pid, &s, 0);
	printf("vfork + execl: the child wrote the caller's memory: %s, exit %d\n", touched ? "yes" : "no",
	       WIFEXITED(s) ? WEXITSTATUS(s) : -1);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	spawn();
	spawn_actions();
	popen_pclose();
	run_system();
	run_vfork();
	return kt_status();
}
