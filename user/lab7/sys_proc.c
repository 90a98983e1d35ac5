/* sys_proc: the system-wide files of /proc, by structure and by the
 * relations their values must keep, the same on Linux and Kestrel.
 *
 * meminfo: the field names in order, and MemFree, MemAvailable, Buffers
 * + Cached within MemTotal, Shmem within Cached, MemTotal what sysinfo
 * says. Fields that depend on the kernel's version or configuration are
 * skipped (see OPTIONAL_MEMINFO): Linux 6.1 with Debian's configuration
 * prints HardwareCorrupted, this host's 6.18 does not and adds Balloon.
 * cpuinfo: one block per CPU the process may run on, numbered 0..N-1,
 * each with the same fields (microcode, TLB size and vmx flags are
 * optional: Linux prints them only on some CPUs). stat: "cpu " and one
 * cpuN line per CPU with 10 columns whose sum is the uptime, the other
 * lines in Linux's order, btime + uptime = now. uptime, loadavg,
 * version, filesystems, partitions, interrupts: their formats. /proc/sys:
 * the uname strings, numbers where numbers are, a boot_id that stays and
 * a uuid that changes, and hostname written like sethostname (in a UTS
 * namespace of its own on Linux, so the host keeps its name). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <kt.h>
#include <kt_sys.h>

static int online_cpus(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -1;
	return CPU_COUNT(&set);
}

static const char *const OPTIONAL_MEMINFO[] = {
	"HardwareCorrupted", "Balloon", "Zswap", "Zswapped", "CmaTotal", "CmaFree",
	"Unaccepted", "ShadowCallStack", "HighTotal", "HighFree", "LowTotal", "LowFree", NULL,
};

static int listed(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

static void check_meminfo(void)
{
	char *text = sys_read("/proc/meminfo", 0), *p = text, *line;
	if (!kt_check(text != NULL, "meminfo readable"))
		return;
	unsigned long total = 0, free_ = 0, avail = 0, buffers = 0, cached = 0, shmem = 0;
	int format_ok = 1;
	printf("meminfo fields:");
	while ((line = sys_line(&p))) {
		char name[64], unit[8] = "";
		unsigned long v;
		int n = sscanf(line, "%63[^:]: %lu %7s", name, &v, unit);
		if (n < 2 || (n == 3 && strcmp(unit, "kB")))
			format_ok = 0;
		if (n < 2)
			continue;
		if (!listed(name, OPTIONAL_MEMINFO))
			printf(" %s", name);
		unsigned long *slot = !strcmp(name, "MemTotal") ? &total : !strcmp(name, "MemFree") ? &free_ :
			!strcmp(name, "MemAvailable") ? &avail : !strcmp(name, "Buffers") ? &buffers :
			!strcmp(name, "Cached") ? &cached : !strcmp(name, "Shmem") ? &shmem : NULL;
		if (slot)
			*slot = v;
	}
	printf("\n");
	kt_check(format_ok, "meminfo lines are \"Name: value kB\"");
	kt_check(free_ <= total && avail <= total, "MemFree and MemAvailable within MemTotal");
	kt_check(buffers + cached <= total && shmem <= cached, "Buffers + Cached within MemTotal, Shmem within Cached");
	struct sysinfo si;
	sysinfo(&si);
	kt_check(total * 1024 == si.totalram * si.mem_unit, "MemTotal is sysinfo's totalram");
}

/* The names of one block's fields, optional ones left out. */
static const char *const OPTIONAL_CPUINFO[] = { "microcode", "TLB size", "vmx flags", NULL };

