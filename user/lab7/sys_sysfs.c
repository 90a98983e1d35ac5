/* sys_sysfs: /sys as programs read it, with 1 and with 4 CPUs.
 *
 * devices/system/cpu: online, possible and present list the N CPUs this
 * process may run on as Linux prints a CPU list ("0" or "0-3"), offline
 * is empty, one cpuK directory per CPU, cpuK/online "1" for K > 0 and
 * none in cpu0 (x86 cannot take its boot CPU offline). block/DISK:
 * size, dev and the 17 columns of stat. class/tty: the terminals' numbers.
 * kernel/mm/transparent_hugepage/enabled: one choice in brackets. Then
 * glibc's view (user/lab7/glibc/sys_nprocs), from the image's copy: the
 * host runs this in a copy of the image's tree, the kernel from "/". */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <sys/wait.h>
#include <kt.h>
#include <kt_sys.h>

#define CPU_DIR "/sys/devices/system/cpu"

static int affinity_cpus(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	return CPU_COUNT(&set);
}

/* "0", "0-3": a list from CPU 0 to at least n - 1 (exactly with exact). */
static int range_list(const char *text, int n, int exact)
{
	int last = 0;
	char end = 0;
	if (!text)
		return 0;
	if (!strcmp(text, "0\n"))
		last = 0;
	else if (sscanf(text, "0-%d%c", &last, &end) != 2 || end != '\n')
		return 0;
	return exact ? last == n - 1 : last >= n - 1;
}

/* online is exactly the CPUs we have; a machine may have more possible
 * or present ones (hot-plug), Kestrel's are the same. */
static void check_cpu_lists(int n)
{
	kt_check(range_list(sys_read(CPU_DIR "/online", 0), n, 1), "cpu/online lists the CPUs: \"0-N\"");
	kt_check(range_list(sys_read(CPU_DIR "/possible", 0), n, 0), "cpu/possible from 0 to at least N");
	kt_check(range_list(sys_read(CPU_DIR "/present", 0), n, 0), "cpu/present from 0 to at least N");
	char *off = sys_read(CPU_DIR "/offline", 0);
	kt_check(off && !strcmp(off, "\n"), "cpu/offline is empty");
	char *max = sys_read(CPU_DIR "/kernel_max", 0);
	kt_check(max && atoi(max) >= n - 1 && max[strlen(max) - 1] == '\n', "cpu/kernel_max: at least N - 1");
}

static void check_cpu_dirs(int n)
{
	DIR *d = opendir(CPU_DIR);
	int dirs = 0, online_ok = 1, seen0 = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "cpu", 3) || !sys_is_number(e->d_name + 3))
			continue;
		dirs++;
		int k = atoi(e->d_name + 3);
		char path[384];
		snprintf(path, sizeof(path), CPU_DIR "/%s/online", e->d_name);
		char *text = sys_read(path, 0);
		if (k == 0)
			seen0 = 1, online_ok &= text == NULL;
		else
			online_ok &= text && !strcmp(text, "1\n");
	}
	if (d)
		closedir(d);
	kt_check(dirs == n && seen0, "one cpuK directory per CPU");
	kt_check(online_ok, "cpuK/online is 1, cpu0 has none");
}

/* Every disk of /sys/block (the kernel's vda; on the host whatever it
 * has, loop devices included): size in sectors, dev "major:minor", stat
 * 17 counts; some disk has been read. */
static void check_block(void)
{
	DIR *d = opendir("/sys/block");
	int disks = 0, ok = 1, read_some = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		disks++;
		char path[384];
		snprintf(path, sizeof(path), "/sys/block/%s/size", e->d_name);
		char *size = sys_read(path, 0);
		ok &= size && size[strlen(size) - 1] == '\n';
		snprintf(path, sizeof(path), "/sys/block/%s/dev", e->d_name);
		char *dev = sys_read(path, 0);
		unsigned ma, mi;
		char end = 0;
		ok &= dev && sscanf(dev, "%u:%u%c", &ma, &mi, &end) == 3 && end == '\n';
		snprintf(path, sizeof(path), "/sys/block/%s/stat", e->d_name);
		char *stat = sys_read(path, 0);
		char *w[32];
		int n = stat ? sys_words(stat, w, 32) : 0;
		for (int i = 0; i < n; i++)
			ok &= sys_is_number(w[i]);
		ok &= n == 17;
		read_some |= n == 17 && atol(w[0]) > 0;
	}
	if (d)
		closedir(d);
	kt_check(disks > 0 && ok, "block/DISK/{size,dev,stat}: sectors, major:minor, 17 counts");
	kt_check(read_some, "block/DISK/stat: a disk was read");
}

static void check_misc(void)
{
	char *s = sys_read("/sys/class/tty/ttyS0/dev", 0);
	char *c = sys_read("/sys/class/tty/console/dev", 1);
	char *t = sys_read("/sys/class/tty/tty/dev", 2);
	kt_check(s && c && t && !strcmp(s, "4:64\n") && !strcmp(c, "5:1\n") && !strcmp(t, "5:0\n"),
		 "class/tty/{ttyS0,console,tty}/dev");
	char *thp = sys_read("/sys/kernel/mm/transparent_hugepage/enabled", 0);
	int brackets = 0;
	for (const char *p = thp; p && *p; p++)
		brackets += *p == '[';
	int ok = thp && strstr(thp, "always") && strstr(thp, "madvise") && strstr(thp, "never") && brackets == 1;
	kt_check(ok, "transparent_hugepage/enabled: one choice in brackets");
	struct stat st;
	kt_check(stat("/sys/fs", &st) == 0 && S_ISDIR(st.st_mode), "/sys/fs is a directory");
}

static void run_glibc(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		const char *prog = "usr/lib/kestrel/lab7/sys_nprocs";
		execl(prog, prog, (char *)NULL);
		perror("execl sys_nprocs");
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	kt_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "glibc's sys_nprocs");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	sys_mount_all();
	int n = affinity_cpus();
	check_cpu_lists(n);
	check_cpu_dirs(n);
	check_block();
	check_misc();
	run_glibc();
	return kt_status();
}
