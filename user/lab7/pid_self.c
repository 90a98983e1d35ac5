/* pid_self: a process reads its own /proc/self and checks it against
 * what the system calls say (Lab 7, Part B).
 *
 * status: the field names in Linux 6.1's order (printed, so the host's
 * Linux compares them), and Name, State, Tgid, Pid, PPid, Uid, Gid,
 * Threads checked against getpid, getuid...; stat: 52 fields, and pid,
 * comm, state, ppid, pgrp, session, num_threads, the code, stack,
 * argument and environment addresses against the program's own; statm;
 * cmdline and environ (NUL-separated, read in small pieces); auxv; the self,
 * thread-self, exe, cwd and root links; the pid list; reads at offsets
 * (partial reads, pread, lseek, a read at 0 taking a new snapshot); comm
 * written and read back through prctl, and the other way; oom_score_adj
 * stored and inherited; limits against getrlimit; a child's /proc/PID
 * while it is a zombie and after wait (ENOENT, a cached name too); and
 * another user's environ, maps, fd/ and exe refused (EACCES) while its
 * status and cmdline stay readable. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_proc.h>

extern char **environ;
static char text[65536];

/* Linux 6.4 added "untag_mask" and 6.8 "Kthread" to status; 6.1, which
 * Kestrel follows, has neither: the host's are left out here. */
static int newer_than_6_1(const char *name)
{
	return !strcmp(name, "Kthread") || !strcmp(name, "untag_mask");
}

static void status_structure(void)
{
	kt_check(kt_read_file("/proc/self/status", text, sizeof(text)) > 0, "status read");
	printf("status fields:");
	for (char *p = text; *p; p = strchr(p, '\n') + 1) {
		char name[64];
		size_t n = strcspn(p, ":");
		if (n >= sizeof(name) || !strchr(p, '\n'))
			break;
		memcpy(name, p, n);
		name[n] = 0;
		if (!newer_than_6_1(name))
			printf(" %s", name);
	}
	printf("\n");
}

static long field_long(const char *name)
{
	char v[256];
	return kt_field(text, name, v, sizeof(v)) ? strtol(v, NULL, 10) : -12345;
}

static void status_values(void)
{
	char v[256], want[256];
	kt_read_file("/proc/self/status", text, sizeof(text));
	kt_field(text, "Name", v, sizeof(v));
	kt_check(!strcmp(v, "pid_self"), "status Name is the program's");
	kt_field(text, "State", v, sizeof(v));
	kt_check(!strcmp(v, "R (running)"), "status State R (running)");
	kt_check_eq("status Tgid", field_long("Tgid"), getpid());
	kt_check_eq("status Pid", field_long("Pid"), getpid());
	kt_check_eq("status PPid", field_long("PPid"), getppid());
	kt_check_eq("status Threads", field_long("Threads"), 1);
	kt_field(text, "Uid", v, sizeof(v));
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", getuid(), geteuid(), geteuid(), geteuid());
	kt_check(!strcmp(v, want), "status Uid: real, effective, saved, fs");
	kt_field(text, "Gid", v, sizeof(v));
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", getgid(), getegid(), getegid(), getegid());
	kt_check(!strcmp(v, want), "status Gid");
	kt_field(text, "Umask", v, sizeof(v));
	mode_t old = umask(022);
	umask(old);
	snprintf(want, sizeof(want), "%04o", old);
	kt_check(!strcmp(v, want), "status Umask");
	kt_field(text, "SigBlk", v, sizeof(v));
	kt_check(strlen(v) == 16, "status SigBlk: 16 hex digits");
	kt_check(kt_field(text, "VmRSS", v, sizeof(v)) && strstr(v, " kB"), "status VmRSS in kB");
}

