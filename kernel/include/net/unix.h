/* AF_UNIX sockets (net/unix/): stream, datagram and seqpacket sockets
 * between processes of this machine, named by a path in the file tree or
 * an abstract name, passing file descriptors and credentials. */
#pragma once

struct inode;

/* Registers the family (net/families.c). */
void unix_init(void);
