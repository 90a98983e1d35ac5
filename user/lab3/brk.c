/* brk: the program break, through the raw syscall (musl's sbrk() only
 * supports sbrk(0), and its malloc needs mmap).
 *
 * Linux semantics: brk(addr) returns the new break on success and the
 * unchanged current break on failure; it never returns an error code. The
 * break is exactly what was asked for (not rounded to a page), new memory
 * reads as zero, and memory given back is unmapped. The break starts at or
 * above the end of .bss. Addresses are compared, never printed. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define PAGE	4096UL

extern char end[];	/* end of .bss, from the linker */

static uintptr_t brk_(uintptr_t addr)
{
	return syscall(SYS_brk, addr);
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int fill_check(char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		p[i] = c;
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* Does touching addr kill a child with SIGSEGV? */
static int faults(uintptr_t addr)
{
	int status = 0;
	pid_t pid = kt_fork();

	if (pid == 0) {
		*(volatile char *)addr = 1;
		_exit(0);
	}
	return pid > 0 && wait4(pid, &status, 0, NULL) == pid &&
	       WIFSIGNALED(status) && WTERMSIG(status) == 11;
}

int main(void)
{
	if (kt_on_host())
		prctl(PR_SET_DUMPABLE, 0);	/* no core files from faults() */

	uintptr_t b0 = brk_(0);
	kt_check(b0 >= (uintptr_t)end,
		 "initial break is at or above the end of .bss");
	kt_check(brk_(0) == b0, "brk(0) again returns the same break");

	/* One page: returned exactly, zero-filled, writable. */
	uintptr_t b1 = b0 + PAGE;
	kt_check(brk_(b1) == b1, "growing by one page returns the new break");
	kt_check(brk_(0) == b1, "brk(0) now returns the new break");
	kt_check(all_zero((char *)b0, PAGE), "new memory reads as zero");
	kt_check(fill_check((char *)b0, PAGE, 0x5a), "new memory is writable");

	/* Not rounded: the break is the byte asked for. */
	kt_check(brk_(b1 + 1) == b1 + 1,
		 "growing by one byte returns exactly that break");

	/* 100 pages, then back. */
	uintptr_t b2 = b1 + 1 + 100 * PAGE;
	kt_check(brk_(b2) == b2, "growing by 100 pages returns the new break");
	kt_check(all_zero((char *)b1 + 1, 100 * PAGE), "all 100 pages read as zero");
	kt_check(fill_check((char *)b1 + 1, 100 * PAGE, 0x33),
		 "all 100 pages are writable");
	kt_check(brk_(b1) == b1, "shrinking back returns the old break");
	kt_check(faults(b1 + 50 * PAGE),
		 "memory above the shrunk break is gone (SIGSEGV)");
	kt_check((unsigned char)((char *)b0)[0] == 0x5a,
		 "memory below the shrunk break is kept");
	kt_check(brk_(b2) == b2, "growing by 100 pages again");
	kt_check(all_zero((char *)b1 + PAGE, 99 * PAGE),
		 "memory given back and taken again reads as zero");

	/* Failures return the current break, unchanged. Below the initial
	 * break: an address in .text. Above: the kernel's half. */
	kt_check(brk_((uintptr_t)main) == b2,
		 "brk below the initial break fails, returning the current break");
	kt_check(brk_(0xffff800000000000UL) == b2,
		 "brk to a kernel address fails, returning the current break");
	kt_check(brk_(0) == b2, "the break is unchanged after the failures");

	kt_check(brk_(b0) == b0, "shrinking to the initial break");
	kt_check(faults(b0 + 2 * PAGE), "the heap pages are gone (SIGSEGV)");
	return kt_status();
}
