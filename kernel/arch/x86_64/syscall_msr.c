/* Turning on the `syscall` instruction on this CPU (see syscall.S). */
#include <kernel/types.h>
#include <syscall/syscall.h>
#include <x86/cpu.h>
#include <x86/gdt.h>

#define MSR_STAR   0xc0000081   /* segment selectors for syscall/sysret */
#define MSR_LSTAR  0xc0000082   /* 64-bit entry point */
#define MSR_FMASK  0xc0000084   /* RFLAGS bits to clear on entry */
#define EFER_SCE   (1ull << 0)  /* syscall enable */

#define RFLAGS_TF  (1ull << 8)
#define RFLAGS_DF  (1ull << 10)
#define RFLAGS_AC  (1ull << 18)

void syscall_entry(void);

void syscall_init_cpu(void)
{
	// LAB 3 BEGIN(exercise 1): enable syscall and point it at syscall_entry
	/* STAR[47:32]: CS on entry (SS = that + 8). STAR[63:48]: the base
	 * for sysret, which loads SS = base + 8 and CS = base + 16, both with
	 * RPL 3: hence the GDT order kernel data, user data, user code. */
	wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_DATA << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Enter with interrupts off (until we are on the kernel stack), the
	 * direction flag clear (the C ABI), no single-stepping, and AC clear
	 * (SMAP protects user pages again). */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	// LAB 3 STUB: (void)syscall_entry;
	// LAB 3 END
}