/* The fields of a stat line; the comm (field 2) may hold spaces. */
static int stat_fields(const char *line, char comm[64], char fields[64][32])
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	if (!open || !close)
		return 0;
	snprintf(fields[0], 32, "%.*s", (int)(open - line - 1), line);
	snprintf(comm, 64, "%.*s", (int)(close - open - 1), open + 1);
	int n = 2;
	for (const char *p = close + 2; *p && *p != '\n' && n < 64; n++) {
		size_t len = strcspn(p, " \n");
		snprintf(fields[n - 1], 32, "%.*s", (int)len, p);
		p += len;
		if (*p == ' ')
			p++;
	}
	return n;
}

static unsigned long ul(const char *s) { return strtoul(s, NULL, 10); }

static void stat_line(int argc, char **argv)
{
	char comm[64], f[64][32];
	kt_read_file("/proc/self/stat", text, sizeof(text));
	int n = stat_fields(text, comm, f);
	kt_check_eq("stat fields", n, 52);
	kt_check_eq("stat pid", ul(f[0]), getpid());
	kt_check(!strcmp(comm, "pid_self"), "stat comm");
	kt_check(!strcmp(f[1], "R"), "stat state R");
	kt_check_eq("stat ppid", atol(f[2]), getppid());
	kt_check_eq("stat pgrp", atol(f[3]), getpgrp());
	kt_check_eq("stat session", atol(f[4]), getsid(0));
	kt_check_eq("stat num_threads", atol(f[18]), 1);
	kt_check_eq("stat rsslim", strtoull(f[23], NULL, 10) == ULLONG_MAX, 1);
	unsigned long main_at = (unsigned long)&stat_line;
	kt_check(ul(f[24]) <= main_at && main_at < ul(f[25]), "stat startcode <= code < endcode");
	kt_check(ul(f[26]) > (unsigned long)&n, "stat startstack above main's locals");
	if (!kt_check(ul(f[21]) > 0, "stat vsize"))
		printf("  (%s %s)\n", f[21], f[22]);
	unsigned long arg0 = (unsigned long)argv[0], env0 = (unsigned long)environ[0];
	kt_check(ul(f[46]) == arg0 && ul(f[47]) == (unsigned long)argv[argc - 1] + strlen(argv[argc - 1]) + 1,
		 "stat arg_start and arg_end: argv's strings");
	kt_check(ul(f[48]) <= env0 && env0 < ul(f[49]), "stat env_start <= environ[0] < env_end");
	kt_check(ul(f[45]) <= (unsigned long)sbrk(0), "stat start_brk <= sbrk(0)");
	kt_read_file("/proc/self/statm", text, sizeof(text));
	int words = 0;
	for (char *p = strtok(text, " \n"); p; p = strtok(NULL, " \n"))
		words++;
	kt_check_eq("statm fields", words, 7);
}

/* Reads path in pieces of `piece` bytes into buf: the total. */
static size_t read_pieces(const char *path, char *buf, size_t size, size_t piece)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n;
	while (fd >= 0 && len + piece <= size && (n = read(fd, buf + len, piece)) > 0)
		len += n;
	close(fd);
	return len;
}

static void args_and_environ(int argc, char **argv)
{
	char want[4096], got[4096];
	size_t wlen = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(want + wlen, argv[i], n);
		wlen += n;
	}
	size_t glen = read_pieces("/proc/self/cmdline", got, sizeof(got), 3);
	kt_check(glen == wlen && !memcmp(got, want, wlen), "cmdline: argv, NUL-separated (3-byte reads)");
	wlen = 0;
	for (char **e = environ; *e && wlen < sizeof(want) - 256; e++) {
		size_t n = strlen(*e) + 1;
		memcpy(want + wlen, *e, n);
		wlen += n;
	}
	glen = read_pieces("/proc/self/environ", got, sizeof(got), 7);
	kt_check(glen == wlen && !memcmp(got, want, wlen), "environ: the environment (7-byte reads)");
}

