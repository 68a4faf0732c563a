#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The sluice lab: network namespaces on one L2 segment, with real servers, so that real
# TCP and UDP traffic crosses the sluice node. Integration tests, the live benchmark and
# the demo all run on it. A second topology, "ipip", adds what encapsulation needs (below).
#
#   command:  tests/lab/lab.sh up [basic|ipip|bgp] | down | status | exec NODE CMD...
#   library:  source tests/lab/lab.sh; lab_trap_cleanup; lab_up; lab_request "$LAB_VIP4" 80
#
# Functions: lab_up [TOPOLOGY], lab_down, lab_status, lab_trap_cleanup, lab_exec NODE CMD...,
# lab_request / lab_udp_request [-6] ADDR PORT, lab_wait_tcp / lab_wait_udp NODE ADDR PORT,
# lab_conn_open / _send / _read / _close (one long-lived TCP connection). NODE is client,
# lb, be1, be2, be3 or sw (ipip adds lb2, be4, be5; bgp adds router, lb2, lb3). Addresses: LAB_VIP4, LAB_VIP6,
# LAB_VIPS4 / LAB_VIPS6 (every VIP of the topology, LAB_VIP4 / LAB_VIP6 first),
# LAB_IP4[NODE], LAB_IP6[NODE], LAB_IP4[lb:eth1], LAB_IP6[lb:eth1], LAB_IP4[router:eth1]. LAB_BACKENDS lists the
# backends of the topology that is up.
# Settings: LAB_PREFIX, LAB_TOPOLOGY (basic when lab_up is given none), LAB_PASS_OBJ (an
# XDP_PASS object), SLUICE (the sluice binary; ipip only), LAB_TIMEOUT, LAB_WAIT.
#
#                      $LAB_PREFIX-sw: bridge br0 (pure L2, no addresses)
#          client      lb          be1          be2          be3     <- veth ends, on br0
#            |          |           |            |            |
#          eth0       eth0        eth0         eth0         eth0     <- one namespace each
#       10.200.0.2  10.200.0.3  10.200.0.11  10.200.0.12  10.200.0.13  /24
#       fd00:200::2 fd00:200::3 fd00:200::11 fd00:200::12 fd00:200::13 /64
#
# Every name starts with $LAB_PREFIX (default "sl": sl-client, sl-lb, sl-be1..3, sl-sw), and
# interfaces live only inside the namespaces, so labs with other prefixes can run beside
# this one and the host's own interfaces are never touched. One prefix, one user: lab_up
# first tears down whatever lab of that prefix exists (of either topology).
#
# Why it is shaped so:
# - One segment, because sluice's l2dsr mode rewrites only the destination MAC: the sluice
#   node (lb) and the backends must be L2 neighbours. The client routes the VIPs via lb,
#   as an upstream router would.
# - The VIPs (192.0.2.10/32, 2001:db8::10/128) sit on lo of every backend, never on lb:
#   a backend accepts what sluice hands it and answers the client directly. lb has
#   forwarding off, so without sluice nothing answers on the VIPs at all.
# - Backends must not claim the VIP on the segment, or the client would bypass lb.
#   IPv4: arp_ignore=1 (answer ARP only for addresses of the receiving interface) and
#   arp_announce=2 (never use the VIP as ARP source). IPv6 needs no knob: Linux answers a
#   neighbour solicitation only for addresses of the interface it arrived on, and
#   solicits with a source address of the outgoing interface, so a /128 on lo is silent.
# - The sw-side peer of lb runs an XDP_PASS program: a veth delivers the frames that lb's
#   XDP program sends back out (XDP_TX) only when the receiving peer runs XDP too.
# - Hosts send no router solicitations and do no duplicate address detection, and the
#   switch has IPv6 off: once up, the segment is quiet, so lb's counters count tests.
# - Client and backends have tx checksum offload off: their stacks would otherwise send
#   partial checksums, which stay wrong once XDP has forwarded the frame. Real NICs
#   deliver full checksums; this is a veth artefact.
#
# The ipip topology (lab_up ipip, or LAB_TOPOLOGY=ipip) is the basic one plus:
#
#          client  lb   lb2  be1 be2 be3         be4          be5      (br0 as above)
#                  |eth1  |                       |            |
#                  |   10.200.0.4               eth0         eth0      <- on br1 of sw
#              10.201.0.3 fd00:200::4      10.201.0.14  10.201.0.15  /24
#              fd00:201::3                 fd00:201::14 fd00:201::15 /64
#
# - Backends decapsulate with `sluice decap attach eth0` (these kernels have no IPIP
#   module), so the VIPs stay on lo and the backends answer the client directly, as in
#   l2dsr. Every backend gets three VIPs of each family (LAB_VIPS4, LAB_VIPS6), so that
#   one config can hold 4in4, 6in6 and 4in6 services side by side (a backend serves a
#   port of a VIP; the VIP port is the backend port).
# - lb has a second port, eth1, on a second segment (br1) with be4 and be5: ipip to them
#   leaves by XDP_REDIRECT through tx_ports, not XDP_TX. The sw-side peer of eth1 runs
#   XDP_PASS for the same veth reason as lb's. be4 and be5 route everything via lb's
#   eth1, and lb forwards their answers to the client in the kernel (IPv4: forwarding on
#   eth1; IPv6: force_forwarding on eth1, so that eth0 keeps its own setting), as an
#   edge router whose one port faces the backends would. rp_filter is off on lb because
#   those answers come from a VIP lb has no route for.
# - Forwarding is on for lb's (and lb2's) eth0, IPv4 and IPv6: bpf_fib_lookup, which
#   picks ipip's next hop, refuses to route for an interface that does not forward. Only
#   per interface: the global IPv6 switch stays off, so lb still forwards nothing itself
#   that arrives on eth0 (IPv4 to a VIP finds no route there), and without sluice
#   nothing answers on the VIPs.
# - lb2 is a second sluice node on the client's segment (10.200.0.4), for fleet tests: the
#   client can route the VIPs via lb, via lb2, or both (ECMP). Its sw-side peer runs
#   XDP_PASS too.
# - Every node shares the host's bpffs: outside the initial network namespace sluice's
#   pin directories carry the namespace's cookie (see lab_pin_dir), so lb2's eth0 and
#   lb's never meet. lab_down detaches sluice and decap in every node before it deletes
#   the namespaces, so nothing the lab pinned outlives it.
#
# The bgp topology (lab_up bgp) is a fleet behind a router, as a BGP-announced VIP is
# served in production:
#
#      client --br1-- router --br0-- lb  lb2  lb3   be1 be2 be3
#   10.202.0.2   10.202.0.1  10.200.0.1  .3   .4   .5    .11 .12 .13
#
# - The client sits behind the router (its default route); the VIPs reach the router
#   only by BGP from the three sluice nodes (the test runs BIRD on each), which the
#   router spreads by ECMP, hashing on ports (fib_multipath_hash_policy=1).
# - Backends hold the VIPs on lo and answer the client through the router (their
#   default route), whichever node handed them a flow: l2dsr and ipip (they
#   decapsulate with `sluice decap`) as in the ipip topology. Nodes forward on eth0
#   for ipip's FIB lookups; the switch's ends of the nodes' ports run XDP_PASS.
# - be1..3's tcp/80 server names itself on every line it echoes ("be1=LINE"), so a
#   long-lived connection shows which backend serves it after a failover; tcp/8080
#   greets with the name too (a second health-check port).
#
# Servers (started by lab_up, pid files under /run/sluice-lab-$LAB_PREFIX/):
#   be1..3  tcp/80  greets with its name ("be1\n"), then echoes every line it receives
#           udp/53  answers every datagram with its name (servers/udp_name.py)
#   lb      tcp/6379 answers "lb\n"; tcp/22 answers "lb-ssh\n"
#   ipip: be1..5 also tcp/9000: reads to the end, then answers "NAME BYTES\n" (how much
#         it received; servers/tcp_count.py), and be4, be5 run tcp/80 and udp/53 too.
# All of them listen on the VIPs too.
#
# Commands run in a namespace with nsenter --net, not ip netns exec, because ip netns exec
# remounts /sys and so hides bpffs, where sluice pins its maps. The other side of that
# coin: /sys/class/net there still shows the host's interfaces; ask ip instead.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${LAB_PREFIX:=sl}"
: "${LAB_PASS_OBJ:=$(dirname "$(dirname "$LAB_DIR")")/build/xdp/pass.bpf.o}"
: "${SLUICE:=$(dirname "$(dirname "$LAB_DIR")")/build/cli/sluice}"
: "${LAB_TIMEOUT:=2}"	# seconds a request may take before it counts as unanswered
: "${LAB_WAIT:=5}"	# seconds lab_wait_* keep trying

