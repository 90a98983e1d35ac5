/* Random bytes. RDRAND, when the CPU has it (QEMU's TCG feeds it from the
 * host's getrandom), is the source; without it, a generator seeded from
 * the TSC's low bits, which differ on every boot and every call — good
 * enough for stack canaries in a teaching kernel, not for keys. */
#include <kernel/types.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <x86/cpu.h>

static bool have_rdrand(void)
{
	static int known = -1;
	if (known < 0) {
		uint32_t r[4];
		cpuid(1, 0, r);
		known = (r[2] >> 30) & 1;
	}
	return known;
}

static bool rdrand64(uint64_t *v)
{
	for (int tries = 0; tries < 10; tries++) {
		uint8_t ok;
		__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

static uint64_t fallback(void)
{
	static uint64_t state;
	uint64_t x = state ^ rdtsc() ^ 0x9e3779b97f4a7c15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	return x * 0x2545f4914f6cdd1dull;
}

void get_random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		uint64_t v;
		if (!have_rdrand() || !rdrand64(&v))
			v = fallback();
		size_t k = n < 8 ? n : 8;
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}
