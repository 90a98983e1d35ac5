/* execve: replace the calling process's program with one from a file.
 *
 * Everything that can fail is done before anything is lost: the path is
 * resolved, the arguments copied in, and the new address space built
 * completely (exec_build_mm) while the old program is still intact, so a
 * failed execve returns an error to a caller that is still there. Past
 * the "point of no return" the other threads of the process end and the
 * caller takes the leader's pid (proc/dethread.c), the old address space
 * is dropped (only a reference: a vfork or CLONE_VM parent sharing it
 * keeps it, and a vfork parent is let go), close-on-exec
 * descriptors are closed, caught signals go back to their defaults, and
 * the task returns to user mode at the new program's entry point.
 *
 * A file starting with "#!" is a script: its first line names an
 * interpreter (and one optional argument), which is run instead with the
 * script's path inserted into argv (Linux's fs/binfmt_script.c). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <kernel/err.h>
#include <kernel/string.h>
#include <linux/fcntl.h>
#include <fs/file.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/permission.h>
#include <fs/mount_flags.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/cred.h>
#include <proc/exec.h>
#include <proc/signal.h>
#include <proc/futex.h>
#include <proc/task.h>
#include <time/posix_timers.h>
#include <syscall/syscalls.h>
#include <x86/cpu.h>
#include <x86/paging.h>
#include <x86/tlb.h>
#include <x86/uaccess.h>

#define ARG_STRINGS_MAX (128 * 1024)    /* argv and envp strings together; more is E2BIG */
#define ARG_COUNT_MAX   (8 * 1024)      /* pointers in argv plus envp (fit STACK_IMAGE_MAX) */
#define BINPRM_BUF_SIZE 256             /* how much of a "#!" line is read, as Linux */
#define MAX_INTERP_DEPTH 4              /* scripts interpreted by scripts; more is ELOOP */

/* The argument and environment strings, copied out of the old program. */
struct exec_args {
	char *strings;              /* all strings, NUL-separated */
	size_t used;
	const char **vec;           /* argv[0..argc], then envp[0..envc] */
	int argc, envc;
	int cap;                    /* room in vec */
};

static int args_push(struct exec_args *a, const char *s, size_t len)
{
	if (a->argc + a->envc + 2 >= a->cap || ARG_STRINGS_MAX - a->used < len + 1)
		return -E2BIG;
	memcpy(a->strings + a->used, s, len);
	a->strings[a->used + len] = '\0';
	a->used += len + 1;
	return 0;
}

/* Copies a user vector of strings (argv or envp; NULL is an empty one). */
static int copy_strings(struct exec_args *a, const char *const *uvec, int *count)
{
	for (int i = 0; uvec; i++) {
		const char *up;
		if (copy_from_user(&up, uvec + i, sizeof(up)))
			return -EFAULT;
		if (!up)
			break;
		if (a->argc + a->envc + 2 >= a->cap)
			return -E2BIG;
		long n = strncpy_from_user(a->strings + a->used, up, ARG_STRINGS_MAX - a->used);
		if (n == -ENAMETOOLONG)
			return -E2BIG;
		if (n < 0)
			return n;
		a->used += n + 1;
		(*count)++;
	}
	return 0;
}

/* Points a->vec at the strings: argv[0..argc-1], NULL, envp[0..envc-1], NULL. */
static void args_index(struct exec_args *a)
{
	const char *s = a->strings;
	int k = 0;
	for (int i = 0; i < a->argc; i++, s += strlen(s) + 1)
		a->vec[k++] = s;
	a->vec[k++] = NULL;
	for (int i = 0; i < a->envc; i++, s += strlen(s) + 1)
		a->vec[k++] = s;
	a->vec[k] = NULL;
}

static void args_free(struct exec_args *a)
{
	kfree(a->strings);
	kfree(a->vec);
}

static int args_copy_from_user(struct exec_args *a, const char *const *argv, const char *const *envp)
{
	memset(a, 0, sizeof(*a));
	a->cap = ARG_COUNT_MAX;
	a->strings = kmalloc(ARG_STRINGS_MAX);
	a->vec = kmalloc(a->cap * sizeof(*a->vec));
	if (!a->strings || !a->vec)
		return -ENOMEM;
	int err = copy_strings(a, argv, &a->argc);
	if (!err)
		err = copy_strings(a, envp, &a->envc);
	return err;
}

