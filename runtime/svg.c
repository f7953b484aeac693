/* svg.c — the stacked bar chart as an SVG string (svg.h).
 *
 * Geometry is fixed (960 x 320 user units, scaled by the page's CSS); the
 * legend sits right of the plot. The y axis gets "nice" ticks (1, 2 or 5
 * times a power of ten), the x axis a label every few days so that labels
 * never overlap. */
#include "svg.h"

#include <stdlib.h>
#include <string.h>

#include "webesc.h"
#include "xalloc.h"

/* Tableau 10: distinguishable, also for the common color vision deficiencies. */
static const char *const palette[SVG_PALETTE] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

enum {
	W = 960, H = 320,
	PLOT_X0 = 60, PLOT_X1 = 720,    /* plot area; the legend is right of it */
	PLOT_Y0 = 16, PLOT_Y1 = 262,
	LEGEND_X = 736,
	LEGEND_ROW = 18,
	LEGEND_NAME_MAX = 28,           /* bytes of a name shown in the legend */
	MAX_TICKS = 6,
};

const char *svg_color(size_t i)
{
	return palette[i % SVG_PALETTE];
}

/* The smallest step 1, 2 or 5 times a power of ten giving at most
 * MAX_TICKS - 1 intervals up to max. */
static long long nice_step(long long max)
{
	long long pow10 = 1;
	for(;;) {
		static const int mult[] = { 1, 2, 5 };
		for(size_t i = 0; i < 3; i++) {
			long long step = mult[i] * pow10;
			if((max + step - 1) / step <= MAX_TICKS - 1)
				return step;
		}
		pow10 *= 10;
	}
}

/* name cut to LEGEND_NAME_MAX bytes at a character boundary, with "…". */
static void legend_name(struct dynbuf *out, const char *name)
{
	size_t n = strlen(name);
	if(n <= LEGEND_NAME_MAX) {
		webesc_html(out, name);
		return;
	}
	n = LEGEND_NAME_MAX - 1;
	while(n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	webesc_htmln(out, name, n);
	dynbuf_adds(out, "\xe2\x80\xa6");
}

static void axes(struct dynbuf *out, const struct svg_bars *c, long long top, long long step)
{
	double ph = PLOT_Y1 - PLOT_Y0;
	dynbuf_adds(out, "<g class=\"axis\" font-size=\"11\" fill=\"#444\">\n");
	for(long long v = 0; v <= top; v += step) {
		double y = PLOT_Y1 - ph * (double)v / (double)top;
		dynbuf_printf(out,
		              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
		              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%lld</text>\n",
		              PLOT_X0, PLOT_X1, y, y, v ? "#e4e4e4" : "#888", PLOT_X0 - 6, y + 4, v);
	}
	double slot = (double)(PLOT_X1 - PLOT_X0) / (double)(c->nx ? c->nx : 1);
	size_t every = (c->nx + 11) / 12;   /* at most about 12 labels */
	if(every == 0)
		every = 1;
	for(size_t x = 0; x < c->nx; x++) {
		/* Count labels from the right: the newest day is always labelled. */
		if((c->nx - 1 - x) % every)
			continue;
		const char *l = c->x_labels[x];
		const char *shown = strlen(l) == 10 ? l + 5 : l;   /* YYYY-MM-DD -> MM-DD */
		dynbuf_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
		              PLOT_X0 + slot * ((double)x + 0.5), PLOT_Y1 + 16);
		webesc_html(out, shown);
		dynbuf_adds(out, "</text>\n");
	}
	dynbuf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">",
	              (PLOT_X0 + PLOT_X1) / 2, H - 12);
	webesc_html(out, c->x_title);
	dynbuf_printf(out, "</text>\n<text transform=\"translate(16 %d) rotate(-90)\" "
	              "text-anchor=\"middle\" font-size=\"12\">", (PLOT_Y0 + PLOT_Y1) / 2);
	webesc_html(out, c->y_title);
	dynbuf_adds(out, "</text>\n</g>\n");
}

