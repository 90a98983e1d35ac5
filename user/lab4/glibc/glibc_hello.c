/* glibc_hello: an ordinary dynamically linked C program, as Debian's gcc
 * builds it (PIE, /lib64/ld-linux-x86-64.so.2, libc.so.6): stdio,
 * malloc (small blocks from brk, a big one from mmap), qsort, strings,
 * the environment, time, and the exit status. It runs in the kernel only
 * if execve loads the dynamic loader and the loader finds what it needs
 * (mmap of files, mprotect, the auxiliary vector). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
	int v[] = { 42, 7, 19, 3, 25, 11 };
	qsort(v, 6, sizeof(int), by_value);
	printf("sorted:");
	for (int i = 0; i < 6; i++)
		printf(" %d", v[i]);
	printf("\n");

	/* Small blocks come from brk; 8 MiB is above glibc's mmap threshold. */
	char *small[100];
	for (int i = 0; i < 100; i++) {
		small[i] = malloc(100 + i);
		memset(small[i], i, 100 + i);
	}
	long sum = 0;
	for (int i = 0; i < 100; i++) {
		sum += small[i][99];
		free(small[i]);
	}
	char *big = malloc(8 << 20);
	memset(big, 'x', 8 << 20);
	printf("malloc: small sum %ld, big block ends with %c\n", sum, big[(8 << 20) - 1]);
	free(big);

	char buf[64];
	snprintf(buf, sizeof(buf), "%s has %d argument(s)", "main", argc - 1);
	printf("%s; argv[0] ends with %s\n", buf, strrchr(argv[0], '/') ? strrchr(argv[0], '/') : argv[0]);
	printf("HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");

	struct tm tm;
	time_t t = 86400 * 365;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("gmtime(365 days): %s\n", buf);
	time_t now = time(NULL);
	printf("time() is after 2024: %s\n", now > 1704067200 ? "yes" : "no");
	fflush(stdout);
	return 3;
}
