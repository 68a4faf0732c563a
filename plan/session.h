/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The operator's own session to this node: sluice must not cut it by surprise.
 * SSH sets SSH_CONNECTION to "CLIENT_IP CLIENT_PORT SERVER_IP SERVER_PORT".
 */
#ifndef SLUICE_PLAN_SESSION_H
#define SLUICE_PLAN_SESSION_H

#include <stdbool.h>

#include "conf/config.h"
#include "plan/plan.h"

/* The session this command runs in, if SSH_CONNECTION names one. */
bool session_from_env(struct plan_session *session);

/*
 * Would cfg drop the session's packets (client to server)? Prints a warning that
 * names the deciding rule and returns true if so.
 */
bool session_denied(const struct conf *cfg, const char *cfg_path,
		    const struct plan_session *session);

#endif /* SLUICE_PLAN_SESSION_H */
