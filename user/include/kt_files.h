/* kt_files.h: helpers of the Lab 5 Part E tests (locks, probed calls):
 * results printed as kt_fs.h's kt_res does, with the errno names those
 * calls add to kt.h's list. */
#ifndef KT_FILES_H
#define KT_FILES_H
#include <errno.h>
#include <stdio.h>
#include <kt.h>

static inline const char *kt_ename(int e)
{
	switch (e) {
	case EDEADLK:	return "EDEADLK";
	case ENOLCK:	return "ENOLCK";
	case ENODATA:	return "ENODATA";
	case ENOTSUP:	return "EOPNOTSUPP";
	}
	return kt_errname(e);
}

/* "what: ret" or "what: -1 ENAME". Call right after the call under test. */
static inline long kt_r(const char *what, long ret)
{
	int e = errno;

	if (ret < 0)
		printf("%s: -1 %s\n", what, kt_ename(e));
	else
		printf("%s: %ld\n", what, ret);
	errno = e;
	return ret;
}
#endif
