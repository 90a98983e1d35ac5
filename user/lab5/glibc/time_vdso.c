/* time_vdso: a glibc program timing itself through the vDSO. It finds the
 * vDSO through AT_SYSINFO_EHDR, looks up the four functions Linux's vDSO
 * exports (with version LINUX_2.6) in its dynamic symbol table, calls them
 * directly and through glibc, and checks the answers against the system
 * calls. Then glibc's clock_gettime, gettimeofday and time run many times
 * between two marker lines: the grader boots once more with syscall_log
 * and checks that no clock call reached the kernel between the markers;
 * here the program checks that the calls cost less than half a
 * system call each (the fastest of several rounds, on both sides).
 * With the argument "loops" it runs just the marked loops: under
 * syscall_log the 10000 system calls of the comparison would be 10000
 * lines on the serial console (3 s of the boot, nothing checked). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>

static int failures;

static void yes(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	failures += !ok;
}

/* The vDSO's dynamic symbol table, as a dynamic loader reads it. */
struct dso {
	uintptr_t base;             /* load bias: the image is linked at 0 */
	const ElfW(Sym) *syms;
	const char *strs;
	const ElfW(Half) *versym;
	const ElfW(Verdef) *verdef;
	unsigned nsyms;
};

static int dso_open(struct dso *d, const ElfW(Ehdr) *eh)
{
	memset(d, 0, sizeof(*d));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return 0;
	const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);
	const ElfW(Dyn) *dyn = NULL;
	d->base = (uintptr_t)eh;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			d->base = (uintptr_t)eh - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
	}
	if (!dyn)
		return 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = d->base + dyn->d_un.d_ptr;
		switch (dyn->d_tag) {
		case DT_SYMTAB: d->syms = (const void *)p; break;
		case DT_STRTAB: d->strs = (const void *)p; break;
		case DT_VERSYM: d->versym = (const void *)p; break;
		case DT_VERDEF: d->verdef = (const void *)p; break;
		case DT_HASH: d->nsyms = ((const Elf32_Word *)p)[1]; break;
		}
	}
	return d->syms && d->strs && d->nsyms;
}

/* The name of version index ndx. */
static const char *version_name(const struct dso *d, unsigned ndx)
{
	const ElfW(Verdef) *v = d->verdef;
	while (v) {
		if ((v->vd_ndx & 0x7fff) == ndx) {
			const ElfW(Verdaux) *aux = (const void *)((const char *)v + v->vd_aux);
			return d->strs + aux->vda_name;
		}
		v = v->vd_next ? (const void *)((const char *)v + v->vd_next) : NULL;
	}
	return "";
}

static void *dso_sym(const struct dso *d, const char *name, const char *version)
{
	for (unsigned i = 0; i < d->nsyms; i++) {
		const ElfW(Sym) *s = &d->syms[i];
		if (s->st_shndx == SHN_UNDEF || ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
		    strcmp(d->strs + s->st_name, name) != 0)
			continue;
		if (d->versym && d->verdef && strcmp(version_name(d, d->versym[i] & 0x7fff), version) != 0)
			continue;
		return (void *)(d->base + s->st_value);
	}
	return NULL;
}

