/**
 * Shell building blocks of the node bootstrap: a POSIX `sh` prelude shared by the scripts cloud-init
 * runs, with one failure marker, bounded retries and bounded waits, and verified downloads.
 *
 * How an operator follows a boot (also in the README): every step and failure is logged to the
 * journal with the tag `catalyst-bootstrap` (`journalctl -t catalyst-bootstrap`); a failed step
 * leaves its name in `/var/lib/catalyst/bootstrap-failed` and exits non-zero, so cloud-init's
 * `runcmd` fails and `cloud-init status` reports `error`; a node that finished has
 * `/var/lib/catalyst/node-ready` (and the first control plane server `/var/lib/catalyst/bootstrap-complete`).
 */

/** Journal tag (`logger -t`) of every bootstrap line. */
export const BOOT_LOG_TAG = 'catalyst-bootstrap';
/** Folder of the bootstrap's state: markers and downloads. */
export const BOOT_STATE_DIR = '/var/lib/catalyst';
/** File naming the step that failed; written once, by the first script that fails. */
export const BOOT_FAILED_MARKER = `${BOOT_STATE_DIR}/bootstrap-failed`;
/** File a node writes when its own bootstrap (k3s installed and running) finished. */
export const NODE_READY_MARKER = `${BOOT_STATE_DIR}/node-ready`;

/** Attempts of every download and other network call (with delays 5, 10, 20, 40, 60, 60, 60 s in between: about 4 minutes). */
export const DOWNLOAD_ATTEMPTS = 8;

/**
 * The prelude of every bootstrap script: `set -eu`, `log`, `step`, the EXIT trap that records the
 * failed step, `retry` (bounded attempts with exponential backoff), `wait_for` (a bounded poll),
 * `download` (curl with timeouts, retried) and `sha256_check` (a file against a published checksum list).
 *
 * @param summary one comment line saying what the script does
 */
export function shellPrelude(summary: string): string[] {
  return [
    '#!/bin/sh',
    `# ${summary}`,
    `# Progress and failures: journalctl -t ${BOOT_LOG_TAG}; a failed step is named in ${BOOT_FAILED_MARKER}.`,
    'set -eu',
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `mkdir -p ${BOOT_STATE_DIR}`,
    'STEP=start',
    `log() { logger -t ${BOOT_LOG_TAG} -- "$*"; printf '${BOOT_LOG_TAG}: %s\\n' "$*" >&2; }`,
    'step() { STEP=$1; log "step: $1"; }',
    'on_exit() {',
    '  rc=$?',
    '  if [ "$rc" -ne 0 ]; then',
    `    log "FAILED in step $STEP (exit $rc)"`,
    `    [ -e ${BOOT_FAILED_MARKER} ] || printf '%s\\n' "$STEP" > ${BOOT_FAILED_MARKER}`,
    '  fi',
    '}',
    'trap on_exit EXIT',
    '# retry N CMD...: runs CMD at most N times, waiting 5, 10, 20 ... seconds (at most 60) between tries.',
    'retry() {',
    '  n=$1; shift',
    '  i=1; delay=5',
    '  until "$@"; do',
    '    if [ "$i" -ge "$n" ]; then log "gave up after $n tries: $*"; return 1; fi',
    '    log "try $i of $n failed, next in $delay s: $*"',
    '    sleep "$delay"',
    '    i=$((i + 1)); delay=$((delay * 2)); [ "$delay" -le 60 ] || delay=60',
    '  done',
    '}',
    '# wait_for SECONDS WHAT CMD...: runs CMD every 5 seconds until it succeeds; fails after SECONDS.',
    'wait_for() {',
    '  limit=$1; what=$2; shift 2',
    '  deadline=$(($(date +%s) + limit))',
    '  until "$@"; do',
    '    if [ "$(date +%s)" -ge "$deadline" ]; then log "timed out after $limit s waiting for $what"; return 1; fi',
    '    sleep 5',
    '  done',
    '}',
    '# download URL FILE: fetches URL into FILE over HTTPS, retried, each try bounded to 10 minutes.',
    `download() { retry ${DOWNLOAD_ATTEMPTS} curl -fsSL --proto '=https' --connect-timeout 10 --max-time 600 -o "$2" "$1"; }`,
    '# sha256_check FILE SUMS NAME: FILE must have the SHA-256 that the checksum list SUMS gives for NAME.',
    'sha256_check() {',
    `  want=$(awk -v name="$3" '$2 == name || $2 == "*" name { print $1; exit }' "$2")`,
    '  if [ -z "$want" ]; then log "no checksum for $3 in $2"; return 1; fi',
    '  got=$(sha256sum "$1" | cut -d " " -f 1)',
    '  if [ "$got" != "$want" ]; then log "checksum mismatch for $3: got $got, published $want"; return 1; fi',
    '}',
  ];
}

/**
 * `bootcmd` lines that wait, at most `attempts` × 2 seconds, until `ip -4 route <query>` names a
 * device, and put it into the shell variable `variable`; on timeout they log to the journal and fail
 * (bootcmd runs before the bootstrap scripts, so it logs by itself).
 */
export function waitForRouteDevice(variable: string, query: string, attempts = 60): string[] {
  return [
    `tries=0; until ${variable}=$(ip -4 route ${query} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1) && [ -n "$${variable}" ]; do tries=$((tries + 1)); if [ "$tries" -ge ${attempts} ]; then logger -t ${BOOT_LOG_TAG} "FAILED: no route for '${query}' after ${attempts * 2} s"; exit 1; fi; sleep 2; done`,
  ];
}