/* auxv: the pairs the program started with, AT_NULL last. */
static void auxv(void)
{
	static unsigned long v[512];
	ssize_t n = kt_read_file("/proc/self/auxv", (char *)v, sizeof(v));
	int pairs = n / 16, entry = 0, pagesz = 0, uid = 0;
	for (int i = 0; i < pairs; i++) {
		entry |= v[2 * i] == AT_ENTRY && v[2 * i + 1] == getauxval(AT_ENTRY);
		pagesz |= v[2 * i] == AT_PAGESZ && v[2 * i + 1] == 4096;
		uid |= v[2 * i] == AT_UID && v[2 * i + 1] == getuid();
	}
	kt_check(n > 0 && n % 16 == 0 && v[2 * (pairs - 1)] == AT_NULL, "auxv: pairs ending with AT_NULL");
	kt_check(entry && pagesz && uid, "auxv: AT_ENTRY, AT_PAGESZ, AT_UID as getauxval says");
}

static void links(void)
{
	char buf[PATH_MAX], want[PATH_MAX];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	kt_check(!strcmp(buf, want), "readlink /proc/self: the pid");
	n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof(want), "%d/task/%d", getpid(), gettid());
	kt_check(!strcmp(buf, want), "readlink /proc/thread-self: pid/task/tid");
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	const char *tail = "/usr/lib/kestrel/lab7/pid_self";
	kt_check(n >= (ssize_t)strlen(tail) && !strcmp(buf + n - strlen(tail), tail), "readlink exe: the program");
	struct stat a, b;
	kt_check(stat("/proc/self/exe", &a) == 0 && stat("usr/lib/kestrel/lab7/pid_self", &b) == 0 &&
		 a.st_ino == b.st_ino && a.st_dev == b.st_dev, "stat exe: the program's inode (a magic link)");
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	kt_check(getcwd(want, sizeof(want)) && !strcmp(buf, want), "readlink cwd == getcwd");
	n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	kt_check(!strcmp(buf, "/"), "readlink root: /");
	kt_check(stat("/proc/self/status", &a) == 0 && a.st_uid == geteuid() && a.st_gid == getegid(),
		 "/proc/self/status belongs to the process's euid and egid");
	kt_check(lstat("/proc/self/fd", &a) == 0 && (a.st_mode & 07777) == 0500, "fd/ mode 0500");
	kt_check(lstat("/proc/self/environ", &a) == 0 && (a.st_mode & 07777) == 0400, "environ mode 0400");
}

static void pid_list(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int self = 0, me = 0, sorted = 1, thread_self = 0;
	long last = 0;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, "self"))
			self = e->d_type == DT_LNK;
		else if (!strcmp(e->d_name, "thread-self"))
			thread_self = e->d_type == DT_LNK;
		else if (e->d_name[0] >= '1' && e->d_name[0] <= '9') {
			long pid = atol(e->d_name);
			sorted &= pid > last && e->d_type == DT_DIR;
			last = pid;
			me |= pid == getpid();
		}
	}
	closedir(d);
	kt_check(self && thread_self, "/proc lists self and thread-self (links)");
	kt_check(me, "/proc lists our pid");
	kt_check(sorted, "/proc lists pids in order, as directories");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", getpid());
	d = opendir(path);
	int n = 0, mine = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			n++;
			mine |= atol(e->d_name) == gettid();
		}
	closedir(d);
	kt_check(n == 1 && mine, "task/ lists our one thread");
}

