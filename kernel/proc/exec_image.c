/* A new program image, before it replaces anything: its address space
 * (ELF segments, the initial stack, an empty heap), the registers it
 * starts with, and the checks on the file it comes from. execve
 * (proc/execve.c) and the first process (proc/first_process.c) use it. */
#include <kernel/types.h>
#include <kernel/string.h>
#include <mm/vm.h>
#include <proc/exec.h>
#include <time/vdso.h>
#include <proc/task.h>
#include <fs/vfs.h>
#include <fs/file.h>
#include <fs/permission.h>
#include <fs/mount_flags.h>
#include <proc/cred.h>
#include <x86/cpu.h>

/* For /proc/PID: the program's file (exe) and where its text and data
 * are (stat's startcode, endcode, start_data, end_data): its first
 * executable and first writable mappings. */
static void note_program_file(struct mm *mm, struct file *file)
{
	if (!file)
		return;
	file_get(file);
	mm->exe_file = file;
	struct vma *v;
	list_for_each_entry(v, &mm->vmas, link) {
		if (!v->file || v->file->inode != file->inode)
			continue;
		if ((v->flags & VM_EXEC) && !mm->end_code) {
			mm->start_code = v->start;
			mm->end_code = v->end;
		} else if ((v->flags & VM_WRITE) && !mm->end_data) {
			mm->start_data = v->start;
			mm->end_data = v->end;
		}
	}
}

int exec_build_mm(const struct elf_source *src, const char *const argv[], const char *const envp[],
		  const char *execfn, struct exec_image *img)
{
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	struct elf_info info;
	int err = elf_load(mm, src, &info);
	const struct cred *c = src->cred ? src->cred : current_cred();
	info.uid = c->uid;
	info.euid = c->euid;
	info.gid = c->gid;
	info.egid = c->egid;
	info.secure = c->euid != c->uid || c->egid != c->gid;
	if (!err)
		err = vdso_map(mm, &info.vdso);
	if (!err)
		err = build_user_stack(mm, &info, argv, envp, execfn, &img->sp);
	if (!err)
		err = vm_add_heap(mm, ALIGN_UP(info.load_end, PAGE_SIZE));
	if (err) {
		mm_put(mm);
		return err;
	}
	note_program_file(mm, src->file);
	img->mm = mm;
	img->entry = info.start;
	return 0;
}

void exec_set_user_regs(struct task *t, const struct exec_image *img)
{
	fpu_init_state(t->fpu);
	struct trap_frame *regs = task_user_regs(t);
	memset(regs, 0, sizeof(*regs));
	regs->rip = img->entry;
	regs->rsp = img->sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = RFLAGS_IF | 0x2;     /* bit 1 is always set */
}

int exec_open(int dirfd, const char *path, int lookup_flags, struct file **result)
{
	struct file *f;
	if (!*path) {
		/* execveat(fd, "", AT_EMPTY_PATH): the open file itself. */
		f = fd_get(dirfd);
		if (!f)
			return -EBADF;
	} else {
		int err = vfs_open(dirfd, path, O_RDONLY | O_EXEC_KERNEL | lookup_flags, 0, &f);
		if (err)
			return err;
	}
	/* Only a regular file the caller may execute runs (root needs one
	 * x bit, anyone's: Linux's rule for the superuser). */
	int err = S_ISREG(f->inode->mode) ? inode_permission(f->inode, MAY_EXEC) : -EACCES;
	if (!err)
		err = mount_may_exec(f);
	if (err) {
		file_put(f);
		return err;
	}
	*result = f;
	return 0;
}
