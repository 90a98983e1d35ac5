/* The answer key for the printk test: prints every case in printk_cases.h
 * with the host C library's printf, one line per case, exactly as
 * ktests.c prints them with the kernel's printk. Built and run by the
 * grader (labs/lab1/lab.py). */
#include <stdio.h>
#include <stddef.h>

int main(void)
{
	int i = 0;
#define PRINTK_CASE(fmt, ...) printf("printk %02d: [" fmt "]\n", i++, ##__VA_ARGS__);
#include "printk_cases.h"
	return 0;
}