static void offsets(void)
{
	static char whole[8192], pieces[8192], again[64];
	ssize_t len = kt_read_file("/proc/self/limits", whole, sizeof(whole));
	size_t got = read_pieces("/proc/self/limits", pieces, sizeof(pieces), 5);
	kt_check(len > 100 && got == (size_t)len && !memcmp(whole, pieces, len), "limits read 5 bytes at a time");
	int fd = open("/proc/self/limits", O_RDONLY);
	kt_check(pread(fd, again, 10, 30) == 10 && !memcmp(again, whole + 30, 10), "pread at 30");
	kt_check(lseek(fd, 100, SEEK_SET) == 100 && read(fd, again, 10) == 10 && !memcmp(again, whole + 100, 10),
		 "lseek to 100, read");
	kt_check(lseek(fd, -20, SEEK_CUR) == 90, "lseek SEEK_CUR -20");
	kt_check(lseek(fd, len + 100, SEEK_SET) == len + 100 && read(fd, again, 10) == 0, "read past the end: 0");
	kt_expect_err("lseek -1", lseek(fd, -1, SEEK_SET), EINVAL);
	close(fd);
	/* A read at offset 0 takes a new snapshot: a changed name shows. */
	fd = open("/proc/self/comm", O_RDONLY);
	char a[32] = "", b[32] = "";
	read(fd, a, sizeof(a) - 1);
	prctl(PR_SET_NAME, "renamed");
	kt_check(read(fd, b, sizeof(b)) == 0, "comm: read on at the end: 0 (the snapshot)");
	lseek(fd, 0, SEEK_SET);
	read(fd, b, sizeof(b) - 1);
	kt_check(!strcmp(a, "pid_self\n") && !strcmp(b, "renamed\n"), "comm: a read at 0 again sees the new name");
	close(fd);
}

static void comm(void)
{
	char name[32] = "", got[64];
	int fd = open("/proc/self/comm", O_WRONLY);
	kt_check(write(fd, "written-name", 12) == 12, "write comm");
	close(fd);
	prctl(PR_GET_NAME, name);
	kt_check(!strcmp(name, "written-name"), "prctl(PR_GET_NAME) sees it");
	fd = open("/proc/self/comm", O_WRONLY);
	kt_check(write(fd, "a-name-longer-than-15", 21) == 21, "write 21 bytes to comm");
	close(fd);
	kt_read_file("/proc/self/comm", got, sizeof(got));
	kt_check(!strcmp(got, "a-name-longer-t\n"), "comm keeps 15 of them");
	prctl(PR_SET_NAME, "via-prctl");
	snprintf(name, sizeof(name), "/proc/self/task/%d/comm", gettid());
	kt_read_file(name, got, sizeof(got));
	kt_check(!strcmp(got, "via-prctl\n"), "task/TID/comm after PR_SET_NAME");
	prctl(PR_SET_NAME, "pid_self");
}

static void oom_score_adj(void)
{
	char got[32];
	kt_read_file("/proc/self/oom_score_adj", got, sizeof(got));
	kt_check(!strcmp(got, "0\n"), "oom_score_adj 0");
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	kt_check(write(fd, "500\n", 4) == 4, "write 500");
	kt_expect_err("write 2000", write(fd, "2000", 4), EINVAL);
	kt_expect_err("write junk", write(fd, "12x", 3), EINVAL);
	close(fd);
	pid_t c = kt_fork();
	if (c == 0) {
		kt_read_file("/proc/self/oom_score_adj", got, sizeof(got));
		_exit(strcmp(got, "500\n") != 0);
	}
	int st;
	waitpid(c, &st, 0);
	kt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child inherits 500");
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	write(fd, "0", 1);
	close(fd);
}

static void limits(void)
{
	struct rlimit r;
	getrlimit(RLIMIT_NOFILE, &r);
	kt_read_file("/proc/self/limits", text, sizeof(text));
	char want[128];
	snprintf(want, sizeof(want), "Max open files            %-20lu %-20lu files     \n", (unsigned long)r.rlim_cur,
		 (unsigned long)r.rlim_max);
	kt_check(strstr(text, want) != NULL, "limits: Max open files as getrlimit");
	kt_check(!strncmp(text, "Limit                     Soft Limit           Hard Limit           Units     \n", 79),
		 "limits: the header");
	int lines = 0;
	for (char *p = text; (p = strchr(p, '\n')); p++)
		lines++;
	kt_check_eq("limits lines", lines, 17);
}

