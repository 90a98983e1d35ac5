/* Stack walking over the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer). */
#pragma once
#include <stdint.h>

/* Prints one "  #N [<addr>] name+0xoff" line per frame, starting with rip
 * (the current instruction) and then following rbp. */
void backtrace_from(uint64_t rip, uint64_t rbp);
/* Backtrace of the caller. */
void backtrace(void);
