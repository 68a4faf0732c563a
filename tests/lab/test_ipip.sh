#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# ipip end to end, with real TCP and UDP and the backends decapsulating with sluice
# decap: IPv4 in IPv4, IPv6 in IPv6 and IPv4 in IPv6, to backends on lb's own segment
# (XDP_TX) and behind its second port (XDP_REDIRECT). Every backend gets flows; the
# outer headers are what the backends' NICs need (checked on the wire: TTL, DF,
# checksum, lengths, DSCP/ECN, one outer source per flow and many sources in all, IPv6
# flow labels); counters account for every flow; established connections survive a
# change of weights; invalid combinations are refused and change nothing.
# shellcheck source=tests/lab/ipiplib.sh
source "$(dirname "$0")/ipiplib.sh"

CONF=$CONFIGS/ipip-lab.yaml
N=30				# new flows per service and protocol
lab_test_up "$CONF"
VIP46=${LAB_VIPS4[1]}		# IPv4 VIP on IPv6 backends (be1, be2, be4)
VIP4_FAR=${LAB_VIPS4[2]}	# behind lb's second port (be4, be5)
VIP6_FAR=${LAB_VIPS6[2]}

# --- Traffic, every kind at once, while the sniffer watches lb's ports. ---
sniff_start
# TCP: N connections (each its own ephemeral port, kept from reuse by TIME_WAIT).
send_tcp()
{
	spread "$N" lab_request "${@:2}" >"$TEST_TMP/$1"
	sed "s/^/# $1 /" "$TEST_TMP/$1"
}
# UDP: N flows from source ports FIRST.. (ephemeral ones could repeat a flow).
send_udp()
{
	probe flows udp "$2" 53 "$3" "$N" >"$TEST_TMP/$1"
	sed "s/^/# $1 /" "$TEST_TMP/$1"
}
send_tcp tcp44 "$LAB_VIP4" 80
send_udp udp44 "$LAB_VIP4" 20000
send_tcp tcp66 -6 "$LAB_VIP6" 80
send_udp udp66 "$LAB_VIP6" 20100
send_tcp tcp46 "$VIP46" 80
send_udp udp46 "$VIP46" 20200
send_tcp tcp44far "$VIP4_FAR" 80
send_udp udp44far "$VIP4_FAR" 20300
send_tcp tcp66far -6 "$VIP6_FAR" 80
send_udp udp66far "$VIP6_FAR" 20400
# DSCP EF and ECT(0) on the inner header: the outer one must carry the same.
for addr in "$LAB_VIP4" "$LAB_VIP6" "$VIP46" "$VIP4_FAR" "$VIP6_FAR"; do
	probe dgram "$addr" 53 200 df 186 >"$TEST_TMP/tos-$addr"
done
sniff_stop

check "4in4 TCP, one-armed: $N connections answered by be1, be2 and be3" \
	answers_only "$TEST_TMP/tcp44" be1 be2 be3
check "4in4 UDP, one-armed: $N requests answered by be1, be2 and be3" \
	answers_only "$TEST_TMP/udp44" be1 be2 be3
check "6in6 TCP, one-armed: answered by be1, be2 and be3" \
	answers_only "$TEST_TMP/tcp66" be1 be2 be3
check "6in6 UDP, one-armed: answered by be1, be2 and be3" \
	answers_only "$TEST_TMP/udp66" be1 be2 be3
check "4in6 TCP, both ports: answered by be1, be2 and be4" \
	answers_only "$TEST_TMP/tcp46" be1 be2 be4
check "4in6 UDP, both ports: answered by be1, be2 and be4" \
	answers_only "$TEST_TMP/udp46" be1 be2 be4
check "4in4 TCP via the second port: answered by be4 and be5" \
	answers_only "$TEST_TMP/tcp44far" be4 be5
check "4in4 UDP via the second port: answered by be4 and be5" \
	answers_only "$TEST_TMP/udp44far" be4 be5
check "6in6 TCP via the second port: answered by be4 and be5" \
	answers_only "$TEST_TMP/tcp66far" be4 be5
check "6in6 UDP via the second port: answered by be4 and be5" \
	answers_only "$TEST_TMP/udp66far" be4 be5
