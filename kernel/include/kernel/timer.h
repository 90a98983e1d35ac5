/* The periodic timer tick. */
#pragma once
#include <stdint.h>

#define TIMER_HZ 100

void timer_init(void);
/* Called from the timer interrupt. */
void timer_tick(void);
uint64_t timer_ticks(void);
/* TSC cycles per microsecond (calibrated on first use, takes 100 ms). */
uint64_t tsc_per_us(void);
