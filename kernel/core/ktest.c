/* Runs the in-kernel self-test the command line asks for ("test=NAME").
 * Tests register with KTEST() into the .ktests section; the linker script
 * brackets that section with __ktests_start/__ktests_end. */
#include <kernel/types.h>
#include <kernel/ktest.h>
#include <kernel/cmdline.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/power.h>
#include <kernel/string.h>

extern const struct ktest __ktests_start[], __ktests_end[];

const char *ktest_token(void)
{
	const char *t = cmdline_get("token");
	return t ? t : "none";
}

uint64_t ktest_token_value(void)
{
	uint64_t v = 0;
	for (const char *p = ktest_token(); *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v << 4 | d;
	}
	return v;
}

bool ktest_run_selected(void)
{
	const char *name = cmdline_get("test");
	if (!name)
		return false;
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (strcmp(t->name, name) != 0)
			continue;
		printk("ktest: running %s\n", t->name);
		t->run();
		printk("ktest: %s returned\n", t->name);
		poweroff(POWEROFF_OK);
	}
	printk("ktest: known tests:");
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		printk(" %s", t->name);
	printk("\n");
	panic("no kernel test named \"%s\"", name);
}
