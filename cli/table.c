// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Tables of JSON rows with picked, sorted and fitted columns (libsmartcols). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/table.h"

static const struct table_column *find_column(const char *name, size_t len,
					      const struct table_column *all, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(all[i].name) == len && !strncasecmp(all[i].name, name, len))
			return &all[i];
	return NULL;
}

static void list_columns(FILE *out, const struct table_column *all, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", all[i].name);
}

static bool chosen(const struct table_choice *c, const struct table_column *col)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->cols[i] == col)
			return true;
	return false;
}

int table_choose(const char *cmd, const char *list, const struct table_column *all,
		 size_t n, struct table_choice *out)
{
	const struct table_column *col;
	const char *p, *end;
	size_t i, len;

	out->n = 0;
	if (!list || *list == '+') {
		for (i = 0; i < n && out->n < TABLE_MAX_COLUMNS; i++)
			if (all[i].shown)
				out->cols[out->n++] = &all[i];
		if (!list)
			return 0;
		list++;
	}
	for (p = list; ; p = end + 1) {
		end = strchrnul(p, ',');
		len = (size_t)(end - p);
		col = find_column(p, len, all, n);
		if (!col) {
			fprintf(stderr, "sluice %s: -o: unknown column '%.*s' (columns: ", cmd,
				(int)len, p);
			list_columns(stderr, all, n);
			fprintf(stderr, ")\n");
			return -1;
		}
		if (chosen(out, col)) {
			fprintf(stderr, "sluice %s: -o: column %s is listed twice\n", cmd,
				col->name);
			return -1;
		}
		out->cols[out->n++] = col;
		if (!*end)
			return 0;
	}
}

const struct table_column *table_sort_column(const char *cmd, const char *name,
					     const struct table_column *all, size_t n)
{
	const struct table_column *col = find_column(name, strlen(name), all, n);

	if (!col) {
		fprintf(stderr, "sluice %s: --sort: unknown column '%s' (columns: ", cmd, name);
		list_columns(stderr, all, n);
		fprintf(stderr, ")\n");
	}
	return col;
}

void table_columns_help(FILE *out, const struct table_column *all, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "  %-9s %s%s\n", all[i].name, all[i].help,
			all[i].shown ? " (shown)" : "");
}

struct sort_item {
	json_object *obj;
	size_t index;
};

static int compare_items(const void *a, const void *b, void *key)
{
	const struct sort_item *x = a, *y = b;
	json_object *vx = json_object_object_get(x->obj, key);
	json_object *vy = json_object_object_get(y->obj, key);
	enum json_type tx = json_object_get_type(vx), ty = json_object_get_type(vy);

	if ((tx == json_type_int || tx == json_type_double) &&
	    (ty == json_type_int || ty == json_type_double)) {
		double dx = json_object_get_double(vx), dy = json_object_get_double(vy);

		if (dx != dy)
			return dx > dy ? -1 : 1;
	} else if (tx == json_type_string && ty == json_type_string) {
		int c = strcmp(json_object_get_string(vx), json_object_get_string(vy));

		if (c)
			return c;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

void table_sort_json(json_object *arr, const char *key)
{
	size_t i, n = json_object_array_length(arr);
	struct sort_item *items = calloc(n ? n : 1, sizeof(*items));

	if (!items)
		return;
	for (i = 0; i < n; i++)
		items[i] = (struct sort_item){
			json_object_get(json_object_array_get_idx(arr, i)), i };
	qsort_r(items, n, sizeof(*items), compare_items, (void *)key);
	json_object_array_del_idx(arr, 0, n);
	for (i = 0; i < n; i++)
		json_object_array_add(arr, items[i].obj);
	free(items);
}

struct libscols_table *table_new(const struct table_choice *choice, bool tree)
{
	struct libscols_table *tb = scols_new_table();
	const char *columns = getenv("COLUMNS");
	long width = columns ? strtol(columns, NULL, 10) : 0;
	size_t i;

	if (!tb)
		return NULL;
	if (!isatty(STDOUT_FILENO) && width > 0) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, (size_t)width);
	}
	for (i = 0; i < choice->n; i++) {
		const struct table_column *c = choice->cols[i];

		scols_table_new_column(tb, c->name, c->width_hint,
				       c->flags | (tree && !i ? SCOLS_FL_TREE : 0));
	}
	return tb;
}

static const char *cell_text(const struct table_column *c, json_object *obj, bool child,
			     char *buf, size_t len)
{
	json_object *v;

	if (c->text)
		return c->text(obj, buf, len);
	if (!json_object_object_get_ex(obj, child && c->child_key ? c->child_key : c->key, &v))
		return "";
	return v ? json_object_get_string(v) : "-";
}

struct libscols_line *table_add(struct libscols_table *tb, const struct table_choice *choice,
				struct libscols_line *parent, json_object *obj, bool child)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);
	char buf[128];
	size_t i;

	for (i = 0; ln && i < choice->n; i++)
		scols_line_set_data(ln, i, cell_text(choice->cols[i], obj, child, buf,
						     sizeof(buf)));
	return ln;
}

void table_list_start(struct table_list *l, const char *lead)
{
	printf("%s", lead);
	l->col = strlen(lead);
	l->items = 0;
}

void table_item(struct table_list *l, const char *fmt, ...)
{
	char text[256];
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	len = strlen(text);
	if (l->items && l->col + 2 + len > 80) {
		printf(",\n  %s", text);
		l->col = 2 + len;
	} else {
		printf("%s%s", l->items ? ", " : "", text);
		l->col += (l->items ? 2 : 0) + len;
	}
	l->items++;
}

void table_list_end(struct table_list *l, const char *empty)
{
	printf("%s\n", l->items ? "" : empty);
}

void table_print(struct libscols_table *tb)
{
	if (!tb)
		return;
	scols_print_table(tb);
	scols_unref_table(tb);
}

void table_print_services(json_object *svcs, const struct table_choice *choice)
{
	struct libscols_table *tb = table_new(choice, true);
	size_t i, j;

	for (i = 0; tb && i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);
		json_object *bes = json_object_object_get(s, "backends");
		struct libscols_line *ln = table_add(tb, choice, NULL, s, false);

		for (j = 0; ln && j < json_object_array_length(bes); j++)
			table_add(tb, choice, ln, json_object_array_get_idx(bes, j), true);
	}
	printf("\n");
	table_print(tb);
}

const char *table_port_text(json_object *row, char *buf, size_t len)
{
	json_object *port;

	if (!json_object_object_get_ex(row, "port", &port))
		return "";
	if (!port)
		return "*";
	snprintf(buf, len, "%s", json_object_get_string(port));
	return buf;
}
