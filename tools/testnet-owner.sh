# Who a test network belongs to (sourced by testnet.sh and testnet-bgp.sh, not run).
#
# A run killed before its teardown (SIGKILL, a CI job stopped at its time limit) leaves its
# network behind: namespaces, and addresses in the root namespace that the next run needs. Each
# network records its owner — GATUN_TESTNET_OWNER, else the process that ran `up` — with the
# owner's start time (field 22 of /proc/PID/stat), which tells it from a later process given the
# same PID; a network whose owner is gone is stale and can be removed.

testnet_started() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

# testnet_record_owner DIR: this run owns the network whose state is DIR.
testnet_record_owner() {
  local owner=${GATUN_TESTNET_OWNER:-$PPID}
  mkdir -p "$1"
  echo "$owner $(testnet_started "$owner")" > "$1/owner"
}

# testnet_owner_alive DIR: the run that made the network whose state is DIR is still there.
testnet_owner_alive() {
  local pid start
  read -r pid start 2>/dev/null < "$1/owner" || return 1
  [ -n "$start" ] && [ "$(testnet_started "$pid")" = "$start" ]
}