LAB_VIP4=192.0.2.10
LAB_VIP6=2001:db8::10
declare -gA LAB_IP4=([client]=10.200.0.2 [lb]=10.200.0.3
	[be1]=10.200.0.11 [be2]=10.200.0.12 [be3]=10.200.0.13
	[lb2]=10.200.0.4 [be4]=10.201.0.14 [be5]=10.201.0.15 [lb:eth1]=10.201.0.3
	[router]=10.200.0.1 [router:eth1]=10.202.0.1 [lb3]=10.200.0.5)
declare -gA LAB_IP6=([client]=fd00:200::2 [lb]=fd00:200::3
	[be1]=fd00:200::11 [be2]=fd00:200::12 [be3]=fd00:200::13
	[lb2]=fd00:200::4 [be4]=fd00:201::14 [be5]=fd00:201::15 [lb:eth1]=fd00:201::3
	[router]=fd00:200::1 [router:eth1]=fd00:202::1 [lb3]=fd00:200::5)
# Nodes of every topology, so that lab_down finds whatever an earlier run left.
LAB_ALL_NODES=(client lb be1 be2 be3 lb2 be4 be5 router lb3)
# Open lab_conn connections of this shell, by id: socat pid, write fd, read fd.
declare -gA LAB_CONN_PID LAB_CONN_W LAB_CONN_R