tos_answered()
{
	local addr

	for addr in "$LAB_VIP4" "$LAB_VIP6" "$VIP46" "$VIP4_FAR" "$VIP6_FAR"; do
		grep -q "^answer be[1-5]$" "$TEST_TMP/tos-$addr" ||
			{ echo "  $addr:" >&2; cat "$TEST_TMP/tos-$addr" >&2; return 1; }
	done
}
check "datagrams with DSCP EF and ECT(0) are answered on every VIP" tos_answered

# --- The outer headers, as the sniffer saw them leave lb. ---
printf '# sniffed: %s\n' "$(cat "$TEST_TMP/sniff.json")"
for kind in 4in4 6in6 4in6; do
	check "the wire carried $kind" value_is "$kind frames" "$(sniffed "kinds/$kind")" -gt 0
done
no_bad_headers()
{
	local what rc=0

	for what in ttl df checksum length tos; do
		value_is "frames with a wrong $what" "$(sniffed "bad/$what")" -eq 0 || rc=1
	done
	return "$rc"
}
check "outer headers: TTL 64, IPv4 DF and checksum, lengths, DSCP/ECN of the inner header" \
	no_bad_headers
check "IPv6 outer headers carry a flow label" \
	value_is "frames with flow label 0" "$(sniffed flow_label_zero)" -eq 0
check "each flow keeps one outer source" \
	value_is "flows with several outer sources" "$(sniffed flows_with_several_sources)" -eq 0
many_sources()
{
	local flows sources

	flows=$(sniffed flows) && sources=$(sniffed sources) || return 1
	echo "  $flows inner flows, $sources outer sources" >&2
	# Distinct flows hash to distinct sources in a /16 and a /96, but for rare clashes.
	value_is "outer sources" "$sources" -ge $((flows * 9 / 10))
}
check "outer sources vary with the flow (so backends' RSS spreads them)" many_sources
sources_per_backend()
{
	local addr

	for addr in 10.200.0.11 10.200.0.12 10.200.0.13 10.201.0.14 10.201.0.15 \
		    fd00:200::11 fd00:200::12 fd00:200::13 fd00:201::14 fd00:201::15; do
		value_is "outer sources toward $addr" \
			"$(sniffed "sources_by_outer_dst/$addr")" -gt 1 || return 1
	done
}
check "every backend sees several outer sources" sources_per_backend
ports_by_segment()
{
	python3 - "$TEST_TMP/sniff.json" <<-'EOF'
		import json, sys
		s = json.load(open(sys.argv[1]))
		wrong = [(port, dst) for port, dsts in s["by_iface"].items() for dst in dsts
		         if (port == "lb") != (dst.startswith(("10.200.", "fd00:200:")))]
		ok = set(s["by_iface"]) == {"lb", "lb-e1"} and not wrong
		if not ok:
		    print("  ports and outer destinations:", s["by_iface"], file=sys.stderr)
		sys.exit(0 if ok else 1)
	EOF
}
check "backends of lb's segment were sent out eth0, those behind eth1 out eth1" \
	ports_by_segment
redirect_counted()
{
	local frames

	frames=$(sniffed by_iface/lb-e1 | python3 -c 'import json, sys; print(sum(json.load(sys.stdin).values()))')
	stat_is global/lb_redirect/packets -eq "$frames"
}
check "lb_redirect counts exactly the frames that left by eth1" redirect_counted
for reason in lb_no_route lb_no_neigh lb_encap_error lb_no_backend; do
	check "no packet dropped as $reason" stat_is "drops/$reason" -eq 0
done

# --- Counters per service and backend. ---
declare -A SERVICE_BACKENDS=(
	[web4]="10.200.0.11 10.200.0.12 10.200.0.13" [dns4]="10.200.0.11 10.200.0.12 10.200.0.13"
	[web6]="fd00:200::11 fd00:200::12 fd00:200::13" [dns6]="fd00:200::11 fd00:200::12 fd00:200::13"
	[web46]="fd00:200::11 fd00:200::12 fd00:201::14" [dns46]="fd00:200::11 fd00:200::12 fd00:201::14"
	[far4]="10.201.0.14 10.201.0.15" [fardns4]="10.201.0.14 10.201.0.15"
	[far6]="fd00:201::14 fd00:201::15" [fardns6]="fd00:201::14 fd00:201::15")