static void check_cpuinfo(void)
{
	char *text = sys_read("/proc/cpuinfo", 0), *p = text, *line;
	if (!kt_check(text != NULL, "cpuinfo readable"))
		return;
	char first[2048] = "", cur[2048] = "";
	int blocks = 0, same = 1, numbered = 1;
	while ((line = sys_line(&p))) {
		if (!*line) {               /* a block ends */
			if (blocks++ == 0)
				strcpy(first, cur);
			else if (strcmp(first, cur))
				same = 0;
			cur[0] = '\0';
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		char *end = colon;
		while (end > line && (end[-1] == '\t' || end[-1] == ' '))
			end--;
		*end = '\0';
		if (!strcmp(line, "processor") && atoi(colon + 1) != blocks)
			numbered = 0;
		if (!listed(line, OPTIONAL_CPUINFO) && strlen(cur) + strlen(line) + 2 < sizeof(cur)) {
			strcat(cur, " ");
			strcat(cur, line);
		}
	}
	printf("cpuinfo fields:%s\n", first);
	kt_check(blocks == online_cpus(), "cpuinfo has one block per CPU");
	kt_check(same, "every block has the same fields");
	kt_check(numbered, "processor numbers 0, 1, ... in order");
}

static void check_stat(void)
{
	char *text = sys_read("/proc/stat", 0), *p = text, *line;
	if (!kt_check(text != NULL, "stat readable"))
		return;
	struct sysinfo si;
	sysinfo(&si);
	int cpu_lines = 0, columns_ok = 1, sums_ok = 1, softirq_ok = 0, intr_ok = 0;
	long btime = 0, running = 0;
	printf("stat keys:");
	while ((line = sys_line(&p))) {
		char *w[400];
		int n = sys_words(line, w, 400);
		if (n == 0)
			continue;
		if (!strncmp(w[0], "cpu", 3)) {
			if (cpu_lines++ < 2)
				printf(" %s", cpu_lines == 1 ? "cpu" : "cpuN...");
			if (n != 11)
				columns_ok = 0;
			unsigned long long sum = 0;
			for (int i = 1; i < n && i <= 8; i++)
				sum += strtoull(w[i], NULL, 10);
			/* The columns share out the time since boot (the total line, N times it). */
			unsigned long long want = (unsigned long long)si.uptime * 100 * (cpu_lines == 1 ? online_cpus() : 1);
			if (sum + 200 + want / 20 < want || sum > want + 200 + want / 20)
				sums_ok = 0;
			continue;
		}
		printf(" %s", w[0]);
		if (!strcmp(w[0], "intr")) {
			unsigned long long total = strtoull(w[1], NULL, 10), rest = 0;
			for (int i = 2; i < n; i++)
				rest += strtoull(w[i], NULL, 10);
			intr_ok = n >= 2 && total >= rest && total > 0;
		} else if (!strcmp(w[0], "softirq")) {
			softirq_ok = n == 12;
		} else if (!strcmp(w[0], "btime")) {
			btime = atol(w[1]);
		} else if (!strcmp(w[0], "procs_running")) {
			running = atol(w[1]);
		}
	}
	printf("\n");
	kt_check(cpu_lines == online_cpus() + 1, "one cpu line, then one per CPU");
	kt_check(columns_ok, "10 columns on each cpu line");
	kt_check(sums_ok, "each cpu line's time adds up to the uptime (the first: N times it)");
	kt_check(intr_ok, "intr: a total, then the counts");
	kt_check(softirq_ok, "softirq: a total and 10 counts");
	long drift = btime + si.uptime - (long)time(NULL);
	kt_check(drift >= -3 && drift <= 3, "btime + uptime is now");
	kt_check(running >= 1, "procs_running counts this process");
}

static void check_uptime_loadavg(void)
{
	struct sysinfo si;
	sysinfo(&si);
	char *up = sys_read("/proc/uptime", 0);
	unsigned long a, b, c, d;
	char end;
	kt_check(up && sscanf(up, "%lu.%2lu %lu.%2lu%c", &a, &b, &c, &d, &end) == 5 && end == '\n' &&
		 up[strlen(up) - 4] == '.', "uptime: \"SECONDS.CC IDLE.CC\"");
	kt_check(up && (long)a >= (long)si.uptime - 2 && (long)a <= (long)si.uptime + 2, "uptime is sysinfo's");
	char *la = sys_read("/proc/loadavg", 0);
	unsigned long l[6], running, threads, last;
	int n = la ? sscanf(la, "%lu.%2lu %lu.%2lu %lu.%2lu %lu/%lu %lu%c", &l[0], &l[1], &l[2], &l[3], &l[4],
			    &l[5], &running, &threads, &last, &end) : 0;
	kt_check(n == 10 && end == '\n', "loadavg: \"L1 L5 L15 RUNNING/THREADS LASTPID\"");
	kt_check(n == 10 && running >= 1 && running <= threads && last > 0, "loadavg's counts");
}

static void check_version_filesystems(void)
{
	struct utsname u;
	uname(&u);
	char want[200];
	snprintf(want, sizeof(want), "%s version %s (", u.sysname, u.release);
	char *v = sys_read("/proc/version", 0);
	kt_check(v && !strncmp(v, want, strlen(want)) && v[strlen(v) - 1] == '\n',
		 "version: \"Linux version RELEASE (...\"");
	char *text = sys_read("/proc/filesystems", 0), *p = text, *line;
	int format_ok = text != NULL, proc = 0, sysfs = 0, tmpfs = 0, ext2 = 0;
	while ((line = sys_line(&p))) {
		char *tab = strchr(line, '\t');
		if (!tab || (tab != line && strncmp(line, "nodev\t", 6)) || !tab[1])
			format_ok = 0;
		proc |= !strcmp(line, "nodev\tproc");
		sysfs |= !strcmp(line, "nodev\tsysfs");
		tmpfs |= !strcmp(line, "nodev\ttmpfs");
		ext2 |= !strcmp(line, "\text2");
	}
	kt_check(format_ok, "filesystems: \"nodev<TAB>name\" or \"<TAB>name\"");
	kt_check(proc && sysfs && tmpfs && ext2, "filesystems lists proc, sysfs, tmpfs (nodev) and ext2");
}

/* Each disk's row ("major minor #blocks name") matches its /sys/block
 * directory (partitions, which have none there, are skipped): the same
 * numbers as dev, half as many blocks as size's sectors. */
static void check_partitions(void)
{
	char *text = sys_read("/proc/partitions", 0), *p = text, *line;
	kt_check(text && !strncmp(text, "major minor  #blocks  name\n\n", 28), "partitions: header, blank line");
	int rows_ok = 1, disks = 0, disks_ok = 1;
	for (int i = 0; text && (line = sys_line(&p)); i++) {
		if (i < 2)
			continue;
		char *w[8];
		int n = sys_words(line, w, 8);
		if (n != 4 || !sys_is_number(w[0]) || !sys_is_number(w[1]) || !sys_is_number(w[2])) {
			rows_ok = 0;
			continue;
		}
		char path[128], want[64];
		snprintf(path, sizeof(path), "/sys/block/%s/size", w[3]);
		char *size = sys_read(path, 1);
		if (!size)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/dev", w[3]);
		char *dev = sys_read(path, 2);
		snprintf(want, sizeof(want), "%s:%s\n", w[0], w[1]);
		disks++;
		disks_ok &= strtoull(size, NULL, 10) == 2 * strtoull(w[2], NULL, 10) && dev && !strcmp(dev, want);
	}
	kt_check(rows_ok, "partitions: rows of 4 columns");
	kt_check(disks > 0 && disks_ok, "each disk's row matches /sys/block/DISK/{size,dev}");
}

static void check_interrupts(void)
{
	char *text = sys_read("/proc/interrupts", 0), *p = text, *line;
	if (!kt_check(text != NULL, "interrupts readable"))
		return;
	int ncpu = online_cpus(), header_ok = 0, rows_ok = 1, loc = 0;
	for (int i = 0; (line = sys_line(&p)); i++) {
		char *w[64];
		int n = sys_words(line, w, 64);
		if (i == 0) {
			header_ok = n == ncpu && !strcmp(w[0], "CPU0") && line[0] == ' ';
			continue;
		}
		if (n < 2 || w[0][strlen(w[0]) - 1] != ':') {
			rows_ok = 0;
			continue;
		}
		int counts = 0;
		while (counts + 1 < n && sys_is_number(w[counts + 1]))
			counts++;
		if (!strcmp(w[0], "ERR:") || !strcmp(w[0], "MIS:"))
			rows_ok &= counts == 1;
		else
			rows_ok &= counts == ncpu && n > ncpu + 1;
		if (!strcmp(w[0], "LOC:"))
			loc = atol(w[1]) > 0;
	}
	kt_check(header_ok, "interrupts: a CPU0 CPU1 ... header");
	kt_check(rows_ok, "interrupts: a count per CPU on each row, then a name");
	kt_check(loc, "interrupts: CPU 0 counted local timer interrupts");
}

static char *sysctl(const char *name, int slot)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return sys_read(path, slot);
}

