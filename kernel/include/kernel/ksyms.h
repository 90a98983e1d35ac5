/* The kernel's own symbol table, linked into the image (see
 * scripts/mksyms.py), so backtraces can name functions without a debugger. */
#pragma once
#include <stdint.h>

/* Finds the function containing addr. Returns its name and stores the
 * offset of addr inside it, or returns NULL if addr is not kernel text. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
