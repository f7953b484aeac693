/* dynlib.h — libcurl and libmicrohttpd, opened with dlopen(3) by the
 * commands that talk HTTP (serve, fetch, dashboard), not linked.
 *
 * Why: linked, they cost every process ~4 ms of start-up before main() —
 * 35 more shared libraries (GnuTLS, OpenSSL, Kerberos, LDAP, ...) mapped
 * and relocated — which is most of the time `failsig scan` spends on a
 * 1 MB log, and a scan never needs them. The price is that calls go
 * through the tables below (curl_easy_setopt loses curl's compile-time
 * type check of its argument: every use passes the documented type).
 *
 * dynlib_curl() and dynlib_mhd() load a library once (thread-safe) and
 * fill its table; they return 0, or -1 with why in err. Only call a table's
 * functions after its loader returned 0. */
#ifndef FAILSIG_DYNLIB_H
#define FAILSIG_DYNLIB_H

#include <curl/curl.h>
#include <microhttpd.h>
#include <stddef.h>
#include <time.h>

struct dyn_curl {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_reset)(CURL *h);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	time_t (*getdate)(const char *s, const time_t *unused);
};

struct dyn_mhd {
	struct MHD_Daemon *(*start_daemon)(unsigned flags, uint16_t port, MHD_AcceptPolicyCallback apc,
	                                   void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls,
	                                   ...);
	void (*stop_daemon)(struct MHD_Daemon *d);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *d,
	                                               enum MHD_DaemonInfoType info, ...);
	struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
	                                                    enum MHD_ResponseMemoryMode mode);
	enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *header,
	                                       const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *c, unsigned status,
	                                  struct MHD_Response *r);
	void (*destroy_response)(struct MHD_Response *r);
	int (*get_connection_values)(struct MHD_Connection *c, enum MHD_ValueKind kind,
	                             MHD_KeyValueIterator it, void *it_cls);
	const char *(*lookup_connection_value)(struct MHD_Connection *c, enum MHD_ValueKind kind,
	                                       const char *key);
};

extern struct dyn_curl dyn_curl;
extern struct dyn_mhd dyn_mhd;

int dynlib_curl(char *err, size_t errlen);
int dynlib_mhd(char *err, size_t errlen);

#endif