static int is_uuid(const char *s)
{
	if (!s || strlen(s) != 37 || s[36] != '\n')
		return 0;
	for (int i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	return s[14] == '4';
}

static int same_line(const char *file, const char *value)
{
	return file && !strncmp(file, value, strlen(value)) && !strcmp(file + strlen(value), "\n");
}

static int number_line(const char *file)
{
	if (!file || !*file || file[strlen(file) - 1] != '\n')
		return 0;
	char buf[32];
	snprintf(buf, sizeof(buf), "%s", file);
	buf[strcspn(buf, "\n")] = '\0';
	return sys_is_number(buf);
}

/* hostname written through /proc, read back through uname, then put back;
 * a user without privileges may not write it. On Linux in a UTS namespace
 * of our own, so that the host keeps its name even if this fails half
 * way; as the kernel's first process (pid 1), nothing else is there. */
static void check_hostname_write(void)
{
	if (getpid() != 1 && unshare(CLONE_NEWUTS) != 0)
		printf("unshare: %s\n", kt_errname(errno));
	struct utsname before, after;
	uname(&before);
	int fd = open("/proc/sys/kernel/hostname", O_WRONLY);
	kt_check(fd >= 0 && write(fd, "kt-sys-name\n", 12) == 12, "write /proc/sys/kernel/hostname");
	if (fd >= 0)
		close(fd);
	uname(&after);
	kt_check(!strcmp(after.nodename, "kt-sys-name"), "uname sees the name written, newline dropped");
	kt_check(same_line(sysctl("kernel/hostname", 0), "kt-sys-name"), "the file reads it back");
	kt_check(sethostname(before.nodename, strlen(before.nodename)) == 0 &&
		 same_line(sysctl("kernel/hostname", 0), before.nodename), "sethostname shows in the file");
	pid_t pid = fork();
	if (pid == 0) {
		if (setuid(65534) != 0)
			_exit(2);
		int fd2 = open("/proc/sys/kernel/hostname", O_WRONLY);
		_exit(fd2 < 0 && errno == EACCES ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a user opening it for writing: EACCES");
}

static void check_sysctl(void)
{
	struct utsname u;
	uname(&u);
	kt_check(same_line(sysctl("kernel/ostype", 0), u.sysname) &&
		 same_line(sysctl("kernel/osrelease", 0), u.release) &&
		 same_line(sysctl("kernel/version", 0), u.version) &&
		 same_line(sysctl("kernel/hostname", 0), u.nodename) &&
		 same_line(sysctl("kernel/domainname", 0), u.domainname),
		 "kernel/{ostype,osrelease,version,hostname,domainname} are uname's");
	kt_check(number_line(sysctl("kernel/pid_max", 0)) && number_line(sysctl("kernel/threads-max", 0)) &&
		 number_line(sysctl("fs/file-max", 0)) && number_line(sysctl("net/core/somaxconn", 0)),
		 "pid_max, threads-max, file-max, somaxconn are numbers");
	char *oc = sysctl("vm/overcommit_memory", 0);
	kt_check(oc && strlen(oc) == 2 && oc[0] >= '0' && oc[0] <= '2' && oc[1] == '\n', "overcommit_memory is 0, 1 or 2");
	char *b1 = sysctl("kernel/random/boot_id", 0), *b2 = sysctl("kernel/random/boot_id", 1);
	kt_check(is_uuid(b1) && b2 && !strcmp(b1, b2), "boot_id: a UUID that stays");
	char *u1 = sysctl("kernel/random/uuid", 0), *u2 = sysctl("kernel/random/uuid", 1);
	kt_check(is_uuid(u1) && is_uuid(u2) && strcmp(u1, u2), "uuid: a new UUID at each read");
	check_hostname_write();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sys_mount_all();
	check_meminfo();
	check_cpuinfo();
	check_stat();
	check_uptime_loadavg();
	check_version_filesystems();
	check_partitions();
	check_interrupts();
	check_sysctl();
	return kt_status();
}
