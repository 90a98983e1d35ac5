/* Looking up the programs built into the kernel (proc/programs.h). */
#include <kernel/types.h>
#include <kernel/string.h>
#include <proc/programs.h>

const struct embedded_program *program_find(const char *name)
{
	for (uint64_t i = 0; i < embedded_programs_count; i++)
		if (strcmp(embedded_programs[i].name, name) == 0)
			return &embedded_programs[i];
	return NULL;
}
