/* The floating-point and SSE registers of user programs. The kernel itself
 * never touches them (it is built with -mgeneral-regs-only), so a user
 * task's values stay in the CPU while it is in the kernel; they are saved
 * when another user task takes the CPU and restored when it comes back. */
#pragma once
#include <kernel/types.h>

#define FPU_STATE_SIZE 512      /* the fxsave format */

struct fpu_state {
	uint8_t data[FPU_STATE_SIZE];
} __attribute__((aligned(16)));

/* Turns SSE on for this CPU (CR0, CR4). */
void fpu_init_cpu(void);
/* The state a new program starts with (as after finit, MXCSR default). */
void fpu_init_state(struct fpu_state *s);

static inline void fpu_save(struct fpu_state *s) { __asm__ __volatile__("fxsave64 %0" : "=m"(*s)); }
static inline void fpu_restore(const struct fpu_state *s) { __asm__ __volatile__("fxrstor64 %0" :: "m"(*s)); }
