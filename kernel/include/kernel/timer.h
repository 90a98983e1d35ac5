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
/* TSC cycles per microsecond (calibrated on first use, takes 100 ms). */
uint64_t tsc_per_us(void);
/* Sets that rate when it was measured another way (lapic.c). */
void tsc_set_rate(uint64_t cycles_per_us);
