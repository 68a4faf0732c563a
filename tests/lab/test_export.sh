#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The live config out and in: `sluice export` of a node attached with a config that
# uses every part of the format is a file `apply` takes back with no change, and the
# export of that is the same file; `-f -` reads the config from stdin; `apply
# --dry-run` exits 3 when the file differs from what runs (drift), 0 when not. And
# the change log: attach, apply, detach and a reload of `sluice run` each send the
# journal an entry saying who (uid, user, SUDO_USER), what, and from which file with
# its SHA-256. The journal is a stand-in for journald's socket in a mount namespace
# of the test's own (servers/journal_sink.py), so the entries are the very bytes
# sd_journal_send() sends.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

# The operator's session must not depend on who runs the test.
unset SSH_CONNECTION

trap lab_test_cleanup EXIT
trap 'exit 130' INT TERM
lab_up >/dev/null || bail_out "the lab did not come up"

RICH=$TEST_TMP/rich.yaml
cat >"$RICH" <<'EOF'
# Every part of the format that the maps hold.
settings:
  malformed: drop
  macs: [00:00:5e:00:01:0a]
flows:
  size: 8192
  udp_idle_timeout: 45s
  new_flow_guard: 5000
filter:
  default: deny
  exempt: [ndp]
  rules:
    - {name: web, proto: tcp, dport: 80, action: allow}
    - {name: syns, priority: -1, proto: tcp, dport: 80, tcp_flags: syn/syn|ack, action: count}
    - {name: dns, proto: udp, dport: 53, action: rate-limit, rate: 20/s, burst: 40, per: source}
    - {name: pings, proto: icmp, icmp_type: echo-request, action: rate-limit, rate: 100/min}
    - {name: v6-ok, proto: icmpv6, action: allow}
    - {name: lab-ssh, proto: tcp, sport: 1024-65535, dport: 22, src: 10.200.0.0/24, action: allow}
    - {proto: udp, dst: '2001:db8::/32', dport: 5000-5999, action: deny}
    - {name: any-v6, src: '::/0', action: count}
services:
  - name: web
    vip: 192.0.2.10
    port: 80
    proto: tcp
    table_size: 65537
    drain_timeout: 5m
    health: {check: tcp, port: 80}
    backends:
      - {addr: 10.200.0.11, weight: 100}
      - {addr: 10.200.0.12, weight: 300}
      - {addr: 10.200.0.13, weight: 100, state: draining}
  - name: dns
    vip: 192.0.2.10
    port: 53
    proto: udp
    table_size: 251
    backends:
      - {addr: 10.200.0.11}
      - {addr: 10.200.0.12}
  - name: web6
    vip: 2001:db8::10
    port: 0
    proto: tcp
    table_size: 1021
    backends:
      - {addr: 'fd00:200::11', weight: 7}
      - {addr: 'fd00:200::13', weight: 9}
EOF

JOURNAL=$TEST_TMP/journal.log
mkdir -p "$TEST_TMP/journal"
python3 "$LAB_DIR/servers/journal_sink.py" "$TEST_TMP/journal/socket" "$JOURNAL" &
TEST_PIDS+=("$!")
for ((i = 0; i < 50; i++)); do
	[[ -S $TEST_TMP/journal/socket ]] && break
	sleep 0.1
done
[[ -S $TEST_TMP/journal/socket ]] || bail_out "the journal's stand-in did not start"

# $JOURNALED ARGS...: sluice on the node, in a mount namespace of its own whose /run
# is fresh but for the lab's namespaces, and whose journald socket is the sink's. A
# script, not a function, so that run in the background its pid ends up sluice's.
JOURNALED=$TEST_TMP/journaled
cat >"$JOURNALED" <<EOF
#!/bin/bash
exec unshare --mount --propagation private -- bash -c '
	set -e
	mkdir -p "$TEST_TMP/hostrun"
	mount --rbind /run "$TEST_TMP/hostrun"
	mount -t tmpfs tmpfs /run
	mkdir -p /run/netns /run/systemd/journal
	mount --rbind "$TEST_TMP/hostrun/netns" /run/netns
	mount --bind "$TEST_TMP/journal" /run/systemd/journal
	exec nsenter --net="/run/netns/$(lab__ns lb)" -- "$SLUICE" "\$@"' sluice "\$@"
