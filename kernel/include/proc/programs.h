/* User programs built into the kernel image (scripts/mkprograms.py): the
 * static test programs of user/, until there is a filesystem to hold them. */
#pragma once
#include <kernel/types.h>

struct embedded_program {
	const char *name;       /* "hello" for user/lab3/hello.c */
	const uint8_t *data;
	uint64_t size;
};

extern const struct embedded_program embedded_programs[];
extern const uint64_t embedded_programs_count;

const struct embedded_program *program_find(const char *name);
