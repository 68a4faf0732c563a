/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `sluice status` says of the daemon (`sluice run`) of an interface. */
#ifndef SLUICE_CLI_STATUS_DAEMON_H
#define SLUICE_CLI_STATUS_DAEMON_H

#include <json-c/json.h>

/* {"running", "pid"?, "config"?, "loaded_at"?, "last_reload"?, "backends"?} */
json_object *status_daemon_json(const char *ifname);

/* The daemon's lines of the human output, from status_daemon_json's object. */
void status_daemon_print(json_object *daemon);

#endif /* SLUICE_CLI_STATUS_DAEMON_H */
