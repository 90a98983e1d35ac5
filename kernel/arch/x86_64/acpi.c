/* Just enough ACPI to find the CPUs: RSDP -> RSDT/XSDT -> MADT ("APIC"),
 * whose entries list each CPU's local APIC id (ACPI 6.5, section 5.2.12). */
#include <kernel/types.h>
#include <kernel/string.h>
#include <kernel/printk.h>
#include <x86/apic.h>
#include <x86/paging.h>
#include <x86/percpu.h>
#include <x86/memlayout.h>

struct rsdp {
	char signature[8];          /* "RSD PTR " */
	uint8_t checksum;
	char oem[6];
	uint8_t revision;           /* 0: ACPI 1.0 (RSDT only); 2: has the XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
} __packed;

struct sdt_header {
	char signature[4];
	uint32_t length;            /* of the whole table, header included */
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __packed;

#define MADT_LOCAL_APIC          0
#define MADT_LAPIC_ADDR_OVERRIDE 5
#define LAPIC_ENABLED            1
#define LAPIC_ONLINE_CAPABLE     2

uint64_t lapic_phys = 0xfee00000;

/* ACPI tables sit in memory the E820 map may call "reserved", outside the
 * direct map: map them (cached is fine) before reading. */
static const void *table_at(uint64_t pa, uint64_t len)
{
	return kmap_mmio(pa, len);
}

static bool checksum_ok(const void *p, uint64_t len)
{
	uint8_t sum = 0;
	for (uint64_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct sdt_header *find_table(const struct rsdp *rsdp, const char *sig)
{
	bool x = rsdp->revision >= 2 && rsdp->xsdt;
	const struct sdt_header *root = table_at(x ? rsdp->xsdt : rsdp->rsdt, sizeof(struct sdt_header));
	if (!root || !table_at((uint64_t)virt_to_phys(root), root->length))
		return NULL;
	unsigned entry = x ? 8 : 4;
	unsigned n = (root->length - sizeof(*root)) / entry;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, entries + i * entry, entry);
		const struct sdt_header *h = table_at(pa, sizeof(*h));
		if (h && memcmp(h->signature, sig, 4) == 0 && table_at(pa, h->length) &&
		    checksum_ok(h, h->length))
			return h;
	}
	return NULL;
}

bool acpi_find_cpus(uint64_t rsdp_pa)
{
	if (!rsdp_pa)
		return false;
	const struct rsdp *rsdp = table_at(rsdp_pa, sizeof(struct rsdp));
	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
		return false;
	const struct sdt_header *madt = find_table(rsdp, "APIC");
	if (!madt) {
		printk("acpi: no MADT; one CPU\n");
		return false;
	}
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt);
	lapic_phys = *(const uint32_t *)p;
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	int n = 0;
	for (p += 8; p + 2 <= end && p[1] >= 2; p += p[1]) {
		if (p[0] == MADT_LOCAL_APIC) {
			uint8_t apic_id = p[3];
			uint32_t flags = *(const uint32_t *)(p + 4);
			if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
				continue;
			if (n == MAX_CPUS) {
				printk("acpi: more than %d CPUs; using the first %d\n", MAX_CPUS, MAX_CPUS);
				break;
			}
			cpus[n].id = n;
			cpus[n].apic_id = apic_id;
			n++;
		} else if (p[0] == MADT_LAPIC_ADDR_OVERRIDE) {
			lapic_phys = *(const uint64_t *)(p + 4);
		}
	}
	if (n == 0)
		return false;
	ncpus = n;
	printk("acpi: %d CPU%s, local APIC at %#lx\n", n, n == 1 ? "" : "s", lapic_phys);
	return true;
}
