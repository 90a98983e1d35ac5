/* tmpfs: files in memory only (/tmp, and "/" when there is no disk). */
#pragma once
void tmpfs_init(void);