/* Replaces argv[0] with the words of a "#!" line and the script's path:
 * "#!/bin/sh -e" run as ["x.sh", "a"] becomes ["/bin/sh", "-e", "x.sh", "a"]. */
static int args_for_interpreter(struct exec_args *a, const char *interp, const char *arg,
				const char *script)
{
	struct exec_args n = { .cap = a->cap };
	n.strings = kmalloc(ARG_STRINGS_MAX);
	n.vec = kmalloc(n.cap * sizeof(*n.vec));
	int err = n.strings && n.vec ? 0 : -ENOMEM;
	/* argv[0] is replaced (if there is one); the rest follows. */
	int skip = a->argc > 0;
	const char *s = skip ? a->strings + strlen(a->strings) + 1 : a->strings;
	if (!err) {
		err = args_push(&n, interp, strlen(interp));
		n.argc++;
	}
	if (!err && arg) {
		err = args_push(&n, arg, strlen(arg));
		n.argc++;
	}
	if (!err) {
		err = args_push(&n, script, strlen(script));
		n.argc++;
	}
	for (int i = skip; !err && i < a->argc + a->envc; i++, s += strlen(s) + 1) {
		err = args_push(&n, s, strlen(s));
		if (i < a->argc)
			n.argc++;
		else
			n.envc++;
	}
	args_free(a);
	*a = n;
	return err;
}

/* If buf (the file's first bytes) is a "#!" line, splits it into the
 * interpreter and its optional argument (in place) and returns true. */
static bool parse_shebang(char *buf, size_t len, char **interp, char **arg)
{
	// LAB 4 BEGIN(exercise 11): recognise "#!" and split the line into interpreter and argument
	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return false;
	/* A line longer than the buffer is cut there, as Linux does. */
	size_t end = 0;
	while (end < len && buf[end] != '\n')
		end++;
	buf[end] = '\0';
	char *p = buf + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;       /* "#!" and no interpreter: ENOEXEC, as Linux */
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	/* The rest of the line, trailing blanks removed, is one argument. */
	char *q = p + strlen(p);
	while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
		*--q = '\0';
	*arg = *p ? p : NULL;
	return true;
	// LAB 4 STUB: return false;
	// LAB 4 END
}

/* The credentials the program in inode runs with (Linux's bprm_fill_uid
 * and cap_bprm_creds_from_file): a set-user-ID file's owner becomes the
 * effective uid, a set-group-ID file's group (if the group may execute
 * it: otherwise the bit means mandatory locking) the effective gid,
 * unless no_new_privs or the tracer forbids. Saved and fs ids take the
 * effective ones at every execve. A nosuid mount's set-id bits are not
 * looked at. */
static void exec_creds(const struct file *f, struct cred *new)
{
	const struct inode *inode = f->inode;
	*new = *current_cred();
	uint32_t mode = inode->mode;
	/* A traced program gains nothing from set-id bits unless it is
	 * privileged already (Linux's LSM_UNSAFE_PTRACE): the trace would
	 * show a user what the program reads as root (su's /etc/shadow). */
	bool unsafe = current->trace && !capable(CAP_SETUID);
	if (!current->no_new_privs && !unsafe && mount_may_setid(f)) {
		if (mode & S_ISUID)
			new->euid = inode->uid;
		if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			new->egid = inode->gid;
	}
	new->suid = new->fsuid = new->euid;
	new->sgid = new->fsgid = new->egid;
}

/* After the point of no return: the new program's credentials. A
 * set-id program, or one the caller may not read (a --x binary), may not
 * be dumped (nor traced: its memory is not the caller's to see). */
static void exec_commit_creds(struct task *t, const struct cred *new, bool readable)
{
	commit_creds(new);
	t->dumpable = readable && new->euid == new->uid && new->egid == new->gid;
}

