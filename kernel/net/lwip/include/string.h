/* <string.h> for lwIP's sources only: the kernel's string functions. */
#pragma once
#include <kernel/string.h>
