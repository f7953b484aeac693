/* dynlib.c — libcurl and libmicrohttpd loaded on first use (dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The sonames the build found (Makefile); Debian 12's as a fallback. */
#ifndef FSIG_CURL_SONAME
#define FSIG_CURL_SONAME "libcurl.so.4"
#endif
#ifndef FSIG_MHD_SONAME
#define FSIG_MHD_SONAME "libmicrohttpd.so.12"
#endif

struct dyn_curl dyn_curl;
struct dyn_mhd dyn_mhd;

struct symbol {
	const char *name;
	void *slot;    /* a function pointer of the table, as void * storage */
};

struct library {
	const char *soname;
	const struct symbol *symbols;
	size_t nsymbols;
	pthread_once_t once;
	int rc;
	char why[256];
};

/* dlsym returns an object pointer; POSIX guarantees it converts to a
 * function pointer, which memcpy does without a cast ISO C forbids. */
static void load(struct library *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if(!h) {
		snprintf(l->why, sizeof l->why, "cannot load %s: %s", l->soname, dlerror());
		l->rc = -1;
		return;
	}
	for(size_t i = 0; i < l->nsymbols; i++) {
		void *f = dlsym(h, l->symbols[i].name);
		if(!f) {
			snprintf(l->why, sizeof l->why, "%s has no %s", l->soname, l->symbols[i].name);
			l->rc = -1;
			return;
		}
		memcpy(l->symbols[i].slot, &f, sizeof f);
	}
	l->rc = 0;  /* the library stays loaded for the life of the process */
}

#define SYM(table, member, name) { name, &table.member }

static const struct symbol curl_symbols[] = {
	SYM(dyn_curl, global_init, "curl_global_init"),
	SYM(dyn_curl, global_cleanup, "curl_global_cleanup"),
	SYM(dyn_curl, easy_init, "curl_easy_init"),
	SYM(dyn_curl, easy_setopt, "curl_easy_setopt"),
	SYM(dyn_curl, easy_perform, "curl_easy_perform"),
	SYM(dyn_curl, easy_getinfo, "curl_easy_getinfo"),
	SYM(dyn_curl, easy_reset, "curl_easy_reset"),
	SYM(dyn_curl, easy_cleanup, "curl_easy_cleanup"),
	SYM(dyn_curl, easy_strerror, "curl_easy_strerror"),
	SYM(dyn_curl, slist_append, "curl_slist_append"),
	SYM(dyn_curl, slist_free_all, "curl_slist_free_all"),
	SYM(dyn_curl, getdate, "curl_getdate"),
};

static const struct symbol mhd_symbols[] = {
	SYM(dyn_mhd, start_daemon, "MHD_start_daemon"),
	SYM(dyn_mhd, stop_daemon, "MHD_stop_daemon"),
	SYM(dyn_mhd, get_daemon_info, "MHD_get_daemon_info"),
	SYM(dyn_mhd, create_response_from_buffer, "MHD_create_response_from_buffer"),
	SYM(dyn_mhd, add_response_header, "MHD_add_response_header"),
	SYM(dyn_mhd, queue_response, "MHD_queue_response"),
	SYM(dyn_mhd, destroy_response, "MHD_destroy_response"),
	SYM(dyn_mhd, get_connection_values, "MHD_get_connection_values"),
	SYM(dyn_mhd, lookup_connection_value, "MHD_lookup_connection_value"),
};

static struct library curl_lib = {
	FSIG_CURL_SONAME, curl_symbols, sizeof curl_symbols / sizeof *curl_symbols,
	PTHREAD_ONCE_INIT, -1, "",
};
static struct library mhd_lib = {
	FSIG_MHD_SONAME, mhd_symbols, sizeof mhd_symbols / sizeof *mhd_symbols,
	PTHREAD_ONCE_INIT, -1, "",
};

static void load_curl(void)
{
	load(&curl_lib);
}

static void load_mhd(void)
{
	load(&mhd_lib);
}

static int result(const struct library *l, char *err, size_t errlen)
{
	if(l->rc < 0 && err && errlen)
		snprintf(err, errlen, "%s", l->why);
	return l->rc;
}

int dynlib_curl(char *err, size_t errlen)
{
	pthread_once(&curl_lib.once, load_curl);
	return result(&curl_lib, err, errlen);
}

int dynlib_mhd(char *err, size_t errlen)
{
	pthread_once(&mhd_lib.once, load_mhd);
	return result(&mhd_lib, err, errlen);
}
