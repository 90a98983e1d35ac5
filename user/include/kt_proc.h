/* kt_proc.h: helpers of the Lab 7 /proc tests (user/lab7/pid_*.c).
 *
 * In the kernel a test is the first process, and nobody has mounted
 * /proc yet (busybox's rcS does that on a normal boot): kt_proc_mount()
 * mounts it as rcS would. On the host /proc is there already. */
#ifndef KT_PROC_H
#define KT_PROC_H

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kt.h"

static inline void kt_proc_mount(void)
{
	struct stat st;
	if (stat("/proc/self", &st) == 0)
		return;
	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		perror("mount /proc");
}

/* The whole of a (small) file, NUL-terminated; its length, or -1. */
static inline ssize_t kt_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (len == size - 1)
			break;
	}
	close(fd);
	buf[len] = 0;
	return len;
}

/* The value after "Name:\t" in a status-like text, copied into out. */
static inline int kt_field(const char *text, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			size_t len = strcspn(v, "\n");
			if (len >= size)
				len = size - 1;
			memcpy(out, v, len);
			out[len] = 0;
			return 1;
		}
	}
	out[0] = 0;
	return 0;
}

#endif
