/* The ext2 filesystem (kernel/fs/ext2/): registers the "ext2" type. */
#pragma once

void ext2_init(void);
