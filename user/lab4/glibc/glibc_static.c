/* glibc_static: a statically linked glibc program (no PT_INTERP: the
 * kernel starts it directly, and glibc's own start code sets up TLS,
 * IRELATIVE relocations and stdio from the auxiliary vector). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *copy = strdup("static glibc");
	printf("hello from %s, argc=%d\n", copy, argc);
	printf("AT_PAGESZ=%lu, AT_PHNUM set: %s, AT_RANDOM set: %s\n", getauxval(AT_PAGESZ),
	       getauxval(AT_PHNUM) ? "yes" : "no", getauxval(AT_RANDOM) ? "yes" : "no");
	printf("sysconf(_SC_PAGESIZE)=%ld\n", sysconf(_SC_PAGESIZE));
	free(copy);
	return argv[0] ? 0 : 1;
}
