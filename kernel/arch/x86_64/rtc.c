/* The CMOS real-time clock (the MC146818 of the PC/AT): the wall-clock
 * date and time, kept by a battery while the machine is off. QEMU starts
 * it at the host's time in UTC. Read once at boot (time/clock.c). */
#include <kernel/types.h>
#include <time/clock.h>
#include <x86/cpu.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24H    0x02

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static int from_bcd(int v) { return (v & 0x0f) + (v >> 4) * 10; }

static int64_t days_from_civil(int y, int m, int d)
{
	/* Days since 1970-01-01 of a proleptic Gregorian date. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t rtc_read_epoch(void)
{
	uint8_t t[6], again[6];
	const uint8_t regs[6] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DAY, RTC_MONTH, RTC_YEAR };
	/* The clock updates once a second; read until two reads agree, each
	 * started outside an update. */
	do {
		while (cmos(RTC_STATUS_A) & STATUS_A_UPDATING)
			cpu_relax();
		for (int i = 0; i < 6; i++)
			t[i] = cmos(regs[i]);
		while (cmos(RTC_STATUS_A) & STATUS_A_UPDATING)
			cpu_relax();
		for (int i = 0; i < 6; i++)
			again[i] = cmos(regs[i]);
	} while (__builtin_memcmp(t, again, 6) != 0);

	uint8_t b = cmos(RTC_STATUS_B);
	bool pm = t[2] & 0x80;
	int v[6];
	for (int i = 0; i < 6; i++)
		v[i] = (b & STATUS_B_BINARY) ? t[i] : from_bcd(i == 2 ? t[i] & 0x7f : t[i]);
	if (b & STATUS_B_BINARY)
		v[2] &= 0x7f;
	if (!(b & STATUS_B_24H))
		v[2] = v[2] % 12 + (pm ? 12 : 0);
	int year = 2000 + v[5];
	return days_from_civil(year, v[4], v[3]) * 86400 + v[2] * 3600 + v[1] * 60 + v[0];
}