sluice stats eth0 --json >"$TEST_TMP/stats.json"
service_counted()
{
	python3 - "$TEST_TMP/stats.json" "$1" "$2" "$3" <<-'EOF'
		import json, sys
		stats, name, want_flows, addrs = json.load(open(sys.argv[1])), sys.argv[2], \
		    int(sys.argv[3]), sys.argv[4].split()
		svc = next(s for s in stats["services"] if s["name"] == name)
		bes = {b["addr"]: b for b in svc["backends"]}
		problems = []
		if svc["new_flows"] != want_flows:
		    problems.append(f"service new_flows {svc['new_flows']}, expected {want_flows}")
		if sum(b["new_flows"] for b in bes.values()) != svc["new_flows"]:
		    problems.append("backends' new_flows do not add up to the service's")
		for addr in addrs:
		    if bes[addr]["packets"] <= 0 or bes[addr]["new_flows"] <= 0:
		        problems.append(f"{addr}: packets {bes[addr]['packets']}, "
		                        f"new_flows {bes[addr]['new_flows']}")
		for p in problems:
		    print("  " + p, file=sys.stderr)
		sys.exit(1 if problems else 0)
	EOF
}
for svc in web4 web6 web46 far4 far6; do
	check "stats: $svc counted $N new flows, each backend packets and new flows" \
		service_counted "$svc" "$N" "${SERVICE_BACKENDS[$svc]}"
done
# UDP: the $N flows plus the DSCP datagram's (an ephemeral port, above the fixed ones).
for svc in dns4 dns6 dns46 fardns4 fardns6; do
	check "stats: $svc counted $((N + 1)) new flows, each backend packets and new flows" \
		service_counted "$svc" "$((N + 1))" "${SERVICE_BACKENDS[$svc]}"
done
decap_counted()
{
	local be dec refused

	for be in "${LAB_BACKENDS[@]}"; do
		sluice_on "$be" decap status eth0 --json >"$TEST_TMP/decap.json" || return 1
		dec=$(json_get interfaces/eth0/counters/decapsulated/packets <"$TEST_TMP/decap.json")
		refused=$(json_get interfaces/eth0/counters/refused/packets <"$TEST_TMP/decap.json")
		echo "  $be: decapsulated $dec, refused $refused" >&2
		value_is "$be decapsulated" "$dec" -gt 0 && value_is "$be refused" "$refused" -eq 0 ||
			return 1
	done
}
check "sluice decap status: every backend decapsulated packets, refused none" decap_counted

# --- Established connections across a change of weights. ---
declare -A LONG_ADDR=([long44]="$LAB_VIP4" [long66]="-6 $LAB_VIP6" [long46]="$VIP46"
	[long44far]="$VIP4_FAR" [long66far]="-6 $VIP6_FAR")
declare -A PINNED
for id in long44 long66 long46 long44far long66far; do
	# shellcheck disable=SC2086 # "-6 ADDR" splits on purpose
	lab_conn_open "$id" ${LONG_ADDR[$id]} 80
	PINNED[$id]=$(lab_conn_read "$id") || PINNED[$id]=none
	echo "# connection $id landed on ${PINNED[$id]}"
done
round=0
all_echo()
{
	local id

	round=$((round + 1))
	for id in "${!PINNED[@]}"; do
		if ! lab_conn_send "$id" "ping-$round" ||
		   [[ $(lab_conn_read "$id") != "ping-$round" ]]; then
			echo "  connection $id (on ${PINNED[$id]}) is broken" >&2
			return 1
		fi
	done
}
check "five long-lived ipip connections echo" all_echo
# The first backend of every service gets 16 times the others' weight.
sed -e "/\(11\|14\)'\?, weight/s/weight: 100/weight: 800/" -e 's/weight: 100/weight: 50/' "$CONF" \
	>"$TEST_TMP/weights.yaml"
sluice status eth0 --json >"$TEST_TMP/status-before-weights.json"
check "apply changing every ipip service's weights" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/weights.yaml"
check "  reports the new weights" output_has "backend 10.200.0.11 weight 100 -> 800"
share_moved()
{
	local before after

	before=$(json_get services/web4/backends/10.200.0.11/share \
		<"$TEST_TMP/status-before-weights.json")
	after=$(sluice status eth0 --json | json_get services/web4/backends/10.200.0.11/share)
	echo "  web4 10.200.0.11: share $before -> $after" >&2
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > 0.8)' "$after"
}
check "  and the tables follow them (web4's first backend holds 16/17 of the slots)" \
	share_moved
