/* kt_sys.h: what the sys_* programs of Lab 7 share: reading a whole
 * pseudo file, splitting lines into words, and mounting /proc and /sys
 * when they run as the kernel's first process (on Linux they are there). */
#ifndef KT_SYS_H
#define KT_SYS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file's whole text (NUL-terminated, static until the next call of
 * the same slot), or NULL. Read in small pieces, as programs do. */
static inline char *sys_read(const char *path, int slot)
{
	static char bufs[4][65536];
	char *buf = bufs[slot];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(bufs[0]) - 1 && (n = read(fd, buf + len, 700)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? NULL : buf;
}

/* Splits s (modified) at spaces and tabs: at most max words. */
static inline int sys_words(char *s, char **w, int max)
{
	int n = 0;
	for (char *t = strtok(s, " \t\n"); t && n < max; t = strtok(NULL, " \t\n"))
		w[n++] = t;
	return n;
}

/* The next line of *p (modified), or NULL at the end. */
static inline char *sys_line(char **p)
{
	if (!*p || !**p)
		return NULL;
	char *line = *p, *nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

static inline int sys_is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* As the first process of the kernel nothing is mounted yet. */
static inline void sys_mount_all(void)
{
	if (access("/proc/self", F_OK) != 0 && mount("proc", "/proc", "proc", 0, NULL) != 0)
		perror("mount /proc");
	if (access("/sys/devices", F_OK) != 0 && mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
		perror("mount /sys");
}

#endif
