/* The kernel command line the boot loader passed ("test=timer token=..."). */
#pragma once
#include <stddef.h>
#include <stdbool.h>

/* The longest command line kept, its NUL included (Linux's x86
 * COMMAND_LINE_SIZE is 2048); longer ones are cut. */
#define CMDLINE_MAX 1024

void cmdline_init(const char *text);
const char *cmdline_raw(void);
/* Value of "key=value" (NULL if absent; "" for a bare "key"). The result
 * points into a private copy and stays valid for the kernel's lifetime. */
const char *cmdline_get(const char *key);

/* Pure parser, shared with the host unit tests: finds key in text and
 * copies its value (at most size-1 chars) into out. Returns the value's
 * length, or -ENOENT if key is absent. */
int cmdline_find(const char *text, const char *key, char *out, size_t size);
