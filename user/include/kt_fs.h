/* kt_fs.h: helpers for the file-system test programs (lab 4).
 *
 * Results are printed as values ("what: 0", "what: -1 ENOENT"), never
 * checked against an expectation here: the same program run on Linux is
 * the oracle. Each program works in its own directory, ./kt-NAME and
 * /tmp/kt-NAME, removed before use and again at the end, so that a rerun
 * starts from the same state. Only the *at forms of the name calls are
 * used (mkdirat, unlinkat, ...), and raw syscall() where musl would add
 * calls of its own or check arguments before the kernel sees them.
 * Include after <kt.h>, with _GNU_SOURCE defined. */
#ifndef KT_FS_H
#define KT_FS_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* From the Linux UAPI (musl 1.2.3 has neither statx nor renameat2). */
#define KT_RENAME_NOREPLACE	1
#define KT_RENAME_EXCHANGE	2
#define KT_STATX_BASIC_STATS	0x7ffU
#define KT_STATX_RESERVED	0x80000000U
#define KT_AT_STATX_FORCE_SYNC	0x2000
#define KT_AT_STATX_DONT_SYNC	0x4000

struct kt_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct kt_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct kt_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};

struct kt_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* base/name, in one of four rotating buffers: one call may take up to four
 * paths (P(), in the programs, is this with their test directory). */
static inline const char *kt_path(const char *base, const char *name)
{
	static char buf[4][4200];      /* room for a name of PATH_MAX */
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", base, name);
	return p;
}

/* "what: ret" or "what: -1 ENAME". Call right after the call under test. */
static inline long kt_res(const char *what, long ret)
{
	int e = errno;

	if (ret < 0)
		printf("%s: -1 %s\n", what, kt_errname(e));
	else
		printf("%s: %ld\n", what, ret);
	errno = e;
	return ret;
}

/* Same for calls that return an fd, whose number is not printed. */
static inline long kt_res_fd(const char *what, long fd)
{
	int e = errno;

	if (fd < 0)
		printf("%s: -1 %s\n", what, kt_errname(e));
	else
		printf("%s: fd\n", what);
	errno = e;
	return fd;
}

static inline long kt_getdents64(int fd, void *buf, unsigned long size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

/* Removes name (relative to dirfd) and, if it is a directory, everything
 * in it. Missing is fine. Returns 0, or -1 if something stayed. */
static inline int kt_rmtree_at(int dirfd, const char *name)
{
	char buf[1024];
	long n;
	int fd, bad = 0;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Unlinking while reading the same directory may skip entries: read
	 * it again from the start until a pass finds nothing to remove. */
	for (int again = 1; again;) {
		again = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = kt_getdents64(fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct kt_dirent64 *d = (void *)(buf + off);

				off += d->d_reclen;
				if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
					continue;
				if (kt_rmtree_at(fd, d->d_name) == 0)
					again = 1;
				else
					bad = 1;
			}
		}
		if (bad)
			break;
	}
	close(fd);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return -1;
	return bad ? -1 : 0;
}

static inline int kt_rmtree(const char *path)
{
	return kt_rmtree_at(AT_FDCWD, path);
}

/* Removes any leftover of an earlier run, then creates the directory. */
static inline int kt_fresh_dir(const char *path)
{
	kt_rmtree(path);
	if (mkdirat(AT_FDCWD, path, 0755) != 0) {
		printf("cannot create %s: %s\n", path, kt_errname(errno));
		return -1;
	}
	return 0;
}

/* Creates (or truncates) path holding the string s, mode 0644. */
static inline int kt_put(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t len = strlen(s);
	long r;

	if (fd < 0)
		return -1;
	r = write(fd, s, len);
	close(fd);
	return r == (long)len ? 0 : -1;
}

/* Reads up to size - 1 bytes of path into buf as a string, or returns
 * "(cannot open)". */
static inline const char *kt_get(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return "(cannot open)";
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* FNV-1a, to compare big contents without printing them. */
static inline uint64_t kt_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}
#define KT_HASH_INIT	0xcbf29ce484222325ULL

#endif
