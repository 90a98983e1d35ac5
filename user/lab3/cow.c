/* cow: after fork, parent and child have separate memory, whether the
 * kernel copies it at fork or shares it copy-on-write.
 *
 * Every kind of user memory is tried: .bss, .data, the stack, memory from
 * brk, a .bss page nobody touched before the fork, and .rodata (shared
 * read-only, same contents on both sides). Writes go in both directions and
 * in both orders (parent first, child first), then down a three-level
 * chain, and after the other side has exited (the last owner of a shared
 * page must be able to write it). Children report through exit codes. */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <kt.h>

#define PAGE	4096
#define NPAGES	64

/* Who wrote a page; each writer leaves different bytes. */
enum { ORIG, CHILD, PARENT, GRANDCHILD };

#define ALIGNED	__attribute__((aligned(PAGE)))
static char big[NPAGES * PAGE] ALIGNED;
static char untouched[PAGE] ALIGNED;
static char chain[PAGE] ALIGNED;
static const char ro[PAGE] ALIGNED = "read-only, shared by parent and child";
/* volatile: gcc may assume fork() cannot change a static no one else sees */
static volatile int data_var = 1234;
static volatile int bss_var;

/* The byte that page i holds when written by who. */
static int val(int i, int who)
{
	return (i * 3 + who * 85 + 1) & 0xff;
}

static void fill(char *p, int npages, int who)
{
	for (int i = 0; i < npages; i++)
		memset(p + i * PAGE, val(i, who), PAGE);
}

static int page_is(const char *p, int v)
{
	for (int k = 0; k < PAGE; k++)
		if ((unsigned char)p[k] != v)
			return 0;
	return 1;
}

static int region_is(const char *p, int npages, int who)
{
	for (int i = 0; i < npages; i++)
		if (!page_is(p + i * PAGE, val(i, who)))
			return 0;
	return 1;
}

/* The child's side of a region test: it must see the data from before the
 * fork, then its own writes. Exits 0, or with what went wrong. */
static void child_rewrites(char *p, int npages, long delay_ms)
{
	kt_sleep_ms(delay_ms);
	int code = region_is(p, npages, ORIG) ? 0 : 1;
	fill(p, npages, CHILD);
	sched_yield();
	if (!region_is(p, npages, CHILD))
		code |= 2;
	_exit(code);
}

