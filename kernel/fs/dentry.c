/* The dentry cache (fs/dentry.h): names looked up so far, as a tree.
 *
 * One spinlock guards the tree's links and every dentry's refcount; a
 * filesystem's own sb->lock serializes the changes to its directories, so
 * the tree and the disk agree. A child holds a reference on its parent,
 * which keeps the path to the root alive. Dentries are never pruned while
 * their name exists (a small kernel with few files can afford that);
 * removed names go when their last user does. */
#include <kernel/types.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/kmalloc.h>
#include <fs/dentry.h>

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache");

static char *name_dup(const char *name)
{
	size_t n = strlen(name) + 1;
	char *p = kmalloc(n);
	if (p)
		memcpy(p, name, n);
	return p;
}

static struct dentry *dentry_alloc(const char *name, struct inode *inode)
{
	struct dentry *d = kzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->name = name_dup(name);
	if (!d->name) {
		kfree(d);
		return NULL;
	}
	d->inode = inode;
	d->sb = inode->sb;
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->child_link);
	return d;
}

struct dentry *dentry_make_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = dentry_alloc("", root);
	if (d)
		d->parent = d;
	return d;
}

void dget(struct dentry *d)
{
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	d->refcount++;
	spin_unlock_irqrestore(&dcache_lock, flags);
}

void dput(struct dentry *d)
{
	while (d) {
		uint64_t flags = spin_lock_irqsave(&dcache_lock);
		if (--d->refcount > 0 || !d->unlinked) {
			spin_unlock_irqrestore(&dcache_lock, flags);
			return;
		}
		/* A removed name nobody uses: free it, then drop its parent. */
		struct dentry *parent = d->parent != d ? d->parent : NULL;
		spin_unlock_irqrestore(&dcache_lock, flags);
		iput(d->inode);
		kfree(d->name);
		kfree(d);
		d = parent;
	}
}

struct dentry *dentry_find_child(struct dentry *parent, const char *name)
{
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *c, *found = NULL;
	list_for_each_entry(c, &parent->children, child_link)
		if (!strcmp(c->name, name)) {
			found = c;
			c->refcount++;
			break;
		}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return found;
}

struct dentry *dentry_add_child(struct dentry *parent, const char *name, struct inode *inode)
{
	struct dentry *d = dentry_alloc(name, inode);
	if (!d) {
		iput(inode);
		return NULL;
	}
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	d->parent = parent;
	parent->refcount++;
	list_add_tail(&d->child_link, &parent->children);
	spin_unlock_irqrestore(&dcache_lock, flags);
	return d;
}

void dentry_unlink(struct dentry *d)
{
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	bool was = d->unlinked;
	if (!was) {
		d->unlinked = true;
		list_del(&d->child_link);
		list_init(&d->child_link);
		/* The cache's own hold on d (it stayed at refcount 0 while
		 * cached): gone with the name, so the last user frees it. */
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	if (!was) {
		/* A cached unused dentry has refcount 0: free it now. */
		dget(d);
		dput(d);
	}
}

void dentry_unlink_tree(struct dentry *d)
{
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&dcache_lock);
		struct dentry *c = list_empty(&d->children) ? NULL
			: list_first_entry(&d->children, struct dentry, child_link);
		if (c)
			c->refcount++;
		spin_unlock_irqrestore(&dcache_lock, flags);
		if (!c)
			break;
		dentry_unlink_tree(c);  /* takes c off d->children */
		dput(c);
	}
	dentry_unlink(d);
}

/* The stale test of one child, with no lock held. */
static bool child_stale(struct dentry *c)
{
	struct inode *inode = c->inode;
	return inode->iop && inode->iop->revalidate && inode->iop->revalidate(inode);
}

void dentry_prune_stale(struct dentry *d)
{
	size_t kept = 0;
	for (;;) {
		struct dentry *batch[16], *c;
		size_t n = 0, i = 0;
		uint64_t flags = spin_lock_irqsave(&dcache_lock);
		list_for_each_entry(c, &d->children, child_link) {
			if (i++ < kept)
				continue;
			if (n == ARRAY_SIZE(batch))
				break;
			c->refcount++;
			batch[n++] = c;
		}
		spin_unlock_irqrestore(&dcache_lock, flags);
		if (!n)
			return;
		for (i = 0; i < n; i++) {
			if (child_stale(batch[i]))
				dentry_unlink_tree(batch[i]);
			else
				kept++;
			dput(batch[i]);
		}
	}
}

int dentry_move(struct dentry *d, struct dentry *new_parent, const char *new_name)
{
	char *name = name_dup(new_name);
	if (!name)
		return -ENOMEM;
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	struct dentry *old_parent = d->parent;
	list_del(&d->child_link);
	list_add_tail(&d->child_link, &new_parent->children);
	d->parent = new_parent;
	new_parent->refcount++;
	char *old_name = d->name;
	d->name = name;
	spin_unlock_irqrestore(&dcache_lock, flags);
	kfree(old_name);
	/* The old parent loses the reference its child held. */
	dput(old_parent);
	return 0;
}

bool dentry_is_ancestor(struct dentry *anc, struct dentry *d)
{
	uint64_t flags = spin_lock_irqsave(&dcache_lock);
	bool r = false;
	for (;;) {
		if (d == anc) {
			r = true;
			break;
		}
		if (d->parent == d)
			break;
		d = d->parent;
	}
	spin_unlock_irqrestore(&dcache_lock, flags);
	return r;
}
