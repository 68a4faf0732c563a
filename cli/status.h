/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sluice status` for people: a rendering of its JSON form. */
#ifndef SLUICE_CLI_STATUS_H
#define SLUICE_CLI_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "cli/table.h"

/* The columns of the services table (-o, --sort). */
#define STATUS_COLUMNS	14
extern const struct table_column status_columns[STATUS_COLUMNS];

/*
 * The whole status for people: totals first, then the services table of the chosen
 * columns; narrowed (--service, --backend): nothing after that table.
 */
void status_print(json_object *root, const struct table_choice *choice, bool narrowed);

/* "leftover: DIR: its network namespace is gone ..." per directory. */
void status_print_leftovers(FILE *out, json_object *leftovers);

#endif /* SLUICE_CLI_STATUS_H */