static void dead_child(void)
{
	int pipefd[2];
	pipe(pipefd);
	pid_t c = kt_fork();
	if (c == 0) {
		close(pipefd[0]);
		_exit(0);
	}
	close(pipefd[1]);
	char b, path[64], dirpath[64];
	read(pipefd[0], &b, 1);     /* EOF: the child is exiting */
	close(pipefd[0]);
	snprintf(dirpath, sizeof(dirpath), "/proc/%d", c);
	snprintf(path, sizeof(path), "/proc/%d/stat", c);
	int dir = open(dirpath, O_RDONLY | O_DIRECTORY);
	/* A zombie keeps its /proc/PID until it is collected. */
	char f[64][32], comm_[64];
	int zombie = 0;
	for (int i = 0; i < 500 && !zombie; i++) {
		if (kt_read_file(path, text, sizeof(text)) > 0 && stat_fields(text, comm_, f) == 52)
			zombie = !strcmp(f[1], "Z");
		if (!zombie)
			kt_sleep_ms(2);
	}
	kt_check(dir >= 0 && zombie, "a zombie child: /proc/PID/stat says Z");
	waitpid(c, NULL, 0);
	struct stat st;
	kt_expect_err("collected: stat /proc/PID", stat(dirpath, &st), ENOENT);
	kt_expect_err("collected: open /proc/PID/stat", open(path, O_RDONLY), ENOENT);
	kt_expect_err("collected: openat(dirfd, status)", openat(dir, "status", O_RDONLY), ESRCH);
	close(dir);
	DIR *d = opendir("/proc");
	struct dirent *e;
	int listed = 0;
	while (d && (e = readdir(d)))
		listed |= atol(e->d_name) == c;
	closedir(d);
	kt_check(!listed, "collected: not in /proc's list");
}

/* Another user (nobody, in a child) may read our status and cmdline, not
 * our environ, auxv, maps, fd/ or where exe leads. */
static void other_user(void)
{
	pid_t parent = getpid();
	pid_t c = kt_fork();
	if (c == 0) {
		char p[64], buf[256];
		*kt_failures() = 0;
		if (setgid(65534) || setuid(65534)) {
			printf("setuid: BAD\n");
			_exit(1);
		}
		snprintf(p, sizeof(p), "/proc/%d/status", parent);
		kt_check(kt_read_file(p, text, sizeof(text)) > 0, "nobody reads our status");
		snprintf(p, sizeof(p), "/proc/%d/cmdline", parent);
		kt_check(kt_read_file(p, text, sizeof(text)) > 0, "nobody reads our cmdline");
		snprintf(p, sizeof(p), "/proc/%d/environ", parent);
		kt_expect_err("nobody opens our environ", open(p, O_RDONLY), EACCES);
		snprintf(p, sizeof(p), "/proc/%d/auxv", parent);
		kt_expect_err("nobody opens our auxv", open(p, O_RDONLY), EACCES);
		snprintf(p, sizeof(p), "/proc/%d/maps", parent);
		kt_expect_err("nobody opens our maps", open(p, O_RDONLY), EACCES);
		snprintf(p, sizeof(p), "/proc/%d/fd", parent);
		kt_expect_err("nobody opens our fd/", open(p, O_RDONLY | O_DIRECTORY), EACCES);
		snprintf(p, sizeof(p), "/proc/%d/exe", parent);
		kt_expect_err("nobody reads our exe link", readlink(p, buf, sizeof(buf)), EACCES);
		/* setuid made it not dumpable: its /proc/PID is root's now. */
		kt_expect_err("nor its own environ (not dumpable)", open("/proc/self/environ", O_RDONLY), EACCES);
		_exit(kt_status());
	}
	int st;
	waitpid(c, &st, 0);
	kt_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "nobody's checks");
}

int main(int argc, char **argv)
{
	kt_proc_mount();
	setvbuf(stdout, NULL, _IOLBF, 0);
	status_structure();
	status_values();
	stat_line(argc, argv);
	args_and_environ(argc, argv);
	auxv();
	links();
	pid_list();
	offsets();
	comm();
	oom_score_adj();
	limits();
	dead_child();
	other_user();
	return kt_status();
}