# lab__set_topology basic|ipip: the nodes, backends and VIPs of that topology.
lab__set_topology()
{
	case $1 in
	basic)
		LAB_NODES=(client lb be1 be2 be3)
		LAB_BACKENDS=(be1 be2 be3)
		LAB_VIPS4=("$LAB_VIP4")
		LAB_VIPS6=("$LAB_VIP6")
		;;
	ipip)
		LAB_NODES=(client lb be1 be2 be3 lb2 be4 be5)
		LAB_BACKENDS=(be1 be2 be3 be4 be5)
		LAB_VIPS4=("$LAB_VIP4" 192.0.2.11 192.0.2.12)
		LAB_VIPS6=("$LAB_VIP6" 2001:db8::11 2001:db8::12)
		;;
	bgp)
		LAB_NODES=(client router lb lb2 lb3 be1 be2 be3)
		LAB_BACKENDS=(be1 be2 be3)
		LAB_VIPS4=("$LAB_VIP4" 192.0.2.11)
		LAB_VIPS6=("$LAB_VIP6")
		# Behind the router, on a segment of its own.
		LAB_IP4[client]=10.202.0.2
		LAB_IP6[client]=fd00:202::2
		;;
	*)
		lab__err "unknown topology '$1' (basic, ipip or bgp)"
		return 2
		;;
	esac
	LAB__TOPOLOGY=$1
}

lab__err()
{
	echo "lab: $*" >&2
}

lab__ns()
{
	echo "$LAB_PREFIX-$1"
}

lab__run_dir()
{
	echo "/run/sluice-lab-$LAB_PREFIX"
}

# The topology that is up (recorded by lab_up), else the basic one.
lab__set_topology "$(cat "$(lab__run_dir)/topology" 2>/dev/null || echo basic)" 2>/dev/null ||
	lab__set_topology basic

# Start time of a live (not zombie) process. A pid alone may be reused once its
# process is gone; pid plus start time may not.
lab__starttime()
{
	local stat fields

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# The command name may hold spaces: fields are counted after its closing ')'.
	read -ra fields <<<"${stat##*) }"
	[[ ${fields[0]} != Z ]] || return 1
	echo "${fields[19]}"
}

lab__check_family()
{
	local fam=$1 addr=$2

	if [[ $fam == 6 && $addr != *:* ]]; then
		lab__err "-6 needs an IPv6 address, not '$addr'"
		return 2
	fi
	if [[ $fam == 4 && $addr == *:* ]]; then
		lab__err "'$addr' is IPv6: pass -6"
		return 2
	fi
}

