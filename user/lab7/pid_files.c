/* pid_files: a process checks /proc/self/maps against its own mappings
 * and /proc/self/fd (and fdinfo) against its own descriptors (Lab 7,
 * Part B).
 *
 * maps: Linux's line format (the name at column 73, regions in order);
 * a file mapped at an offset (range, r--p, offset, device, inode, path);
 * anonymous memory split by mprotect and gone after munmap; shared
 * anonymous memory ("/dev/zero (deleted)"); [heap] after brk, [stack],
 * [vdso], the program's text; a removed file's " (deleted)".
 * fd: the directory's entries after open, dup2 and close against fcntl;
 * the links' text (a path, "pipe:[ino]" with the pipe's inode, a removed
 * file's " (deleted)"); a pipe end opened again through its link (and
 * /dev/fd) is the same pipe; fdinfo's pos, flags, mnt_id and ino; a
 * closed fd's cached name stops resolving; O_NOFOLLOW meets the link. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <kt.h>
#include <kt_proc.h>

#define SELF "usr/lib/kestrel/lab7/pid_files"
#define DELETED "tmp/pid_files.deleted"

static char text[1 << 17];

struct region {
	unsigned long start, end, off, ino;
	char perms[5];
	unsigned maj, min;
	char name[PATH_MAX];
};

static struct region regions[512];
static int nregions;
static int format_ok;

/* Reads /proc/self/maps into regions[], checking each line's layout. */
static void read_maps(void)
{
	kt_read_file("/proc/self/maps", text, sizeof(text));
	nregions = 0;
	format_ok = 1;
	unsigned long last_end = 0;
	for (char *line = text; *line && nregions < 512; ) {
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		struct region *r = &regions[nregions++];
		int pos = 0;
		if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &r->start, &r->end, r->perms, &r->off, &r->maj,
			   &r->min, &r->ino, &pos) < 7)
			format_ok = 0;
		/* A name starts at column 73, after spaces. */
		r->name[0] = 0;
		if ((size_t)(nl - line) > 73) {
			format_ok &= pos <= 73 && line[72] == ' ' && line[73] != ' ';
			snprintf(r->name, sizeof(r->name), "%s", line + 73);
		} else {
			format_ok &= line[pos - 1] == ' ' && line[pos] == 0;
		}
		format_ok &= r->start < r->end && r->start >= last_end;
		last_end = r->end;
		line = nl + 1;
	}
}

static struct region *region_at(unsigned long addr)
{
	for (int i = 0; i < nregions; i++)
		if (regions[i].start <= addr && addr < regions[i].end)
			return &regions[i];
	return NULL;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && !strcmp(s + a - b, tail);
}

