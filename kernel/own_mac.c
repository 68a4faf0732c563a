// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "xdp/abi.h"
#include "kernel/fault.h"
#include "kernel/live.h"
#include "kernel/own_mac.h"
#include "kernel/pin.h"
#include "kernel/seal.h"

int own_mac_read(const char *ifname, __u8 mac[6])
{
	struct ifreq ifr;
	int fd, err = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err) {
		fprintf(stderr, "sluice: cannot read the MAC of %s: %s\n", ifname, strerror(-err));
		return err;
	}
	/* l2dsr and the own-MAC check speak Ethernet; so does every XDP-capable port. */
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		fprintf(stderr, "sluice: %s is not an Ethernet interface\n", ifname);
		return -EOPNOTSUPP;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int own_mac_follow_locked(const char *ifname, const struct sluice_maps *maps, __u8 old[6],
			  __u8 now[6])
{
	struct sluice_settings set;
	__u32 gen;
	int err;

	err = own_mac_read(ifname, now);
	if (err)
		return err;
	err = live_running_gen(maps, &gen);
	if (!err && bpf_map_lookup_elem(maps->settings, &gen, &set))
		err = -errno;
	if (!err && (!set.n_macs || memcmp(set.macs[0].addr, now, 6))) {
		memset(old, 0, 6);
		if (set.n_macs)
			memcpy(old, set.macs[0].addr, 6);
		memcpy(set.macs[0].addr, now, 6);
		if (!set.n_macs)
			set.n_macs = 1;
		fault_point();
		err = bpf_map_update_elem(maps->settings, &gen, &set, BPF_EXIST) ? -errno : 1;
	}
	if (err < 0)
		fprintf(stderr, "sluice: %s: cannot write the interface's MAC: %s\n", ifname,
			strerror(-err));
	return err;
}

int own_mac_follow(const char *ifname, const struct sluice_maps *maps, __u8 old[6],
		   __u8 now[6])
{
	int lock_fd, err;

	/* Under the lock an apply holds, so that neither undoes the other's write. */
	lock_fd = pin_lock(ifname);
	if (lock_fd < 0) {
		fprintf(stderr, "sluice: cannot lock %s: %s\n", ifname, strerror(-lock_fd));
		return lock_fd;
	}
	err = own_mac_follow_locked(ifname, maps, old, now);
	if (err == 1 && seal_now(ifname, maps, NULL))
		err = -EIO;
	close(lock_fd);
	return err;
}
