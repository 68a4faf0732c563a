// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * sluice's program built for the next map layout: what a sluice whose maps changed
 * would carry. `sluice upgrade` must refuse it and leave the running program be.
 */
#include "xdp/abi.h"

enum { bumped_layout = SLUICE_LAYOUT_VERSION + 1 };
#undef SLUICE_LAYOUT_VERSION
#define SLUICE_LAYOUT_VERSION bumped_layout

#include "xdp/sluice.bpf.c"
