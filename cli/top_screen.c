// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdlib.h>
#include <curses.h>

#include "cli/top_screen.h"

struct top_screen {
	SCREEN *screen;
	int row;	/* the next line top_screen_draw writes */
};

struct top_screen *top_screen_open(void)
{
	struct top_screen *s = calloc(1, sizeof(*s));

	/* newterm rather than initscr: a terminal it does not know is an error, not exit. */
	if (!s || !(s->screen = newterm(NULL, stdout, stdin))) {
		free(s);
		return NULL;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	return s;
}

static void draw_line(void *ctx, bool heading, const char *text)
{
	struct top_screen *s = ctx;

	/* The last row is the keys'; what does not fit is left out. */
	if (s->row >= LINES - 1)
		return;
	if (heading)
		attron(A_BOLD);
	mvaddnstr(s->row++, 0, text, COLS);
	if (heading)
		attroff(A_BOLD);
}

void top_screen_draw(struct top_screen *s, const struct top_frame *f, const char *ifname,
		     enum top_sort by)
{
	erase();
	s->row = 0;
	top_frame_lines(f, ifname, by, 0, draw_line, s);
	attron(A_REVERSE);
	mvaddnstr(LINES - 1, 0, "sort: p packets/s  b bits/s  f new flows/s  a active flows"
		  "  n name    q quit", COLS);
	attroff(A_REVERSE);
	refresh();
}

int top_screen_key(struct top_screen *s, int ms, enum top_sort *by)
{
	int key, i;

	(void)s;
	timeout(ms);
	key = getch();
	if (key == 'q' || key == 'Q')
		return -1;
	if (key == KEY_RESIZE)
		return 1;
	for (i = 0; i < TOP_NSORTS; i++)
		if (key == top_sort_keys[i]) {
			*by = (enum top_sort)i;
			return 1;
		}
	return 0;
}

void top_screen_close(struct top_screen *s)
{
	endwin();
	delscreen(s->screen);
	free(s);
}