EOF
chmod +x "$JOURNALED"

# logged ACTION PYTHON-CONDITION: the journal got an entry with SLUICE_ACTION=ACTION
# for which the condition on e (the entry's fields) holds. Waits a little: a daemon's
# entries come when it gets to them.
logged()
{
	local i

	for ((i = 0; i < 50; i++)); do
		python3 - "$JOURNAL" "$1" "$2" <<'EOF' && return 0
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not any(e.get('SLUICE_ACTION') == sys.argv[2] and eval('(' + sys.argv[3] + ')')
		 for e in entries))
EOF
		sleep 0.1
	done
	echo "  no $1 entry where $2 in:" >&2
	sed 's/^/  | /' "$JOURNAL" >&2
	return 1
}

digest()
{
	sha256sum "$1" | cut -d' ' -f1
}

check "attach with the rich config, under sudo" \
	expect_exit 0 env SUDO_USER=alice "$JOURNALED" attach eth0 -f "$RICH"
check "  the journal names the attach, who and where" logged attach \
	"e['SLUICE_INTERFACE'] == 'eth0' and e['SLUICE_UID'] == '0' and
	 e['SLUICE_USER'] == 'root' and e['SLUICE_SUDO_USER'] == 'alice' and
	 'program' in e['MESSAGE'] and e['SYSLOG_IDENTIFIER'] == 'sluice'"
check "  and its apply: the file and its SHA-256, what changed" logged attach \
	"e.get('SLUICE_CONFIG') == '$RICH' and
	 e['SLUICE_CONFIG_SHA256'] == '$(digest "$RICH")' and
	 'service web' in e['SLUICE_CHANGES'] and 'alice' in e['MESSAGE']"

check "export: exit 0" expect_exit 0 sluice export
cp "$TEST_TMP/out" "$TEST_TMP/export1.yaml"
exported()
{
	grep -qF -- "$1" "$TEST_TMP/export1.yaml" || {
		echo "  export lacks '$1':" >&2
		sed 's/^/  | /' "$TEST_TMP/export1.yaml" >&2
		return 1
	}
}
check "  holds the rate limit per source" exported "rate: 20/s, burst: 40, per: source"
check "  the TCP flags" exported "tcp_flags: syn/syn|ack"
check "  the draining backend and its weights" exported \
	"{addr: 10.200.0.13, weight: 100, state: draining}"
check "  the health check's port" exported "health:"
check "  the VRRP MAC" exported "00:00:5e:00:01:0a"
check "  the deny default sparing NDP" exported "exempt: [ndp]"
check "  the count rule first, as it matches first" \
	test "$(grep -m1 -o 'name: [a-z0-9-]*' "$TEST_TMP/export1.yaml")" = "name: syns"
check "the export validates" expect_exit 0 sluice validate -f "$TEST_TMP/export1.yaml"
check "apply of the export: exit 0" expect_exit 0 sluice apply -f "$TEST_TMP/export1.yaml"
check "  changes nothing" output_has "eth0: no changes"
check "export of the export is the same file" \
	expect_exit 0 sluice export
check "  (byte for byte)" cmp "$TEST_TMP/out" "$TEST_TMP/export1.yaml"
check "apply --dry-run of the original file: exit 0, nothing to change" \
	expect_exit 0 sluice apply --dry-run -f "$RICH"
check "  says so" output_has "eth0: no changes"

check "export piped into apply -f -: nothing to change" \
	expect_exit 0 lab_exec lb bash -c '"$1" export | "$1" apply -f -' _ "$SLUICE"
check "  says so" output_has "eth0: no changes"

