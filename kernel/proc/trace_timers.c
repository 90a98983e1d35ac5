/* The tracer's decoders for POSIX timers (time/posix_timers.c), as
 * strace prints them (proc/trace_internal.h):
 *
 *   timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=7, sival_ptr=0x7},
 *       sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, [0]) = 0
 *   timer_settime(0, TIMER_ABSTIME, {it_interval={tv_sec=0, tv_nsec=0},
 *       it_value={tv_sec=5, tv_nsec=0}}, NULL) = 0
 *   --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TIMER, si_timerid=0,
 *       si_overrun=0, si_int=7, si_ptr=0x7} --- */
#include <kernel/types.h>
#include <asm/signal.h>
#include <asm-generic/siginfo.h>
#include <linux/time_types.h>
#include <proc/task.h>
#include <x86/uaccess.h>
#include "trace_internal.h"

static void address(struct tbuf *b, uint64_t v)
{
	tb_printf(b, v ? "%#lx" : "NULL", v);
}

void trace_sigevent(struct tbuf *b, uint64_t uaddr)
{
	struct sigevent ev;
	if (!uaddr || copy_from_user(&ev, (const void *)uaddr, sizeof(ev)))
		return address(b, uaddr);
	uint64_t value = (uint64_t)ev.sigev_value.sival_ptr;
	tb_printf(b, "{sigev_value={sival_int=%d, sival_ptr=", (int)value);
	address(b, value);
	tb_printf(b, "}, sigev_signo=");
	if (ev.sigev_notify == SIGEV_NONE)
		tb_printf(b, "%d", ev.sigev_signo);     /* strace names it only when it is sent */
	else
		trace_signal_name(b, ev.sigev_signo);
	tb_printf(b, ", sigev_notify=");
	trace_enum(b, trace_sigev_notify, (uint64_t)(int64_t)ev.sigev_notify);
	if (ev.sigev_notify == SIGEV_THREAD_ID) {
		tb_printf(b, ", sigev_notify_thread_id=%d", ev._sigev_un._tid);
	} else if (ev.sigev_notify == SIGEV_THREAD) {
		tb_printf(b, ", sigev_notify_function=");
		address(b, (uint64_t)ev._sigev_un._sigev_thread._function);
		tb_printf(b, ", sigev_notify_attributes=");
		address(b, (uint64_t)ev._sigev_un._sigev_thread._attribute);
	}
	tb_putc(b, '}');
}

void trace_timer_id(struct tbuf *b, uint64_t uaddr)
{
	int id;
	if (!uaddr || copy_from_user(&id, (const void *)uaddr, sizeof(id)))
		return address(b, uaddr);
	tb_printf(b, "[%d]", id);
}

void trace_itimerspec(struct tbuf *b, uint64_t uaddr)
{
	struct __kernel_itimerspec its;
	if (!uaddr || copy_from_user(&its, (const void *)uaddr, sizeof(its)))
		return address(b, uaddr);
	tb_printf(b, "{it_interval={tv_sec=%lld, tv_nsec=%lld}, it_value={tv_sec=%lld, tv_nsec=%lld}}",
		  its.it_interval.tv_sec, its.it_interval.tv_nsec, its.it_value.tv_sec, its.it_value.tv_nsec);
}

void trace_timer_siginfo(struct tbuf *b, const struct ksiginfo *info)
{
	tb_printf(b, ", si_timerid=%d, si_overrun=%d, si_int=%d, si_ptr=", info->timerid, info->overrun,
		  (int)info->value);
	address(b, info->value);
}
