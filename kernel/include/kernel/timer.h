/* The periodic timer tick. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

#define TIMER_HZ 100

void timer_init(void);
struct trap_frame;
/* Called from the timer interrupt. */
void timer_tick(struct trap_frame *tf);
uint64_t timer_ticks(void);
/* Waits (interrupts on) for the next tick, so a measurement starts on an
 * edge; false if none comes within about 2 s. */
bool timer_wait_for_tick(void);
/* The TSC's rate in cycles per millisecond, and per microsecond (for
 * delays): measured on first use against the PIT, ~30 ms. */
uint64_t tsc_khz(void);
uint64_t tsc_per_us(void);
/* The measurement itself (tsc_calibrate.c): 0 if the PIT cannot be read. */
uint64_t tsc_measure_khz(void);
