#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Path MTU through ipip. A full-size packet no longer fits once sluice encapsulates
# it: the client gets ICMP "fragmentation needed" / ICMPv6 "packet too big" with the
# MTU that does fit (the egress MTU from the FIB minus the outer header), its kernel
# learns it, and the connection then completes: a 200 KB upload arrives whole at the
# backend. DF datagrams get the same ICMP; IPv4 ones without DF are dropped and
# counted. And ICMP errors that a router sends toward a VIP flow reach the backend
# that owns the flow (seen on the wire and in that backend's own path MTU cache).
# shellcheck source=tests/lab/ipiplib.sh
source "$(dirname "$0")/ipiplib.sh"

BYTES=204800
lab_test_up "$CONFIGS/ipip-pmtu.yaml"
VIP46=${LAB_VIPS4[1]}
VIP4_FAR=${LAB_VIPS4[2]}
VIP6_FAR=${LAB_VIPS6[2]}
CLIENT4=${LAB_IP4[client]}
CLIENT6=${LAB_IP6[client]}
# lb's second port is narrower: the MTU must come from the egress the FIB picks.
lab_exec lb ip link set dev eth1 mtu 1400 || bail_out "cannot set eth1's MTU"

# route_mtu NODE ADDR [FROM]: the MTU NODE's kernel holds for ADDR (empty: none learned).
route_mtu()
{
	local fam=-4

	[[ $2 == *:* ]] && fam=-6
	lab_exec "$1" ip "$fam" route get "$2" ${3:+from "$3"} |
		sed -n 's/.* mtu \([0-9]*\).*/\1/p'
}

# counter_delta NAME CMD...: run CMD; DELTA becomes how much global counter NAME grew.
counter_delta()
{
	local name=$1 before after

	shift
	before=$(stat_of "global/$name/packets")
	"$@"
	after=$(stat_of "global/$name/packets")
	DELTA=$((after - ${before:-0}))
}

# upload_through VIP WANT_MTU: a fresh 200 KB upload to VIP:9000 arrives whole, the
# client learned WANT_MTU for VIP, and lb sent the ICMP (lb_too_big grew).
upload_through()
{
	local vip=$1 want=$2 answer mtu

	[[ -z $(route_mtu client "$vip") ]] ||
		{ echo "  the client knew an MTU for $vip before" >&2; return 1; }
	counter_delta lb_too_big probe upload "$vip" 9000 "$BYTES" >"$TEST_TMP/upload"
	answer=$(cat "$TEST_TMP/upload")
	mtu=$(route_mtu client "$vip")
	echo "  $vip: server answered '$answer', client path MTU ${mtu:-none}," \
		"lb_too_big +$DELTA" >&2
	[[ $answer =~ ^be[1-5]\ $BYTES$ ]] &&
	value_is "path MTU to $vip" "${mtu:-0}" -eq "$want" &&
	value_is "lb_too_big growth" "$DELTA" -gt 0
}

check "TCP 4in4: a 200 KB upload completes after ICMP frag-needed, MTU 1480" \
	upload_through "$LAB_VIP4" 1480
check "TCP 6in6: a 200 KB upload completes after ICMPv6 packet-too-big, MTU 1460" \
	upload_through "$LAB_VIP6" 1460
check "TCP 4in6: a 200 KB upload completes after ICMP frag-needed, MTU 1460" \
	upload_through "$VIP46" 1460
check "TCP 4in4 via eth1 (MTU 1400): the upload completes, MTU 1380" \
	upload_through "$VIP4_FAR" 1380
check "TCP 6in6 via eth1 (MTU 1400): the upload completes, MTU 1360" \
	upload_through "$VIP6_FAR" 1360

# dgram_df VIP WANT_MTU: with a forgotten path MTU, a 1500-byte DF datagram to VIP:53
# goes unanswered and teaches the client WANT_MTU; one of WANT_MTU bytes is answered.
dgram_df()
{
	local vip=$1 want=$2

	lab_exec client ip -4 route flush cache && lab_exec client ip -6 route flush cache ||
		return 1
	probe dgram "$vip" 53 1500 df >"$TEST_TMP/dgram"
	sed 's/^/  1500 bytes: /' "$TEST_TMP/dgram" >&2
	grep -qx "answer none" "$TEST_TMP/dgram" || return 1
	grep -qx "mtu $want" "$TEST_TMP/dgram" || return 1
	probe dgram "$vip" 53 "$want" df >"$TEST_TMP/dgram"
	sed "s/^/  $want bytes: /" "$TEST_TMP/dgram" >&2
	grep -q "^answer be[1-5]$" "$TEST_TMP/dgram"
}
check "UDP 4in4 with DF: 1500 bytes get ICMP (MTU 1480), 1480 bytes are answered" \
	dgram_df "$LAB_VIP4" 1480
