/* The vDSO and its vvar page in every process (time/vdso.c). */
#pragma once
#include <kernel/types.h>

struct mm;
/* Maps the vvar page and the vDSO into a new address space (exec);
 * *base gets the vDSO's address for AT_SYSINFO_EHDR. 0 or -ENOMEM. */
int vdso_map(struct mm *mm, uint64_t *base);
