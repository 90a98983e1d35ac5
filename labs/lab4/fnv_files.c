/* fnv_files: the 32-bit FNV-1a hash of each file named on the command
 * line, one "%08x" line per file, as the kernel's ext2-walk test prints
 * them (labs/lab4/ktests_ext2.c). The grader hashes the staged tree with
 * it: the same loop in Python took seconds for the image's 30 MiB. */
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	static unsigned char buf[1 << 16];
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		uint32_t h = 2166136261u;
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			for (size_t j = 0; j < n; j++)
				h = (h ^ buf[j]) * 16777619u;
		fclose(f);
		printf("%08x\n", h);
	}
	return 0;
}
