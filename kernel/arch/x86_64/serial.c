/* The console: a 16550 UART on COM1 (I/O port 0x3f8), which QEMU connects
 * to its -serial backend (stdio for make qemu, a pipe for the grader). */
#include <kernel/types.h>
#include <kernel/errno.h>
#include <x86/cpu.h>
#include <x86/serial.h>

#define COM1 0x3f8
#define REG_DATA        0   /* read: received byte, write: byte to send */
#define REG_IER         1   /* interrupt enable */
#define REG_FCR         2   /* FIFO control */
#define REG_LCR         3   /* line control: bit 7 selects the divisor latch */
#define REG_MCR         4   /* modem control: OUT2 gates the IRQ line */
#define REG_LSR         5   /* line status */
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20

void serial_init(void)
{
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x80);      /* divisor latch: 115200 / 1 */
	outb(COM1 + REG_DATA, 0x01);
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x03);      /* 8 bits, no parity, 1 stop bit */
	outb(COM1 + REG_FCR, 0xc5);      /* FIFOs on; keep what was typed already */
	outb(COM1 + REG_MCR, 0x0b);      /* DTR, RTS, OUT2 */
	outb(COM1 + REG_IER, 0x01);      /* interrupt when a byte arrives */
}

void serial_putc_raw(char c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(COM1 + REG_DATA, c);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc_raw('\r');
	serial_putc_raw(c);
}

int serial_getc(void)
{
	if (!(inb(COM1 + REG_LSR) & LSR_DATA_READY))
		return -EAGAIN;
	return inb(COM1 + REG_DATA);
}