static void maps(void)
{
	read_maps();
	kt_check(format_ok && nregions > 5, "maps: Linux's format, regions in order");

	struct stat st;
	int fd = open(SELF, O_RDONLY);
	fstat(fd, &st);
	char *file = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
	close(fd);
	char *anon = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mprotect(anon + 4096, 4096, PROT_READ);
	unsigned long brk0 = syscall(SYS_brk, 0);
	syscall(SYS_brk, brk0 + 8192);
	fd = open(DELETED, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(fd, 4096);
	char *gone = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	unlink(DELETED);
	int local = 0;
	read_maps();

	struct region *r = region_at((unsigned long)file);
	kt_check(r && r->start == (unsigned long)file && r->end == (unsigned long)file + 8192 &&
		 !strcmp(r->perms, "r--p") && r->off == 4096, "maps: the file mapping's range, r--p, offset 4096");
	kt_check(r && r->ino == st.st_ino && r->maj == major(st.st_dev) && r->min == minor(st.st_dev),
		 "maps: its device and inode are the file's");
	kt_check(r && ends_with(r->name, "/" SELF), "maps: its path");
	r = region_at((unsigned long)anon);
	struct region *mid = region_at((unsigned long)anon + 4096), *hi = region_at((unsigned long)anon + 8192);
	kt_check(r && mid && hi && r->end == (unsigned long)anon + 4096 && mid->end == hi->start &&
		 !strcmp(r->perms, "rw-p") && !strcmp(mid->perms, "r--p") && !strcmp(hi->perms, "rw-p") &&
		 hi->end >= (unsigned long)anon + 3 * 4096, "maps: anonymous memory split by mprotect");
	kt_check(mid && mid->ino == 0 && mid->maj == 0 && mid->off == 0 && !mid->name[0],
		 "maps: anonymous: 00000000 00:00 0, no name");
	r = region_at((unsigned long)shared);
	kt_check(r && !strcmp(r->perms, "rw-s") && !strcmp(r->name, "/dev/zero (deleted)"),
		 "maps: shared anonymous memory: rw-s /dev/zero (deleted)");
	r = region_at(brk0);
	kt_check(r && !strcmp(r->name, "[heap]") && r->end >= brk0 + 8192, "maps: [heap] after brk");
	r = region_at((unsigned long)&local);
	kt_check(r && !strcmp(r->name, "[stack]") && !strcmp(r->perms, "rw-p"), "maps: [stack] holds a local");
	r = region_at((unsigned long)&maps);
	kt_check(r && !strcmp(r->perms, "r-xp") && ends_with(r->name, "/" SELF), "maps: the program's text");
	r = region_at(getauxval(AT_SYSINFO_EHDR));
	kt_check(r && !strcmp(r->name, "[vdso]"), "maps: [vdso] at AT_SYSINFO_EHDR");
	r = region_at((unsigned long)gone);
	kt_check(r && ends_with(r->name, "/" DELETED " (deleted)"), "maps: a removed file: (deleted)");

	munmap(anon, 3 * 4096);
	read_maps();
	kt_check(!region_at((unsigned long)anon + 4096), "maps: gone after munmap");
	munmap(file, 8192);
	munmap(shared, 4096);
	munmap(gone, 4096);
}

/* The fds /proc/self/fd lists (the directory's own left out) as a bitmap. */
static unsigned long long listed_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned long long set = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d) && atoi(e->d_name) < 64)
			set |= 1ull << atoi(e->d_name);
	closedir(d);
	return set;
}

static unsigned long long open_fds(void)
{
	unsigned long long set = 0;
	for (int fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			set |= 1ull << fd;
	return set;
}

static void link_text(int fd, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
}

/* fdinfo's fields for fd, and whether its field names are 6.1's. */
static int fdinfo(int fd, long *pos, unsigned *flags, int *mnt_id, unsigned long *ino)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (kt_read_file(path, text, sizeof(text)) <= 0)
		return 0;
	return sscanf(text, "pos:\t%ld\nflags:\t%o\nmnt_id:\t%d\nino:\t%lu\n", pos, flags, mnt_id, ino) == 4;
}

