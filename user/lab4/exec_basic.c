/* exec_basic: execve and execveat from the file tree.
 *
 * The program runs itself again in a child, with other arguments: as
 * "show" it prints what it was given (argc, argv, one variable of its
 * environment, whether its pid stayed the same, which descriptors
 * survived the exec), so the parent's checks and the new image's output
 * both land in the output compared with Linux. Covers argv and envp
 * (empty strings, spaces), close-on-exec, "#!" scripts (with and without
 * an argument, nested, looping), execveat with a dirfd and with
 * AT_EMPTY_PATH, and the errors: ENOENT, EACCES (a directory, no execute
 * bit), ENOEXEC (garbage, empty, a truncated ELF), EFAULT, E2BIG, ELOOP;
 * last, that its own data segment was mapped from its file, not copied.
 *
 * Works in ./kt-exec, relative to the current directory (the root of the
 * image in the guest, a copy of it on the host), so the interpreter of a
 * script can be named the same way on both sides:
 * ./usr/lib/kestrel/lab4/exec_basic. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/auxv.h>
#include <elf.h>
#include <kt.h>
#include <kt_fs.h>

#define DIR "kt-exec"
#define SELF "./usr/lib/kestrel/lab4/exec_basic"

/* --- the new image's side --------------------------------------------------- */

static int show(int argc, char **argv)
{
	printf("  argc %d\n", argc);
	for (int i = 1; i < argc; i++)      /* argv[0] differs between host and guest for self */
		printf("  argv[%d] \"%s\"\n", i, argv[i]);
	const char *v = getenv("KT_VAR");
	printf("  KT_VAR %s\n", v ? v : "(unset)");
	const char *pid = getenv("KT_PID");
	if (pid)
		printf("  same pid: %s\n", atoi(pid) == getpid() ? "yes" : "no");
	for (int fd = 10; fd <= 11; fd++) {
		int r = fcntl(fd, F_GETFD);
		printf("  fd %d: %s\n", fd, r < 0 ? kt_errname(errno) : "open");
	}
	fflush(stdout);
	return 7;
}

/* --- the parent's side ----------------------------------------------------- */

/* Runs execve(path, argv, envp) in a child: "exit N" if the new image
 * ran, or the errno the exec failed with. */
static void run(const char *what, const char *path, char *const argv[], char *const envp[])
{
	printf("%s:\n", what);
	pid_t pid = kt_fork();
	if (pid == 0) {
		execve(path, argv, envp);
		printf("  execve failed: %s\n", kt_errname(errno));
		fflush(stdout);
		_exit(100);
	}
	int status;
	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("  exit %d\n", WEXITSTATUS(status));
	else
		printf("  signal %d\n", WTERMSIG(status));
}

static void expect_err(const char *what, const char *path, char *const argv[], int want)
{
	char *envp[] = { NULL };
	long r = execve(path, argv, envp);
	kt_expect_err(what, r, want);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		kt_check(0, path);
	close(fd);
	chmod(path, mode);
}

static void test_args_and_env(void)
{
	char *argv[] = { SELF, "show", "two words", "", "last", NULL };
	char *envp[] = { "KT_VAR=from the parent", NULL };
	run("argv and envp", SELF, argv, envp);
	char *argv0[] = { SELF, "show", NULL };
	char *noenv[] = { NULL };
	run("an empty environment", SELF, argv0, noenv);
}

static void test_same_pid(void)
{
	printf("the pid survives exec:\n");
	pid_t pid = kt_fork();
	if (pid == 0) {
		char var[32];
		snprintf(var, sizeof(var), "KT_PID=%d", getpid());
		char *argv[] = { SELF, "show", NULL };
		char *envp[] = { var, NULL };
		execve(SELF, argv, envp);
		_exit(100);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WEXITSTATUS(status));
}

static void test_cloexec(void)
{
	int fd = open(DIR, O_RDONLY | O_DIRECTORY);
	dup3(fd, 10, O_CLOEXEC);
	dup2(fd, 11);
	close(fd);
	char *argv[] = { SELF, "show", NULL };
	char *envp[] = { NULL };
	run("fd 10 close-on-exec, fd 11 not", SELF, argv, envp);
	close(10);
	close(11);
}

