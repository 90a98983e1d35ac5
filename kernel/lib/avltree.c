/* Intrusive AVL trees (kernel/avltree.h): every node's two subtrees differ
 * in height by at most one. Insertion and erasure change heights only on
 * the path to the root; walking up it, one or two rotations restore the
 * balance wherever a subtree got two taller on one side. */
#include <kernel/avltree.h>

static int height(const struct avl_node *n) { return n ? n->height : 0; }

static void update_height(struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = (l > r ? l : r) + 1;
}

static int balance(const struct avl_node *n) { return height(n->left) - height(n->right); }

/* Points whatever pointed at old (its parent, or the root) at new. */
static void replace_child(struct avl_root *root, struct avl_node *parent, struct avl_node *old,
			  struct avl_node *new)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

/* x's right child y takes x's place, x becomes y's left child. */
static struct avl_node *rotate_left(struct avl_root *root, struct avl_node *x)
{
	struct avl_node *y = x->right;
	replace_child(root, x->parent, x, y);
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->left = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* The mirror image. */
static struct avl_node *rotate_right(struct avl_root *root, struct avl_node *x)
{
	struct avl_node *y = x->left;
	replace_child(root, x->parent, x, y);
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->right = x;
	x->parent = y;
	update_height(x);
	update_height(y);
	return y;
}

/* Restores the balance of n, whose subtrees may differ by two: the root of
 * the subtree that now stands where n stood. */
static struct avl_node *rebalance_node(struct avl_root *root, struct avl_node *n)
{
	update_height(n);
	int b = balance(n);
	if (b > 1) {
		if (balance(n->left) < 0)
			rotate_left(root, n->left);     /* left-right case */
		return rotate_right(root, n);
	}
	if (b < -1) {
		if (balance(n->right) > 0)
			rotate_right(root, n->right);   /* right-left case */
		return rotate_left(root, n);
	}
	return n;
}

/* Walks from n up to the root, fixing heights and balance. */
static void rebalance_up(struct avl_root *root, struct avl_node *n)
{
	while (n) {
		n = rebalance_node(root, n);
		n = n->parent;
	}
}

void avl_insert(struct avl_root *root, struct avl_node *n, avl_less_fn less)
{
	struct avl_node *parent = NULL, **link = &root->node;
	while (*link) {
		parent = *link;
		link = less(n, parent) ? &parent->left : &parent->right;
	}
	n->parent = parent;
	n->left = n->right = NULL;
	n->height = 1;
	*link = n;
	rebalance_up(root, parent);
}

static struct avl_node *leftmost(struct avl_node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static struct avl_node *rightmost(struct avl_node *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

void avl_erase(struct avl_root *root, struct avl_node *n)
{
	struct avl_node *fix;       /* the lowest node whose height may change */
	if (n->left && n->right) {
		/* n's successor s (no left child) takes n's place in the tree. */
		struct avl_node *s = leftmost(n->right);
		if (s->parent == n) {
			fix = s;
		} else {
			fix = s->parent;
			replace_child(root, s->parent, s, s->right);
			s->right = n->right;
			s->right->parent = s;
		}
		replace_child(root, n->parent, n, s);
		s->left = n->left;
		s->left->parent = s;
		s->height = n->height;
	} else {
		fix = n->parent;
		replace_child(root, n->parent, n, n->left ? n->left : n->right);
	}
	n->parent = n->left = n->right = NULL;
	rebalance_up(root, fix);
}

struct avl_node *avl_first(const struct avl_root *root) { return leftmost(root->node); }
struct avl_node *avl_last(const struct avl_root *root) { return rightmost(root->node); }

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right)
		return leftmost(n->right);
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left)
		return rightmost(n->left);
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}
