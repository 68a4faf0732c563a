// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Identity of network namespaces: this process's, and whether another's is alive. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71	/* asm-generic/socket.h, since Linux 5.14 */
#endif

#define NETNS_RUN_DIR	"/run/netns"
/*
 * The initial namespace's inode number on kernels that fix it (recent ones): below
 * the range the kernel hands out to other namespaces, so no other can have it.
 */
#define NETNS_INIT_INO	0xEFFFFFF9U
#define NETNS_SCAN_MAX	4096

/* The cookie of the namespace this thread is in now. */
static int current_cookie(__u64 *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(fd);
	return err;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* The name under NETNS_RUN_DIR that is the namespace self, or "". */
static void name_of(const struct stat *self, char name[NAME_MAX + 1])
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat named;
	DIR *d;

	name[0] = '\0';
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, de->d_name);
		if (!stat(path, &named) && same_file(&named, self)) {
			snprintf(name, NAME_MAX + 1, "%s", de->d_name);
			break;
		}
	}
	closedir(d);
}

int netns_self(struct netns_id *out)
{
	static struct netns_id self;
	static int looked_up;
	struct stat mine, init;
	int err;

	if (!looked_up) {
		if (stat("/proc/self/ns/net", &mine))
			return -errno;
		err = current_cookie(&self.cookie);
		if (err)
			return err;
		/* Elsewhere, the namespace of PID 1, where it may be looked at. */
		self.initial = mine.st_ino == NETNS_INIT_INO ||
			       (!stat("/proc/1/ns/net", &init) && same_file(&mine, &init));
		name_of(&mine, self.name);
		looked_up = 1;
	}
	*out = self;
	return 0;
}

/* Namespace files to look at: every name under /run/netns, every process's. */
static int scan_paths(char (*paths)[64], int max)
{
	const char *dirs[] = { NETNS_RUN_DIR, "/proc" };
	struct dirent *de;
	unsigned int i;
	int n = 0;
	DIR *d;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		d = opendir(dirs[i]);
		if (!d)
			continue;
		while ((de = readdir(d)) && n < max) {
			bool proc = i == 1;
			int len;

			if (de->d_name[0] == '.' || (proc && (de->d_name[0] < '1' ||
							      de->d_name[0] > '9')))
				continue;
			len = proc ? snprintf(paths[n], sizeof(paths[n]), "/proc/%s/ns/net",
					      de->d_name) :
				     snprintf(paths[n], sizeof(paths[n]), NETNS_RUN_DIR "/%s",
					      de->d_name);
			if (len < (int)sizeof(paths[n]))
				n++;
		}
		closedir(d);
	}
	return n;
}

/* Enter the namespace at path just long enough to read its cookie. */
static int cookie_of(const char *path, int home_fd, __u64 *cookie)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : current_cookie(cookie);
	close(fd);
	if (setns(home_fd, CLONE_NEWNET)) {
		/* Never go on in another namespace than the one we were asked in. */
		perror("sluice: cannot return to the caller's network namespace");
		abort();
	}
	return err;
}

/* The cookies of every namespace the scan reaches, each once. */
static int live_cookies(__u64 *cookies, int max)
{
	struct { dev_t dev; ino_t ino; } *seen;
	char (*paths)[64];
	int n, n_seen = 0, i, j, home_fd;
	struct stat st;

	paths = calloc(max, sizeof(*paths));
	seen = calloc(max, sizeof(*seen));
	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!paths || !seen || home_fd < 0) {
		n_seen = home_fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	n = scan_paths(paths, max);
	for (i = 0; i < n; i++) {
		if (stat(paths[i], &st))
			continue;	/* gone meanwhile */
		for (j = 0; j < n_seen && !(seen[j].ino == st.st_ino &&
					     seen[j].dev == st.st_dev); j++)
			;
		if (j < n_seen || cookie_of(paths[i], home_fd, &cookies[n_seen]))
			continue;
		seen[n_seen].dev = st.st_dev;
		seen[n_seen].ino = st.st_ino;
		n_seen++;
	}
out:
	if (home_fd >= 0)
		close(home_fd);
	free(paths);
	free(seen);
	return n_seen;
}

int netns_cookie_alive(__u64 cookie, bool *alive)
{
	static __u64 cookies[NETNS_SCAN_MAX];
	static int n_cookies = -1;
	int i;

	if (n_cookies < 0) {
		n_cookies = live_cookies(cookies, NETNS_SCAN_MAX);
		if (n_cookies < 0) {
			int err = n_cookies;

			n_cookies = -1;
			return err;
		}
	}
	*alive = false;
	for (i = 0; i < n_cookies; i++)
		if (cookies[i] == cookie)
			*alive = true;
	return 0;
}