/* The point of no return: t gives up its old program for img. */
static void exec_commit(struct task *t, struct exec_image *img, const char *path)
{
	// LAB 4 BEGIN(exercise 12): the point of no return: the new address space, and what exec resets
	struct mm *old = t->mm;
	uint64_t flags = spin_lock_irqsave(&tasklist_lock);   /* see vm_unmap_file_past() */
	t->mm = img->mm;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	mm_activate(img->mm);
	mm_put(old);                /* a vfork parent keeps its own reference */
	vfork_release(t);
	/* Before the close-on-exec files: a parent waiting for their EOF
	 * must find the exec done (setpgid's EACCES). */
	t->did_exec = true;

	files_close_on_exec(t->files);
	signals_reset_for_exec(t);

	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	strlcpy(t->name, base, sizeof(t->name));
	t->fs_base = t->gs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	t->clear_child_tid = 0;
	exec_set_user_regs(t, img);
	fpu_restore(t->fpu);        /* the new program's registers are live from here */
	// LAB 4 STUB: mm_put(img->mm);
	// LAB 4 END
}

/* Opens what runs for file: the file itself, or the interpreter its "#!"
 * line names (found from the cwd, not dirfd, and maybe a script itself),
 * with args rewritten for each interpreter. The program, referenced, or
 * an ERR_PTR. *interp_path: the last interpreter's path, which the caller
 * frees; head: room for the first BINPRM_BUF_SIZE bytes of each file. */
static struct file *open_program(int dirfd, const char *file, int flags, struct exec_args *args,
				 char *head, char **interp_path)
{
	for (int depth = 0; depth <= MAX_INTERP_DEPTH; depth++) {
		struct file *f;
		int err = exec_open(dirfd, file, flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0, &f);
		if (err)
			return ERR_PTR(err);
		ssize_t n = kernel_read(f, head, BINPRM_BUF_SIZE, 0);
		char *interp, *arg;
		if (n >= 0 && !parse_shebang(head, n, &interp, &arg))
			return f;
		file_put(f);
		if (n < 0)
			return ERR_PTR(n);
		if ((err = args_for_interpreter(args, interp, arg, file)))
			return ERR_PTR(err);
		kfree(*interp_path);        /* file, maybe: not used again */
		if (!(*interp_path = kmalloc(strlen(interp) + 1)))
			return ERR_PTR(-ENOMEM);
		memcpy(*interp_path, interp, strlen(interp) + 1);
		file = *interp_path;
		dirfd = AT_FDCWD;
		flags &= ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	}
	return ERR_PTR(-ELOOP);
}

static long do_execve(int dirfd, const char *upath, const char *const *argv, const char *const *envp,
		      int flags)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	char *path, *head, *interp_path = NULL;
	struct exec_args args;
	struct file *f;
	int err = path_from_user(upath, flags & AT_EMPTY_PATH, &path);
	if (err)
		return err;
	err = -ENOMEM;
	if (!(head = kmalloc(BINPRM_BUF_SIZE + 1)))
		goto out_free_path;
	if ((err = args_copy_from_user(&args, argv, envp)))
		goto out_free_args;
	/* execfn (AT_EXECFN) and the name are the path as given, even when
	 * a script's interpreter is what runs. */
	f = open_program(dirfd, path, flags, &args, head, &interp_path);
	if (IS_ERR(f)) {
		err = PTR_ERR(f);
		goto out_free_interp;
	}
	args_index(&args);
	struct cred cred;
	exec_creds(f, &cred);
	bool readable = inode_permission(f->inode, MAY_READ) == 0;
	struct elf_source src = { .file = f, .size = f->inode->size, .cred = &cred };
	struct exec_image img;
	err = exec_build_mm(&src, args.vec, args.vec + args.argc + 1, path, &img);
	if (!err && (err = de_thread(current)))
		mm_put(img.mm);
	if (!err) {
		futex_exit_robust_list(current);    /* the old program's robust locks (Linux's exec_mm_release) */
		posix_timers_exit(current);         /* the caller is the leader now */
		exec_commit(current, &img, path);
		exec_commit_creds(current, &cred, readable);
	}
	file_put(f);
out_free_interp:
	kfree(interp_path);
out_free_args:
	args_free(&args);
	kfree(head);
out_free_path:
	path_free(path);
	return err;
}

long sys_execve(const char *path, const char *const *argv, const char *const *envp)
{
	return do_execve(AT_FDCWD, path, argv, envp, 0);
}

long sys_execveat(int dirfd, const char *path, const char *const *argv, const char *const *envp, int flags)
{
	return do_execve(dirfd, path, argv, envp, flags);
}
