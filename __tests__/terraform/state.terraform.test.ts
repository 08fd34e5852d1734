/**
 * Terraform state survives synth: with real Terraform (offline provider), a deployed stack's local
 * state lives outside the synth output, a new synth leaves it and Terraform's working files alone,
 * and the next plan has nothing to do. The S3 backend's arguments are accepted by Terraform itself.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sovereign } from '../../app/sovereign';
import { ROOT } from '../support/synth';
import { terraform } from '../support/terraform';

const STACK = 'solo-hz-fsn-mgt-prod';
const VARS = { TF_VAR_hcloud_token: 'test-dummy' };

function synth(project: string): number {
  const report = Sovereign.fromFile(join(ROOT, 'examples/solo.yaml')).synthesize({ terraformOut: join(project, 'cdktf.out'), gitopsOut: join(project, 'gitops') });
  return report.stacks[0]!.resources;
}

describe('local state survives synth (real Terraform, offline provider)', () => {
  it('apply, synthesize twice, plan: the state, lock file and .terraform stay, and the plan has no changes', () => {
    const project = mkdtempSync(join(tmpdir(), 'catalyst-state-'));
    const resources = synth(project);
    const stackDir = join(project, 'cdktf.out', 'stacks', STACK);
    const init = terraform(stackDir, ['init', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const apply = terraform(stackDir, ['apply', '-auto-approve', '-no-color'], VARS);
    expect(apply.stderr).toBe('');
    const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object>; data?: object };
    expect(tf.data).toBeUndefined(); // so every counted resource is a managed one
    expect(apply.stdout).toContain(`Apply complete! Resources: ${resources} added, 0 changed, 0 destroyed.`);

    // State is beside the output folder, one file per stack, and holds every resource and data source.
    const stateFile = join(project, 'terraform-state', `${STACK}.tfstate`);
    const state = readFileSync(stateFile, 'utf8');
    expect((JSON.parse(state) as { resources: unknown[] }).resources.length).toBe(resources);
    expect(readdirSync(stackDir).sort()).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf.json']);
    const lock = readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8');
    writeFileSync(join(stackDir, 'terraform.tfvars'), 'hcloud_token = "from-tfvars"\n');

    synth(project);
    synth(project);
    expect(readFileSync(stateFile, 'utf8')).toBe(state);
    expect(readdirSync(join(project, 'terraform-state'))).toEqual([`${STACK}.tfstate`]);
    expect(readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
    expect(readFileSync(join(stackDir, 'terraform.tfvars'), 'utf8')).toBe('hcloud_token = "from-tfvars"\n');
    expect(readdirSync(stackDir).sort()).toEqual(['.terraform', '.terraform.lock.hcl', 'cdk.tf.json', 'terraform.tfvars']);

    const plan = terraform(stackDir, ['plan', '-detailed-exitcode', '-no-color'], VARS);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('No changes. Your infrastructure matches the configuration.');
    expect(plan.status).toBe(0);
  });
});

describe('state kept by earlier versions in the stack folder', () => {
  it('survives the upgrade: the synth keeps it, says how to move it, and after init -migrate-state the plan has no changes', () => {
    const project = mkdtempSync(join(tmpdir(), 'catalyst-legacy-state-'));
    synth(project);
    const stackDir = join(project, 'cdktf.out', 'stacks', STACK);
    // What an earlier version wrote: the same stack with its state in the stack folder.
    const file = join(stackDir, 'cdk.tf.json');
    const tf = JSON.parse(readFileSync(file, 'utf8'));
    tf.terraform.backend = { local: { path: 'terraform.tfstate' } };
    writeFileSync(file, JSON.stringify(tf));
    expect(terraform(stackDir, ['init', '-no-color']).status).toBe(0);
    expect(terraform(stackDir, ['apply', '-auto-approve', '-no-color'], VARS).status).toBe(0);
    const legacy = readFileSync(join(stackDir, 'terraform.tfstate'), 'utf8');

    const report = Sovereign.fromFile(join(ROOT, 'examples/solo.yaml')).synthesize({ terraformOut: join(project, 'cdktf.out') });
    expect(readFileSync(join(stackDir, 'terraform.tfstate'), 'utf8')).toBe(legacy);
    expect(report.notices).toEqual([`the state of stack ${STACK} is still in ${join(stackDir, 'terraform.tfstate')}; move it to terraform-state/ once with: terraform -chdir=${stackDir} init -migrate-state`]);

    const migrate = terraform(stackDir, ['init', '-migrate-state', '-force-copy', '-no-color']);
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'terraform-state', `${STACK}.tfstate`), 'utf8')).resources.length).toBe(report.stacks[0]!.resources);
    const plan = terraform(stackDir, ['plan', '-detailed-exitcode', '-no-color'], VARS);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.status).toBe(0);
    expect(Sovereign.fromFile(join(ROOT, 'examples/solo.yaml')).synthesize({ terraformOut: join(project, 'cdktf.out') }).notices).toEqual([]);
  });
});

describe('S3 backend', () => {
  /** A folder holding only the backend block of the bank-dr primary stack, its endpoint replaced. */
  function backendOnly(edit: (s3: Record<string, unknown>) => void): string {
    const project = mkdtempSync(join(tmpdir(), 'catalyst-s3-'));
    Sovereign.fromFile(join(ROOT, 'examples/bank-dr.yaml')).synthesize({ terraformOut: join(project, 'cdktf.out') });
    const tf = JSON.parse(readFileSync(join(project, 'cdktf.out', 'stacks', 'bank-hz-fsn-rtz-prod', 'cdk.tf.json'), 'utf8'));
    const s3 = tf.terraform.backend.s3 as Record<string, unknown>;
    // A local port nothing listens on: init fails fast at the first request, after checking the arguments.
    s3.endpoints = { s3: 'https://127.0.0.1:9' };
    edit(s3);
    const dir = join(project, 'backend');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { backend: { s3 } } }));
    return dir;
  }

  // One attempt: the SDK would otherwise retry the refused connection for half a minute.
  const ENV = { AWS_ACCESS_KEY_ID: 'test-dummy', AWS_SECRET_ACCESS_KEY: 'test-dummy', AWS_MAX_ATTEMPTS: '1' };

  it('is accepted by Terraform with use_lockfile: init gets past the arguments to the bucket', () => {
    const init = terraform(backendOnly(() => undefined), ['init', '-no-color'], ENV);
    expect(init.status).toBe(1);
    expect(init.stderr).toMatch(/Unable to list objects in S3 bucket "bank-terraform-state"/);
    expect(init.stderr).not.toMatch(/Extraneous JSON object property|Unsupported argument|Invalid/);
  });

  it('an argument Terraform does not know fails init on the arguments (the check above can fail)', () => {
    const init = terraform(backendOnly((s3) => (s3.use_lock_file = true)), ['init', '-no-color'], ENV);
    expect(init.status).toBe(1);
    expect(init.stderr).toMatch(/Extraneous JSON object property/);
    expect(init.stderr).toMatch(/No argument or block type is named "use_lock_file"/);
  });
});
