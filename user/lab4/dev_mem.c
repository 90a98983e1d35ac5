/* The memory devices in /dev: their numbers, and what reading and
 * writing them does (the same on Linux, so the outputs compare). */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include "kt.h"

static void check_node(const char *path, unsigned maj, unsigned min)
{
	struct stat st;
	char what[64];
	snprintf(what, sizeof(what), "%s is char device %u:%u", path, maj, min);
	kt_check(stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
		 major(st.st_rdev) == maj && minor(st.st_rdev) == min, what);
}

static int all_zero(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return 1;
}

int main(void)
{
	static char buf[10000], buf2[4096];

	check_node("/dev/null", 1, 3);
	check_node("/dev/zero", 1, 5);
	check_node("/dev/full", 1, 7);
	check_node("/dev/random", 1, 8);
	check_node("/dev/urandom", 1, 9);

	int fd = open("/dev/null", O_RDWR);
	kt_check(fd >= 0, "open /dev/null");
	kt_check_eq("/dev/null swallows a write", write(fd, "hello", 5), 5);
	kt_check_eq("/dev/null reads as empty", read(fd, buf, sizeof(buf)), 0);
	kt_check_eq("/dev/null seeks to 0", lseek(fd, 100, SEEK_SET), 0);
	struct termios tio;
	kt_expect_err("TCGETS on /dev/null", ioctl(fd, TCGETS, &tio), ENOTTY);
	close(fd);

	fd = open("/dev/zero", O_RDWR);
	memset(buf, 'x', sizeof(buf));
	kt_check_eq("/dev/zero reads any size", read(fd, buf, sizeof(buf)), sizeof(buf));
	kt_check(all_zero(buf, sizeof(buf)), "/dev/zero reads zeroes");
	kt_check_eq("/dev/zero swallows a write", write(fd, "hello", 5), 5);
	close(fd);

	fd = open("/dev/full", O_RDWR);
	kt_expect_err("write to /dev/full", write(fd, "hello", 5), ENOSPC);
	memset(buf, 'x', 100);
	kt_check_eq("/dev/full reads", read(fd, buf, 100), 100);
	kt_check(all_zero(buf, 100), "/dev/full reads zeroes");
	close(fd);

	fd = open("/dev/urandom", O_RDWR);
	memset(buf, 0, sizeof(buf2));
	memset(buf2, 0, sizeof(buf2));
	kt_check_eq("/dev/urandom reads 4096 bytes", read(fd, buf, sizeof(buf2)), sizeof(buf2));
	kt_check_eq("and again", read(fd, buf2, sizeof(buf2)), sizeof(buf2));
	kt_check(!all_zero(buf, sizeof(buf2)) && memcmp(buf, buf2, sizeof(buf2)) != 0,
		 "/dev/urandom: random, different each time");
	kt_check_eq("/dev/urandom accepts a write", write(fd, "seed", 4), 4);
	kt_expect_err("a write from a bad pointer", write(fd, (void *)16, 4), EFAULT);
	close(fd);

	fd = open("/dev/random", O_RDONLY);
	kt_check_eq("/dev/random reads 16 bytes", read(fd, buf, 16), 16);
	close(fd);

	kt_check(readlink("/dev/stdin", buf, sizeof(buf)) == 15 && !memcmp(buf, "/proc/self/fd/0", 15),
		 "/dev/stdin -> /proc/self/fd/0");
	kt_check(readlink("/dev/fd", buf, sizeof(buf)) == 13 && !memcmp(buf, "/proc/self/fd", 13),
		 "/dev/fd -> /proc/self/fd");
	kt_expect_err("/dev/nonexistent", open("/dev/nonexistent", O_RDONLY), ENOENT);
	return kt_status();
}
