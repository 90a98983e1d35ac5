/* Kernel stacks: KSTACK_SIZE bytes each, in the kernel stack area, with an
 * unmapped guard gap below every stack. A stack overflow then hits the
 * gap and faults with a clear report (the fault handlers ask
 * kstack_describe_guard) instead of silently overwriting a neighbour. */
#pragma once
#include <kernel/types.h>

#define KSTACK_SIZE   (16 * 1024)
#define KSTACK_GUARD  (16 * 1024)   /* large enough for a function's locals to jump over */

/* The top of a new stack (it grows down from there), or NULL. */
void *kstack_alloc(void);
void kstack_free(void *top);
/* Stacks allocated now. */
uint64_t kstack_count(void);

/* If addr is in a stack guard gap (or the boot stack's guard page), prints
 * which stack overflowed and returns true. */
bool kstack_describe_guard(uint64_t addr);
