/* The TSC's rate, measured against the PIT's channel 2 (the one wired to
 * the PC speaker, free for this), read directly rather than through its
 * interrupts.
 *
 * Counting interrupts is inaccurate under QEMU's TCG: a tick is delivered
 * only when the virtual CPU next runs, which on a loaded host can be
 * milliseconds late, and a 30 ms window then measured the TSC 3% slow to
 * 21% fast. Instead: start channel 2 counting down from 0xffff (mode 0,
 * gate on, speaker off), read its count and the TSC together at the start
 * and the end of a window of SPAN counts (~27 ms), each reading the
 * tightest of a few rdtsc/read/rdtsc brackets. The PIT's count is exact
 * (QEMU computes it from the host clock when read), so the error is half
 * a bracket over the window: a few microseconds in 27 ms, 0.02%. If the
 * window overran the count's end (channel 2's output went high), or the
 * counter never moves (no PIT), it tries again, then gives up with 0. */
#include <kernel/types.h>
#include <kernel/timer.h>
#include <x86/cpu.h>
#include <x86/pit.h>

#define PORT_B          0x61
#define PORT_B_GATE2    0x01    /* channel 2 counts while this is set */
#define PORT_B_SPEAKER  0x02    /* channel 2's output to the speaker */
#define PORT_B_OUT2     0x20    /* channel 2's output: high once it reached 0 */
#define SPAN            0x8000  /* counts: 27.5 ms */
#define TRIES           3

struct reading {
	uint64_t tsc;           /* the TSC at the moment of the count */
	uint64_t width;         /* how long the read took: the uncertainty */
	uint16_t count;
};

static uint16_t read_count(void)
{
	outb(PIT_COMMAND, 0x80);        /* latch channel 2's count */
	uint8_t lo = inb(PIT_CHANNEL2);
	return lo | (uint16_t)inb(PIT_CHANNEL2) << 8;
}

static struct reading read_both(void)
{
	struct reading best = { .width = UINT64_MAX };
	for (int i = 0; i < 5; i++) {
		uint64_t before = rdtsc();
		uint16_t count = read_count();
		uint64_t after = rdtsc();
		if (after - before < best.width)
			best = (struct reading){ before + (after - before) / 2, after - before, count };
	}
	return best;
}

/* One window; 0 if it cannot be trusted. */
static uint64_t measure_once(void)
{
	outb(PIT_COMMAND, 0xb0);        /* channel 2, low then high byte, mode 0 */
	outb(PIT_CHANNEL2, 0xff);
	outb(PIT_CHANNEL2, 0xff);
	struct reading start = read_both(), end;
	uint64_t give_up = start.tsc + (1ull << 32);     /* ~1 s at a few GHz */
	do {
		end = read_both();
		if (end.tsc > give_up)
			return 0;
	} while ((uint16_t)(start.count - end.count) < SPAN);
	if (inb(PORT_B) & PORT_B_OUT2)
		return 0;               /* reached 0 and wrapped: the count lies */
	uint64_t counts = (uint16_t)(start.count - end.count);
	return (end.tsc - start.tsc) * PIT_FREQUENCY / (counts * 1000);
}

uint64_t tsc_measure_khz(void)
{
	uint8_t port_b = inb(PORT_B);
	outb(PORT_B, (port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	uint64_t khz = 0;
	for (int i = 0; i < TRIES && !khz; i++)
		khz = measure_once();
	outb(PORT_B, port_b);
	return khz;
}
