/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The tables of `status` and `stats`: rows are JSON objects of the command's --json
 * form (so the two forms never disagree), columns are picked by the operator (-o),
 * rows sorted by one of them (--sort), and libsmartcols fits the widths, as lsblk
 * and findmnt do.
 */
#ifndef SLUICE_CLI_TABLE_H
#define SLUICE_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>

#define TABLE_MAX_COLUMNS	24

struct table_column {
	const char *name;	/* -o and --sort take it; the header shows it */
	const char *key;	/* the JSON key of a row the cell shows and sorts by */
	const char *child_key;	/* the key on child rows (backends), NULL: key */
	const char *help;	/* one line of --help */
	double width_hint;	/* libsmartcols: < 1 a share of the terminal, else cells */
	int flags;		/* SCOLS_FL_RIGHT, _TRUNC, _WRAP ... */
	bool shown;		/* among the columns shown without -o */
	/* The cell's text when it is not the key's value as is; NULL: as is. */
	const char *(*text)(json_object *row, char *buf, size_t len);
};

/*
 * The columns that say which service a row is, first in status and stats alike:
 * NAME takes name_share of the terminal; VIP, PORT and PROTO are shown without -o
 * when address_shown.
 */
#define TABLE_SERVICE_COLUMNS(name_share, address_shown)				\
	{ "NAME", "name", "addr", "service name; a backend's address under it",	\
	  name_share, 0, true, NULL },							\
	{ "VIP", "vip", NULL, "the service's address", 0.2, 0, address_shown, NULL },	\
	{ "PORT", "port", NULL, "its port (* for any)", 5, SCOLS_FL_RIGHT,		\
	  address_shown, table_port_text },						\
	{ "PROTO", "proto", NULL, "tcp or udp", 5, 0, address_shown, NULL }

struct table_choice {
	size_t n;
	const struct table_column *cols[TABLE_MAX_COLUMNS];
};

/*
 * The columns of -o LIST ("NAME,VIP"; "+MAC,ID" adds to the default ones; names in
 * any case), or the default ones when list is NULL. Prints why not (naming cmd and
 * the valid columns) and returns -1 on an unknown or repeated column.
 */
int table_choose(const char *cmd, const char *list, const struct table_column *all,
		 size_t n, struct table_choice *out);

/* The column --sort names; prints why not and returns NULL when there is none. */
const struct table_column *table_sort_column(const char *cmd, const char *name,
					     const struct table_column *all, size_t n);

/* "  NAME      what it shows" per column, for --help. */
void table_columns_help(FILE *out, const struct table_column *all, size_t n);

/*
 * Sort the objects of arr by key: numbers largest first (busiest first), text from
 * A to Z; objects without the key, and ties, keep their order.
 */
void table_sort_json(json_object *arr, const char *key);

/*
 * A table of the chosen columns, the first one drawn as a tree when tree is set.
 * It fits the terminal stdout is; when stdout is not a terminal it fits $COLUMNS
 * if set, and is otherwise as wide as its cells.
 */
struct libscols_table *table_new(const struct table_choice *choice, bool tree);

/* Add a row of obj's cells under parent (NULL: a top row); child: a child row. */
struct libscols_line *table_add(struct libscols_table *tb, const struct table_choice *choice,
				struct libscols_line *parent, json_object *obj, bool child);

/* A comma-separated list on stdout that wraps before column 80. */
struct table_list {
	size_t col;	/* where the line is */
	size_t items;	/* printed so far */
};

/* Start the list's line with lead ("drops: "). */
void table_list_start(struct table_list *l, const char *lead);

/* The next item; continued lines are indented by two. */
void table_item(struct table_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* End the line, with `empty` when the list had no item. */
void table_list_end(struct table_list *l, const char *empty);

/* A service row's PORT cell: its port, "*" for any port; nothing on a backend's row. */
const char *table_port_text(json_object *row, char *buf, size_t len);

/* Print the table on stdout and free it. */
void table_print(struct libscols_table *tb);

/*
 * The services of a status or stats JSON array as one table on stdout, after an
 * empty line: a row per service, its backends as child rows under it.
 */
void table_print_services(json_object *svcs, const struct table_choice *choice);

#endif /* SLUICE_CLI_TABLE_H */
