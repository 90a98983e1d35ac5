/* The pseudo-file framework's directories (fs/pseudofs.h): a static
 * table of children, then one child per item of a generated list. Lookup
 * finds a name in either; getdents lists both, with cookies that stay
 * good while items come and go: ".", "..", the static children by index,
 * then each generated item at LIST_POS + item. */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/format.h>
#include <fs/fs.h>
#include <fs/file.h>
#include <fs/dentry.h>
#include "pseudo.h"

static size_t static_count(const struct pseudo_entry *dir)
{
	size_t n = 0;
	for (const struct pseudo_entry *c = dir->children; c && c->name; c++)
		n++;
	return n;
}

/* Where the generated items start in the cookies. */
static uint64_t list_pos(const struct pseudo_entry *dir)
{
	return 2 + static_count(dir);
}

static void item_name(const struct pseudo_list *l, long item, char *buf)
{
	if (l->name)
		l->name(item, buf);
	else
		ksnprintf(buf, NAME_MAX + 1, "%ld", item);
}

/* A decimal item number without sign or leading zeros, or -1. */
static long parse_decimal(const char *name)
{
	if (!*name || (name[0] == '0' && name[1]) || strlen(name) > 18)
		return -1;
	long v = 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

static void child_ctx(const struct pseudo_list *l, const struct pseudo_ctx *dir, long item,
		      struct pseudo_ctx *out)
{
	if (l->enter) {
		l->enter(dir, item, out);
	} else {
		*out = *dir;
	}
	out->item = item;
}

static int pseudo_lookup(struct inode *dir, const char *name, struct inode **result)
{
	struct pseudo_node *n = pseudo_node(dir);
	if (!pseudo_node_alive(n))
		return n->ctx.pid ? -ESRCH : -ENOENT;   /* in /proc/PID of a process gone: as Linux */
	const struct pseudo_entry *e = n->entry;
	for (const struct pseudo_entry *c = e->children; c && c->name; c++)
		if (!strcmp(c->name, name)) {
			*result = pseudo_inode_new(dir->sb, c, &n->ctx, NULL, NULL);
			return *result ? 0 : -ENOMEM;
		}
	const struct pseudo_list *l = e->list;
	if (!l)
		return -ENOENT;
	long item = l->parse ? l->parse(name) : parse_decimal(name);
	if (item < 0 || !pseudo_list_has(l, &n->ctx, item))
		return -ENOENT;
	struct pseudo_ctx ctx;
	child_ctx(l, &n->ctx, item, &ctx);
	*result = pseudo_inode_new(dir->sb, l->entry, &ctx, l, &n->ctx);
	return *result ? 0 : -ENOMEM;
}

static int pseudo_iterate(struct file *f, struct dir_context *dc)
{
	struct pseudo_node *n = pseudo_node(f->inode);
	if (!pseudo_node_alive(n))
		return -ENOENT;
	const struct pseudo_entry *e = n->entry;
	/* Names of items gone since are dropped here too, not only when
	 * looked up again: ps lists /proc over and over, and the names of
	 * processes that ended would otherwise pile up in the cache. */
	if (dc->pos == 0 && e->list && f->dentry)
		dentry_prune_stale(f->dentry);
	while (dc->pos < 2) {
		const char *name = dc->pos == 0 ? "." : "..";
		if (!dc->emit(dc, name, strlen(name), f->inode->ino, DT_DIR))
			return 0;
		dc->pos++;
	}
	uint64_t base = list_pos(e);
	while (dc->pos < base) {
		const struct pseudo_entry *c = &e->children[dc->pos - 2];
		if (!dc->emit(dc, c->name, strlen(c->name), pseudo_ino(c, &n->ctx), dt_type(c->mode)))
			return 0;
		dc->pos++;
	}
	const struct pseudo_list *l = e->list;
	if (!l)
		return 0;
	char name[NAME_MAX + 1];
	for (;;) {
		long item = l->next(&n->ctx, dc->pos - base);
		if (item < 0)
			return 0;
		struct pseudo_ctx ctx;
		child_ctx(l, &n->ctx, item, &ctx);
		item_name(l, item, name);
		dc->pos = base + item;
		if (!dc->emit(dc, name, strlen(name), pseudo_ino(l->entry, &ctx), dt_type(l->entry->mode)))
			return 0;
		dc->pos = base + item + 1;
	}
}

static int pseudo_dir_open(struct inode *inode, struct file *f)
{
	return pseudo_check_access(pseudo_node(inode));
}

const struct inode_operations pseudo_dir_iops = {
	.lookup = pseudo_lookup,
	.revalidate = pseudo_revalidate,
};

const struct file_operations pseudo_dir_fops = {
	.iterate = pseudo_iterate,
	.open = pseudo_dir_open,
};
