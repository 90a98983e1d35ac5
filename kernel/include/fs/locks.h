/* File locks: fcntl record locks (POSIX and open-file-description) and
 * flock(2), as Linux's fs/locks.c keeps them.
 *
 *   POSIX record lock   fcntl F_SETLK/F_SETLKW/F_GETLK: a byte range of an
 *                       inode, owned by a process's descriptor table
 *                       (struct files); dropped when that table closes ANY
 *                       descriptor of the inode, and at exit.
 *   OFD record lock     fcntl F_OFD_*: the same ranges, owned by the open
 *                       file (struct file); dropped at its last close.
 *   flock               a whole-file lock owned by the open file; it never
 *                       meets the record locks (Linux keeps them apart).
 *
 * Each inode has two lists (inode->posix_locks, inode->flocks) under one
 * global mutex, file_locks: it is taken alone (no sb->lock, inode->lock or
 * files lock held) and never across a user copy. A sleeper in F_SETLKW or
 * a blocking flock waits for the lists to change (a generation count
 * bumped at every release) and tries again. */
#pragma once
#include <kernel/types.h>

struct file;
struct files;

void locks_init(void);
/* Close of one descriptor of f by the table `owner`: its POSIX locks on
 * f's inode go (Linux's locks_remove_posix). */
void locks_remove_posix(struct file *f, struct files *owner);
/* The last reference to f is gone: its OFD locks and flock go. */
void locks_remove_file(struct file *f);

/* fcntl's lock commands (F_GETLK, F_SETLK, F_SETLKW, F_OFD_*). */
long fcntl_lock(struct file *f, unsigned cmd, void *user_flock);

/* The shared machinery of fs/locks.c and fs/flock.c. */
void file_locks_lock(void);
void file_locks_unlock(void);
/* Something was released: wake every sleeper to try again. Called with
 * the mutex held; the sleepers wake once it is let go. */
void file_locks_released(void);
/* The generation to wait on (read under the mutex), and the wait for it
 * to move on: 0, or -ERESTARTSYS for a signal. */
uint64_t file_locks_generation(void);
long file_locks_wait(uint64_t seen);
/* fs/flock.c: drops f's flock (mutex held). */
void flock_remove_file(struct file *f);
