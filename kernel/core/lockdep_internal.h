/* What lockdep.c (held locks, owners) and lockdep_order.c (classes, the
 * order graph) share. */
#pragma once
#include <kernel/lockdep.h>

extern bool lockdep_active;

/* The class number of m's lock (given at its first use). */
unsigned lockdep_class_of(struct lockdep_map *m, uintptr_t site);
/* Records that held's class is taken before m's (class cls, at site);
 * panics if the opposite order was seen before. */
void lockdep_check_order(const struct held_lock *held, struct lockdep_map *m,
			 unsigned cls, uintptr_t site);

/* Report helpers: "name+0xoff" of a return address; the class's name and
 * where its locks are initialised. */
void lockdep_print_site(const char *prefix, uintptr_t site, const char *suffix);
void lockdep_print_class(unsigned cls);
/* Who is running: "task NAME (tid N) on cpu N". */
void lockdep_print_context(void);
