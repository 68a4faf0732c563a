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
#include <unistd.h>
#include <linux/magic.h>

#include "xdp/abi.h"
#include "kernel/pin.h"

#define BPFFS_MOUNTPOINT "/sys/fs/bpf"

int pin_ensure_bpffs(void)
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

void pin_dir(const char *ifname, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s", SLUICE_PIN_ROOT, ifname);
}

void pin_map_path(const char *ifname, const char *map, char *buf)
{
	snprintf(buf, PATH_MAX, "%s/%s/%s", SLUICE_PIN_ROOT, ifname, map);
}

bool pin_dir_exists(const char *ifname)
{
	char dir[PATH_MAX];
	struct stat st;

	pin_dir(ifname, dir);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int pin_remove_all(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d;

	pin_dir(ifname, dir);
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
	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	/* The root goes too once the last interface is gone; busy is fine. */
	rmdir(SLUICE_PIN_ROOT);
	return err;
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

int pin_list_ifaces(char names[][IF_NAMESIZE], int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(SLUICE_PIN_ROOT);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		/* decap-* directories hold the decap program's state, not sluice's. */
		if (de->d_name[0] == '.' || de->d_type != DT_DIR ||
		    strlen(de->d_name) >= IF_NAMESIZE || !strncmp(de->d_name, "decap-", 6))
			continue;
		strcpy(names[n++], de->d_name);
	}
	closedir(d);
	return n;
}
