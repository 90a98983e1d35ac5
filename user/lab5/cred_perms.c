/* cred_perms: permission checks for an ordinary user. Runs as root (the
 * kernel's first process; root on the host, in a copy of the image's
 * tree, so relative paths name the same files), prepares files owned by
 * root, then forks a child that drops to uid 1000 (setgroups, setresgid,
 * setresuid, as login programs do) and tries what a user may not do and
 * what it may, printing Linux's errno for each. Last, the child runs a
 * set-user-ID-root copy of this program, made here with chown and chmod
 * 06755, which shows its ids and what access() answers for them.
 *
 * Files live in tmp/ (a sticky 1777 directory on both sides) and in
 * home/user (owned by uid 1000). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <time.h>
#include <sys/auxv.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <kt.h>
#include <kt_fs.h>

#define USER 1000
#define OTHER_GROUP 50          /* a group uid 1000 is not in */
#define SELF "usr/lib/kestrel/lab5/cred_perms"

/* A copy of this program at path with mode (root-owned, gid group). */
static void copy_self(const char *path, gid_t group, mode_t mode)
{
	char buf[8192];
	int in = open(SELF, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	long n;
	if (in < 0 || out < 0) {
		printf("cannot copy %s to %s: %s\n", SELF, path, kt_errname(errno));
		exit(1);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(in);
	close(out);
	kt_res("chown copy", chown(path, 0, group));
	kt_res("chmod copy", chmod(path, mode));
}

static void show_mode(const char *what, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		printf("%s: -1 %s\n", what, kt_errname(errno));
	else
		printf("%s: mode %04o uid %u gid %u\n", what, st.st_mode & 07777, st.st_uid, st.st_gid);
}

static void show_ids(const char *what)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid %u %u %u gid %u %u %u\n", what, r, e, s, gr, ge, gs);
}

/* Runs path as a child (exec), reporting how exec went. */
static void try_exec(const char *what, const char *path, const char *arg)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, (char *)arg, NULL };
		execv(path, argv);
		printf("%s: -1 %s\n", what, kt_errname(errno));
		exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("%s: child exit %d\n", what, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Appends a byte to path, as the caller. */
static void append(const char *what, const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	kt_res(what, fd < 0 ? -1 : write(fd, "x", 1));
	close(fd);
}

/* As root: the files the user's checks need. */
static void prepare(void)
{
	umask(022);
	kt_rmtree("tmp/kt-cred");
	kt_res("mkdir kt-cred", mkdir("tmp/kt-cred", 0755));
	kt_put("tmp/kt-cred/secret", "secret\n");
	chmod("tmp/kt-cred/secret", 0600);
	kt_put("tmp/kt-cred/world", "anyone may write\n");
	chmod("tmp/kt-cred/world", 0666);
	kt_put("tmp/kt-root-in-tmp", "root's, in sticky tmp\n");
	unlink("tmp/kt-user-in-tmp");
	mkdir("tmp/kt-cred/private", 0700);
	kt_put("tmp/kt-cred/private/f", "f\n");
	mkdir("tmp/kt-cred/xonly", 0711);
	kt_put("tmp/kt-cred/xonly/f", "f\n");
	kt_res("mkdir sgid", mkdir("tmp/kt-cred/sgid", 0777));
	kt_res("chown sgid", chown("tmp/kt-cred/sgid", 0, OTHER_GROUP));
	kt_res("chmod sgid", chmod("tmp/kt-cred/sgid", 02777));
	show_mode("sgid dir", "tmp/kt-cred/sgid");
	copy_self("tmp/kt-cred/noexec", 0, 0644);
	copy_self("tmp/kt-cred/xonly-prog", 0, 0711);
	copy_self("tmp/kt-cred/suid", OTHER_GROUP, 06755);
	show_mode("suid copy", "tmp/kt-cred/suid");
	/* chown clears set-user-ID, even root's. */
	kt_res("chmod 04755", chmod("tmp/kt-cred/xonly-prog", 04755));
	kt_res("chown it", chown("tmp/kt-cred/xonly-prog", 0, 0));
	show_mode("after chown", "tmp/kt-cred/xonly-prog");
	kt_res("chmod 0711", chmod("tmp/kt-cred/xonly-prog", 0711));
	/* A write by root (CAP_FSETID) leaves set-user-ID on. */
	kt_put("tmp/kt-cred/suid-data", "data\n");
	kt_res("chmod 06777", chmod("tmp/kt-cred/suid-data", 06777));
	append("root writes to it", "tmp/kt-cred/suid-data");
	show_mode("after root's write", "tmp/kt-cred/suid-data");
	kt_rmtree("home/user/kt-cred");

	/* What root may do that a user may not; root still needs an x bit. */
	kt_res_fd("root: open secret", open("tmp/kt-cred/secret", O_RDWR));
	kt_res("root: access noexec X_OK", access("tmp/kt-cred/noexec", X_OK));
	kt_res("root: access private/f R_OK", access("tmp/kt-cred/private/f", R_OK));
	try_exec("root: exec noexec", "tmp/kt-cred/noexec", "hello");
}

static void forbidden(pid_t root_sibling)
{
	kt_expect_err("open secret", open("tmp/kt-cred/secret", O_RDONLY), EACCES);
	kt_expect_err("open etc/passwd for writing", open("etc/passwd", O_WRONLY), EACCES);
	kt_expect_err("open etc/hostname O_TRUNC", open("etc/hostname", O_RDONLY | O_TRUNC), EACCES);
	kt_expect_err("truncate etc/passwd", truncate("etc/passwd", 0), EACCES);
	kt_expect_err("mkdir in the root dir", mkdir("kt-cred-user", 0755), EACCES);
	kt_expect_err("create in kt-cred", open("tmp/kt-cred/new", O_WRONLY | O_CREAT, 0644), EACCES);
	kt_expect_err("symlink in etc", symlink("passwd", "etc/kt-link"), EACCES);
	kt_expect_err("unlink etc/hostname", unlink("etc/hostname"), EACCES);
	kt_expect_err("rename in etc", rename("etc/hostname", "etc/kt-name"), EACCES);
	kt_expect_err("unlink root's file in sticky tmp", unlink("tmp/kt-root-in-tmp"), EPERM);
	kt_expect_err("rename root's file in sticky tmp", rename("tmp/kt-root-in-tmp", "tmp/kt-user-in-tmp"), EPERM);
	kt_expect_err("rmdir root's dir in sticky tmp", rmdir("tmp/kt-cred"), EPERM);
	kt_expect_err("chmod root's file", chmod("tmp/kt-cred/world", 0777), EPERM);
	kt_expect_err("chmod tmp", chmod("tmp", 0777), EPERM);
	kt_expect_err("chown root's file to me", chown("tmp/kt-cred/world", USER, USER), EPERM);
	kt_expect_err("stat through a 0700 dir", access("tmp/kt-cred/private/f", F_OK), EACCES);
	kt_expect_err("open through a 0700 dir", open("tmp/kt-cred/private/f", O_RDONLY), EACCES);
	kt_expect_err("chdir into a 0700 dir", chdir("tmp/kt-cred/private"), EACCES);
	kt_expect_err("list a 0711 dir", open("tmp/kt-cred/xonly", O_RDONLY | O_DIRECTORY), EACCES);
	kt_expect_err("utimensat now, not writable", utimensat(AT_FDCWD, "etc/hostname", NULL, 0), EACCES);
	struct timespec times[2] = { { 1, 0 }, { 2, 0 } };
	kt_expect_err("utimensat times, not owner", utimensat(AT_FDCWD, "tmp/kt-cred/world", times, 0), EPERM);
	kt_expect_err("access etc/passwd W_OK", access("etc/passwd", W_OK), EACCES);
	kt_expect_err("access secret R_OK", access("tmp/kt-cred/secret", R_OK), EACCES);
	kt_expect_err("kill pid 1", kill(1, 0), EPERM);
	kt_expect_err("kill root parent", kill(getppid(), SIGTERM), EPERM);
	kt_expect_err("kill root sibling", kill(root_sibling, SIGKILL), EPERM);
	kt_expect_err("kill root sibling's group", kill(-root_sibling, SIGKILL), EPERM);
	kt_expect_err("open etc/passwd O_NOATIME", open("etc/passwd", O_RDONLY | O_NOATIME), EPERM);
	int fd = open("etc/passwd", O_RDONLY);
	kt_expect_err("F_SETFL O_NOATIME on etc/passwd", fcntl(fd, F_SETFL, O_NOATIME), EPERM);
	close(fd);
	kt_expect_err("setuid(0)", syscall(SYS_setuid, 0), EPERM);
	kt_expect_err("setgid(0)", syscall(SYS_setgid, 0), EPERM);
	kt_expect_err("seteuid(0)", syscall(SYS_setresuid, -1, 0, -1), EPERM);
	gid_t g = 0;
	kt_expect_err("setgroups", syscall(SYS_setgroups, 1, &g), EPERM);
	kt_expect_err("sethostname", sethostname("x", 1), EPERM);
	kt_expect_err("reboot", reboot(RB_POWER_OFF), EPERM);
	struct rlimit lim = { 64, 256 };
	kt_expect_err("raise a hard limit", setrlimit(RLIMIT_NOFILE, &lim), EPERM);
	kt_expect_err("limits of root's process", prlimit(getppid(), RLIMIT_NOFILE, NULL, &lim), EPERM);
	/* Setting the clock and raising priorities need CAP_SYS_TIME and
	 * CAP_SYS_NICE (raw calls: musl's sched_setscheduler is a stub). */
	struct timeval tv = { 1700000000, 0 };
	kt_expect_err("settimeofday", settimeofday(&tv, NULL), EPERM);
	struct timespec when = { 1700000000, 0 };
	kt_expect_err("clock_settime", clock_settime(CLOCK_REALTIME, &when), EPERM);
	kt_expect_err("lower my nice value", setpriority(PRIO_PROCESS, 0, -5), EACCES);
	kt_expect_err("renice root's process", setpriority(PRIO_PROCESS, getppid(), 5), EPERM);
	struct sched_param sp = { .sched_priority = 1 };
	kt_expect_err("SCHED_FIFO for me", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EPERM);
	sp.sched_priority = 0;
	kt_expect_err("SCHED_BATCH for root's process",
		      syscall(SYS_sched_setscheduler, getppid(), SCHED_BATCH, &sp), EPERM);
	cpu_set_t cpus;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	kt_expect_err("affinity of root's process", sched_setaffinity(getppid(), sizeof(cpus), &cpus), EPERM);
	kt_check_eq("setfsuid(0) changes nothing", syscall(SYS_setfsuid, 0), USER);
	kt_check_eq("fsuid still", syscall(SYS_setfsuid, -1), USER);
	try_exec("exec a 0644 file", "tmp/kt-cred/noexec", "hello");
}

static void allowed(pid_t root_sibling)
{
	char buf[64];
	kt_res_fd("open etc/passwd", open("etc/passwd", O_RDONLY));
	kt_res("access etc/passwd R_OK", access("etc/passwd", R_OK));
	kt_res("access secret F_OK", access("tmp/kt-cred/secret", F_OK));
	kt_res("stat through a 0711 dir", access("tmp/kt-cred/xonly/f", R_OK));
	kt_res("mkdir home/user/kt-cred", mkdir("home/user/kt-cred", 0755));
	kt_res("create a file", kt_put("home/user/kt-cred/mine", "mine\n"));
	show_mode("my file", "home/user/kt-cred/mine");
	show_mode("my dir", "home/user/kt-cred");
	kt_res("chmod mine", chmod("home/user/kt-cred/mine", 0600));
	/* A directory moving to another parent has its ".." rewritten. */
	kt_res("mkdir ro", mkdir("home/user/kt-cred/ro", 0555));
	kt_res("mkdir to", mkdir("home/user/kt-cred/to", 0755));
	kt_expect_err("move a 0555 dir elsewhere", rename("home/user/kt-cred/ro", "home/user/kt-cred/to/ro"), EACCES);
	kt_res("rename it in place", rename("home/user/kt-cred/ro", "home/user/kt-cred/ro2"));
	kt_res("chown mine to my group", chown("home/user/kt-cred/mine", -1, USER));
	kt_res("chown mine to me", chown("home/user/kt-cred/mine", USER, -1));
	kt_expect_err("chown mine to group 0", chown("home/user/kt-cred/mine", -1, 0), EPERM);
	kt_expect_err("chown mine to root", chown("home/user/kt-cred/mine", 0, -1), EPERM);
	struct timespec times[2] = { { 1, 0 }, { 2, 0 } };
	kt_res("utimensat times, owner", utimensat(AT_FDCWD, "home/user/kt-cred/mine", times, 0));
	kt_res("utimensat now, writable", utimensat(AT_FDCWD, "tmp/kt-cred/world", NULL, 0));
	kt_res_fd("open world for writing", open("tmp/kt-cred/world", O_WRONLY));
	kt_res("mine in sticky tmp", kt_put("tmp/kt-user-in-tmp", "user's\n"));
	kt_expect_err("rename mine over root's in tmp", rename("tmp/kt-user-in-tmp", "tmp/kt-root-in-tmp"), EPERM);
	kt_res("rename mine in tmp", rename("tmp/kt-user-in-tmp", "tmp/kt-user-in-tmp2"));
	kt_res("unlink mine in tmp", unlink("tmp/kt-user-in-tmp2"));
	/* A set-group-ID directory gives its group to what is made in it. */
	kt_res("file in sgid dir", kt_put("tmp/kt-cred/sgid/f", "f\n"));
	show_mode("file in sgid dir", "tmp/kt-cred/sgid/f");
	kt_res("dir in sgid dir", mkdir("tmp/kt-cred/sgid/d", 0755));
	show_mode("dir in sgid dir", "tmp/kt-cred/sgid/d");
	kt_res("chmod g+s, not in the group", chmod("tmp/kt-cred/sgid/f", 02644));
	show_mode("set-group-ID dropped", "tmp/kt-cred/sgid/f");
	kt_res("setuid(1000)", syscall(SYS_setuid, USER));
	struct rlimit lim = { 64, 100 };
	kt_res("lower a hard limit", setrlimit(RLIMIT_NOFILE, &lim));
	lim.rlim_max = 128;
	kt_expect_err("and raise it again", setrlimit(RLIMIT_NOFILE, &lim), EPERM);
	kt_res("raise my nice value", setpriority(PRIO_PROCESS, 0, 3));
	kt_check_eq("my priority (20 - nice)", syscall(SYS_getpriority, PRIO_PROCESS, 0), 17);
	kt_res("kill myself, signal 0", kill(getpid(), 0));
	kt_res("kill my group, signal 0 (some members are root's)", kill(0, 0));
	/* A user's write or truncate takes set-user-ID (and set-group-ID
	 * with group x) off, even off the user's own file. */
	append("write to root's 06777 file", "tmp/kt-cred/suid-data");
	show_mode("after the user's write", "tmp/kt-cred/suid-data");
	kt_res("chmod mine 04755", chmod("home/user/kt-cred/mine", 04755));
	append("write to mine", "home/user/kt-cred/mine");
	show_mode("mine after a write", "home/user/kt-cred/mine");
	kt_res("chmod mine 02750", chmod("home/user/kt-cred/mine", 02750));
	kt_res("truncate mine", truncate("home/user/kt-cred/mine", 1));
	show_mode("mine after truncate", "home/user/kt-cred/mine");
	kt_res("chmod mine 02740", chmod("home/user/kt-cred/mine", 02740));
	kt_res("truncate mine", truncate("home/user/kt-cred/mine", 0));
	show_mode("no group x: set-group-ID stays", "home/user/kt-cred/mine");
	kt_res_fd("open mine O_NOATIME", open("home/user/kt-cred/mine", O_RDONLY | O_NOATIME));
	int p[2];
	struct stat st;
	kt_res("pipe", pipe(p));
	kt_res("F_SETFL O_NOATIME on my pipe", fcntl(p[0], F_SETFL, O_NOATIME));
	fstat(p[0], &st);
	printf("my pipe: uid %u gid %u\n", st.st_uid, st.st_gid);
	kt_res("SIGCONT to root sibling (same session)", kill(root_sibling, SIGCONT));
	pid_t mine = kt_fork();
	if (mine == 0) {
		sleep(1000);
		_exit(0);
	}
	kt_res("kill my own child", kill(mine, SIGKILL));
	waitpid(mine, NULL, 0);
	kt_res("cleanup", kt_rmtree("home/user/kt-cred"));
	(void)buf;
	try_exec("exec a 0711 file (no read bit)", "tmp/kt-cred/xonly-prog", "hello");
	try_exec("exec set-user-ID root copy", "tmp/kt-cred/suid", "suid");
}

/* The set-user-ID-root copy, run by uid 1000. */
static int as_setuid_program(void)
{
	show_ids("set-id program");
	printf("AT_SECURE %lu AT_UID %lu AT_EUID %lu AT_EGID %lu\n", getauxval(AT_SECURE),
	       getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_EGID));
	kt_expect_err("access secret (real ids)", access("tmp/kt-cred/secret", R_OK), EACCES);
	kt_res("faccessat secret AT_EACCESS", faccessat(AT_FDCWD, "tmp/kt-cred/secret", R_OK, AT_EACCESS));
	kt_res_fd("open secret", open("tmp/kt-cred/secret", O_RDONLY));
	kt_res("setuid(1000): all three", syscall(SYS_setuid, USER));
	show_ids("after setuid");
	kt_expect_err("setuid(0) now", syscall(SYS_setuid, 0), EPERM);
	return kt_status();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "suid"))
		return as_setuid_program();
	if (argc > 1 && !strcmp(argv[1], "hello")) {
		printf("hello from the copy, euid %u\n", geteuid());
		return 0;
	}
	show_ids("start");
	prepare();
	pid_t sibling = kt_fork();
	if (sibling == 0) {
		setpgid(0, 0);
		for (;;)                /* a root process the user may not kill */
			sleep(1000);
		_exit(0);
	}
	setpgid(sibling, sibling);      /* a group of its own, before the user child tries it */
	pid_t pid = kt_fork();
	if (pid == 0) {
		struct rlimit lim = { 64, 128 };
		kt_res("setrlimit as root", setrlimit(RLIMIT_NOFILE, &lim));
		gid_t groups[] = { USER };
		kt_res("setgroups", syscall(SYS_setgroups, 1, groups));
		kt_res("setresgid", syscall(SYS_setresgid, USER, USER, USER));
		kt_res("setresuid", syscall(SYS_setresuid, USER, USER, USER));
		show_ids("dropped");
		forbidden(sibling);
		allowed(sibling);
		exit(kt_status());
	}
	int status;
	waitpid(pid, &status, 0);
	kill(sibling, SIGKILL);
	waitpid(sibling, NULL, 0);
	printf("user child: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "BAD");
	kt_rmtree("tmp/kt-cred");
	unlink("tmp/kt-root-in-tmp");
	return kt_status();
}
