// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Large zeroed buffers in transparent huge pages (bigmem.h). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kernel/bigmem.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)

void *bigmem_calloc(size_t size)
{
	void *p = calloc(1, size);
	uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);

	/*
	 * A block this large is mapped fresh and untouched, so the pages it will fault
	 * in can still be huge; where the kernel has none to give (THP "never", no
	 * memory), madvise fails or changes nothing, and 4 KiB pages serve as before.
	 */
	if (p && to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE);
	return p;
}
