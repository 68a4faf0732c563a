// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Where `sluice decap` keeps the state of each interface, per network namespace. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xdp/abi.h"
#include "kernel/decap_pins.h"

#define DECAP_PREFIX	"decap-"
#define NETNS_RUN_DIR	"/run/netns"
#define NETNS_SUFFIX_LEN	(DECAP_PIN_NAME_LEN - 6 - IF_NAMESIZE)

/*
 * "" in an unnamed network namespace (the host's), else "@" and the name `ip netns`
 * gave it: the bind mount under NETNS_RUN_DIR that is this namespace.
 */
static int netns_suffix(char buf[NETNS_SUFFIX_LEN])
{
	struct stat self, named;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	buf[0] = '\0';
	if (stat("/proc/self/ns/net", &self))
		return -errno;
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= NETNS_SUFFIX_LEN - 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, de->d_name);
		if (!stat(path, &named) && named.st_ino == self.st_ino &&
		    named.st_dev == self.st_dev) {
			snprintf(buf, NETNS_SUFFIX_LEN, "@%s", de->d_name);
			break;
		}
	}
	closedir(d);
	return 0;
}

int decap_pin_name(const char *ifname, char buf[DECAP_PIN_NAME_LEN])
{
	char ns[NETNS_SUFFIX_LEN];
	int err = netns_suffix(ns);

	if (err)
		return err;
	snprintf(buf, DECAP_PIN_NAME_LEN, DECAP_PREFIX "%s%s", ifname, ns);
	return 0;
}

int decap_list(char names[][IF_NAMESIZE], int max)
{
	size_t plen = strlen(DECAP_PREFIX), len;
	char ns[NETNS_SUFFIX_LEN];
	struct dirent *de;
	const char *at;
	int n = 0;
	DIR *d;

	if (netns_suffix(ns))
		return 0;
	d = opendir(SLUICE_PIN_ROOT);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (strncmp(de->d_name, DECAP_PREFIX, plen) || de->d_type != DT_DIR)
			continue;
		at = strchr(de->d_name + plen, '@');
		len = at ? (size_t)(at - de->d_name) - plen : strlen(de->d_name + plen);
		if (strcmp(at ? at : "", ns) || !len || len >= IF_NAMESIZE)
			continue;
		snprintf(names[n++], IF_NAMESIZE, "%.*s", (int)len, de->d_name + plen);
	}
	closedir(d);
	return n;
}
