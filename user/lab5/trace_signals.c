/* trace_signals: signals as the tracer shows them. A handler runs for a
 * SIGUSR1 the program sends itself ("--- SIGUSR1 {...} ---", the
 * handler's write, rt_sigreturn), SIGALRM ends a pause() (strace's
 * "= ? ERESTARTNOHAND", then EINTR after the handler), and a child dies
 * of a SIGTERM it sends itself ("+++ killed by SIGTERM +++"), which the
 * parent's wait4 and SIGCHLD report. Run under trace in the kernel and
 * under strace -f on Linux; the traces are compared. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static void on_signal(int sig)
{
	const char *msg = sig == SIGUSR1 ? "handler: SIGUSR1\n" : "handler: SIGALRM\n";
	write(1, msg, strlen(msg));
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);

	kill(getpid(), SIGUSR1);

	alarm(1);
	pause();

	pid_t pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGTERM);
		_exit(1);
	}
	int status;
	waitpid(pid, &status, 0);
	const char *msg = WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "child: SIGTERM\n" : "child: ?\n";
	write(1, msg, strlen(msg));
	return 0;
}
