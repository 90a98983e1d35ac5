/* tsig_leader_gone: a process whose main thread has ended (pthread_exit
 * in main) while another thread runs on is still a process: its pid
 * names it for every call that takes one, as on Linux, where the ended
 * leader stays as a zombie thread until the last thread is gone. Once
 * the thread left has joined the main thread, the parent checks kill(pid,
 * 0) and a caught signal, sigqueue, getpgid, getsid, sched_getaffinity,
 * sched_getscheduler, prlimit, pidfd_open, the process's CPU clock and
 * capget, then ends it with SIGTERM, which the thread left takes; wait4
 * reports it. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <kt.h>
#include <kt_tsig.h>

static struct kt_chan ready, go;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	char msg = si->si_code == SI_QUEUE ? 'q' : 'u';
	kt_send(&ready, msg);
}

static void *survivor(void *main_thread)
{
	/* The main thread's tid word is cleared as it ends (set_tid_address). */
	if (pthread_join(*(pthread_t *)main_thread, NULL))
		_exit(91);
	kt_send(&ready, 'r');
	for (;;)
		kt_recv(&go);           /* signals interrupt it; it never returns */
	return NULL;
}

static void child(void)
{
	kt_catch(SIGUSR1, on_usr1);
	static pthread_t main_thread, th;
	main_thread = pthread_self();
	if (pthread_create(&th, NULL, survivor, &main_thread))
		_exit(90);
	pthread_exit(NULL);         /* the leader ends; the process goes on */
}

static void check(const char *what, long ret)
{
	printf("%s: %s\n", what, ret < 0 ? strerror(errno) : "ok");
}

int main(void)
{
	kt_chan_init(&ready);
	kt_chan_init(&go);
	pid_t pid = fork();
	if (pid == 0)
		child();
	if (kt_recv(&ready) != 'r')
		return 1;
	check("kill 0", kill(pid, 0));
	check("kill SIGUSR1", kill(pid, SIGUSR1));
	printf("handler saw: %c\n", kt_recv(&ready));
	union sigval v = { .sival_int = 7 };
	check("sigqueue", sigqueue(pid, SIGUSR1, v));
	printf("handler saw: %c\n", kt_recv(&ready));
	check("getpgid", getpgid(pid) == getpgid(0) ? 0 : -1);
	check("getsid", getsid(pid) == getsid(0) ? 0 : -1);
	cpu_set_t set;
	check("sched_getaffinity", sched_getaffinity(pid, sizeof(set), &set));
	check("sched_getscheduler", sched_getscheduler(pid));
	struct rlimit rl;
	check("prlimit", prlimit(pid, RLIMIT_NOFILE, NULL, &rl));
	long pfd = syscall(SYS_pidfd_open, pid, 0);
	check("pidfd_open", pfd);
	clockid_t clk;
	int err = clock_getcpuclockid(pid, &clk);
	printf("clock_getcpuclockid: %s\n", err ? strerror(err) : "ok");
	struct timespec cpu;
	if (!err)
		check("clock_gettime(process clock)", clock_gettime(clk, &cpu));
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, pid };
	struct __user_cap_data_struct data[2];
	check("capget", syscall(SYS_capget, &hdr, data));

	check("kill SIGTERM", kill(pid, SIGTERM));
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 2;
	printf("child: %s\n", WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
	check("kill after wait", kill(pid, 0));
	return 0;
}
