/* Intrusive balanced binary search trees (AVL), in the style of Linux's
 * rbtree: a struct avl_node lives inside each element, container_of()
 * gets back to the element, and the caller does its own searching (it
 * knows the key). The library keeps the tree balanced, so its height stays
 * below 1.45 log2(n): lookups, insertions and erasures are O(log n).
 * Pure code, with no kernel dependencies: host-tested in
 * kernel/tests/unit/test_avltree.c. */
#pragma once
#include <stddef.h>
#include <stdbool.h>

struct avl_node {
	struct avl_node *parent, *left, *right;
	int height;                 /* of the subtree rooted here: a leaf is 1 */
};

struct avl_root {
	struct avl_node *node;      /* NULL: the empty tree */
};

#define AVL_ROOT_INIT { NULL }

/* Whether `a` goes before `b` (a strict order; equal keys keep insertion
 * order: a new node goes after those it equals). */
typedef bool (*avl_less_fn)(const struct avl_node *a, const struct avl_node *b);

/* Adds n (not in any tree) to the tree ordered by less. */
void avl_insert(struct avl_root *root, struct avl_node *n, avl_less_fn less);
/* Takes n out of the tree. */
void avl_erase(struct avl_root *root, struct avl_node *n);

/* In-order walking: NULL past either end. */
struct avl_node *avl_first(const struct avl_root *root);
struct avl_node *avl_last(const struct avl_root *root);
struct avl_node *avl_next(const struct avl_node *n);
struct avl_node *avl_prev(const struct avl_node *n);
