/* The first process (pid 1), as Linux's init/main.c starts it: the
 * program the command line names (init=), from the file tree or built into
 * the kernel, with the console as its fds 0, 1 and 2. */
#include <kernel/types.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <proc/exec.h>
#include <proc/programs.h>
#include <proc/sched.h>
#include <proc/task.h>
#include <fs/vfs.h>

/* fds 0, 1 and 2 of the first process: the console, as Linux's
 * console_on_rootfs() does. */
static void open_console(struct task *t)
{
	struct file *f;
	int err = vfs_open(AT_FDCWD, "/dev/console", O_RDWR, 0, &f);
	if (err) {
		printk("kestrel: warning: unable to open an initial console: error %d\n", err);
		return;
	}
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		files_install(t->files, f, false, fd);
	}
	file_put(f);
}

int process_create_root(const char *const argv[])
{
	const char *name = argv[0];
	/* A path is a file of the tree; a plain name, a program built into
	 * the kernel (Lab 3's tests, before there were files). */
	struct elf_source src = { 0 };
	if (strchr(name, '/')) {
		int err = exec_open(AT_FDCWD, name, 0, &src.file);
		if (err)
			return err;
		src.size = src.file->inode->size;
	} else {
		const struct embedded_program *prog = program_find(name);
		if (!prog)
			return -ENOENT;
		src.mem = prog->data;
		src.size = prog->size;
	}
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	struct task *t = task_alloc(base, true);
	const char *const envp[] = { "HOME=/", "TERM=linux", NULL };
	struct exec_image img;
	int err = -ENOMEM;
	if (t) {
		t->tid = t->tgid = 1;
		t->files = files_alloc();
		t->fs = fs_alloc();
		t->sighand = sighand_alloc();
		rlimits_init(t->rlim);
		t->dumpable = true;
		err = !t->files || !t->fs || !t->sighand || task_alloc_fpu(t) ? -ENOMEM
		      : exec_build_mm(&src, argv, envp, name, &img);
	}
	if (src.file)
		file_put(src.file);
	if (err) {
		if (t)
			task_free(t);
		return err;
	}
	t->mm = img.mm;
	exec_set_user_regs(t, &img);
	open_console(t);
	task_start_in_user_mode(t);
	init_task = t;
	task_add(t);
	printk("kestrel: starting init: %s (%lu bytes, entry %#lx)\n", name, src.size, img.entry);
	sched_add_new(t);
	return 0;
}
