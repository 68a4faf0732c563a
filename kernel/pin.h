/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where sluice keeps its running state: one bpffs directory per interface holding
 * every map, so any later `sluice` invocation finds and changes the live state.
 */
#ifndef SLUICE_KERNEL_PIN_H
#define SLUICE_KERNEL_PIN_H

#include <net/if.h>
#include <stdbool.h>

/* Mount bpffs on SLUICE_PIN_ROOT's parent if nothing is mounted there yet. */
int pin_ensure_bpffs(void);

/* SLUICE_PIN_ROOT "/" ifname, into buf (PATH_MAX). */
void pin_dir(const char *ifname, char *buf);

/* SLUICE_PIN_ROOT "/" ifname "/" map, into buf (PATH_MAX). */
void pin_map_path(const char *ifname, const char *map, char *buf);

bool pin_dir_exists(const char *ifname);

/* Remove every pin of ifname and the directory itself. */
int pin_remove_all(const char *ifname);

/*
 * Take the per-interface lock that serializes control-plane changes (flock on the
 * pin directory). Returns an fd to close to release it, or -errno.
 */
int pin_lock(const char *ifname);

/* Names of interfaces with state under SLUICE_PIN_ROOT; returns the count (<= max). */
int pin_list_ifaces(char names[][IF_NAMESIZE], int max);

#endif /* SLUICE_KERNEL_PIN_H */
