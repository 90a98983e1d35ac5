/* cred_ids: the rules of the set*id calls, step by step. A child of the
 * root process runs a sequence of setuid, setreuid, setresuid, setfsuid
 * (and their group twins, and setgroups/getgroups) and prints the real,
 * effective, saved and fs ids after each, or the errno; Linux prints the
 * same. Raw system calls, so no C library decides anything. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <kt.h>

/* fsuid/fsgid: setfs*id(-1) changes nothing and returns the current one. */
static void show_uids(const char *what, long ret)
{
	unsigned r, e, s;
	int err = errno;
	syscall(SYS_getresuid, &r, &e, &s);
	long fs = syscall(SYS_setfsuid, -1);
	if (ret < 0)
		printf("%-28s -1 %-6s uid %u %u %u fs %ld\n", what, kt_errname(err), r, e, s, fs);
	else
		printf("%-28s %-9ld uid %u %u %u fs %ld\n", what, ret, r, e, s, fs);
}

static void show_gids(const char *what, long ret)
{
	unsigned r, e, s;
	int err = errno;
	syscall(SYS_getresgid, &r, &e, &s);
	long fs = syscall(SYS_setfsgid, -1);
	if (ret < 0)
		printf("%-28s -1 %-6s gid %u %u %u fs %ld\n", what, kt_errname(err), r, e, s, fs);
	else
		printf("%-28s %-9ld gid %u %u %u fs %ld\n", what, ret, r, e, s, fs);
}

#define UID(name, ...) show_uids(#name "(" #__VA_ARGS__ ")", syscall(SYS_##name, __VA_ARGS__))
#define GID(name, ...) show_gids(#name "(" #__VA_ARGS__ ")", syscall(SYS_##name, __VA_ARGS__))

static void show_groups(const char *what, long ret)
{
	unsigned g[64];
	int err = errno;
	long n = syscall(SYS_getgroups, 64, g);
	if (ret < 0)
		printf("%s: -1 %s;", what, kt_errname(err));
	else
		printf("%s: %ld;", what, ret);
	for (long i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\n");
}

static void users(void)
{
	UID(setresuid, -1, -1, -1);
	UID(setresuid, -1, 1000, -1);       /* seteuid: fsuid follows */
	UID(setfsuid, 0);                   /* to the saved root */
	UID(setuid, 0);                     /* unprivileged now: only euid */
	UID(setreuid, 1000, 2000);          /* root: saved takes the new euid */
	UID(setreuid, -1, 1000);            /* back to the real: saved stays */
	UID(setreuid, 2000, -1);            /* real only to real or effective */
	UID(setreuid, -1, 2000);            /* effective to the saved */
	UID(setresuid, 1000, 2000, 1000);   /* held ids in any place */
	UID(setresuid, 0, -1, -1);
	UID(setresuid, -1, -1, 3000);
	UID(setuid, 3000);
	UID(setfsuid, 5000);                /* refused silently */
	UID(setfsuid, 1000);
	UID(setuid, -1);                    /* -1 is no uid: EINVAL */
	UID(setreuid, -1, -1);              /* fsuid back to euid */
	UID(setuid, 1000);                  /* unprivileged: effective only */
	UID(setuid, 2000);                  /* 2000 is gone now */
	UID(setresuid, 2000, -1, -1);
	unsigned r;
	show_uids("getresuid(bad pointer)", syscall(SYS_getresuid, &r, (void *)16, &r));
}

static void groups(void)
{
	unsigned list[] = { 30, 10, 20, 10 };
	show_groups("setgroups 30 10 20 10", syscall(SYS_setgroups, 4, list));
	unsigned g[2];
	show_groups("getgroups(0)", syscall(SYS_getgroups, 0, NULL));
	show_groups("getgroups(2)", syscall(SYS_getgroups, 2, g));
	show_groups("getgroups(-1)", syscall(SYS_getgroups, -1, g));
	show_groups("setgroups(-1)", syscall(SYS_setgroups, -1, list));
	show_groups("setgroups bad pointer", syscall(SYS_setgroups, 2, (void *)16));
	GID(setresgid, -1, 100, -1);
	GID(setfsgid, 0);
	GID(setgid, 0);
	GID(setregid, 100, 200);
	GID(setregid, -1, 100);
	GID(setregid, 200, -1);
	GID(setresgid, 100, 200, 100);
	GID(setgid, 300);
	GID(setgid, -1);
	GID(setfsgid, 300);
	show_groups("setgroups 30", syscall(SYS_setgroups, 1, list));
	/* Without root, the group calls are refused. */
	UID(setresuid, 1000, 1000, 1000);
	GID(setgid, 0);
	GID(setresgid, 200, -1, -1);
	GID(setresgid, 0, -1, -1);
	show_groups("setgroups as a user", syscall(SYS_setgroups, 1, list));
	show_groups("setgroups(0) as a user", syscall(SYS_setgroups, 0, NULL));
}

int main(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		users();
		exit(0);
	}
	waitpid(pid, NULL, 0);
	pid = kt_fork();
	if (pid == 0) {
		groups();
		exit(0);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
