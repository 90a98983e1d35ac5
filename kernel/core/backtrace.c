/* Walking the stack through saved frame pointers.
 *
 * With -fno-omit-frame-pointer every function starts with
 *     push %rbp; mov %rsp, %rbp
 * so %rbp points at a two-word record: the caller's saved %rbp, then the
 * return address into the caller. Following saved %rbp values visits every
 * active call until the 0 that boot.S put in %rbp before calling kmain. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/backtrace.h>
#include <kernel/printk.h>
#include <kernel/ksyms.h>
#include <x86/memlayout.h>
#include <x86/paging.h>

#define MAX_FRAMES 32

struct frame {
	struct frame *next;     /* the caller's saved %rbp */
	uint64_t ret;           /* return address into the caller */
};

static void print_frame(int depth, uint64_t addr)
{
	uint64_t off = 0;
	const char *name = ksyms_lookup(addr, &off);
	printk("  #%d [%016lx] %s+0x%lx\n", depth, addr, name ? name : "??", off);
}

/* A frame pointer we can safely dereference: aligned, mapped kernel memory
 * (a corrupt or overflowed stack must not fault the backtrace itself). */
static __maybe_unused bool frame_ok(const struct frame *f)
{
	return ((uint64_t)f & 7) == 0 && kernel_readable((uint64_t)f, sizeof(*f));
}

void backtrace_from(uint64_t rip, uint64_t rbp)
{
	printk("backtrace:\n");
	print_frame(0, rip);
	// LAB 1 BEGIN(exercise 5): follow the frame-pointer chain
	const struct frame *f = (const struct frame *)rbp;
	for (int depth = 1; depth < MAX_FRAMES && f && frame_ok(f); depth++) {
		if (f->ret < KERNEL_VIRT_BASE)  /* the call from boot.S: the end */
			break;
		/* A return address points after the call; subtract 1 so the
		 * lookup lands inside the calling function even when the call
		 * was its last instruction. */
		print_frame(depth, f->ret - 1);
		if (f->next <= f)       /* the stack grows down: callers live higher */
			break;
		f = f->next;
	}
	// LAB 1 END
}

void __noinline backtrace(void)
{
	uint64_t rbp;
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(rbp));
	/* Start in our caller: this function's own frame is noise. */
	const struct frame *f = (const struct frame *)rbp;
	backtrace_from(f->ret - 1, (uint64_t)f->next);
}
