/* Host unit tests for the AVL tree library (kernel/lib/avltree.c): in-order
 * walks, lookups, erasure, equal keys, and a random stress test against a
 * sorted reference array, with the tree's invariants checked after every
 * step (order, parent links, heights, balance). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <kernel/avltree.h>
#include <kernel/list.h>

struct item {
	int key;
	int seq;                    /* insertion order, for equal keys */
	struct avl_node node;
};

#define ITEM(n) container_of(n, struct item, node)

static bool item_less(const struct avl_node *a, const struct avl_node *b)
{
	return ITEM(a)->key < ITEM(b)->key;
}

/* The first item with key >= key: how a user of the library searches. */
static struct item *lower_bound(struct avl_root *root, int key)
{
	struct avl_node *n = root->node, *best = NULL;
	while (n) {
		if (ITEM(n)->key >= key) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best ? ITEM(best) : NULL;
}

/* Checks the subtree at n, returning its height and its node count. */
static int check_subtree(struct avl_node *n, struct avl_node *parent, int *count)
{
	if (!n)
		return 0;
	cr_assert_eq(n->parent, parent, "bad parent link at key %d", ITEM(n)->key);
	int l = check_subtree(n->left, n, count);
	int r = check_subtree(n->right, n, count);
	cr_assert(l - r <= 1 && r - l <= 1, "unbalanced at key %d: %d vs %d", ITEM(n)->key, l, r);
	int h = (l > r ? l : r) + 1;
	cr_assert_eq(n->height, h, "stale height at key %d", ITEM(n)->key);
	(*count)++;
	return h;
}

/* Checks every invariant, and that an in-order walk (both ways) gives
 * exactly the n keys of want[], equal keys in insertion order. */
static void check_tree(struct avl_root *root, const struct item *want[], int n)
{
	int count = 0;
	check_subtree(root->node, NULL, &count);
	cr_assert_eq(count, n);
	int i = 0;
	for (struct avl_node *p = avl_first(root); p; p = avl_next(p), i++) {
		cr_assert_lt(i, n);
		cr_assert_eq(ITEM(p), want[i], "in-order position %d: key %d, want %d", i, ITEM(p)->key,
			     want[i]->key);
	}
	cr_assert_eq(i, n);
	for (struct avl_node *p = avl_last(root); p; p = avl_prev(p))
		cr_assert_eq(ITEM(p), want[--i]);
	cr_assert_eq(i, 0);
}

Test(avltree, empty)
{
	struct avl_root root = AVL_ROOT_INIT;
	cr_assert_null(avl_first(&root));
	cr_assert_null(avl_last(&root));
	cr_assert_null(lower_bound(&root, 0));
}

Test(avltree, ascending_inserts_stay_balanced)
{
	enum { N = 1023 };
	static struct item items[N];
	static const struct item *want[N];
	struct avl_root root = AVL_ROOT_INIT;
	for (int i = 0; i < N; i++) {
		items[i].key = i;
		want[i] = &items[i];
		avl_insert(&root, &items[i].node, item_less);
	}
	check_tree(&root, want, N);
	cr_assert_leq(root.node->height, 11, "height %d for 1023 ascending keys", root.node->height);
}

Test(avltree, lookup_and_erase)
{
	enum { N = 100 };
	static struct item items[N];
	static const struct item *want[N];
	struct avl_root root = AVL_ROOT_INIT;
	for (int i = 0; i < N; i++) {
		items[i].key = (i * 37) % N * 2;        /* even keys, shuffled */
		avl_insert(&root, &items[i].node, item_less);
	}
	for (int k = 0; k < 2 * N - 1; k++) {
		struct item *it = lower_bound(&root, k);
		cr_assert_not_null(it);
		cr_assert_eq(it->key, (k + 1) / 2 * 2);
	}
	cr_assert_null(lower_bound(&root, 2 * N - 1));
	/* Erase the keys divisible by 4: the others remain, in order. */
	for (int i = 0; i < N; i++)
		if (items[i].key % 4 == 0)
			avl_erase(&root, &items[i].node);
	int n = 0;
	for (int k = 2; k < 2 * N; k += 4)
		want[n++] = lower_bound(&root, k);
	check_tree(&root, want, n);
	cr_assert_eq(lower_bound(&root, 0)->key, 2);
	cr_assert_eq(lower_bound(&root, 3)->key, 6);
}

Test(avltree, equal_keys_keep_insertion_order)
{
	enum { N = 60 };
	static struct item items[N];
	static const struct item *want[N];
	struct avl_root root = AVL_ROOT_INIT;
	for (int i = 0; i < N; i++) {
		items[i].key = i % 3;
		items[i].seq = i;
		avl_insert(&root, &items[i].node, item_less);
	}
	int n = 0;
	for (int k = 0; k < 3; k++)
		for (int i = k; i < N; i += 3)
			want[n++] = &items[i];
	check_tree(&root, want, N);
}

/* Reference: the items in the tree, sorted by (key, seq). */
static int cmp_items(const void *a, const void *b)
{
	const struct item *x = *(const struct item *const *)a, *y = *(const struct item *const *)b;
	return x->key != y->key ? (x->key > y->key) - (x->key < y->key) : (x->seq > y->seq) - (x->seq < y->seq);
}

Test(avltree, random_stress_against_reference)
{
	enum { N = 2000, STEPS = 20000 };
	static struct item items[N];
	static bool in_tree[N];
	static const struct item *want[N];
	struct avl_root root = AVL_ROOT_INIT;
	srand(12345);
	int seq = 0;
	for (int step = 0; step < STEPS; step++) {
		int i = rand() % N;
		if (in_tree[i]) {
			avl_erase(&root, &items[i].node);
		} else {
			items[i].key = rand() % 500;        /* many equal keys */
			items[i].seq = seq++;
			avl_insert(&root, &items[i].node, item_less);
		}
		in_tree[i] = !in_tree[i];
		if (step % 97 != 0 && step != STEPS - 1)
			continue;
		int n = 0;
		for (int j = 0; j < N; j++)
			if (in_tree[j])
				want[n++] = &items[j];
		qsort(want, n, sizeof(want[0]), cmp_items);
		check_tree(&root, want, n);
		for (int k = 0; k < 500; k += 7) {
			struct item *it = lower_bound(&root, k);
			int j = 0;
			while (j < n && want[j]->key < k)
				j++;
			cr_assert_eq(it, j < n ? want[j] : NULL, "lower_bound(%d)", k);
		}
	}
}
