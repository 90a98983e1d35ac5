/* Powering off. Under QEMU the isa-debug-exit device turns the value we
 * write into QEMU's exit status: status = (value << 1) | 1. The grader
 * (grade/qemu.py) decodes these; keep the two in step. */
#pragma once
#include <kernel/compiler.h>

#define POWEROFF_OK     0x10   /* QEMU exits with 33 */
#define POWEROFF_PANIC  0x11   /* QEMU exits with 35 */

void poweroff(int code) __noreturn;
