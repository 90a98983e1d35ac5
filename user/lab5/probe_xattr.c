/* probe_xattr: the xattr calls as a program probing for ACLs and labels
 * sees them on files that have none: ENODATA for a name of a known
 * namespace, EOPNOTSUPP for any other, an empty list; and Linux's
 * argument checks (ERANGE names, E2BIG values, EINVAL flags, EFAULT,
 * EBADF, ENOENT). Whether a set succeeds depends on the filesystem (ext4
 * keeps user.*, Kestrel keeps nothing), so only its errors are compared.
 * Runs in ./kt-probe_xattr and /tmp/kt-probe_xattr. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/xattr.h>
#include <kt.h>
#include <kt_fs.h>

static const char *base;

#define P(name) kt_path(base, name)

static void gets(const char *file)
{
	static const char *const names[] = {
		"user.x", "system.posix_acl_access", "system.posix_acl_default", "security.selinux",
		"security.capability", "trusted.x", "foo", "user.", "", NULL,
	};
	char buf[64], what[96];
	for (int i = 0; names[i]; i++) {
		snprintf(what, sizeof(what), "getxattr(%s, \"%s\")", file, names[i]);
		kt_res(what, getxattr(P(file), names[i], buf, sizeof(buf)));
	}
	snprintf(what, sizeof(what), "listxattr(%s)", file);
	kt_res(what, listxattr(P(file), buf, sizeof(buf)));
	snprintf(what, sizeof(what), "listxattr(%s, size 0)", file);
	kt_res(what, listxattr(P(file), NULL, 0));
}

static void run(const char *dir)
{
	base = dir;
	printf("in %s\n", dir[0] == '/' ? "/tmp" : "the root fs");
	if (kt_fresh_dir(base) < 0)
		return;
	kt_put(P("f"), "data");
	symlink("f", P("link"));
	symlink("nowhere", P("dangling"));
	gets("f");
	gets(".");
	gets("link");
	char buf[64], name[300];
	memset(name, 'a', sizeof(name));
	memcpy(name, "user.", 5);
	name[255] = 0;
	kt_res("getxattr, a 255-byte name", getxattr(P("f"), name, buf, sizeof(buf)));
	name[255] = 'a';
	name[256] = 0;
	kt_res("getxattr, a 256-byte name", getxattr(P("f"), name, buf, sizeof(buf)));
	kt_res("getxattr, NULL name", getxattr(P("f"), NULL, buf, sizeof(buf)));
	kt_res("getxattr, NULL path", getxattr(NULL, "user.x", buf, sizeof(buf)));
	kt_res("getxattr, no such file", getxattr(P("none"), "user.x", buf, sizeof(buf)));
	kt_res("getxattr through a dangling link", getxattr(P("dangling"), "user.x", buf, sizeof(buf)));
	kt_res("lgetxattr(link, user.x)", lgetxattr(P("link"), "user.x", buf, sizeof(buf)));
	kt_res("lgetxattr(dangling, system.posix_acl_access)",
	     lgetxattr(P("dangling"), "system.posix_acl_access", buf, sizeof(buf)));
	kt_res("llistxattr(dangling)", llistxattr(P("dangling"), buf, sizeof(buf)));
	kt_res("listxattr(dangling)", listxattr(P("dangling"), buf, sizeof(buf)));

	int fd = open(P("f"), O_RDONLY);
	kt_res("fgetxattr(user.x)", fgetxattr(fd, "user.x", buf, sizeof(buf)));
	kt_res("fgetxattr(foo)", fgetxattr(fd, "foo", buf, sizeof(buf)));
	kt_res("flistxattr", flistxattr(fd, buf, sizeof(buf)));
	kt_res("fgetxattr, bad fd", fgetxattr(999, "user.x", buf, sizeof(buf)));
	kt_res("flistxattr, bad fd", flistxattr(-1, buf, sizeof(buf)));
	kt_res("fremovexattr(user.none)", fremovexattr(fd, "user.none"));

	kt_res("setxattr, bad flags", setxattr(P("f"), "user.x", "v", 1, 4));
	kt_res("setxattr, bad flags before a bad name", setxattr(P("f"), "", "v", 1, 4));
	kt_res("setxattr, empty name", setxattr(P("f"), "", "v", 1, 0));
	kt_res("setxattr, 65537-byte value", setxattr(P("f"), "user.x", buf, 65537, 0));
	kt_res("setxattr, no such file", setxattr(P("none"), "user.x", "v", 1, 0));
	kt_res("setxattr, unknown namespace", setxattr(P("f"), "foo", "v", 1, 0));
	kt_res("lsetxattr, bad fd-less flags", lsetxattr(P("link"), "user.x", "v", 1, 8));
	kt_res("fsetxattr, bad fd", fsetxattr(999, "user.x", "v", 1, 0));
	kt_res("removexattr(user.none)", removexattr(P("f"), "user.none"));
	kt_res("removexattr(foo)", removexattr(P("f"), "foo"));
	kt_res("lremovexattr(link, trusted.none)", lremovexattr(P("link"), "trusted.none"));
	kt_res("removexattr, no such file", removexattr(P("none"), "user.x"));
	close(fd);
	kt_rmtree(base);
}

int main(void)
{
	run("kt-probe_xattr");
	run("/tmp/kt-probe_xattr");
	return kt_status();
}