check "the five connections survive the reweighting and still echo" all_echo
for id in "${!PINNED[@]}"; do
	lab_conn_close "$id"
done
check "apply back to equal weights" expect_exit 0 sluice apply eth0 -f "$CONF"

# --- Invalid combinations: clear errors, nothing applied. ---
# One ipip service; BACKEND as given, the rest of the file fixed.
bad_config()
{
	local file=$1 vip=$2 forward=$3 source=$4 backend=$5

	cat >"$file" <<-EOF
		services:
		  - name: web4
		    vip: $vip
		    port: 80
		    proto: tcp
		    forward: $forward
		    encap_source: $source
		    backends:
		      - {addr: 10.200.0.11}
		      - {addr: $backend}
	EOF
}
bad=$TEST_TMP/v6-backend.yaml
bad_config "$bad" "$LAB_VIP4" ipip 10.255.0.0/16 "'fd00:200::12'"
check "an IPv6 backend on an ipip service with only an IPv4 encap_source: refused, exit 2" \
	refused 2 "$bad" "$bad:10:16: backend fd00:200::12 is IPv6 but service 'web4' has no IPv6 encap_source"
bad=$TEST_TMP/v4-backend-v6-vip.yaml
bad_config "$bad" "'$LAB_VIP6'" ipip "[10.255.0.0/16, 'fd00:255::/96']" "'fd00:200::12'"
check "an IPv4 backend behind an IPv6 VIP (IPv6 in IPv4): refused, exit 2" \
	refused 2 "$bad" "$bad:9:16: backend 10.200.0.11 is IPv4 but the VIP of service 'web4' is IPv6"
bad=$TEST_TMP/l2dsr-encap.yaml
bad_config "$bad" "$LAB_VIP4" l2dsr 10.255.0.0/16 10.200.0.12
check "encap_source on an l2dsr service: refused, exit 2" \
	refused 2 "$bad" "$bad:7:19: encap_source only goes with forward: ipip"
bad=$TEST_TMP/no-route.yaml
bad_config "$bad" "$LAB_VIP4" ipip 10.255.0.0/16 10.250.0.1
check "an ipip backend without a route: refused, exit 2" \
	refused 2 "$bad" "$bad:10:" "service web4: backend 10.250.0.1 is unreachable: no route"
bad=$TEST_TMP/no-neigh.yaml
bad_config "$bad" "$LAB_VIP4" ipip 10.255.0.0/16 10.201.0.99
check "an ipip backend whose next hop never answers (behind eth1): refused, exit 2" \
	refused 2 "$bad" "$bad:10:" "service web4: backend 10.201.0.99 is unreachable" \
	"did not answer ARP on eth1"

# forwarding_refused ipv4|ipv6 SERVICE: with that family's forwarding off on eth0, an
# apply is refused at the first ipip service of that outer family, naming the sysctl.
forwarding_refused()
{
	local family=$1 service=$2 file=$TEST_TMP/weights.yaml where name=IPv4 rc=0

	[[ $family == ipv6 ]] && name=IPv6
	where="$file:$(line_of "name: $service$" "$file"):5"
	lab_exec lb sysctl -q -w "net.$family.conf.eth0.forwarding=0" || return 1
	refused 2 "$file" "$where: service $service: ipip needs $name forwarding on eth0" \
		"sysctl -w net.$family.conf.eth0.forwarding=1" || rc=1
	lab_exec lb sysctl -q -w "net.$family.conf.eth0.forwarding=1" || rc=1
	return "$rc"
}
check "ipip without IPv4 forwarding on eth0: refused, names the sysctl, nothing applied" \
	forwarding_refused ipv4 web4
check "ipip without IPv6 forwarding on eth0: refused, names the sysctl, nothing applied" \
	forwarding_refused ipv6 web6
after_refusals()
{
	spread "$N" lab_request "$LAB_VIP4" 80 >"$TEST_TMP/after" &&
	answers_only "$TEST_TMP/after" be1 be2 be3
}
check "after the refusals the VIPs still answer from every backend" after_refusals

lab_test_done