static void bars(struct dynbuf *out, const struct svg_bars *c, long long top)
{
	double ph = PLOT_Y1 - PLOT_Y0;
	double slot = (double)(PLOT_X1 - PLOT_X0) / (double)(c->nx ? c->nx : 1);
	double bw = slot * 0.78 > 1 ? slot * 0.78 : 1;
	dynbuf_adds(out, "<g class=\"bars\">\n");
	for(size_t x = 0; x < c->nx; x++) {
		double y = PLOT_Y1;
		double bx = PLOT_X0 + slot * (double)x + (slot - bw) / 2;
		for(size_t s = 0; s < c->nseries; s++) {
			long long v = c->values[x * c->nseries + s];
			if(v <= 0)
				continue;
			double h = ph * (double)v / (double)top;
			y -= h;
			dynbuf_printf(out,
			              "<rect class=\"seg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			              "fill=\"%s\"><title>",
			              bx, y, bw, h, c->colors ? c->colors[s] : svg_color(s));
			webesc_html(out, c->x_labels[x]);
			dynbuf_adds(out, " \xc2\xb7 ");
			webesc_html(out, c->series[s]);
			dynbuf_printf(out, ": %lld</title></rect>\n", v);
		}
	}
	dynbuf_adds(out, "</g>\n");
}

static void legend(struct dynbuf *out, const struct svg_bars *c, const long long *totals)
{
	dynbuf_adds(out, "<g class=\"legend\" font-size=\"12\">\n");
	for(size_t s = 0; s < c->nseries; s++) {
		int y = PLOT_Y0 + (int)s * LEGEND_ROW;
		const char *href = c->series_href ? c->series_href[s] : NULL;
		if(href) {
			dynbuf_adds(out, "<a href=\"");
			webesc_html(out, href);
			dynbuf_adds(out, "\">");
		}
		dynbuf_printf(out,
		              "<rect class=\"key\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		              "<text x=\"%d\" y=\"%d\"><title>",
		              LEGEND_X, y, c->colors ? c->colors[s] : svg_color(s), LEGEND_X + 18, y + 10);
		webesc_html(out, c->series[s]);
		dynbuf_adds(out, "</title>");
		legend_name(out, c->series[s]);
		dynbuf_printf(out, " (%lld)</text>", totals[s]);
		dynbuf_adds(out, href ? "</a>\n" : "\n");
	}
	dynbuf_adds(out, "</g>\n");
}

void svg_stacked_bars(struct dynbuf *out, const struct svg_bars *c)
{
	long long max = 0;
	long long *totals = xcalloc(c->nseries ? c->nseries : 1, sizeof *totals);
	for(size_t x = 0; x < c->nx; x++) {
		long long sum = 0;
		for(size_t s = 0; s < c->nseries; s++) {
			long long v = c->values[x * c->nseries + s];
			if(v > 0) {
				sum += v;
				totals[s] += v;
			}
		}
		if(sum > max)
			max = sum;
	}
	long long step = nice_step(max ? max : 1);
	long long top = ((max ? max : 1) + step - 1) / step * step;

	dynbuf_printf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
	              "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	              "font-family=\"sans-serif\"><title>", W, H, W, H);
	webesc_html(out, c->title);
	dynbuf_adds(out, "</title>\n");
	axes(out, c, top, step);
	if(max == 0) {
		dynbuf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">",
		              (PLOT_X0 + PLOT_X1) / 2, (PLOT_Y0 + PLOT_Y1) / 2);
		webesc_html(out, c->empty_text ? c->empty_text : "nothing in this period");
		dynbuf_adds(out, "</text>\n");
	}
	bars(out, c, top);
	legend(out, c, totals);
	dynbuf_adds(out, "</svg>\n");
	free(totals);
}