static void test_scripts(void)
{
	const char *s1 = "#!" SELF "\n";
	write_file(DIR "/plain.sh", s1, strlen(s1), 0755);
	char *argv1[] = { "plain-name", "x", NULL };
	char *envp[] = { "KT_VAR=script", NULL };
	/* argv becomes: the interpreter, the script's path, argv[1..]. */
	run("#! without an argument", DIR "/plain.sh", argv1, envp);

	const char *s2 = "#!  " SELF "   show  with spaces \t \nnot read\n";
	write_file(DIR "/arg.sh", s2, strlen(s2), 0755);
	char *argv2[] = { "arg-name", "x", "y", NULL };
	run("#! with an argument", DIR "/arg.sh", argv2, envp);

	const char *s3 = "#!./" DIR "/arg.sh inner\n";
	write_file(DIR "/nested.sh", s3, strlen(s3), 0755);
	char *argv3[] = { "nested-name", NULL };
	run("a script interpreted by a script", DIR "/nested.sh", argv3, envp);

	const char *s4 = "#!./" DIR "/loop.sh\n";
	write_file(DIR "/loop.sh", s4, strlen(s4), 0755);
	char *argv4[] = { "loop", NULL };
	expect_err("a script that interprets itself", DIR "/loop.sh", argv4, ELOOP);

	write_file(DIR "/nothing.sh", "#!  \n", 5, 0755);
	expect_err("a \"#!\" line without an interpreter", DIR "/nothing.sh", argv4, ENOEXEC);

	const char *s5 = "#!./" DIR "/no-such-interpreter\n";
	write_file(DIR "/missing.sh", s5, strlen(s5), 0755);
	expect_err("a script whose interpreter is missing", DIR "/missing.sh", argv4, ENOENT);
}

static void test_execveat(void)
{
	int dirfd = open("usr/lib/kestrel/lab4", O_RDONLY | O_DIRECTORY);
	char *argv[] = { "exec_basic", "show", "via execveat", NULL };
	char *envp[] = { NULL };
	printf("execveat(dirfd, \"exec_basic\"):\n");
	pid_t pid = kt_fork();
	if (pid == 0) {
		syscall(SYS_execveat, dirfd, "exec_basic", argv, envp, 0);
		printf("  failed: %s\n", kt_errname(errno));
		_exit(100);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WEXITSTATUS(status));

	int fd = open(SELF, O_RDONLY);
	printf("execveat(fd, \"\", AT_EMPTY_PATH):\n");
	pid = kt_fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		printf("  failed: %s\n", kt_errname(errno));
		_exit(100);
	}
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WEXITSTATUS(status));
	close(fd);

	errno = 0;
	long r = syscall(SYS_execveat, dirfd, "exec_basic", argv, envp, 0x12345);
	kt_expect_err("execveat with unknown flags", r, EINVAL);
	write_file(DIR "/target", "x", 1, 0755);
	symlink("target", DIR "/link");
	r = syscall(SYS_execveat, AT_FDCWD, DIR "/link", argv, envp, AT_SYMLINK_NOFOLLOW);
	kt_expect_err("execveat of a symlink with AT_SYMLINK_NOFOLLOW", r, ELOOP);
	close(dirfd);
}

/* vfork: the child borrows the parent's memory (so what it writes is
 * seen by the parent) and the parent waits until it execs or exits. */
static void test_vfork(void)
{
	static volatile int seen;
	seen = 0;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		seen = 42;
		_exit(3);
	}
	int status;
	waitpid(pid, &status, 0);
	kt_check_eq("vfork: the child's write is the parent's", seen, 42);
	kt_check_eq("vfork: the child's exit status", WEXITSTATUS(status), 3);

	printf("vfork, then execve:\n");
	fflush(stdout);
	seen = 0;
	char *argv[] = { SELF, "show", "after vfork", NULL };
	char *envp[] = { NULL };
	pid = vfork();
	if (pid == 0) {
		seen = 1;       /* before the exec: the parent must see it */
		execve(SELF, argv, envp);
		_exit(100);
	}
	int seen_on_return = seen;      /* printed after the child's output */
	waitpid(pid, &status, 0);
	printf("  exit %d\n", WEXITSTATUS(status));
	kt_check_eq("the parent resumes after the exec", seen_on_return, 1);
	pid = vfork();
	if (pid == 0) {
		execve(DIR "/missing", argv, envp);
		seen = errno;   /* a failed exec: still the parent's memory */
		_exit(100);
	}
	waitpid(pid, &status, 0);
	kt_check_eq("a failed exec's errno, written by the vfork child", seen, ENOENT);
}

