// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Entries of the change log, through libsystemd's journal protocol. */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "kernel/journal.h"

#define FIELDS_MAX	12

struct fields {
	struct iovec iov[FIELDS_MAX];
	char *text[FIELDS_MAX];
	int n;
};

static void field(struct fields *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void field(struct fields *f, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int len;

	if (f->n == FIELDS_MAX)
		return;
	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	f->text[f->n] = text;
	f->iov[f->n++] = (struct iovec){ .iov_base = text, .iov_len = (size_t)len };
}

/* The plan's notes, one per line. */
static char *joined(char *const *lines, size_t n)
{
	size_t len = 1, at = 0, i;
	char *out;

	for (i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		at += (size_t)sprintf(out + at, "%s%s", i ? "\n" : "", lines[i]);
	out[at] = '\0';
	return out;
}

int journal_change(const struct change *c)
{
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid);
	const char *sudo = getenv("SUDO_USER");
	char user[64], by[160], from[512] = "";
	struct fields f = { .n = 0 };
	char *details = c->n_details ? joined(c->details, c->n_details) : NULL;
	int err, i;

	if (pw)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "uid %u", (unsigned int)uid);
	snprintf(by, sizeof(by), "%s%s%s%s", user, sudo && *sudo ? " (sudo from " : "",
		 sudo && *sudo ? sudo : "", sudo && *sudo ? ")" : "");
	if (c->config)
		snprintf(from, sizeof(from), " from %s (sha256 %s)", c->config,
			 c->sha256 && *c->sha256 ? c->sha256 : "unknown");
	field(&f, "MESSAGE=sluice %s on %s by %s%s: %s", c->action, c->ifname, by, from,
	      c->summary);
	field(&f, "PRIORITY=%d", LOG_NOTICE);
	field(&f, "SYSLOG_IDENTIFIER=sluice");
	field(&f, "SLUICE_ACTION=%s", c->action);
	field(&f, "SLUICE_INTERFACE=%s", c->ifname);
	field(&f, "SLUICE_UID=%u", (unsigned int)uid);
	field(&f, "SLUICE_USER=%s", user);
	if (sudo && *sudo)
		field(&f, "SLUICE_SUDO_USER=%s", sudo);
	if (c->config) {
		field(&f, "SLUICE_CONFIG=%s", c->config);
		field(&f, "SLUICE_CONFIG_SHA256=%s", c->sha256 ? c->sha256 : "");
	}
	if (details)
		field(&f, "SLUICE_CHANGES=%s", details);
	err = sd_journal_sendv(f.iov, f.n);
	for (i = 0; i < f.n; i++)
		free(f.text[i]);
	free(details);
	return err;
}