sed 's/weight: 300/weight: 200/' "$RICH" >"$TEST_TMP/drift.yaml"
check "apply --dry-run of a file that differs: exit 3" \
	expect_exit 3 sluice apply --dry-run -f "$TEST_TMP/drift.yaml"
check "  shows what would change" output_has "would: service web: backend 10.200.0.12 weight 300 -> 200"
check "  and changes nothing" expect_exit 0 sluice export
check "  (the export is as before)" cmp "$TEST_TMP/out" "$TEST_TMP/export1.yaml"

check "apply -f - from stdin" \
	expect_exit 0 env -u SUDO_USER "$JOURNALED" apply -f - <"$TEST_TMP/drift.yaml"
check "  applied" output_has "map updates applied"
check "  the journal names <stdin>, the text's SHA-256 and the change" logged apply \
	"e.get('SLUICE_CONFIG') == '<stdin>' and
	 e['SLUICE_CONFIG_SHA256'] == '$(digest "$TEST_TMP/drift.yaml")' and
	 'weight 300 -> 200' in e['SLUICE_CHANGES'] and 'SLUICE_SUDO_USER' not in e"
check "  error positions of stdin read <stdin>:LINE:COL" \
	expect_exit 2 sluice apply -f - <<<"services: [{name: x, vip: 1.2.3.4, weight: 1}]"
check "  (the message)" output_has "<stdin>:1:36: unknown key 'weight' in a service"

# The daemon adopts what runs; a rewrite of its file is a reload, logged as one.
cp "$TEST_TMP/drift.yaml" "$TEST_TMP/run.yaml"
"$JOURNALED" run eth0 -f "$TEST_TMP/run.yaml" >"$TEST_TMP/run.log" 2>&1 &
DAEMON=$!
TEST_PIDS+=("$DAEMON")
running()
{
	local i

	for ((i = 0; i < 50; i++)); do
		grep -q "running $TEST_TMP/run.yaml" "$TEST_TMP/run.log" && return 0
		sleep 0.1
	done
	sed 's/^/  | /' "$TEST_TMP/run.log" >&2
	return 1
}
check "sluice run adopts the node" running
cp "$RICH" "$TEST_TMP/run.yaml.new"
mv "$TEST_TMP/run.yaml.new" "$TEST_TMP/run.yaml"
check "  a rewritten file is reloaded and logged with its SHA-256" logged "run: reload" \
	"e.get('SLUICE_CONFIG') == '$TEST_TMP/run.yaml' and
	 e['SLUICE_CONFIG_SHA256'] == '$(digest "$RICH")' and
	 'weight 200 -> 300' in e['SLUICE_CHANGES']"
check "  SIGTERM stops it" lab_stop "$DAEMON"

check "detach" expect_exit 0 "$JOURNALED" detach eth0
check "  logged" logged detach "e['SLUICE_INTERFACE'] == 'eth0' and 'detached' in e['MESSAGE']"
# Another program on the hook: named, and how sharing it would work.
lab_exec lb ip link set dev eth0 xdpdrv obj "$LAB_PASS_OBJ" sec xdp ||
	bail_out "cannot attach the pass program"
PASS_ID=$(lab_exec lb ip link show dev eth0 | grep -o 'prog/xdp id [0-9]*' | grep -o '[0-9]*$')
check "attach where another XDP program holds eth0: exit 1" expect_exit 1 sluice attach eth0
check "  names it: id, name, mode" output_has \
	"eth0 is held by XDP program $PASS_ID 'xdp_pass' (native mode), attached alone"
check "  says how sharing through libxdp works here" output_has \
	"sluice shares an interface only in libxdp's dispatcher"
check "  leaves no pins" test ! -e "$(lab_pin_dir lb)"
lab_exec lb ip link set dev eth0 xdpdrv off
check "export with nothing attached: exit 1" expect_exit 1 sluice export
check "  says so" output_has "not attached"

lab_test_done
