// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "daemon/http_status.h"

int http_status(const char *buf, size_t len)
{
	static const char prefix[] = "HTTP/1.";
	const size_t plen = sizeof(prefix) - 1;
	size_t n = len < plen ? len : plen;
	int code = 0;
	size_t i;

	if (memcmp(buf, prefix, n))
		return -1;
	/* "HTTP/1.1 200" is 12 bytes; what follows the code may be anything. */
	if (len < plen + 5)
		return 0;
	if (buf[plen] < '0' || buf[plen] > '9' || buf[plen + 1] != ' ')
		return -1;
	for (i = plen + 2; i < plen + 5; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		code = code * 10 + buf[i] - '0';
	}
	if (len > plen + 5 && buf[plen + 5] != ' ' && buf[plen + 5] != '\r' &&
	    buf[plen + 5] != '\n')
		return -1;
	return code >= 100 ? code : -1;
}