static void fds(void)
{
	int n = open("/dev/null", O_RDONLY);
	dup2(n, 20);
	close(n);
	kt_check(listed_fds() == open_fds(), "fd/: the open descriptors, after open, dup2, close");
	char buf[PATH_MAX], want[64];
	link_text(20, buf, sizeof(buf));
	kt_check(!strcmp(buf, "/dev/null"), "fd/20 -> /dev/null");
	struct stat ls;
	kt_check(lstat("/proc/self/fd/20", &ls) == 0 && (ls.st_mode & 0777) == 0500, "fd/20: lr-x------");

	int p[2];
	pipe(p);
	struct stat st;
	fstat(p[0], &st);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	link_text(p[0], buf, sizeof(buf));
	kt_check(!strcmp(buf, want), "a pipe's read end: pipe:[its inode]");
	link_text(p[1], buf, sizeof(buf));
	kt_check(!strcmp(buf, want), "its write end: the same");
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", p[1]);
	kt_check(lstat(buf, &ls) == 0 && (ls.st_mode & 0777) == 0300, "its link: l-wx------");
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", p[1]);
	int w2 = open(buf, O_WRONLY);
	snprintf(buf, sizeof(buf), "/dev/fd/%d", p[0]);
	int r2 = open(buf, O_RDONLY);
	kt_check(w2 >= 0 && r2 >= 0, "open /proc/self/fd/N and /dev/fd/N of a pipe");
	char got[8] = "";
	kt_check(write(w2, "hi", 2) == 2 && read(r2, got, sizeof(got)) == 2 && !memcmp(got, "hi", 2),
		 "  they are the same pipe");
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", p[1]);
	int w3 = open(buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);     /* a shell's "> /dev/fd/N" */
	kt_check(w3 >= 0 && write(w3, "yz", 2) == 2 && read(r2, got, sizeof(got)) == 2 && !memcmp(got, "yz", 2),
		 "  open(O_CREAT|O_TRUNC) through the link: the pipe too");
	close(w3);
	close(p[1]);
	write(w2, "x", 1);
	close(w2);
	kt_check(read(p[0], got, sizeof(got)) == 1 && read(p[0], got, sizeof(got)) == 0,
		 "  end of file once both write ends are closed");
	long pos;
	unsigned flags;
	int mnt_id;
	unsigned long ino;
	kt_check(fdinfo(p[0], &pos, &flags, &mnt_id, &ino) && flags == O_RDONLY && ino == st.st_ino,
		 "fdinfo of the pipe: flags 00, its inode");
	close(p[0]);
	close(r2);

	int f = open(SELF, O_RDONLY | O_CLOEXEC);
	lseek(f, 5, SEEK_SET);
	fstat(f, &st);
	kt_check(fdinfo(f, &pos, &flags, &mnt_id, &ino) && pos == 5 && ino == st.st_ino,
		 "fdinfo: pos:, flags:, mnt_id:, ino: (6.1's fields), pos 5, the inode");
	kt_check(flags == (O_RDONLY | O_LARGEFILE | O_CLOEXEC), "fdinfo flags: O_LARGEFILE|O_CLOEXEC");
	char needle[32];
	snprintf(needle, sizeof(needle), "\n%d ", mnt_id);
	text[0] = '\n';
	kt_read_file("/proc/self/mountinfo", text + 1, sizeof(text) - 1);
	kt_check(strstr(text, needle) != NULL, "fdinfo mnt_id is a mount of mountinfo");

	int d = open(DELETED, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(d, "kept", 4);
	unlink(DELETED);
	link_text(d, buf, sizeof(buf));
	kt_check(ends_with(buf, "/" DELETED " (deleted)"), "a removed file's link: (deleted)");
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", d);
	int again = open(buf, O_RDONLY);
	kt_check(again >= 0 && read(again, got, 4) == 4 && !memcmp(got, "kept", 4), "  and it still opens");
	close(again);
	kt_expect_err("open(O_NOFOLLOW) of fd/N", open(buf, O_RDONLY | O_NOFOLLOW), ELOOP);

	/* A closed fd stops resolving, cached or not. */
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	snprintf(want, sizeof(want), "%d", d);
	kt_check(stat(buf, &st) == 0 && fstatat(dir, want, &st, AT_SYMLINK_NOFOLLOW) == 0, "stat fd/N while open");
	close(d);
	kt_expect_err("stat fd/N once closed", stat(buf, &st), ENOENT);
	kt_expect_err("fstatat(fd dir, N) once closed", fstatat(dir, want, &st, AT_SYMLINK_NOFOLLOW), ENOENT);
	close(dir);
	close(f);
	close(20);
	kt_check(listed_fds() == open_fds(), "fd/: the open descriptors at the end");
}

int main(void)
{
	kt_proc_mount();
	setvbuf(stdout, NULL, _IOLBF, 0);
	maps();
	fds();
	return kt_status();
}
