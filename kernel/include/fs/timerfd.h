/* timerfd's link with the wall clock (kernel/fs/anon/timerfd.c). */
#pragma once

/* CLOCK_REALTIME was set (clock_settime, settimeofday): absolute
 * CLOCK_REALTIME timerfds move to the new wall time, and those set with
 * TFD_TIMER_CANCEL_ON_SET are cancelled (their read fails with ECANCELED),
 * as Linux's timerfd_clock_was_set. Process context (it sleeps). */
void timerfd_clock_was_set(void);
