/* Futexes: sleeping on a word of user memory (proc/futex.c). */
#pragma once

/* The hash buckets and their lock: a step of kmain, before any process. */
void futex_init(void);
