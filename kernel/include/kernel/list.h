/* Intrusive doubly linked lists, as in Linux: a struct list_head lives
 * inside each element, and container_of() gets from it back to the element.
 * An empty list is a head that points at itself. */
#pragma once
#include <stddef.h>
#include <stdbool.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)

static inline void list_init(struct list_head *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_head *h) { return h->next == h; }

static inline void list_insert(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Adds n right after head. */
static inline void list_add(struct list_head *n, struct list_head *head) { list_insert(n, head, head->next); }

/* Unlinks n and leaves it pointing at itself, so a second list_del is harmless. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* Adds n right before head: at the end of the list. */
static inline void list_add_tail(struct list_head *n, struct list_head *head) { list_insert(n, head->prev, head); }

/* Iterates over the elements of a list that the loop does not change. */
#define list_for_each_entry(pos, head, member) \
	for (pos = list_entry((head)->next, __typeof__(*pos), member); \
	     &pos->member != (head); \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

/* Iterates over the elements; `tmp` makes it safe to list_del(pos). */
/* The same, last to first. */
#define list_for_each_entry_reverse(pos, head, member) \
	for (pos = list_entry((head)->prev, __typeof__(*pos), member); \
	     &pos->member != (head); \
	     pos = list_entry(pos->member.prev, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, tmp, head, member) \
	for (pos = list_entry((head)->next, __typeof__(*pos), member), \
	     tmp = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (head); \
	     pos = tmp, tmp = list_entry(tmp->member.next, __typeof__(*pos), member))
