// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The daemon's state file: pid, config, last reload, each backend's health. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "conf/addr.h"
#include "daemon/state_file.h"
#include "kernel/pin.h"

void state_file_path(const char *ifname, char *buf)
{
	char name[PATH_MAX - sizeof(STATE_FILE_DIR) - 8];

	pin_state_name(ifname, name, sizeof(name));
	snprintf(buf, PATH_MAX, "%s/%s.json", STATE_FILE_DIR, name);
}

static const char *health_word(const struct health_backend *b, bool unanswered)
{
	if (unanswered)
		return "unresolved";
	if (b->spec.check == CONF_CHECK_NONE)
		return "unchecked";
	if (!b->counts.checks)
		return b->down ? "down" : "unknown";
	return b->down ? "down" : "up";
}

static struct json_object *backend_json(const struct health_backend *b, bool unanswered)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();
	char addr[CONF_ADDR_STR_LEN];

	json_object_object_add(o, "service", json_object_new_string(b->service));
	json_object_object_add(o, "addr", json_object_new_string(conf_addr_str(&b->addr, addr)));
	json_object_object_add(o, "health", json_object_new_string(health_word(b, unanswered)));
	json_object_object_add(o, "reason", b->reason[0] ?
			       json_object_new_string(b->reason) : NULL);
	json_object_object_add(c, "checks", json_object_new_uint64(b->counts.checks));
	json_object_object_add(c, "passed", json_object_new_uint64(b->counts.passed));
	json_object_object_add(c, "refused", json_object_new_uint64(b->counts.refused));
	json_object_object_add(c, "timed_out", json_object_new_uint64(b->counts.timed_out));
	json_object_object_add(c, "bad_status", json_object_new_uint64(b->counts.bad_status));
	json_object_object_add(c, "other", json_object_new_uint64(b->counts.other));
	json_object_object_add(c, "went_down", json_object_new_uint64(b->counts.went_down));
	json_object_object_add(c, "went_up", json_object_new_uint64(b->counts.went_up));
	json_object_object_add(o, "counts", c);
	return o;
}

static struct json_object *report_json(const struct daemon_report *r)
{
	struct json_object *o = json_object_new_object(), *last = json_object_new_object();
	struct json_object *backends = json_object_new_array();
	size_t i;

	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	json_object_object_add(o, "interface", json_object_new_string(r->ifname));
	json_object_object_add(o, "config", json_object_new_string(r->cfg_path));
	json_object_object_add(o, "loaded_at", json_object_new_int64(r->loaded_at));
	json_object_object_add(last, "at", json_object_new_int64(r->last.at));
	json_object_object_add(last, "result", json_object_new_string(r->last.applied ?
							       "applied" : "refused"));
	json_object_object_add(last, "error", r->last.applied ? NULL :
			       json_object_new_string(r->last.error));
	json_object_object_add(o, "last_reload", last);
	for (i = 0; r->health && i < r->health->n; i++)
		json_object_array_add(backends, backend_json(&r->health->backends[i],
							     r->waiting && r->waiting[i].waiting));
	json_object_object_add(o, "backends", backends);
	if (r->announce && r->announce->in_force.set)
		json_object_object_add(o, "announce", announce_json(r->announce));
	return o;
}

int state_file_write(const struct daemon_report *r)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	struct json_object *o;
	int err = 0;

	if (mkdir(STATE_FILE_DIR, 0755) && errno != EEXIST)
		return -errno;
	state_file_path(r->ifname, path);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	o = report_json(r);
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN))
		err = -EIO;
	else if (rename(tmp, path))
		err = -errno;
	json_object_put(o);
	return err;
}

void state_file_remove(const char *ifname)
{
	char path[PATH_MAX];

	state_file_path(ifname, path);
	unlink(path);
}
