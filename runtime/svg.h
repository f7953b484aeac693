/* svg.h — charts rendered on the server as inline SVG (no JavaScript, no
 * external resource): the dashboard's stacked bar chart of matches per day.
 *
 * Every label is escaped (webesc.h); every bar segment is a
 * <rect class="seg"> with a <title> tooltip, every legend entry a
 * <rect class="key"> and its text, so tests can count what is drawn. */
#ifndef FSIG_SVG_H
#define FSIG_SVG_H

#include <stddef.h>

#include "dynbuf.h"

enum { SVG_PALETTE = 10 };   /* distinct colors; series past the last reuse them */

struct svg_bars {
	const char *title;               /* the chart's accessible name */
	const char *x_title;             /* axis titles */
	const char *y_title;
	size_t nx;                       /* bars, left to right */
	const char *const *x_labels;     /* nx labels, "YYYY-MM-DD" (shown as MM-DD) */
	size_t nseries;                  /* stacked from the bottom, in this order */
	const char *const *series;       /* nseries names, for the legend */
	const char *const *series_href;  /* nseries legend links (NULL entries: none), or NULL */
	const char *const *colors;       /* nseries "#rrggbb", or NULL: the palette in order */
	const long long *values;         /* nx * nseries counts: values[x * nseries + s] */
	const char *empty_text;          /* shown in the plot when every value is 0 */
};

/* Append the chart as an <svg> element to out. */
void svg_stacked_bars(struct dynbuf *out, const struct svg_bars *c);

/* The palette's i-th color (i modulo SVG_PALETTE), "#rrggbb". */
const char *svg_color(size_t i);

#endif
