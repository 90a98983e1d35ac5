/* clone, clone3, fork and vfork: one request each (proc/fork.c, clone.c). */
#pragma once
#include <kernel/types.h>

/* What the caller asked for, from whichever system call. */
struct clone_request {
	uint64_t flags;             /* CLONE_*, without the exit signal */
	int exit_signal;            /* sent to the parent at the end, 0: none */
	uint64_t stack;             /* the child's %rsp, 0: the caller's */
	uint64_t tls;               /* CLONE_SETTLS: the child's %fs base */
	int *parent_tid;            /* CLONE_PARENT_SETTID: in the caller's memory */
	int *child_tid;             /* CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID */
};

/* Creates the task; the child's tid, or -errno. */
long do_clone(const struct clone_request *req);
/* Linux's checks of a flag combination (copy_process): 0 or -EINVAL. */
long clone_flags_check(uint64_t flags);
