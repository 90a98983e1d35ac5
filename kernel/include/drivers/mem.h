/* The memory devices: /dev/null, /dev/zero, /dev/full, /dev/random and
 * /dev/urandom (major 1, as in Linux). */
#pragma once

/* Registers them with the chrdev registry; call before mounting devfs. */
void mem_devices_init(void);
