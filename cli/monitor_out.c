// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice monitor`'s outputs for people and for programs. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include <linux/bpf.h>

#include "cli/json_out.h"
#include "cli/monitor_out.h"
#include "kernel/counters.h"
#include "kernel/fmt.h"

static const char *backend_addr(const struct match_sample *s, char buf[INET6_ADDRSTRLEN])
{
	if (!s->backend)
		return "?";
	return fmt_addr(s->backend->family, s->backend->addr, buf);
}

void monitor_explain(const struct match_sample *s, char *buf, size_t len)
{
	const char *svc = s->service ? s->service : "?";
	char be[INET6_ADDRSTRLEN];

	switch (s->ev->reason) {
	case SLUICE_STAT_FILTER_DROP:
		if (s->ev->rule == SLUICE_DEFAULT_RULE_COUNTER)
			snprintf(buf, len, "denied by the default policy");
		else
			snprintf(buf, len, "denied by rule %s", s->rule ? s->rule : "?");
		return;
	case SLUICE_STAT_RATE_LIMITED:
		snprintf(buf, len, "over the rate of rule %s", s->rule ? s->rule : "?");
		return;
	case SLUICE_STAT_LB_NO_BACKEND:
		snprintf(buf, len, "service %s has no backend", svc);
		return;
	case SLUICE_STAT_LB_FORWARD:
		snprintf(buf, len, "service %s, to backend %s", svc, backend_addr(s, be));
		return;
	case SLUICE_STAT_LB_NO_ROUTE:
		snprintf(buf, len, "service %s: no route to backend %s", svc, backend_addr(s, be));
		return;
	case SLUICE_STAT_LB_NO_NEIGH:
		snprintf(buf, len, "service %s: next hop to backend %s unresolved", svc,
			 backend_addr(s, be));
		return;
	case SLUICE_STAT_LB_ENCAP_ERROR:
		snprintf(buf, len, "service %s: cannot encapsulate to backend %s", svc,
			 backend_addr(s, be));
		return;
	case SLUICE_STAT_LB_TOO_BIG:
		snprintf(buf, len, "service %s: too big for backend %s, ICMP sent to the client",
			 svc, backend_addr(s, be));
		return;
	case SLUICE_STAT_LB_TOO_BIG_NODF:
		snprintf(buf, len, "service %s: too big for backend %s, cannot be answered", svc,
			 backend_addr(s, be));
		return;
	case SLUICE_STAT_PASS:
		snprintf(buf, len, "no service: to the kernel");
		return;
	case SLUICE_STAT_NON_IP:
		snprintf(buf, len, "not IP: to the kernel");
		return;
	case SLUICE_STAT_MALFORMED:
		snprintf(buf, len, "malformed headers");
		return;
	case SLUICE_STAT_OTHER_HOST:
		snprintf(buf, len, "another host's MAC: to the kernel");
		return;
	default:
		snprintf(buf, len, "%s", s->ev->reason < SLUICE_STAT_MAX ?
			 counters_stat_names[s->ev->reason] : "?");
	}
}

static const char *verdict_word(uint32_t verdict)
{
	const char *name = monitor_verdict_name(verdict);

	return name ? name : "?";
}

/* "10.0.0.2:40312", "[2001:db8::1]:80", or the address alone without ports. */
static void endpoint(const struct sluice_flow_key *k, const __be32 addr[4], __be16 port,
		     char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	bool ports = k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP;

	fmt_addr(k->family, addr, a);
	if (!ports)
		snprintf(buf, len, "%s", a);
	else if (k->family == SLUICE_AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, ntohs(port));
	else
		snprintf(buf, len, "%s:%u", a, ntohs(port));
}

static const char *proto_word(__u8 proto, char buf[8])
{
	const char *w = fmt_proto(proto);

	if (strcmp(w, "?"))
		return w;
	snprintf(buf, 8, "%u", proto);
	return buf;
}

void monitor_print_text(FILE *out, const struct match_sample *s, const struct timeval *when)
{
	const struct sluice_flow_key *k = &s->ev->tuple;
	char src[64], dst[64], why[160], clock[16], proto[8];
	struct tm tm;

	localtime_r(&when->tv_sec, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	monitor_explain(s, why, sizeof(why));
	if (!k->family) {
		fprintf(out, "%s.%06ld %s len %u: %s\n", clock, (long)when->tv_usec,
			verdict_word(s->ev->verdict), s->ev->frame_len, why);
		return;
	}
	endpoint(k, k->src, k->sport, src, sizeof(src));
	endpoint(k, k->dst, k->dport, dst, sizeof(dst));
	fprintf(out, "%s.%06ld %s %s %s > %s len %u: %s\n", clock, (long)when->tv_usec,
		verdict_word(s->ev->verdict), proto_word(k->proto, proto), src, dst,
		s->ev->frame_len, why);
}

void monitor_print_json(FILE *out, const char *ifname, const struct match_sample *s,
			const struct timeval *when)
{
	const struct sluice_flow_key *k = &s->ev->tuple;
	json_object *o = json_out_root(ifname);
	char text[40], addr[INET6_ADDRSTRLEN], why[160], proto[8];
	bool ports = k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP;

	snprintf(text, sizeof(text), "%lld.%06ld", (long long)when->tv_sec, (long)when->tv_usec);
	json_object_object_add(o, "timestamp", json_object_new_double_s(
		(double)when->tv_sec + (double)when->tv_usec / 1e6, text));
	json_object_object_add(o, "verdict", json_object_new_string(verdict_word(s->ev->verdict)));
	json_object_object_add(o, "reason", json_object_new_string(
		s->ev->reason < SLUICE_STAT_MAX ? counters_stat_names[s->ev->reason] : "?"));
	monitor_explain(s, why, sizeof(why));
	json_object_object_add(o, "explanation", json_object_new_string(why));
	if (s->rule)
		json_object_object_add(o, "rule", json_object_new_string(s->rule));
	if (s->service)
		json_object_object_add(o, "service", json_object_new_string(s->service));
	if (s->backend)
		json_object_object_add(o, "backend", json_object_new_string(
			fmt_addr(s->backend->family, s->backend->addr, addr)));
	if (k->family) {
		json_object_object_add(o, "proto", json_object_new_string(
			proto_word(k->proto, proto)));
		json_object_object_add(o, "src", json_object_new_string(
			fmt_addr(k->family, k->src, addr)));
		json_object_object_add(o, "dst", json_object_new_string(
			fmt_addr(k->family, k->dst, addr)));
		if (ports) {
			json_object_object_add(o, "sport", json_object_new_int(ntohs(k->sport)));
			json_object_object_add(o, "dport", json_object_new_int(ntohs(k->dport)));
		}
	}
	json_object_object_add(o, "len", json_object_new_int64(s->ev->frame_len));
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}