static long long ns_of(struct timespec ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ns_of(ts);
}

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static void direct_calls(const struct dso *d)
{
	gettime_fn cg = dso_sym(d, "__vdso_clock_gettime", "LINUX_2.6");
	gettimeofday_fn gtod = dso_sym(d, "__vdso_gettimeofday", "LINUX_2.6");
	time_fn tm = dso_sym(d, "__vdso_time", "LINUX_2.6");
	getcpu_fn gc = dso_sym(d, "__vdso_getcpu", "LINUX_2.6");
	yes("the vDSO exports __vdso_clock_gettime@LINUX_2.6", cg != NULL);
	yes("the vDSO exports __vdso_gettimeofday@LINUX_2.6", gtod != NULL);
	yes("the vDSO exports __vdso_time@LINUX_2.6", tm != NULL);
	yes("the vDSO exports __vdso_getcpu@LINUX_2.6", gc != NULL);
	if (!cg || !gtod || !tm || !gc)
		return;
	static const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW,
					 CLOCK_PROCESS_CPUTIME_ID };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct timespec a, b, c;
		syscall(SYS_clock_gettime, ids[i], &a);
		int r = cg(ids[i], &b);
		syscall(SYS_clock_gettime, ids[i], &c);
		char what[96];
		snprintf(what, sizeof(what), "__vdso_clock_gettime(%d) lies between two system calls", ids[i]);
		yes(what, r == 0 && ns_of(a) <= ns_of(b) && ns_of(b) <= ns_of(c));
	}
	struct timespec ts;
	yes("__vdso_clock_gettime(bad id) is -EINVAL", cg(12345, &ts) == -22);
	/* Each answer between two system calls' (a preemption between them
	 * only widens the bracket). */
	struct timeval tv;
	struct timespec r0, r1;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r0);
	int g = gtod(&tv, NULL);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r1);
	long long us = tv.tv_sec * 1000000LL + tv.tv_usec;
	yes("__vdso_gettimeofday lies between two system calls' CLOCK_REALTIME",
	    g == 0 && ns_of(r0) / 1000 <= us && us <= ns_of(r1) / 1000);
	time_t t1 = 0, t2;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r0);
	t2 = tm(&t1);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r1);
	yes("__vdso_time lies between two system calls' CLOCK_REALTIME",
	    t1 == t2 && r0.tv_sec <= t1 && t1 <= r1.tv_sec);
	unsigned cpu = 99, node = 99;
	long r = gc(&cpu, &node, NULL);
	yes("__vdso_getcpu names an online CPU, node 0", r == 0 && cpu < (unsigned)sysconf(_SC_NPROCESSORS_ONLN) && node == 0);
	yes("sched_getcpu names an online CPU", sched_getcpu() >= 0 && sched_getcpu() < sysconf(_SC_NPROCESSORS_ONLN));
}

/* Nanoseconds per call of fn, the best of 5 rounds of n calls. */
static double per_call(void (*fn)(int), int n)
{
	double best = 1e18;
	for (int round = 0; round < 5; round++) {
		long long t0 = mono_ns();
		fn(n);
		double each = (double)(mono_ns() - t0) / n;
		best = each < best ? each : best;
	}
	return best;
}

static int went_back;

static void glibc_clock_gettime(int n)
{
	struct timespec last = { 0, 0 }, ts;
	for (int i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		went_back |= ns_of(ts) < ns_of(last);
		last = ts;
	}
}

static void glibc_gettimeofday(int n)
{
	struct timeval tv;
	for (int i = 0; i < n; i++)
		gettimeofday(&tv, NULL);
}

static void glibc_time(int n)
{
	for (int i = 0; i < n; i++)
		time(NULL);
}

static void raw_syscall(int n)
{
	struct timespec ts;
	for (int i = 0; i < n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static void timing(int loops_only)
{
	double sys = loops_only ? 0 : per_call(raw_syscall, 2000);
	printf("vdso loop: start\n");
	double cg = per_call(glibc_clock_gettime, 20000);
	double gtod = per_call(glibc_gettimeofday, 2000);
	double tm = per_call(glibc_time, 2000);
	printf("vdso loop: end\n");
	if (loops_only)
		return;
	yes("100000 calls of glibc's clock_gettime(CLOCK_MONOTONIC) never went back", !went_back);
	yes("glibc's clock_gettime costs under half the system call", cg * 2 < sys);
	yes("glibc's gettimeofday costs under half the system call", gtod * 2 < sys);
	yes("glibc's time costs under half the system call", tm * 2 < sys);
	if (getenv("TIME_VDSO_VERBOSE"))
		fprintf(stderr, "syscall %.0f ns, clock_gettime %.0f ns, gettimeofday %.0f ns, time %.0f ns\n",
			sys, cg, gtod, tm);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "loops") == 0) {
		timing(1);
		return 0;
	}
	const ElfW(Ehdr) *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	yes("AT_SYSINFO_EHDR names a vDSO", eh != NULL);
	struct dso d;
	yes("it is an ELF shared object with a dynamic symbol table", eh && dso_open(&d, eh) && eh->e_type == ET_DYN);
	if (eh)
		direct_calls(&d);
	timing(0);
	return failures != 0;
}
