/* stdout_check.h — whether a program's output reached its file.
 *
 * failsig and failsigc end with it: output that did not reach its file (a
 * full disk, a closed pipe) is an error, not "no rule fired" or a clean
 * check. */
#ifndef FSIG_STDOUT_CHECK_H
#define FSIG_STDOUT_CHECK_H

#include <stdbool.h>

/* Flush stdout; true if everything written to it got through, else false
 * after "WHO: cannot write the output[: reason]" on stderr. */
bool stdout_written(const char *who);

#endif
