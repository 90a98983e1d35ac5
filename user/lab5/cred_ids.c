/* cred_ids: the rules of the set*id calls, step by step. A child of the
 * root process runs a sequence of setuid, setreuid, setresuid, setfsuid
 * (and their group twins, and setgroups/getgroups) and prints the real,
 * effective, saved and fs ids after each, or the errno; Linux prints the
 * same. Raw system calls, so no C library decides anything. Then: what
 * execve does to the saved ids (they take the effective ones) and to
 * AT_SECURE, and which capabilities capget reports as the ids move (only
 * single bits: the host's root may lack some capabilities). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <kt.h>

/* musl has no <linux/capability.h>: the capget ABI, as that header gives it. */
#define LINUX_CAPABILITY_VERSION_3 0x20080522
enum { CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_KILL = 5, CAP_SETUID = 7, CAP_SYS_ADMIN = 21 };
struct cap_header { unsigned version; int pid; };
struct cap_data { unsigned effective, permitted, inheritable; };

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

/* Is capability cap in the caller's effective and permitted sets? */
static void show_caps(const char *what)
{
	struct cap_header h = { LINUX_CAPABILITY_VERSION_3, 0 };
	struct cap_data d[2];
	if (syscall(SYS_capget, &h, d) != 0) {
		printf("%s: capget -1 %s\n", what, kt_errname(errno));
		return;
	}
	static const struct { int cap; const char *name; } caps[] = {
		{ CAP_SETUID, "SETUID" }, { CAP_KILL, "KILL" }, { CAP_DAC_OVERRIDE, "DAC_OVERRIDE" },
		{ CAP_CHOWN, "CHOWN" }, { CAP_SYS_ADMIN, "SYS_ADMIN" },
	};
	printf("%s: effective", what);
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (d[0].effective & (1u << caps[i].cap))
			printf(" %s", caps[i].name);
	printf("; permitted");
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (d[0].permitted & (1u << caps[i].cap))
			printf(" %s", caps[i].name);
	printf("\n");
}

static void capabilities(void)
{
	struct cap_header h = { 0x12345678, 0 };
	long r = syscall(SYS_capget, &h, NULL);
	printf("capget, unknown version, no data: %ld, version now %#x\n", r, h.version);
	struct cap_data d[2];
	h.version = 0x12345678;
	kt_expect_err("capget, unknown version", syscall(SYS_capget, &h, d), EINVAL);
	show_caps("root");
	syscall(SYS_setresuid, -1, 1000, -1);
	show_caps("euid 1000, saved 0");
	syscall(SYS_setfsuid, 0);
	show_caps("and fsuid 0");
	syscall(SYS_setresuid, -1, 0, -1);
	syscall(SYS_setfsuid, 1000);
	show_caps("euid 0, fsuid 1000");
	syscall(SYS_setresuid, 1000, 1000, 1000);
	show_caps("all 1000");
}

/* Runs this program again (argv[1] "show") with the ids set so. */
static void exec_with(const char *what, long r, long e, long s)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		show_uids(what, syscall(SYS_setresuid, r, e, s));
		fflush(stdout);
		/* Relative: the cwd is the image's root on both sides. */
		execl("usr/lib/kestrel/lab5/cred_ids", "cred_ids", "show", (char *)NULL);
		printf("exec: -1 %s\n", kt_errname(errno));
		exit(1);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "show")) {
		show_uids("after execve", 0);
		printf("AT_SECURE %lu\n", getauxval(AT_SECURE));
		return 0;
	}
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
	pid = kt_fork();
	if (pid == 0) {
		capabilities();
		exit(0);
	}
	waitpid(pid, NULL, 0);
	exec_with("setresuid(1000, 2000, 0)", 1000, 2000, 0);
	exec_with("setresuid(0, 0, 1000)", 0, 0, 1000);
	exec_with("setresuid(0, 1000, 0)", 0, 1000, 0);
	return 0;
}
