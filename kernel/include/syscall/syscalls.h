/* Prototypes of the system call handlers. They are generated (build/gen/
 * syscall_handlers.h, by scripts/mksyscalls.py) from the handlers' own
 * definitions, "long sys_NAME(...)" anywhere in kernel/, grouped by the
 * file that defines each: the list cannot drift from the code. Arguments
 * come straight from user registers: pointers are user pointers
 * (x86/uaccess.h) and nothing has been checked yet. */
#pragma once
#include "syscall_handlers.h"
