/**
 * Checks the user_data of every server with the tools that run it: `cloud-init schema` on the
 * cloud-config, `shellcheck` on every script in it (each `write_files` entry that starts with `#!`, and
 * the `bootcmd` lines as one `sh` script).
 *
 * Input: the `terraform show -json` state of applied stacks (CI applies every synthesized stack with
 * the offline provider, `check.sh --keep`, and passes each scratch directory's `show.log`), so the
 * user_data checked is what Terraform itself evaluated: `base64gzip()` of the cloud-init with every
 * reference resolved. Each user_data is base64-decoded and gunzipped, as cloud-init's Hetzner
 * datasource and cloud-init do.
 *
 * Usage: `tsx scripts/check-user-data.ts SHOW_JSON...`. Prints one line per server; exits 1 when a
 * check fails (with the tool's output), 2 on bad arguments or a missing tool.
 * Needs `cloud-init` and `shellcheck` (Debian packages of the same names).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';

/** One server's user_data from a `terraform show -json` document. */
export interface ServerUserData {
  readonly address: string;
  readonly userData: string;
}

/** The hcloud_server resources of a `terraform show -json` document (root module and child modules). */
export function serverUserData(show: unknown): ServerUserData[] {
  const out: ServerUserData[] = [];
  const walk = (module: { resources?: Array<{ address: string; type: string; values?: { user_data?: string } }>; child_modules?: unknown[] } | undefined) => {
    for (const r of module?.resources ?? []) if (r.type === 'hcloud_server' && typeof r.values?.user_data === 'string') out.push({ address: r.address, userData: r.values.user_data });
    for (const child of module?.child_modules ?? []) walk(child as typeof module);
  };
  walk((show as { values?: { root_module?: Parameters<typeof walk>[0] } }).values?.root_module);
  return out;
}

/** The cloud-config text of a user_data: base64 of gzip (as catalyst-cdk sends it), or plain text. */
export function decodeUserData(userData: string): string {
  if (userData.startsWith('#cloud-config')) return userData;
  return gunzipSync(Buffer.from(userData, 'base64')).toString('utf8');
}

/** The shell scripts inside a cloud-config: `write_files` entries starting with `#!`, and `bootcmd` as one script. */
export function scriptsOf(cloudConfig: string): Array<{ name: string; text: string }> {
  const doc = parse(cloudConfig) as { write_files?: Array<{ path: string; content?: string }>; bootcmd?: unknown[] };
  const scripts = (doc.write_files ?? []).filter((f) => typeof f.content === 'string' && f.content.startsWith('#!')).map((f) => ({ name: f.path, text: f.content! }));
  if (doc.bootcmd?.length) scripts.push({ name: 'bootcmd', text: ['#!/bin/sh', ...doc.bootcmd.map((c) => (Array.isArray(c) ? c.join(' ') : String(c))), ''].join('\n') });
  return scripts;
}

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) {
    console.error(`check-user-data: cannot run ${command}: ${r.error.message} (install the Debian package ${command})`);
    process.exit(2);
  }
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

function main(files: string[]): number {
  if (files.length === 0) {
    console.error('usage: check-user-data.ts SHOW_JSON...');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'check-user-data-'));
  let failures = 0;
  let servers = 0;
  try {
    for (const file of files) {
      for (const { address, userData } of serverUserData(JSON.parse(readFileSync(file, 'utf8')))) {
        servers++;
        const text = decodeUserData(userData);
        const configFile = join(dir, `${servers}.yaml`);
        writeFileSync(configFile, text);
        const problems: string[] = [];
        const schema = run('cloud-init', ['schema', '--config-file', configFile]);
        if (!schema.ok) problems.push(`cloud-init schema:\n${schema.output}`);
        const scripts = scriptsOf(text);
        scripts.forEach((s, i) => {
          const scriptFile = join(dir, `${servers}-${i}.sh`);
          writeFileSync(scriptFile, s.text);
          const check = run('shellcheck', ['--shell=sh', scriptFile]);
          if (!check.ok) problems.push(`shellcheck ${s.name}:\n${check.output}`);
        });
        const what = `${file}: ${address}: ${Buffer.byteLength(userData)} bytes of user_data, ${Buffer.byteLength(text)} of cloud-config, ${scripts.length} scripts`;
        if (problems.length > 0) {
          failures++;
          console.log(`FAIL ${what}\n${problems.join('\n')}`);
        } else {
          console.log(`OK   ${what}`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (servers === 0) {
    console.error('check-user-data: no hcloud_server with user_data in the given files');
    return 1;
  }
  console.log(`${servers - failures} passed, ${failures} failed`);
  return failures > 0 ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
