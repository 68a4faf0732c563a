// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "conf/listen.h"
#include "metrics/prom.h"
#include "metrics/server.h"

/*
 * libmicrohttpd is opened when a server starts, not linked: GnuTLS and the nine
 * libraries behind it cost every short command (`sluice apply`, `status`) about 4 ms
 * of loading, and only `sluice run` and `stats --serve` serve HTTP.
 */
#define MHD_SONAME	"libmicrohttpd.so.12"
#define MHD_FN(f)	__typeof__(MHD_##f) *f

static struct {
	MHD_FN(start_daemon);
	MHD_FN(stop_daemon);
	MHD_FN(get_daemon_info);
	MHD_FN(get_timeout);
	MHD_FN(create_response_from_buffer);
	MHD_FN(add_response_header);
	MHD_FN(queue_response);
	MHD_FN(destroy_response);
	MHD_FN(run);	/* set last: the table is complete */
} mhd;

#define MHD_LOAD(lib, f)	(*(void **)&mhd.f = dlsym(lib, "MHD_" #f))

/* Fill mhd once; false with why in err when the library or a function is missing. */
static bool mhd_load(char *err, size_t err_len)
{
	void *lib;

	if (mhd.run)
		return true;
	lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib && MHD_LOAD(lib, start_daemon) && MHD_LOAD(lib, stop_daemon) &&
	    MHD_LOAD(lib, get_daemon_info) && MHD_LOAD(lib, get_timeout) &&
	    MHD_LOAD(lib, create_response_from_buffer) && MHD_LOAD(lib, add_response_header) &&
	    MHD_LOAD(lib, queue_response) && MHD_LOAD(lib, destroy_response) &&
	    MHD_LOAD(lib, run))
		return true;
	snprintf(err, err_len, "cannot load %s for the HTTP server: %s", MHD_SONAME, dlerror());
	memset(&mhd, 0, sizeof(mhd));
	if (lib)
		dlclose(lib);
	return false;
}

/* Scrapers are few: a handful of connections, none idle for long. */
#define MAX_CONNECTIONS		16
#define IDLE_TIMEOUT_S		10

struct metrics_server {
	struct MHD_Daemon *mhd;
	int epoll_fd;
	metrics_render_fn render;
	void *ctx;
};

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status,
			      const char *type, char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = mhd.create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(conn, status, resp);
	mhd.destroy_response(resp);
	return ret;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned int status,
				   const char *text)
{
	char *body = strdup(text);

	return body ? answer(conn, status, "text/plain; charset=utf-8", body, strlen(body))
		    : MHD_NO;
}

/* The exposition, rendered afresh for every scrape. */
static enum MHD_Result answer_metrics(struct metrics_server *s, struct MHD_Connection *conn)
{
	char *body = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&body, &len);
	int failed;

	if (!out)
		return MHD_NO;
	failed = s->render(out, s->ctx);
	if (fclose(out) || failed) {
		free(body);
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "sluice could not read its counters\n");
	}
	return answer(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, body, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (strcmp(url, "/metrics"))
		return answer_text(conn, MHD_HTTP_NOT_FOUND, "not found; try /metrics\n");
	/* MHD leaves the body out of a HEAD answer itself. */
	return answer_metrics(cls, conn);
}

/*
 * Our own listening socket rather than MHD's, so that a port in use or an
 * address not on this host is reported with the kernel's own reason.
 */
static int listen_on(const struct conf_listen *addr, char *err, size_t err_len)
{
	char text[CONF_LISTEN_STR_LEN];
	struct sockaddr_storage sa = {0};
	socklen_t len;
	int fd, one = 1, saved;

	if (addr->addr.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&sa;

		in->sin_family = AF_INET;
		in->sin_port = htons(addr->port);
		memcpy(&in->sin_addr, addr->addr.bytes, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(addr->port);
		memcpy(&in6->sin6_addr, addr->addr.bytes, 16);
		len = sizeof(*in6);
	}
	fd = socket(addr->addr.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	/* A restart must not wait for the old server's connections in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->addr.family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (!bind(fd, (struct sockaddr *)&sa, len) && !listen(fd, SOMAXCONN))
		return fd;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	snprintf(err, err_len, "cannot listen on %s: %s", conf_listen_str(addr, text),
		 strerror(saved));
	return -1;
}

struct metrics_server *metrics_server_start(const struct conf_listen *addr,
					    metrics_render_fn render, void *ctx,
					    char *err, size_t err_len)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	const union MHD_DaemonInfo *info;
	int fd;

	if (!s) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	if (!mhd_load(err, err_len)) {
		free(s);
		return NULL;
	}
	fd = listen_on(addr, err, err_len);
	if (fd < 0) {
		free(s);
		return NULL;
	}
	s->render = render;
	s->ctx = ctx;
	/* No MHD_USE_INTERNAL_POLLING_THREAD: the caller's loop drives MHD_run. */
	s->mhd = mhd.start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
				  on_request, s,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S,
				  MHD_OPTION_END);
	info = s->mhd ? mhd.get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!info) {
		snprintf(err, err_len, "cannot start the HTTP server (libmicrohttpd)");
		if (s->mhd)
			mhd.stop_daemon(s->mhd);	/* closes fd too */
		else
			close(fd);
		free(s);
		return NULL;
	}
	s->epoll_fd = info->epoll_fd;
	return s;
}

int metrics_server_fd(const struct metrics_server *s)
{
	return s->epoll_fd;
}

int metrics_server_timeout_ms(const struct metrics_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (mhd.get_timeout(s->mhd, &ms) != MHD_YES)
		return -1;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void metrics_server_run(struct metrics_server *s)
{
	mhd.run(s->mhd);
}

void metrics_server_stop(struct metrics_server *s)
{
	if (!s)
		return;
	/* MHD closes the listening socket it was given when it stops. */
	mhd.stop_daemon(s->mhd);
	free(s);
}
