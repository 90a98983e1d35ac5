/* prog_spawn: glibc's ways of starting a program, compared with Linux.
 * glibc 2.36 starts them all with clone3(CLONE_VM | CLONE_VFORK): the
 * child runs on a stack of its own in the parent's address space, and
 * the parent sleeps until the child's execve (or exit).
 *
 *   - popen("which ls") and pclose's status;
 *   - system(): output, exit status, system(NULL);
 *   - posix_spawn of this program with file actions (stdout to a pipe,
 *     a file opened for it) and waitpid; posix_spawnp's PATH search;
 *     a program that does not exist: ENOENT from posix_spawn itself
 *     (the child tells the parent through the shared memory);
 *   - vfork + execl: the child borrows the caller's memory until execve.
 *
 * PATH is set to /bin:/usr/bin on both sides: the grader's host run has
 * no PATH, and each shell has its own default. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include "kt.h"

#define SELF "usr/lib/kestrel/lab6/prog_spawn"

extern char **environ;

static void popen_which(void)
{
	fflush(stdout);
	FILE *f = popen("which ls", "r");
	if (!f) {
		printf("popen: BAD (%s)\n", strerror(errno));
		return;
	}
	char line[256] = "";
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	int status = pclose(f);
	size_t n = strlen(line);
	kt_check(n > 4 && strcmp(line + n - 4, "/ls\n") == 0, "popen(\"which ls\") read a path ending in /ls");
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "pclose: which exited with 0");
	f = popen("cat", "w");
	fputs("popen(\"cat\", \"w\") passed this line through\n", f);
	status = pclose(f);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "pclose: cat exited with 0");
}

static void run_system(void)
{
	fflush(stdout);
	int status = system("echo hello from system; echo and from a second command");
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "system(\"echo ...\") returned exit status 0");
	status = system("exit 3");
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 3, "system(\"exit 3\") returned exit status 3");
	kt_check(system(NULL) != 0, "system(NULL): a shell is there");
}

static void spawn(void)
{
	int p[2];
	pipe(p);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	posix_spawn_file_actions_addopen(&fa, 5, "usr/share/kestrel/hello.txt", O_RDONLY, 0);
	char ppid[32];
	snprintf(ppid, sizeof(ppid), "%d", getpid());
	char *argv[] = { SELF, "child", ppid, NULL };
	pid_t pid;
	int r = posix_spawn(&pid, SELF, &fa, NULL, argv, environ);
	kt_check_eq("posix_spawn of this program with file actions", r, 0);
	close(p[1]);
	char buf[512];
	ssize_t n, len = 0;
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(p[0]);
	printf("the child wrote through the pipe: %s", buf);
	int status;
	kt_check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 4,
		 "waitpid: the spawned child exited with 4");
	posix_spawn_file_actions_destroy(&fa);

	char *sh_argv[] = { "sh", "-c", "exit 7", NULL };
	r = posix_spawnp(&pid, "sh", NULL, NULL, sh_argv, environ);
	kt_check(r == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
		 "posix_spawnp(\"sh\", -c \"exit 7\"): found in PATH, exited with 7");

	char *none_argv[] = { "no-such-program", NULL };
	r = posix_spawn(&pid, "/no/such/program", NULL, NULL, none_argv, environ);
	printf("posix_spawn of a missing program: %s\n", r == 0 ? "0" : kt_errname(r));
	kt_check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "and no child left to wait for");
}

static void run_vfork(void)
{
	static volatile int touched;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		touched = 1;            /* the caller's memory: it is borrowed */
		execl("/bin/sh", "sh", "-c", "exit 6", (char *)NULL);
		_exit(127);
	}
	int status = -1;
	kt_check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 6,
		 "vfork + execl(sh -c \"exit 6\"): exited with 6");
	kt_check(touched, "the vfork child wrote the caller's memory");
}

/* The spawned copy: its stdout is the pipe, fd 5 the file opened for it. */
static int child(const char *ppid)
{
	char hello[64] = "";
	ssize_t n = read(5, hello, sizeof(hello) - 1);
	printf("ppid is the parent: %s, fd 5 reads \"%.*s\"\n", getppid() == atoi(ppid) ? "yes" : "no",
	       n > 0 ? (int)n - 1 : 0, hello);
	return 4;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);
	setenv("PATH", "/bin:/usr/bin", 1);
	popen_which();
	run_system();
	spawn();
	run_vfork();
	return kt_status();
}
