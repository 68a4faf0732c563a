// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The bpffs directory per interface that holds sluice's maps, and its lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/magic.h>

#include "xdp/abi.h"
#include "kernel/netns.h"
#include "kernel/pin.h"

#define BPFFS_MOUNTPOINT "/sys/fs/bpf"
/* Attempts to lock a directory that others remove and make again meanwhile. */
#define PIN_LOCK_TRIES	8

/* Mount bpffs on SLUICE_PIN_ROOT's parent if nothing is mounted there yet. */
static int pin_ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPFFS_MOUNTPOINT, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		goto mkroot;
	/* Fresh machines (and namespaces entered with `ip netns exec`) lack it. */
	if (mount("bpf", BPFFS_MOUNTPOINT, "bpf", 0, "mode=0700")) {
		fprintf(stderr, "sluice: cannot mount bpffs on %s: %s\n",
			BPFFS_MOUNTPOINT, strerror(errno));
		return -errno;
	}
mkroot:
	if (mkdir(SLUICE_PIN_ROOT, 0700) && errno != EEXIST) {
		fprintf(stderr, "sluice: cannot create %s: %s\n", SLUICE_PIN_ROOT,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * "" in the initial network namespace, else PIN_NETNS_MARK and this namespace's
 * cookie. Without it sluice cannot tell whose state a pin is, so it stops here.
 */
static const char *netns_suffix(void)
{
	static char suffix[32];
	static int looked_up;
	struct netns_id self;
	int err;

	if (looked_up)
		return suffix;
	err = netns_self(&self);
	if (err) {
		fprintf(stderr, "sluice: cannot tell which network namespace this is: %s%s\n",
			strerror(-err), err == -EACCES || err == -EPERM ?
			" (sluice needs root: CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN)" : "");
		exit(EXIT_FAILURE);
	}
	if (!self.initial)
		snprintf(suffix, sizeof(suffix), PIN_NETNS_MARK "%llu",
			 (unsigned long long)self.cookie);
	looked_up = 1;
	return suffix;
}

int pin_make_dir(const char *name)
{
	char dir[PATH_MAX];
	int tries, err;

	pin_dir(name, dir);
	/* A detach elsewhere removes the root once it is empty: make it again then. */
	for (tries = 0; tries < 3; tries++) {
		err = pin_ensure_bpffs();
		if (err)
			return err;
		if (!mkdir(dir, 0700) || errno == EEXIST)
			return 0;
		err = -errno;
		if (err != -ENOENT)
			break;
	}
	fprintf(stderr, "sluice: cannot create %s: %s\n", dir, strerror(-err));
	return err;
}

void pin_dir(const char *name, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s%s", SLUICE_PIN_ROOT, name, netns_suffix());
}

void pin_state_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", name, netns_suffix());
}

void pin_map_path(const char *name, const char *map, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s%s/%s", SLUICE_PIN_ROOT, name, netns_suffix(), map);
}

bool pin_dir_exists(const char *name)
{
	char dir[PATH_MAX];
	struct stat st;

	pin_dir(name, dir);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Remove every pin in the directory at path, but not the directory. */
static int remove_pins(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	return err;
}

/* Remove every pin in the directory at path, then the directory. */
static int remove_dir(const char *dir)
{
	int err = remove_pins(dir);

	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	/* The root goes too once the last interface is gone; busy is fine. */
	rmdir(SLUICE_PIN_ROOT);
	return err;
}

int pin_remove_all(const char *name)
{
	char dir[PATH_MAX];

	pin_dir(name, dir);
	return remove_dir(dir);
}

int pin_clear(const char *name)
{
	char dir[PATH_MAX];

	pin_dir(name, dir);
	return remove_pins(dir);
}

int pin_lock(const char *ifname)
{
	char dir[PATH_MAX];
	int fd;

	pin_dir(ifname, dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int pin_make_locked(const char *name)
{
	struct stat held, named;
	char dir[PATH_MAX];
	int tries, fd;

	pin_dir(name, dir);
	for (tries = 0; tries < PIN_LOCK_TRIES; tries++) {
		if (pin_make_dir(name))
			return -EIO;
		fd = pin_lock(name);
		if (fd == -ENOENT)
			continue;
		if (fd < 0) {
			fprintf(stderr, "sluice: cannot lock %s: %s\n", dir, strerror(-fd));
			return fd;
		}
		/* The holder before us may have removed the directory we waited on. */
		if (!fstat(fd, &held) && !stat(dir, &named) && held.st_ino == named.st_ino &&
		    held.st_dev == named.st_dev)
			return fd;
		close(fd);
	}
	fprintf(stderr, "sluice: %s keeps being removed under us; try again\n", dir);
	return -EAGAIN;
}

/*
 * Whether the directory entry is state of this namespace of the kind prefix names;
 * if so the interface's name (without prefix and suffix) into name.
 */
static bool ours(const struct dirent *de, const char *prefix, char name[IF_NAMESIZE])
{
	size_t plen = strlen(prefix), len;
	const char *at;

	if (de->d_name[0] == '.' || de->d_type != DT_DIR || strncmp(de->d_name, prefix, plen))
		return false;
	/* decap-* directories hold the decap program's state, not the data plane's. */
	if (!plen && !strncmp(de->d_name, PIN_DECAP_PREFIX, strlen(PIN_DECAP_PREFIX)))
		return false;
	at = strstr(de->d_name + plen, PIN_NETNS_MARK);
	len = at ? (size_t)(at - de->d_name) - plen : strlen(de->d_name + plen);
	if (strcmp(at ? at : "", netns_suffix()) || !len || len >= IF_NAMESIZE)
		return false;
	snprintf(name, IF_NAMESIZE, "%.*s", (int)len, de->d_name + plen);
	return true;
}

int pin_list(const char *prefix, char names[][IF_NAMESIZE], int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(SLUICE_PIN_ROOT);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max)
		if (ours(de, prefix, names[n]))
			n++;
	closedir(d);
	return n;
}

/* The ids of the maps pinned in dir; returns how many (<= max), or -errno. */
static int pinned_map_ids(const char *dir, __u32 *ids, int max)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0, fd;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.id;
		close(fd);
	}
	closedir(d);
	return n;
}

/* Whether a loaded program holds one of the maps pinned in dir. */
static bool held_by_a_program(const char *dir)
{
	__u32 pinned[64], held[64], prog_id = 0;
	int n_pinned = pinned_map_ids(dir, pinned, 64), i, j, fd;

	if (n_pinned <= 0)
		return n_pinned < 0;	/* cannot look: count it as held */
	while (!bpf_prog_get_next_id(prog_id, &prog_id)) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);

		fd = bpf_prog_get_fd_by_id(prog_id);
		if (fd < 0)
			continue;
		info.nr_map_ids = 64;
		info.map_ids = (__u64)(unsigned long)held;
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			info.nr_map_ids = 0;
		close(fd);
		for (i = 0; i < (int)info.nr_map_ids && i < 64; i++)
			for (j = 0; j < n_pinned; j++)
				if (held[i] == pinned[j])
					return true;
	}
	return false;
}

int pin_list_leftovers(char names[][NAME_MAX + 1], int max)
{
	struct dirent *de;
	char dir[PATH_MAX];
	unsigned long long cookie;
	bool alive;
	const char *at;
	int n = 0;
	DIR *d;

	d = opendir(SLUICE_PIN_ROOT);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		at = strstr(de->d_name, PIN_NETNS_MARK);
		if (de->d_type != DT_DIR || !at ||
		    sscanf(at + strlen(PIN_NETNS_MARK), "%llu", &cookie) != 1 ||
		    netns_cookie_alive(cookie, &alive) || alive)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", SLUICE_PIN_ROOT, de->d_name);
		if (!held_by_a_program(dir))
			snprintf(names[n++], NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

int pin_remove_leftover(const char *name)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s", SLUICE_PIN_ROOT, name);
	return remove_dir(dir);
}
