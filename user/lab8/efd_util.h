/* efd_util.h: what the Part A programs (user/lab8/efd_*.c) share: the
 * lines /proc/self/fdinfo adds for an event fd, and lseek on it. */
#ifndef EFD_UTIL_H
#define EFD_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <kt.h>

/* The lines of /proc/self/fdinfo/FD that its kind adds (Linux's
 * show_fdinfo), without those that differ from run to run: pos, flags,
 * mnt_id, ino and eventfd-id, and a running timer's it_value. */
static inline void efd_show_fdinfo(const char *what, int fd)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s: fdinfo: %s\n", what, kt_errname(errno));
		return;
	}
	static const char *const skip[] = { "pos:", "flags:", "mnt_id:", "ino:", "eventfd-id:" };
	while (fgets(line, sizeof(line), f)) {
		int shown = 1;
		for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
			if (!strncmp(line, skip[i], strlen(skip[i])))
				shown = 0;
		if (!strncmp(line, "it_value:", 9) && strcmp(line, "it_value: (0, 0)\n"))
			strcpy(line, "it_value: (counting down)\n");
		if (shown)
			printf("%s: fdinfo %s", what, line);
	}
	fclose(f);
}

static inline void efd_result(const char *what, const char *call, long r)
{
	if (r < 0)
		printf("%s: %s: -1 %s\n", what, call, errno == ECANCELED ? "ECANCELED" : kt_errname(errno));
	else
		printf("%s: %s: %ld\n", what, call, r);
}

/* lseek on an event fd succeeds and moves nothing (Linux's noop_llseek);
 * it has no offset for pread (ESPIPE). */
static inline void efd_show_lseek(const char *what, int fd)
{
	char buf[8];
	efd_result(what, "lseek 5", lseek(fd, 5, SEEK_SET));
	efd_result(what, "lseek from the end", lseek(fd, -5, SEEK_END));
	efd_result(what, "lseek, whence 99", lseek(fd, 0, 99));
	efd_result(what, "pread", pread(fd, buf, sizeof(buf), 0));
}

#endif
