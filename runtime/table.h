/* table.h — a small result table for the investigation commands (search,
 * stats, report, unmatched), rendered four ways: aligned text for a
 * terminal, CSV (RFC 4180), a Markdown table for an issue body, or JSON
 * (an array of objects, one per row).
 *
 * Columns are declared once with a key ("first_seen"): the key names the
 * CSV header and the JSON member; the text header is the key upper-cased
 * with '-' for '_' ("FIRST-SEEN"). Numeric columns are right-aligned and
 * become JSON integers. Cells are copied (as valid UTF-8) when added. */
#ifndef FSIG_TABLE_H
#define FSIG_TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum { TABLE_NUM = 1 };   /* column flag: an integer column */

struct table;

struct table *table_new(void);          /* caller frees with table_free */
void table_free(struct table *t);

/* Declare the next column; all columns before the first row. */
void table_column(struct table *t, const char *key, unsigned flags);
/* Start a new row; its cells follow, left to right. */
void table_row(struct table *t);
/* The next cell of the current row: text (NULL is an empty cell, JSON null),
 * or an integer for TABLE_NUM columns. */
void table_cell(struct table *t, const char *s);
void table_num(struct table *t, long long v);

size_t table_nrows(const struct table *t);

/* Render the whole table to f. Text: a header line and aligned rows, each
 * line starting with indent (control bytes shown as U+FFFD). */
void table_print_text(const struct table *t, FILE *f, const char *indent);
void table_print_csv(const struct table *t, FILE *f);
void table_print_markdown(const struct table *t, FILE *f);
/* A new JSON array of row objects (caller decrefs). */
json_t *table_json(const struct table *t);

#endif
