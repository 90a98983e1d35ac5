/* The tracer's name tables: flags, commands, signals and errors as Linux's
 * UAPI headers define them, made by scripts/tracetables.py (through
 * mksyscalls.py) at build time; see proc/trace_internal.h. */
#include <kernel/types.h>
#include "trace_internal.h"
#include "trace_tables.h"       /* generated */

const int trace_errno_count = TRACE_ERRNO_COUNT;
