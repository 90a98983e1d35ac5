/* hello: the first user program. Output through both paths the kernel has
 * to support: musl's printf (buffered, flushed with writev at exit) and raw
 * write(2) to fd 1 and fd 2. The exit status 3 checks that main's return
 * value reaches wait4 in the parent (the grader). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void say(int fd, const char *s)
{
	/* printf's buffer goes out first, so the order is the same whether
	 * stdout and stderr share one pipe or not. */
	fflush(stdout);
	write(fd, s, strlen(s));
}

int main(int argc, char **argv)
{
	printf("hello from printf\n");
	printf("argc: %d\n", argc);
	printf("argv[0]: %s\n", argv[0]);
	printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
	/* The initial stack holds argv, NULL, envp, NULL: environ starts
	 * right after argv's terminator. */
	printf("environ follows argv: %s\n",
	       environ == argv + argc + 1 ? "yes" : "no");

	say(1, "hello from write(1)\n");
	say(2, "hello from write(2) to stderr\n");
	printf("%s\n", "printf again, after the raw writes");
	fflush(stdout);
	fprintf(stderr, "fprintf to stderr (unbuffered)\n");
	printf("returning 3 from main\n");
	return 3;
}
