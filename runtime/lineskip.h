/* lineskip.h — count the lines the scanner skips unread.
 *
 * Lines before the prefilter's next set bit hold no atom (probe.h); the
 * scanner still owes them a line number, and a line starting with
 * "section_" (a section marker, with or without its "\r\e[0K" tail) must be
 * shown to the display pass however plain it looks. With AVX-512 the find
 * loop does this work itself (fsig_find_loop_avx512, probe.h); these
 * serve the other CPUs and the runs that end before the find loop's stop. */
#ifndef FSIG_LINESKIP_H
#define FSIG_LINESKIP_H

#include <stddef.h>
#include <stdint.h>

/* p[0..n) is whole lines (p[0] starts one, p[n - 1] == '\n') with readable
 * padding after them. Returns the offset of the first line that begins with
 * "section_", or n, and adds to *lines the '\n's before that offset. */
size_t lineskip(const unsigned char *p, size_t n, uint64_t *lines);

#if defined(__GNUC__) && defined(__x86_64__)
/* The same with AVX2, or AVX-512 (F, BW): only where the CPU has it. */
size_t lineskip_avx2(const unsigned char *p, size_t n, uint64_t *lines);
size_t lineskip_avx512(const unsigned char *p, size_t n, uint64_t *lines);
#endif

#endif