lab_exec()
{
	local ns

	if (($# < 2)); then
		lab__err "usage: lab_exec NODE CMD..."
		return 2
	fi
	ns=$(lab__ns "$1")
	if [[ ! -e /run/netns/$ns ]]; then
		lab__err "no namespace $ns (is the lab up?)"
		return 1
	fi
	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

# lab_pin_dir NODE [NAME]: the directory where sluice on NODE pins NAME's state (default
# eth0). bpffs is shared by every network namespace, so outside the initial one the name
# carries the namespace's cookie (SO_NETNS_COOKIE), read here without asking sluice.
# lab_pin_dir_of NETNS [NAME] does the same for any namespace named by `ip netns`.
lab_pin_dir_of()
{
	local cookie

	cookie=$(nsenter --net="/run/netns/$1" python3 -c 'import socket, struct
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print(struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 71, 8))[0])') || return
	echo "/sys/fs/bpf/sluice/${2:-eth0}@netns-$cookie"
}

lab_pin_dir()
{
	lab_pin_dir_of "$(lab__ns "$1")" "${2:-eth0}"
}

# One exchange from NODE: connect, send a line if UDP (TCP servers speak first), print
# the first line answered. Fails if nothing comes back within TIMEOUT seconds.
lab__ask()
{
	local node=$1 proto=$2 addr=$3 port=$4 timeout=$5

	# shellcheck disable=SC2016 # expanded by the inner shell
	lab_exec "$node" timeout "$timeout" bash -c '
		exec 3<>"/dev/$1/$2/$3" || exit 1
		if [[ $1 == udp ]]; then
			printf "lab\n" >&3 || exit 1
		fi
		line=$(head -n 1 <&3) && [[ -n $line ]] && printf "%s\n" "$line"
	' lab "$proto" "$addr" "$port"
}

lab__request()
{
	local func=$1 proto=$2 fam=4 rc=0

	shift 2
	if [[ ${1-} == -6 ]]; then
		fam=6
		shift
	fi
	if (($# != 2)); then
		lab__err "usage: $func [-6] ADDR PORT"
		return 2
	fi
	lab__check_family "$fam" "$1" || return
	lab__ask client "$proto" "$1" "$2" "$LAB_TIMEOUT" || rc=$?
	if ((rc == 124)); then
		lab__err "no answer from $1 port $2/$proto within ${LAB_TIMEOUT}s"
	fi
	return "$rc"
}

# lab_request [-6] ADDR PORT: from the client, print the first line a TCP server answers
# (for the backends: their name).
lab_request()
{
	lab__request lab_request tcp "$@"
}

# lab_udp_request [-6] ADDR PORT: from the client, send one datagram, print the answer.
lab_udp_request()
{
	lab__request lab_udp_request udp "$@"
}

lab__wait()
{
	local proto=$1 node=$2 addr=$3 port=$4 deadline=$((EPOCHSECONDS + LAB_WAIT))

	until lab__ask "$node" "$proto" "$addr" "$port" 1 >/dev/null 2>&1; do
		if ((EPOCHSECONDS >= deadline)); then
			lab__err "nothing answers $addr port $port/$proto" \
				"from $(lab__ns "$node") after ${LAB_WAIT}s"
			return 1
		fi
		sleep 0.1
	done
}

# lab_wait_tcp NODE ADDR PORT: wait until a TCP server on ADDR:PORT answers NODE.
lab_wait_tcp()
{
	if (($# != 3)); then
		lab__err "usage: lab_wait_tcp NODE ADDR PORT"
		return 2
	fi
	lab__wait tcp "$@"
}

# lab_wait_udp NODE ADDR PORT: wait until a UDP server on ADDR:PORT answers NODE.
lab_wait_udp()
{
	if (($# != 3)); then
		lab__err "usage: lab_wait_udp NODE ADDR PORT"
		return 2
	fi
	lab__wait udp "$@"
}

# lab_conn_open ID [-6] ADDR PORT [SOURCE_PORT]: open a TCP connection from the client
# that stays up across calls (to check that established flows keep their backend). Call it in the
# test's own shell, not in $(...): the connection is held by file descriptors of the
# calling shell. Then lab_conn_read ID prints the next line received (the backend name
# first), lab_conn_send ID TEXT sends a line (the backends echo it), lab_conn_close ID.
lab_conn_open()
{
	local id=${1-} fam=4 dir target w r

	shift $(($# > 0))
	if [[ ${1-} == -6 ]]; then
		fam=6
		shift
	fi
	if [[ ! $id =~ ^[A-Za-z0-9_]+$ ]] || (($# != 2 && $# != 3)); then
		lab__err "usage: lab_conn_open ID [-6] ADDR PORT [SOURCE_PORT] (ID: letters, digits, _)"
		return 2
	fi
	lab__check_family "$fam" "$1" || return
	if [[ -n ${LAB_CONN_PID[$id]-} ]]; then
		lab__err "connection $id is already open"
		return 2
	fi
	dir=$(lab__run_dir)/conn-$id
	if [[ ! -e /run/netns/$(lab__ns client) ]] ||
	   ! mkdir -p "$dir" || ! rm -f "$dir/to" "$dir/from" ||
	   ! mkfifo "$dir/to" "$dir/from"; then
		lab__err "cannot set up connection $id (is the lab up?)"
		return 1
	fi
	target=$1
	[[ $fam == 6 ]] && target="[$1]"
	nsenter --net="/run/netns/$(lab__ns client)" socat STDIO \
		"TCP$fam:$target:$2,connect-timeout=$LAB_TIMEOUT${3:+,sourceport=$3}" \
		<"$dir/to" >"$dir/from" 2>"$dir/log" &
	LAB_CONN_PID[$id]=$!
	# Opening the fifos in the order the child does pairs them without deadlock.
	exec {w}>"$dir/to" {r}<"$dir/from"
	LAB_CONN_W[$id]=$w
	LAB_CONN_R[$id]=$r
}

lab__conn_known()
{
	if [[ -z ${LAB_CONN_PID[${1-}]-} ]]; then
		lab__err "no open connection '${1-}'"
		return 2
	fi
}

# lab_conn_send ID TEXT: send TEXT and a newline on connection ID.
lab_conn_send()
{
	if (($# != 2)); then
		lab__err "usage: lab_conn_send ID TEXT"
		return 2
	fi
	lab__conn_known "$1" || return
	# In a subshell: if the connection died, SIGPIPE ends the subshell, not the caller.
	if ! (printf '%s\n' "$2" >&"${LAB_CONN_W[$1]}") 2>/dev/null; then
		lab__err "connection $1 is closed"
		return 1
	fi
}

# lab_conn_read ID: print the next line received on connection ID; fails if none comes
# within LAB_TIMEOUT seconds or the connection is closed.
lab_conn_read()
{
	local line

	if (($# != 1)); then
		lab__err "usage: lab_conn_read ID"
		return 2
	fi
	lab__conn_known "$1" || return
	if ! IFS= read -r -t "$LAB_TIMEOUT" -u "${LAB_CONN_R[$1]}" line; then
		lab__err "nothing received on connection $1 (closed, or silent for ${LAB_TIMEOUT}s)"
		return 1
	fi
	printf '%s\n' "$line"
}

# lab_conn_close ID: close connection ID (never fails if it is already gone).
lab_conn_close()
{
	local id=${1-} pid w r

	pid=${LAB_CONN_PID[$id]-}
	[[ -n $pid ]] || return 0
	w=${LAB_CONN_W[$id]}
	r=${LAB_CONN_R[$id]}
	exec {w}>&- {r}<&-
	# Other children of this shell inherit the write end, so socat may never see end
	# of input: stop it instead.
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "LAB_CONN_PID[$id]" "LAB_CONN_W[$id]" "LAB_CONN_R[$id]"
	rm -rf "$(lab__run_dir)/conn-$id"
	return 0
}

# lab__serve NODE NAME CMD...: a server in NODE's namespace, in the background.
lab__serve()
{
	local node=$1 name=$2 dir pid

	shift 2
	dir=$(lab__run_dir)
	nsenter --net="/run/netns/$(lab__ns "$node")" -- "$@" \
		</dev/null >"$dir/$node-$name.log" 2>&1 &
	pid=$!
	echo "$pid $(lab__starttime "$pid")" >"$dir/$node-$name.pid"
}

# lab__wait_listen NODE PORT: wait until a TCP socket listens on PORT in NODE (for
# servers that speak only once the client is done).
lab__wait_listen()
{
	local deadline=$((EPOCHSECONDS + LAB_WAIT))

	until [[ -n $(lab_exec "$1" ss -Hltn "sport = :$2" 2>/dev/null) ]]; do
		if ((EPOCHSECONDS >= deadline)); then
			lab__err "nothing listens on port $2/tcp in $(lab__ns "$1") after ${LAB_WAIT}s"
			return 1
		fi
		sleep 0.1
	done
}

lab__start_servers()
{
	local be addr

	for be in "${LAB_BACKENDS[@]}"; do
		if [[ $LAB__TOPOLOGY == bgp ]]; then
			lab__serve "$be" tcp-80 socat TCP6-LISTEN:80,ipv6only=0,reuseaddr,fork \
				SYSTEM:"echo $be; exec sed -u s/^/$be=/"
			lab__serve "$be" tcp-8080 socat TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork \
				SYSTEM:"echo $be"
		else
			lab__serve "$be" tcp-80 socat TCP6-LISTEN:80,ipv6only=0,reuseaddr,fork \
				SYSTEM:"echo $be; exec cat"
		fi
		lab__serve "$be" udp-53 python3 "$LAB_DIR/servers/udp_name.py" "$be" 53 \
			"${LAB_IP4[$be]}" "${LAB_VIPS4[@]}" "${LAB_IP6[$be]}" "${LAB_VIPS6[@]}"
		if [[ $LAB__TOPOLOGY == ipip ]]; then
			lab__serve "$be" tcp-9000 python3 "$LAB_DIR/servers/tcp_count.py" "$be" 9000
		fi
	done
	lab__serve lb tcp-6379 socat TCP6-LISTEN:6379,ipv6only=0,reuseaddr,fork SYSTEM:"echo lb"
	lab__serve lb tcp-22 socat TCP6-LISTEN:22,ipv6only=0,reuseaddr,fork SYSTEM:"echo lb-ssh"

	for be in "${LAB_BACKENDS[@]}"; do
		lab_wait_tcp "$be" "${LAB_IP4[$be]}" 80 || return
		if [[ $LAB__TOPOLOGY == bgp ]]; then
			lab_wait_tcp "$be" "${LAB_IP4[$be]}" 8080 || return
		fi
		for addr in "${LAB_IP4[$be]}" "${LAB_VIPS4[@]}" "${LAB_IP6[$be]}" "${LAB_VIPS6[@]}"; do
			lab_wait_udp "$be" "$addr" 53 || return
		done
		if [[ $LAB__TOPOLOGY == ipip ]]; then
			lab__wait_listen "$be" 9000 || return
		fi
	done
	lab_wait_tcp lb "${LAB_IP4[lb]}" 6379 && lab_wait_tcp lb "${LAB_IP4[lb]}" 22
}

# lab__port_setup NODE IFACE BRIDGE SWPORT ADDR4 ADDR6: a veth from NODE's IFACE to
# port SWPORT of the switch's BRIDGE.
lab__port_setup()
{
	local ns sw

	ns=$(lab__ns "$1")
	sw=$(lab__ns sw)
	ip -n "$ns" link add "$2" type veth peer name "$4" netns "$sw" &&
	ip -n "$sw" link set dev "$4" master "$3" up &&
	ip -n "$ns" -batch - <<-EOF
		link set dev $2 up
		address add $5/24 dev $2
		address add $6/64 dev $2 nodad
	EOF
}

lab__host_setup()
{
	local node=$1 bridge=br0

	# be4 and be5 (ipip) sit on the second segment, and so does bgp's client.
	[[ $node == be[45] || ($node == client && $LAB__TOPOLOGY == bgp) ]] && bridge=br1
	# Quiet hosts: no router solicitations, no duplicate address detection. Such
	# frames would reach lb's XDP program at random times and blur its counters.
	lab_exec "$node" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0 &&
	ip -n "$(lab__ns "$node")" link set dev lo up &&
	lab__port_setup "$node" eth0 "$bridge" "$node" "${LAB_IP4[$node]}" "${LAB_IP6[$node]}"
}

lab__backend_setup()
{
	local be=$1 vip

	lab_exec "$be" sysctl -q -w net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 || return
	for vip in "${LAB_VIPS4[@]}"; do
		ip -n "$(lab__ns "$be")" address add "$vip/32" dev lo || return
	done
	for vip in "${LAB_VIPS6[@]}"; do
		ip -n "$(lab__ns "$be")" address add "$vip/128" dev lo || return
	done
	if [[ $be == be[45] ]]; then
		ip -n "$(lab__ns "$be")" -batch - <<-EOF || return
			route add default via ${LAB_IP4[lb:eth1]}
			route add default via ${LAB_IP6[lb:eth1]}
		EOF
	fi
	if [[ $LAB__TOPOLOGY == bgp ]]; then
		ip -n "$(lab__ns "$be")" -batch - <<-EOF || return
			route add default via ${LAB_IP4[router]}
			route add default via ${LAB_IP6[router]}
		EOF
	fi
	lab_exec "$be" ethtool -K eth0 tx off >/dev/null
}

lab__client_setup()
{
	local vip

	if [[ $LAB__TOPOLOGY == bgp ]]; then
		ip -n "$(lab__ns client)" -batch - <<-EOF || return
			route add default via ${LAB_IP4[router:eth1]}
			route add default via ${LAB_IP6[router:eth1]}
		EOF
		lab_exec client ethtool -K eth0 tx off >/dev/null
		return
	fi
	for vip in "${LAB_VIPS4[@]}"; do
		ip -n "$(lab__ns client)" route add "$vip/32" via "${LAB_IP4[lb]}" || return
	done
	for vip in "${LAB_VIPS6[@]}"; do
		ip -n "$(lab__ns client)" route add "$vip/128" via "${LAB_IP6[lb]}" || return
	done
	lab_exec client ethtool -K eth0 tx off >/dev/null
}

# ipip: lb's second port and the sysctls the FIB lookup and the far backends' answers
# need, lb2's forwarding, decap on the backends.
lab__ipip_setup()
{
	local sw node

	sw=$(lab__ns sw)
	lab__port_setup lb eth1 br1 lb-e1 "${LAB_IP4[lb:eth1]}" "${LAB_IP6[lb:eth1]}" &&
	lab_exec lb sysctl -q -w net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.eth1.rp_filter=0 \
		net.ipv4.conf.eth0.forwarding=1 net.ipv6.conf.eth0.forwarding=1 \
		net.ipv4.conf.eth1.forwarding=1 net.ipv6.conf.eth1.force_forwarding=1 &&
	lab_exec lb2 sysctl -q -w net.ipv4.conf.eth0.forwarding=1 \
		net.ipv6.conf.eth0.forwarding=1 &&
	ip -n "$sw" link set dev lb-e1 xdpdrv obj "$LAB_PASS_OBJ" sec xdp &&
	ip -n "$sw" link set dev lb2 xdpdrv obj "$LAB_PASS_OBJ" sec xdp || return
	for node in "${LAB_BACKENDS[@]}"; do
		lab_exec "$node" "$SLUICE" decap attach eth0 >/dev/null || return
	done
}

# bgp: the router's second port and forwarding with ECMP over ports, the nodes'
# forwarding for ipip, XDP_PASS on the switch's ends of their ports, decap on the
# backends.
lab__bgp_setup()
{
	local sw node

	sw=$(lab__ns sw)
	lab__port_setup router eth1 br1 router-e1 "${LAB_IP4[router:eth1]}" \
		"${LAB_IP6[router:eth1]}" &&
	lab_exec router sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.eth0.rp_filter=0 net.ipv4.fib_multipath_hash_policy=1 || return
	for node in lb lb2 lb3; do
		lab_exec "$node" sysctl -q -w net.ipv4.conf.eth0.forwarding=1 &&
		ip -n "$sw" link set dev "$node" xdpdrv obj "$LAB_PASS_OBJ" sec xdp || return
	done
	for node in "${LAB_BACKENDS[@]}"; do
		lab_exec "$node" "$SLUICE" decap attach eth0 >/dev/null || return
	done
}

lab__build()
{
	local node sw

	sw=$(lab__ns sw)
	if ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf bpf /sys/fs/bpf || return
	fi
	mkdir -p "$(lab__run_dir)" || return
	echo "$LAB__TOPOLOGY" >"$(lab__run_dir)/topology" || return
	for node in "${LAB_NODES[@]}" sw; do
		ip netns add "$(lab__ns "$node")" || return
	done
	# The switch has no business on IPv6: keep it from sending its own solicitations
	# and reports to every port (lb's XDP program would see them).
	lab_exec sw sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return
	ip -n "$sw" -batch - <<-EOF || return
		link set dev lo up
		link add br0 type bridge mcast_snooping 0
		link set dev br0 up
	EOF
	if [[ $LAB__TOPOLOGY != basic ]]; then
		ip -n "$sw" -batch - <<-EOF || return
			link add br1 type bridge mcast_snooping 0
			link set dev br1 up
		EOF
	fi
	for node in "${LAB_NODES[@]}"; do
		lab__host_setup "$node" || return
	done
	for node in "${LAB_BACKENDS[@]}"; do
		lab__backend_setup "$node" || return
	done
	lab__client_setup || return
	# Explicit, so that nothing answers on the VIPs unless sluice forwards.
	lab_exec lb sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 || return
	if [[ $LAB__TOPOLOGY == bgp ]]; then
		lab__bgp_setup || return
	else
		ip -n "$sw" link set dev lb xdpdrv obj "$LAB_PASS_OBJ" sec xdp || return
	fi
	if [[ $LAB__TOPOLOGY == ipip ]]; then
		lab__ipip_setup || return
	fi
	lab__start_servers
}

lab__check_prerequisites()
{
	local cmd

	if [[ ! $LAB_PREFIX =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$ ]]; then
		lab__err "LAB_PREFIX '$LAB_PREFIX': use up to 16 letters, digits, _ or -"
		return 2
	fi
	if ((EUID != 0)); then
		lab__err "must run as root"
		return 1
	fi
	for cmd in ip nsenter socat python3 ethtool sysctl timeout mountpoint; do
		if ! command -v "$cmd" >/dev/null; then
			lab__err "missing command: $cmd"
			return 1
		fi
	done
	if [[ ! -r $LAB_PASS_OBJ ]]; then
		lab__err "no XDP_PASS object at $LAB_PASS_OBJ:" \
			"build it (ninja -C build) or set LAB_PASS_OBJ"
		return 1
	fi
	if [[ $LAB__TOPOLOGY != basic && ! -x $SLUICE ]]; then
		lab__err "no sluice binary at $SLUICE (the ipip backends decapsulate with it):" \
			"build it (ninja -C build) or set SLUICE"
		return 1
	fi
}

# lab_up [basic|ipip]: build the lab from scratch (tearing down what an earlier run left),
# start the servers, and wait until they all answer. On failure nothing is left behind.
# Without an argument the topology is $LAB_TOPOLOGY, else basic.
lab_up()
{
	lab__set_topology "${1:-${LAB_TOPOLOGY:-basic}}" || return
	lab__check_prerequisites || return
	lab_down
	if ! lab__build; then
		lab__err "lab $LAB_PREFIX failed to come up"
		lab_down
		return 1
	fi
}

# Every process in the lab: the servers we started (checked to be the same processes)
# and whatever else still runs in a lab namespace.
lab__pids()
{
	local f pid start node

	for f in "$(lab__run_dir)"/*.pid; do
		[[ -e $f ]] || continue
		read -r pid start <"$f"
		if [[ -n $start && $(lab__starttime "$pid") == "$start" ]]; then
			echo "$pid"
		fi
	done
	for node in "${LAB_ALL_NODES[@]}" sw; do
		[[ -e /run/netns/$(lab__ns "$node") ]] || continue
		ip netns pids "$(lab__ns "$node")" 2>/dev/null || true
	done
}

lab__stop_processes()
{
	local pids=() pid live try

	while read -r pid; do
		[[ $pid != "$$" && $pid != "$BASHPID" ]] && pids+=("$pid")
	done < <(lab__pids | sort -un)
	((${#pids[@]})) || return 0
	kill "${pids[@]}" 2>/dev/null || true
	for try in {1..20}; do
		live=()
		for pid in "${pids[@]}"; do
			lab__starttime "$pid" >/dev/null && live+=("$pid")
		done
		((${#live[@]})) || return 0
		((try < 20)) && sleep 0.1
	done
	kill -KILL "${live[@]}" 2>/dev/null || true
}

# lab_down: remove everything the lab made. Never fails, whatever is already gone.
lab_down()
{
	local id node

	for id in "${!LAB_CONN_PID[@]}"; do
		lab_conn_close "$id"
	done
	lab__stop_processes
	ip -n "$(lab__ns sw)" link set dev lb xdp off 2>/dev/null || true
	# sluice's state in bpffs is not the namespaces': take it out first.
	for node in "${LAB_ALL_NODES[@]}"; do
		[[ -e /run/netns/$(lab__ns "$node") && -x $SLUICE ]] || continue
		lab_exec "$node" "$SLUICE" detach eth0 >/dev/null 2>&1 || true
		lab_exec "$node" "$SLUICE" decap detach eth0 >/dev/null 2>&1 || true
	done
	for node in "${LAB_ALL_NODES[@]}" sw; do
		if [[ -e /run/netns/$(lab__ns "$node") ]]; then
			ip netns delete "$(lab__ns "$node")" 2>/dev/null || true
		fi
	done
	rm -rf "$(lab__run_dir)"
	return 0
}

# lab__status_xdp NODE IFACE: the XDP program on NODE's IFACE; fails if there is none.
lab__status_xdp()
{
	local prog

	prog=$(ip -n "$(lab__ns "$1")" link show dev "$2" 2>/dev/null |
	       grep -o 'prog/xdp id [0-9]*' || true)
	if [[ -z $prog ]]; then
		printf '%-34s missing\n' "xdp on $(lab__ns "$1")/$2"
		return 1
	fi
	printf '%-34s %s\n' "xdp on $(lab__ns "$1")/$2" "$prog"
}

# lab_status: what of the lab exists; fails unless all of it does.
lab_status()
{
	local node ns f name pid start prog rc=0

	for node in "${LAB_NODES[@]}" sw; do
		ns=$(lab__ns "$node")
		if [[ -e /run/netns/$ns ]]; then
			printf '%-34s up\n' "netns $ns"
		else
			printf '%-34s missing\n' "netns $ns"
			rc=1
		fi
	done
	lab__status_xdp sw lb || rc=1
	if [[ $LAB__TOPOLOGY == ipip ]]; then
		lab__status_xdp sw lb-e1 || rc=1
		lab__status_xdp sw lb2 || rc=1
		for node in "${LAB_BACKENDS[@]}"; do
			lab__status_xdp "$node" eth0 || rc=1
		done
	fi
	for f in "$(lab__run_dir)"/*.pid; do
		if [[ ! -e $f ]]; then
			printf '%-34s missing\n' servers
			rc=1
			break
		fi
		name=${f##*/}
		read -r pid start <"$f"
		if [[ -n $start && $(lab__starttime "$pid") == "$start" ]]; then
			printf '%-34s running (pid %s)\n' "server ${name%.pid}" "$pid"
		else
			printf '%-34s stopped\n' "server ${name%.pid}"
			rc=1
		fi
	done
	return "$rc"
}

# lab_trap_cleanup [CMD...]: on exit, interrupt or termination run CMD (if given, e.g.
# to detach sluice), then lab_down. Replaces the EXIT, INT and TERM traps.
lab_trap_cleanup()
{
	LAB_CLEANUP_CMD=("$@")
	trap lab__on_exit EXIT
	# exit runs the EXIT trap, which cleans up once.
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lab__on_exit()
{
	if ((${#LAB_CLEANUP_CMD[@]})); then
		"${LAB_CLEANUP_CMD[@]}" || true
	fi
	lab_down
}

lab__main()
{
	case ${1-} in
	up)
		lab_up "${2-}" && lab_status
		;;
	down)
		lab_down
		;;
	status)
		lab_status
		;;
	exec)
		shift
		lab_exec "$@"
		;;
	*)
		echo "usage: $0 up [basic|ipip|bgp] | down | status | exec NODE CMD..." >&2
		return 2
		;;
	esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	lab__main "$@"
	exit
fi