check "UDP 6in6: 1500 bytes get packet-too-big (MTU 1460), 1460 bytes are answered" \
	dgram_df "$LAB_VIP6" 1460
check "UDP 4in6 with DF: 1500 bytes get ICMP (MTU 1460), 1460 bytes are answered" \
	dgram_df "$VIP46" 1460

nodf_dropped()
{
	lab_exec client ip -4 route flush cache || return 1
	counter_delta lb_too_big_nodf probe dgram "$LAB_VIP4" 53 1500 nodf >"$TEST_TMP/dgram"
	sed 's/^/  /' "$TEST_TMP/dgram" >&2
	grep -qx "answer none" "$TEST_TMP/dgram" &&
	value_is "lb_too_big_nodf growth" "$DELTA" -eq 1 &&
	# No ICMP came back: the client still believes in 1500.
	grep -qx "mtu 1500" "$TEST_TMP/dgram"
}
check "UDP 4in4 without DF, too big: dropped, counted as lb_too_big_nodf, no ICMP" nodf_dropped
check "stats: lb_too_big counted in the drops" stat_is drops/lb_too_big -gt 0

# --- ICMP errors about a VIP flow reach the backend that owns it. ---
# The client opens a UDP flow from a fixed port, then plays a router that could not
# deliver the backend's answer: it sends VIP an ICMP error quoting VIP:53 -> client.
# The owner's kernel then lowers its path MTU toward the client to the ICMP's MTU.
icmp_reaches_owner()
{
	local vip=$1 client=$2 sport=$3 mtu=$4 owner owner_addr be seen deadline

	owner=$(probe flows udp "$vip" 53 "$sport" 1 | awk '{ print $2 }')
	[[ $owner == be[1-5] ]] || { echo "  the flow got no answer: $owner" >&2; return 1; }
	owner_addr=${LAB_IP4[$owner]}
	# 4in6 and 6in6 reach the backend by its IPv6 address.
	[[ $vip == *:* || $vip == "$VIP46" ]] && owner_addr=${LAB_IP6[$owner]}
	echo "  flow from port $sport owned by $owner ($owner_addr)" >&2
	sniff_start
	counter_delta icmp_to_backend probe icmp-error "$vip" 53 "$client" "$sport" "$mtu"
	deadline=$((EPOCHSECONDS + LAB_WAIT))
	until [[ $(route_mtu "$owner" "$client" "$vip") == "$mtu" ]]; do
		if ((EPOCHSECONDS >= deadline)); then
			echo "  $owner never lowered its path MTU to $client to $mtu" >&2
			sniff_stop
			return 1
		fi
		sleep 0.1
	done
	sniff_stop
	value_is "icmp_to_backend growth" "$DELTA" -eq 1 || return 1
	seen=$(sniffed icmp)
	echo "  encapsulated ICMP seen: $seen" >&2
	python3 - "$seen" "$owner_addr" "$sport" <<-'EOF' || return 1
		import json, sys
		seen, dst, sport = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
		# [outer dst, inner family, type, embedded source port, destination port]
		sys.exit(0 if [x[0] for x in seen] == [dst] and seen[0][3:] == [53, sport] else 1)
	EOF
	for be in be1 be2 be3 be4 be5; do
		[[ $be == "$owner" ]] && continue
		if [[ $(route_mtu "$be" "$client" "$vip") == "$mtu" ]]; then
			echo "  $be got it too" >&2
			return 1
		fi
	done
}
check "ICMP frag-needed about a 4in4 UDP flow reaches its backend only" \
	icmp_reaches_owner "$LAB_VIP4" "$CLIENT4" 40001 1400
check "ICMPv6 packet-too-big about a 6in6 UDP flow reaches its backend only" \
	icmp_reaches_owner "$LAB_VIP6" "$CLIENT6" 40002 1390
check "ICMP frag-needed about a 4in6 UDP flow reaches its backend only" \
	icmp_reaches_owner "$VIP46" "$CLIENT4" 40003 1380

lab_test_done