static void test_errors(void)
{
	char *argv[] = { "x", NULL };
	expect_err("a missing file", DIR "/missing", argv, ENOENT);
	expect_err("a path through a file", DIR "/plain.sh/x", argv, ENOTDIR);
	expect_err("a directory", DIR, argv, EACCES);
	write_file(DIR "/noexec", "#!/bin/sh\n", 10, 0644);
	expect_err("no execute bit", DIR "/noexec", argv, EACCES);
	write_file(DIR "/garbage", "this is not a program\n", 22, 0755);
	expect_err("garbage", DIR "/garbage", argv, ENOEXEC);
	write_file(DIR "/empty", "", 0, 0755);
	expect_err("an empty file", DIR "/empty", argv, ENOEXEC);

	/* The first 200 bytes of this program: a header whose program
	 * headers and segments are cut off. */
	char head[200];
	int fd = open(SELF, O_RDONLY);
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	write_file(DIR "/truncated", head, n, 0755);
	expect_err("a truncated ELF file", DIR "/truncated", argv, ENOEXEC);
	/* The same header, claiming to be for another machine. */
	head[18] = 0x28;        /* e_machine: EM_ARM */
	write_file(DIR "/arm", head, n, 0755);
	expect_err("an ELF file for another machine", DIR "/arm", argv, ENOEXEC);

	/* Raw calls: the compiler would object to the bad pointers. */
	char *noenv[] = { NULL };
	long r = syscall(SYS_execve, 8L, argv, noenv);
	kt_expect_err("a bad path pointer", r, EFAULT);
	r = syscall(SYS_execve, SELF, 8L, noenv);
	kt_expect_err("a bad argv pointer", r, EFAULT);
	r = syscall(SYS_execve, SELF, argv, 8L);
	kt_expect_err("a bad envp pointer", r, EFAULT);
	char *bad_string[] = { "x", (char *)8, NULL };
	expect_err("a bad string in argv", SELF, bad_string, EFAULT);
	char *envp_bad[] = { (char *)8, NULL };
	r = execve(SELF, argv, envp_bad);
	kt_expect_err("a bad string in envp", r, EFAULT);

	/* 64 strings of 64 KiB: 4 MiB, more than any kernel takes. */
	static char big[64 * 1024];
	memset(big, 'a', sizeof(big) - 1);
	char *many[66];
	many[0] = "x";
	for (int i = 1; i < 65; i++)
		many[i] = big;
	many[65] = NULL;
	expect_err("4 MiB of arguments", SELF, many, E2BIG);
}

/* Initialised data bigger than a page: the data segment then has whole
 * file pages, which the kernel maps from the file rather than copying. */
static volatile char big_data[6000] = { 1 };

/* A segment mapped from the file (as Linux and Kestrel do; a copy would
 * not) shows in the segment's first page: the bytes before p_vaddr are the
 * file's bytes before p_offset, not zeroes. Checked on this program's own
 * data segment, against its file. */
static void test_mapped_from_file(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), base = 0;
	const Elf64_Phdr *data = NULL;
	for (unsigned long i = 0; i < n; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			base = (unsigned long)ph - sizeof(Elf64_Ehdr) - ph[i].p_vaddr;
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W))
			data = &ph[i];
	}
	if (!kt_check(data && big_data[0] == 1 && data->p_filesz > 4096, "a data segment of whole file pages"))
		return;
	size_t before = data->p_vaddr % 4096;
	const unsigned char *mem = (const unsigned char *)(base + data->p_vaddr - before);
	unsigned char file[4096];
	int fd = open(SELF, O_RDONLY);
	kt_check(fd >= 0 && pread(fd, file, before, data->p_offset - before) == (ssize_t)before, "read the file");
	close(fd);
	int nonzero = 0;
	for (size_t i = 0; i < before; i++)
		nonzero |= file[i];
	kt_check(nonzero, "the file has bytes (not all zero) before the data segment, in its first page");
	kt_check(memcmp(mem, file, before) == 0,
		 "the data segment's first page holds them too: mapped from the file, not copied");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return show(argc, argv);
	/* Run as a script's interpreter: argv[1] is the script (or the
	 * script's argument), the rest follows. */
	if (argc > 1 && strstr(argv[1], ".sh")) {
		printf("  as an interpreter:\n");
		return show(argc, argv);
	}
	if (argc > 1 && strncmp(argv[1], "show ", 5) == 0) {
		printf("  as an interpreter with an argument:\n");
		return show(argc, argv);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	close(10);      /* whatever the caller left open there */
	close(11);
	kt_rmtree(DIR);
	mkdir(DIR, 0755);
	test_args_and_env();
	test_same_pid();
	test_cloexec();
	test_scripts();
	test_execveat();
	test_vfork();
	test_errors();
	test_mapped_from_file();
	kt_rmtree(DIR);
	return kt_status();
}
