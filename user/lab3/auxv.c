/* auxv: the initial stack the kernel builds for a new program.
 *
 * musl finds the auxiliary vector by walking past envp's NULL, and uses
 * AT_PAGESZ, AT_PHDR/AT_PHNUM (to find the TLS segment), AT_RANDOM (stack
 * protector canary) and AT_UID..AT_SECURE (if the ids differ or AT_SECURE
 * is set it goes into "secure mode" and polls fds 0-2). Each entry is
 * checked against what the ELF file itself says, never printed: on the
 * host the values differ from run to run. */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <kt.h>

extern const ElfW(Ehdr) __ehdr_start;	/* defined by the linker */
extern char _start[];
extern char **environ;

/* The auxv found by hand: just past environ's NULL. */
static unsigned long *auxv_by_hand(void)
{
	char **p = environ;

	while (*p)
		p++;
	return (unsigned long *)(p + 1);
}

/* Walks auxv like the kernel laid it out; 0 if type is absent. */
static int aux_lookup(unsigned long type, unsigned long *val)
{
	for (unsigned long *a = auxv_by_hand(); a[0] != AT_NULL; a += 2) {
		if (a[0] == type) {
			*val = a[1];
			return 1;
		}
	}
	return 0;
}

/* One line per entry: present, found the same by getauxval and by hand,
 * and equal to want. */
static void check_aux(const char *name, unsigned long type, unsigned long want)
{
	unsigned long byhand = 0, got;
	int present = aux_lookup(type, &byhand);

	errno = 0;
	got = getauxval(type);
	if (!present || errno == ENOENT)
		printf("%s: BAD (missing)\n", name);
	else if (got != byhand)
		printf("%s: BAD (getauxval disagrees with the stack)\n", name);
	else if (got != want)
		printf("%s: BAD (got %#lx, want %#lx)\n", name, got, want);
	else {
		printf("%s: ok\n", name);
		return;
	}
	++*kt_failures();
}

/* Entries whose values vary (ids are not 0 on the host): presence only. */
static void check_present(const char *name, unsigned long type)
{
	unsigned long v;
	int present = aux_lookup(type, &v);

	errno = 0;
	getauxval(type);
	present = present && errno != ENOENT;
	printf("%s: %s\n", name, present ? "present" : "missing");
	if (!present)
		++*kt_failures();
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv)
{
	const ElfW(Ehdr) *eh = &__ehdr_start;

	/* Layout: argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL. */
	kt_check(argv[argc] == NULL, "argv is NULL-terminated");
	kt_check(environ == argv + argc + 1, "envp starts right after argv's NULL");
	int n = 0;
	for (unsigned long *a = auxv_by_hand(); a[0] != AT_NULL && n < 100; a += 2)
		n++;
	kt_check(n < 100, "auxv ends with AT_NULL");

	check_aux("AT_PAGESZ", AT_PAGESZ, 4096);
	check_aux("AT_PHDR", AT_PHDR, (unsigned long)((const char *)eh + eh->e_phoff));
	check_aux("AT_PHENT", AT_PHENT, sizeof(ElfW(Phdr)));
	check_aux("AT_PHNUM", AT_PHNUM, eh->e_phnum);
	check_aux("AT_ENTRY", AT_ENTRY, (unsigned long)_start);
	kt_check(eh->e_entry == (unsigned long)_start, "e_entry is _start");
	check_aux("AT_SECURE", AT_SECURE, 0);

	/* The canary musl reads from here would be 0 otherwise. */
	unsigned long v;
	const unsigned char *rnd = NULL;
	if (aux_lookup(AT_RANDOM, &v))
		rnd = (const unsigned char *)v;
	int nonzero = 0;
	for (int i = 0; rnd && i < 16; i++)
		nonzero |= rnd[i];
	kt_check(rnd && (unsigned long)rnd == getauxval(AT_RANDOM) && nonzero,
		 "AT_RANDOM points to 16 bytes, not all zero");

	check_present("AT_UID", AT_UID);
	check_present("AT_EUID", AT_EUID);
	check_present("AT_GID", AT_GID);
	check_present("AT_EGID", AT_EGID);
	kt_check(getauxval(AT_UID) == getauxval(AT_EUID) &&
		 getauxval(AT_GID) == getauxval(AT_EGID),
		 "AT_UID == AT_EUID and AT_GID == AT_EGID");

	/* The path given to execve; it ends with the program's name. */
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	printf("AT_EXECFN ends with argv[0]: %s\n",
	       execfn && ends_with(execfn, base) ? "yes" : "no");
	if (!execfn || !ends_with(execfn, base))
		++*kt_failures();

	return kt_status();
}
