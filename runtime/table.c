/* table.c — result tables rendered as text, CSV, Markdown or JSON. */
#include "table.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "text.h"
#include "xalloc.h"

enum { CELL_CAP = 1 << 20 };

struct column {
	char *key;
	unsigned flags;           /* TABLE_NUM */
};

struct cell {
	char *text;               /* NULL: empty (JSON null) */
	long long num;            /* TABLE_NUM columns */
};

struct table {
	struct column *cols;
	size_t ncols, colcap;
	struct cell *cells;       /* row-major, nrows * ncols */
	size_t nrows, ncells, cellcap;
};

struct table *table_new(void)
{
	return xcalloc(1, sizeof(struct table));
}

void table_free(struct table *t)
{
	if(!t)
		return;
	for(size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].key);
	for(size_t i = 0; i < t->ncells; i++)
		free(t->cells[i].text);
	free(t->cols);
	free(t->cells);
	free(t);
}

void table_column(struct table *t, const char *key, unsigned flags)
{
	assert(t->nrows == 0);
	if(t->ncols == t->colcap) {
		t->colcap = t->colcap ? 2 * t->colcap : 8;
		t->cols = xrealloc(t->cols, t->colcap * sizeof *t->cols);
	}
	t->cols[t->ncols].key = xstrdup(key);
	t->cols[t->ncols].flags = flags;
	t->ncols++;
}

void table_row(struct table *t)
{
	assert(t->ncells == t->nrows * t->ncols);
	t->nrows++;
}

static struct cell *next_cell(struct table *t)
{
	assert(t->nrows > 0 && t->ncells < t->nrows * t->ncols);
	if(t->ncells == t->cellcap) {
		t->cellcap = t->cellcap ? 2 * t->cellcap : 64;
		t->cells = xrealloc(t->cells, t->cellcap * sizeof *t->cells);
	}
	struct cell *c = &t->cells[t->ncells++];
	memset(c, 0, sizeof *c);
	return c;
}

void table_cell(struct table *t, const char *s)
{
	struct cell *c = next_cell(t);
	if(!s)
		return;
	struct dynbuf b;
	dynbuf_init(&b, CELL_CAP);
	text_utf8(&b, s, strlen(s));
	c->text = dynbuf_take(&b, NULL);
}

void table_num(struct table *t, long long v)
{
	struct cell *c = next_cell(t);
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", v);
	c->text = xstrdup(buf);
	c->num = v;
}

size_t table_nrows(const struct table *t)
{
	return t->nrows;
}

static const struct cell *cell_at(const struct table *t, size_t row, size_t col)
{
	size_t i = row * t->ncols + col;
	return i < t->ncells ? &t->cells[i] : NULL;
}

/* Display width in code points (the text is valid UTF-8). */
static size_t width(const char *s)
{
	size_t w = 0;
	for(; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void header_text(const char *key, struct dynbuf *b)
{
	dynbuf_reset(b);
	for(const char *p = key; *p; p++) {
		char c = *p == '_' ? '-' : *p;
		if(c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		dynbuf_add(b, &c, 1);
	}
}

static void pad(FILE *f, size_t n)
{
	for(size_t i = 0; i < n; i++)
		fputc(' ', f);
}

static void print_cell(FILE *f, const char *s, size_t w, bool right, bool last)
{
	size_t have = width(s);
	if(right)
		pad(f, w - have);
	fputs(s, f);
	if(!right && !last)
		pad(f, w - have);
}

void table_print_text(const struct table *t, FILE *f, const char *indent)
{
	struct dynbuf b;
	dynbuf_init(&b, CELL_CAP);
	size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof *w);
	for(size_t c = 0; c < t->ncols; c++) {
		header_text(t->cols[c].key, &b);
		w[c] = width(b.ptr);
	}
	for(size_t r = 0; r < t->nrows; r++) {
		for(size_t c = 0; c < t->ncols; c++) {
			const struct cell *x = cell_at(t, r, c);
			size_t cw = x && x->text ? width(x->text) : 1;
			if(cw > w[c])
				w[c] = cw;
		}
	}
	fputs(indent, f);
	for(size_t c = 0; c < t->ncols; c++) {
		header_text(t->cols[c].key, &b);
		if(c)
			fputs("  ", f);
		print_cell(f, b.ptr, w[c], t->cols[c].flags & TABLE_NUM, c + 1 == t->ncols);
	}
	fputc('\n', f);
	for(size_t r = 0; r < t->nrows; r++) {
		fputs(indent, f);
		for(size_t c = 0; c < t->ncols; c++) {
			const struct cell *x = cell_at(t, r, c);
			const char *s = "-";
			if(x && x->text) {
				dynbuf_reset(&b);
				s = text_printable(&b, x->text, strlen(x->text));
			}
			if(c)
				fputs("  ", f);
			print_cell(f, s, w[c], t->cols[c].flags & TABLE_NUM, c + 1 == t->ncols);
		}
		fputc('\n', f);
	}
	free(w);
	dynbuf_free(&b);
}

static void csv_field(FILE *f, const char *s)
{
	if(!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for(; *s; s++) {
		if(*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void table_print_csv(const struct table *t, FILE *f)
{
	for(size_t c = 0; c < t->ncols; c++) {
		if(c)
			fputc(',', f);
		csv_field(f, t->cols[c].key);
	}
	fputs("\r\n", f);
	for(size_t r = 0; r < t->nrows; r++) {
		for(size_t c = 0; c < t->ncols; c++) {
			const struct cell *x = cell_at(t, r, c);
			if(c)
				fputc(',', f);
			if(x && x->text)
				csv_field(f, x->text);
		}
		fputs("\r\n", f);
	}
}

/* A Markdown table cell: '|' would end the cell, control bytes the line. */
static void md_field(FILE *f, const char *s)
{
	for(; *s; s++) {
		if(*s == '|')
			fputs("\\|", f);
		else if((unsigned char)*s < 0x20)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

void table_print_markdown(const struct table *t, FILE *f)
{
	fputc('|', f);
	for(size_t c = 0; c < t->ncols; c++) {
		fputc(' ', f);
		md_field(f, t->cols[c].key);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for(size_t c = 0; c < t->ncols; c++)
		fputs(t->cols[c].flags & TABLE_NUM ? "---:|" : "---|", f);
	fputc('\n', f);
	for(size_t r = 0; r < t->nrows; r++) {
		fputc('|', f);
		for(size_t c = 0; c < t->ncols; c++) {
			const struct cell *x = cell_at(t, r, c);
			fputc(' ', f);
			md_field(f, x && x->text ? x->text : "");
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

json_t *table_json(const struct table *t)
{
	json_t *rows = json_array();
	for(size_t r = 0; r < t->nrows; r++) {
		json_t *o = json_object();
		for(size_t c = 0; c < t->ncols; c++) {
			const struct cell *x = cell_at(t, r, c);
			json_t *v;
			if(!x || !x->text)
				v = json_null();
			else if(t->cols[c].flags & TABLE_NUM)
				v = json_integer((json_int_t)x->num);
			else
				v = json_string(x->text);
			json_object_set_new(o, t->cols[c].key, v);
		}
		json_array_append_new(rows, o);
	}
	return rows;
}
