/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sluice top` on a terminal: curses, a frame a second, keys to sort and quit. */
#ifndef SLUICE_CLI_TOP_SCREEN_H
#define SLUICE_CLI_TOP_SCREEN_H

#include "cli/top_frame.h"

struct top_screen;

/* Take over the terminal. NULL when it cannot be (no terminfo for TERM). */
struct top_screen *top_screen_open(void);

/* Draw f sorted by `by`, with the keys on the last line. */
void top_screen_draw(struct top_screen *s, const struct top_frame *f, const char *ifname,
		     enum top_sort by);

/*
 * Wait up to ms for a key. Returns 1 when the screen needs drawing again (a sort
 * key, now in *by, or a resized terminal), -1 for quit, 0 for nothing (timeout,
 * another key).
 */
int top_screen_key(struct top_screen *s, int ms, enum top_sort *by);

/* Give the terminal back as it was. */
void top_screen_close(struct top_screen *s);

#endif /* SLUICE_CLI_TOP_SCREEN_H */
