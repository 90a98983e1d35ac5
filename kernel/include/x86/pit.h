/* The 8253/8254 programmable interval timer's ports and input clock:
 * channel 0 ticks (arch/x86_64/pit.c), channel 2 measures the TSC
 * (arch/x86_64/tsc_calibrate.c). */
#pragma once

#define PIT_FREQUENCY 1193182       /* Hz: the counters' input clock */
#define PIT_CHANNEL0  0x40
#define PIT_CHANNEL2  0x42
#define PIT_COMMAND   0x43
