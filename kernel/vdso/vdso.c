/* The vDSO: user-mode code the kernel maps into every process, so reading
 * the clock needs no system call (Linux's arch/x86/entry/vdso). Built
 * from this file alone as a small shared object (vdso.lds), embedded in
 * the kernel (vdso_image.S) and mapped at exec with the vvar page one
 * page below it (time/vdso.c). glibc and musl find the functions through
 * AT_SYSINFO_EHDR by name and version (LINUX_2.6).
 *
 * This is user code: no kernel functions, no libc, no global data of its
 * own, nothing that needs a relocation. It reads the TSC and the vvar
 * page; the clocks it cannot compute (the CPU-time ones, bad ids) go to
 * the real system call, which also sets the errors. */
#include <stdint.h>
#include <stddef.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <asm/unistd.h>
#include <time/vvar.h>

#define NSEC_PER_SEC 1000000000ull

/* Placed by vdso.lds one page below the image: read RIP-relative. */
extern const volatile struct vvar_data vvar_page __attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static long syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

/* lfence keeps rdtsc from running ahead of the seq read before it. */
static uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* CLOCK_MONOTONIC and the realtime offset, read consistently. False if
 * the kernel says the TSC cannot be used here. */
static int read_clocks(uint64_t *mono, int64_t *offset)
{
	const volatile struct vvar_data *v = &vvar_page;
	uint32_t seq;
	for (;;) {
		seq = __atomic_load_n(&v->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			__asm__ __volatile__("pause");
			continue;
		}
		if (!v->tsc_usable)
			return 0;
		uint64_t cycles = rdtsc_ordered() - v->tsc_at_boot;
		*mono = ((unsigned __int128)cycles * v->ns_per_cycle_2_32) >> 32;
		*offset = v->realtime_offset_ns;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&v->seq, __ATOMIC_RELAXED) == seq)
			return 1;
	}
}

/* The clock's time in ns, for the clocks kept in the vvar page. */
static int read_ns(__kernel_clockid_t clock, uint64_t *ns)
{
	uint64_t mono;
	int64_t offset;
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		if (!read_clocks(&mono, &offset))
			return 0;
		*ns = mono + offset;
		return 1;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return read_clocks(ns, &offset);
	default:
		return 0;               /* CPU-time clocks, bad ids: the kernel's */
	}
}

#define EXPORT __attribute__((visibility("default")))

EXPORT int __vdso_clock_gettime(__kernel_clockid_t clock, struct __kernel_timespec *ts)
{
	uint64_t ns;
	if (!read_ns(clock, &ns))
		return syscall2(__NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

EXPORT int __vdso_gettimeofday(struct __kernel_old_timeval *tv, struct timezone *tz)
{
	uint64_t ns;
	if (tv && !read_ns(CLOCK_REALTIME, &ns))
		return syscall2(__NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = 0;     /* the kernel's time zone is UTC */
		tz->tz_dsttime = 0;
	}
	return 0;
}

EXPORT __kernel_old_time_t __vdso_time(__kernel_old_time_t *t)
{
	uint64_t ns;
	if (!read_ns(CLOCK_REALTIME, &ns))
		return syscall2(__NR_time, (long)t, 0);
	__kernel_old_time_t secs = ns / NSEC_PER_SEC;
	if (t)
		*t = secs;
	return secs;
}

EXPORT int __vdso_clock_getres(__kernel_clockid_t clock, struct __kernel_timespec *res)
{
	uint64_t ns;
	if (!read_ns(clock, &ns))
		return syscall2(__NR_clock_getres, clock, (long)res);
	if (res) {
		int coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
		res->tv_sec = 0;
		res->tv_nsec = coarse ? vvar_page.coarse_res_ns : 1;
	}
	return 0;
}

/* The CPU (and NUMA node, always 0) this thread runs on: rdtscp returns
 * the TSC_AUX register, which the kernel set to each CPU's number. */
EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	if (!vvar_page.getcpu_rdtscp)
		return syscall3(__NR_getcpu, (long)cpu, (long)node, (long)unused);
	uint32_t lo, hi, aux;
	__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = aux >> 12;
	return 0;
}

/* The names without __vdso_, as Linux's vDSO also exports them. */
int clock_gettime(__kernel_clockid_t, struct __kernel_timespec *)
	__attribute__((weak, alias("__vdso_clock_gettime"), visibility("default")));
int gettimeofday(struct __kernel_old_timeval *, struct timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday"), visibility("default")));
__kernel_old_time_t time(__kernel_old_time_t *)
	__attribute__((weak, alias("__vdso_time"), visibility("default")));
int clock_getres(__kernel_clockid_t, struct __kernel_timespec *)
	__attribute__((weak, alias("__vdso_clock_getres"), visibility("default")));
long getcpu(unsigned *, unsigned *, void *)
	__attribute__((weak, alias("__vdso_getcpu"), visibility("default")));
