/* exec_stack: a program linked with -z execstack (PT_GNU_STACK with PF_X)
 * runs a one-instruction function copied onto its stack. Linux then makes
 * the stack executable; without PT_GNU_STACK's PF_X it would not be. */
#include <stdio.h>
#include <string.h>
#include <kt.h>

int main(void)
{
	/* mov $42, %eax; ret */
	volatile unsigned char code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
	int (*fn)(void) = (int (*)(void))(void *)code;
	printf("calling code on the stack\n");
	fflush(stdout);
	int r = fn();
	kt_check_eq("it ran and returned", r, 42);
	return kt_status();
}