static int exit_code(pid_t pid)
{
	int status;

	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Parent writes first: the child sleeps, then must still see the old data. */
static void big_parent_first(void)
{
	fill(big, NPAGES, ORIG);
	pid_t pid = kt_fork();
	if (pid == 0)
		child_rewrites(big, NPAGES, 10);
	for (int i = 0; i < NPAGES; i += 2)
		memset(big + i * PAGE, val(i, PARENT), PAGE);
	int code = exit_code(pid);
	int ok = 1;
	for (int i = 0; i < NPAGES; i++)
		ok &= page_is(big + i * PAGE, val(i, i % 2 ? ORIG : PARENT));
	kt_check(code == 0, "parent writes first: "
		 "child sees the old data in 64 pages, then its own");
	kt_check(ok, "parent writes first: parent keeps its own data");

	/* The child is gone: the parent is the only owner now. */
	for (int i = 1; i < NPAGES; i += 2)
		memset(big + i * PAGE, val(i, PARENT), PAGE);
	kt_check(region_is(big, NPAGES, PARENT),
		 "parent writes the pages after the child exited");
}

/* Child writes first: the parent looks while the child is still alive. */
static void big_child_first(void)
{
	fill(big, NPAGES, ORIG);
	pid_t pid = kt_fork();
	if (pid == 0)
		child_rewrites(big, NPAGES, 0);
	kt_sleep_ms(10);
	int ok = region_is(big, NPAGES, ORIG);
	int code = exit_code(pid);
	ok &= region_is(big, NPAGES, ORIG);
	kt_check(code == 0, "child writes first: "
		 "child sees the old data in 64 pages, then its own");
	kt_check(ok, "child writes first: parent keeps the old data");
}

static void variables(void)
{
	volatile int on_stack = 42;

	bss_var = 99;
	pid_t pid = kt_fork();
	if (pid == 0) {
		int code = 0;
		if (on_stack != 42)
			code |= 1;
		if (data_var != 1234)
			code |= 2;
		if (bss_var != 99)
			code |= 4;
		on_stack = 43;
		data_var = 4321;
		bss_var = 100;
		_exit(code);
	}
	int code = exit_code(pid);
	kt_check(code >= 0 && !(code & 1) && on_stack == 42,
		 "stack variable: the child's write stays in the child");
	kt_check(code >= 0 && !(code & 2) && data_var == 1234,
		 ".data variable: the child's write stays in the child");
	kt_check(code >= 0 && !(code & 4) && bss_var == 99,
		 ".bss variable: the child's write stays in the child");
}

static void untouched_bss(void)
{
	pid_t pid = kt_fork();
	if (pid == 0) {
		int code = page_is(untouched, 0) ? 0 : 1;
		memset(untouched, 7, PAGE);
		_exit(code | (page_is(untouched, 7) ? 0 : 2));
	}
	int code = exit_code(pid);
	kt_check(code == 0 && page_is(untouched, 0),
		 "untouched .bss page: the child writes it, the parent reads zeros");
}

static void brk_memory(void)
{
	enum { N = 16 };
	uintptr_t cur = syscall(SYS_brk, 0);
	char *mem = (char *)((cur + PAGE - 1) & ~(uintptr_t)(PAGE - 1));

	if ((char *)syscall(SYS_brk, mem + N * PAGE) != mem + N * PAGE) {
		kt_check(0, "brk memory: grow the heap by 16 pages");
		return;
	}
	fill(mem, N, ORIG);
	pid_t pid = kt_fork();
	if (pid == 0)
		child_rewrites(mem, N, 0);
	int code = exit_code(pid);
	kt_check(code == 0 && region_is(mem, N, ORIG),
		 "brk memory: the child's writes stay in the child");
	syscall(SYS_brk, cur);
}

/* parent -> child -> grandchild, each writing its own value to one page. */
static void three_levels(void)
{
	memset(chain, ORIG + 1, PAGE);
	pid_t pid = kt_fork();
	if (pid == 0) {
		int code = page_is(chain, ORIG + 1) ? 0 : 1;
		memset(chain, CHILD + 1, PAGE);
		pid_t gpid = fork();
		if (gpid == 0) {
			int gcode = page_is(chain, CHILD + 1) ? 0 : 1;
			memset(chain, GRANDCHILD + 1, PAGE);
			if (!page_is(chain, GRANDCHILD + 1))
				gcode |= 2;
			_exit(gcode);
		}
		memset(chain, CHILD + 1, PAGE);	/* again, now shared */
		if (exit_code(gpid) != 0)
			code |= 2;
		if (!page_is(chain, CHILD + 1))
			code |= 4;
		_exit(code);
	}
	memset(chain, PARENT + 1, PAGE);
	int code = exit_code(pid);
	kt_check(code == 0, "three levels: child and grandchild each see "
		 "their parent's data, then their own");
	kt_check(page_is(chain, PARENT + 1),
		 "three levels: the parent keeps its own data");
}

static unsigned sum(const char *p)
{
	unsigned s = 0;

	for (int k = 0; k < PAGE; k++)
		s = s * 31 + (unsigned char)p[k];
	return s;
}

static void rodata(void)
{
	unsigned before = sum(ro);
	pid_t pid = kt_fork();
	if (pid == 0)
		_exit(sum(ro) == before ? 0 : 1);
	int code = exit_code(pid);
	kt_check(code == 0 && sum(ro) == before,
		 ".rodata page: same contents in parent and child");
}

int main(void)
{
	big_parent_first();
	big_child_first();
	variables();
	untouched_bss();
	brk_memory();
	three_levels();
	rodata();
	return kt_status();
}
