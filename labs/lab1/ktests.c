/* Lab 1 self-tests. The grader (labs/lab1/lab.py) boots the kernel once per
 * test with "test=NAME token=RANDOM" and checks what it prints. Values the
 * tests print depend on the token, so only a working kernel can produce
 * the expected lines. */
#include <kernel/types.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/backtrace.h>
#include <kernel/timer.h>
#include <x86/cpu.h>

/* The CPU really is in 64-bit mode, at the higher-half address. */
static void ktest_boot(void)
{
	uint16_t cs;
	__asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
	printk("boot: efer=%#lx cs=%#x rip=%p token=%s\n", rdmsr(MSR_EFER), cs,
	       (void *)ktest_boot, ktest_token());
}
KTEST("boot", ktest_boot);

static void ktest_printk(void)
{
	int i = 0;
#define PRINTK_CASE(fmt, ...) printk("printk %02d: [" fmt "]\n", i++, ##__VA_ARGS__);
#include "printk_cases.h"
	printk("printk: %d cases, token=%s\n", i, ktest_token());
}
KTEST("printk", ktest_printk);

/* int3 is reported and then execution resumes right after it: this checks
 * the whole trap path, including the register restore and iretq. */
static void ktest_int3(void)
{
	uint64_t before = ktest_token_value(), after;
	/* Keep a known value in a callee-saved register across the trap. */
	__asm__ __volatile__("mov %1, %%rbx\n\tint3\n\tmov %%rbx, %0"
			     : "=r"(after) : "r"(before) : "rbx", "memory");
	printk("int3: resumed, rbx %s, token=%s\n", after == before ? "preserved" : "CLOBBERED",
	       ktest_token());
}
KTEST("int3", ktest_int3);

static void __noinline ktest_divide_error(void)
{
	volatile int zero = 0;
	volatile int x = (int)(ktest_token_value() & 0xffff) + 1;
	printk("divide: dividing by zero\n");
	x = x / zero;
	printk("divide: survived?! %d\n", x);
}
KTEST("divide", ktest_divide_error);

/* Touches an unmapped address chosen from the token: the report must show
 * exactly that CR2, and whether it was a read or a write. */
static void __noinline ktest_page_fault(void)
{
	uint64_t token = ktest_token_value();
	volatile uint64_t *addr = (volatile uint64_t *)((1ull << 38) + ((token & 0xffffff) << 3));
	bool write = token & 1;
	printk("page-fault: %s %p\n", write ? "writing" : "reading", (void *)addr);
	if (write)
		*addr = token;
	else
		(void)*addr;
	printk("page-fault: survived?!\n");
}
KTEST("page-fault", ktest_page_fault);

/* A recursion whose depth comes from the token, then a backtrace: every
 * level must appear, named, in order. */
static int __noinline ktest_bt_recurse(int depth)
{
	int r;
	if (depth == 0) {
		backtrace();
		r = 0;
	} else {
		r = ktest_bt_recurse(depth - 1);
	}
	/* Work after the call keeps it from becoming a jump (tail call). */
	return r + 1;
}

static void ktest_backtrace(void)
{
	int depth = 3 + ktest_token_value() % 5;
	printk("backtrace: recursing %d levels\n", depth);
	int r = ktest_bt_recurse(depth - 1);
	printk("backtrace: returned %d, token=%s\n", r, ktest_token());
}
KTEST("backtrace", ktest_backtrace);

/* Sleeps in hlt until the timer has ticked TIMER_HZ times: about a
 * second. The grader times the gap between the two lines. */
static void ktest_timer(void)
{
	uint64_t start = timer_ticks();
	printk("timer: start at tick %lu\n", start);
	while (timer_ticks() < start + TIMER_HZ)
		sti_hlt();
	printk("timer: %d ticks later, token=%s\n", TIMER_HZ, ktest_token());
}
KTEST("timer", ktest_timer);

static void __noinline ktest_panic_inner(void)
{
	panic("test panic, token=%s", ktest_token());
}

static void ktest_panic(void)
{
	ktest_panic_inner();
}
KTEST("panic", ktest_panic);
