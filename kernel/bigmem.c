// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Large zeroed buffers in transparent huge pages (bigmem.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/bigmem.h"

#define HUGE_PAGE	((size_t)2 << 20)

void *bigmem_calloc(size_t size)
{
	size_t whole = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *p;

	/*
	 * Aligned and rounded to huge pages, so that all of it can be huge: calloc's
	 * block starts anywhere, and its ends were faulted in 4 KiB pages (a 3 MiB
	 * block: one huge page at most, and 256 small ones). Where the kernel has none
	 * to give (THP "never", no memory), madvise fails or changes nothing, and 4 KiB
	 * pages serve as before.
	 */
	if (posix_memalign(&p, HUGE_PAGE, whole))
		return NULL;
	madvise(p, whole, MADV_HUGEPAGE);
	return memset(p, 0, size);
}
