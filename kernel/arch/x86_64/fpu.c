/* SSE for user programs (x86/fpu.h). Every x86_64 program may use SSE2:
 * the C compiler uses it for memcpy, printf, floating point. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <x86/cpu.h>
#include <x86/fpu.h>

#define CR0_MP  (1ull << 1)     /* wait/fwait honours TS */
#define CR0_EM  (1ull << 2)     /* set: x87/SSE instructions fault (#UD) */
#define CR0_TS  (1ull << 3)     /* set: they fault with #NM (lazy switching) */
#define CR0_NE  (1ull << 5)     /* report x87 errors as #MF */
#define CR4_OSFXSR     (1ull << 9)    /* the OS saves SSE state with fxsave */
#define CR4_OSXMMEXCPT (1ull << 10)   /* and handles SIMD exceptions (#XM) */

void fpu_init_cpu(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_init_state(struct fpu_state *s)
{
	memset(s, 0, sizeof(*s));
	*(uint16_t *)&s->data[0] = 0x037f;          /* FCW: all exceptions masked, 64-bit precision */
	*(uint32_t *)&s->data[24] = 0x1f80;         /* MXCSR: all exceptions masked */
}
