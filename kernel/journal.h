/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The change log: one entry in the system journal (sd_journal_send) for every change
 * sluice makes to a data plane, saying who made it (uid, user, SUDO_USER), what it
 * was, and from which config (its path and SHA-256). Without journald the entry is
 * lost; the command's own output still says what it did.
 */
#ifndef SLUICE_KERNEL_JOURNAL_H
#define SLUICE_KERNEL_JOURNAL_H

#include <stddef.h>

struct change {
	const char *action;	/* "attach", "apply", "detach", "run: reload", ... */
	const char *ifname;
	const char *config;	/* the config as messages name it; NULL: none */
	const char *sha256;	/* of its source text; NULL: none */
	const char *summary;	/* what changed, in a few words */
	char *const *details;	/* the plan's notes, one change each */
	size_t n_details;
};

/* Send one entry; returns 0 or the journal's -errno (nothing else is done about it). */
int journal_change(const struct change *c);

#endif /* SLUICE_KERNEL_JOURNAL_H */
