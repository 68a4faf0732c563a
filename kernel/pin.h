/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where sluice keeps its running state: one bpffs directory per interface holding
 * every map, so any later `sluice` invocation finds and changes the live state.
 *
 * bpffs is one for every network namespace, interface names are not: a directory
 * is the state's name (the interface's, or "decap-" and the interface's) in the
 * initial namespace, and the name then PIN_NETNS_MARK and the namespace's cookie
 * in any other ("eth0@netns-4105"). Every function here takes the name and finds
 * the directory of the namespace the process runs in.
 */
#ifndef SLUICE_KERNEL_PIN_H
#define SLUICE_KERNEL_PIN_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>

#define PIN_NETNS_MARK		"@netns-"
#define PIN_DECAP_PREFIX	"decap-"

/* Mount bpffs if needed and create name's directory; prints why not. 0 or -errno. */
int pin_make_dir(const char *name);

/* The directory of name's state in this namespace, into buf (PATH_MAX). */
void pin_dir(const char *name, char *buf);

/* The path of map in name's directory, into buf (PATH_MAX). */
void pin_map_path(const char *name, const char *map, char *buf);

/* The state's name in this namespace, "eth0" or "eth0@netns-4105", into buf. */
void pin_state_name(const char *name, char *buf, size_t len);

bool pin_dir_exists(const char *name);

/* Remove every pin of name and the directory itself. */
int pin_remove_all(const char *name);

/* Remove every pin of name, keeping the directory (and so a lock held on it). */
int pin_clear(const char *name);

/*
 * Take the per-interface lock that serializes control-plane changes (flock on the
 * pin directory). Returns an fd to close to release it, or -errno.
 */
int pin_lock(const char *ifname);

/*
 * pin_make_dir and pin_lock at once, for attach: the lock is on the directory
 * the name leads to when it returns, even if an attach that lost a race removed
 * the one it waited on. Returns the fd to close, or -errno (after saying why).
 */
int pin_make_locked(const char *name);

/*
 * Interfaces of this namespace with state of one kind: the data plane's (prefix "")
 * or decap's (PIN_DECAP_PREFIX). Returns the count (<= max).
 */
int pin_list(const char *prefix, char names[][IF_NAMESIZE], int max);

/*
 * Directories (names under SLUICE_PIN_ROOT) left by a network namespace that no
 * longer exists and whose maps no loaded program holds: state nothing can reach
 * any more. Returns the count (<= max).
 */
int pin_list_leftovers(char names[][NAME_MAX + 1], int max);

/* Remove one directory pin_list_leftovers named. */
int pin_remove_leftover(const char *name);

#endif /* SLUICE_KERNEL_PIN_H */
