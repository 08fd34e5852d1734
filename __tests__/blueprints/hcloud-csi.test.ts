/**
 * The Hetzner CSI driver Blueprint: the encrypted default StorageClass, the passphrase Secret the
 * bootstrap generates on the node, the token and metadata service access, its values against the
 * pinned chart's values and schema, and its props from YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse, stringify } from 'yaml';
import { HcloudCsi } from '../../blueprints';
import { Sovereign } from '../../app/sovereign';
import { checkValues, findChartDir, loadChart } from '../../lib/chart-check';
import { SpecError } from '../../lib/errors';
import { CHARTS } from '../../lib/versions';
import { CHARTS_DIR } from '../support/charts';
import { renderedValues, testCluster, type Json } from '../support/render';
import { resources, ROOT, synthExample, userDataText } from '../support/synth';

const ctx = testCluster();
const pin = CHARTS['hcloud-csi'];

describe('the Hetzner CSI driver', () => {
  const v = renderedValues(new HcloudCsi());

  it('renders the encrypted default StorageClass under the cluster context\'s name, keeping volumes when claims go', () => {
    expect(ctx.storageClass).toBe('hcloud-volumes-encrypted');
    expect(v.storageClasses).toEqual([
      {
        name: 'hcloud-volumes-encrypted',
        defaultStorageClass: true,
        reclaimPolicy: 'Retain',
        extraParameters: {
          'csi.storage.k8s.io/node-publish-secret-name': 'hcloud-csi-encryption',
          'csi.storage.k8s.io/node-publish-secret-namespace': 'kube-system',
        },
      },
    ]);
    expect(new HcloudCsi().bootstrapSecrets(ctx)).toEqual([{ name: 'hcloud-csi-encryption', namespaces: ['kube-system'], randomKeys: ['encryption-passphrase'] }]);
  });

  it('takes your own passphrase Secret (then generates none) and a Delete reclaim policy from the props', () => {
    const own = new HcloudCsi({ encryptionSecret: 'luks-from-openbao', reclaimPolicy: 'Delete' });
    const sc = renderedValues(own).storageClasses[0];
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.extraParameters['csi.storage.k8s.io/node-publish-secret-name']).toBe('luks-from-openbao');
    expect(own.encryptionSecret()).toBe('luks-from-openbao');
    expect(own.bootstrapSecrets(ctx)).toEqual([]);
  });

  it('reads the token from the in-cluster Hetzner Secret and needs the metadata service only on its node plugin', () => {
    expect(v.controller.hcloudToken).toEqual({ existingSecret: { name: 'hcloud', key: 'token' } });
    // with a default location the controller never asks the metadata service (internal/app/app.go at the pinned release)
    expect(v.controller.hcloudVolumeDefaultLocation).toBe('fsn1');
    expect(v.node.podLabels).toEqual({ 'catalyst.openova.io/metadata-service': 'allowed' });
    expect(v.controller.podLabels).toBeUndefined();
    // one controller: a budget of one available pod would block every drain
    expect(v.controller).toMatchObject({ replicaCount: 1, podDisruptionBudget: { create: false } });
  });

  it('passes the chart\'s values.schema.json and sets only keys of the pinned chart hcloud-csi, with default and custom props', () => {
    const dir = findChartDir(CHARTS_DIR, pin.chart, pin.version)!;
    const schema = JSON.parse(readFileSync(join(dir, 'values.schema.json'), 'utf8'));
    const { $schema: _draft, ...body } = schema;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(body);
    expect(validate(v) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...v, controller: { ...v.controller, replicaCount: 'one' } })).toBe(false);
    // resources and podLabels are free-form maps in values.yaml, rendered whole with toYaml (templates/controller/deployment.yaml, templates/node/daemonset.yaml)
    const chart = loadChart(dir);
    for (const bp of [new HcloudCsi(), new HcloudCsi({ reclaimPolicy: 'Delete', encryptionSecret: 'luks' })]) expect(checkValues(renderedValues(bp), chart).problems).toEqual([]);
    expect(checkValues({ ...v, controller: { ...v.controller, hcloudVolumeDefaultLocaton: 'fsn1' } }, chart).problems.map((p) => p.path)).toEqual(['controller.hcloudVolumeDefaultLocaton']);
  });

  it('refuses a namespace other than kube-system, where the exemption counts and the token Secret lives', () => {
    class Elsewhere extends HcloudCsi {
      static override readonly metadata = { ...HcloudCsi.metadata, namespace: 'storage' };
    }
    expect(() => renderedValues(new Elsewhere())).toThrow('Blueprint hcloud-csi: namespace storage must be kube-system, where the node plugin\'s metadata service exemption counts and the Hetzner token Secret kube-system/hcloud lives');
  });
});

describe('the LUKS passphrase on the first control plane server', () => {
  it('is generated on the node, in kube-system, as 32 random characters', () => {
    const ex = synthExample('solo');
    const cp = resources(ex.stacks['solo-hz-fsn-mgt-prod']!, 'hcloud_server').control_plane_1!;
    const files: Json[] = parse(userDataText(cp)).write_files;
    const script = files.find((f) => f.path === '/usr/local/sbin/catalyst-bootstrap.sh')!.content as string;
    const line = script.split('\n').find((l) => l.startsWith('ensure_secret kube-system hcloud-csi-encryption '))!;
    const variable = /--from-literal=encryption-passphrase="\$(\w+)"$/.exec(line)![1];
    expect(script).toContain(`${variable}=$(random_value)`);
    expect(script).toContain('random_value() { head -c 96 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32; }');
  });
});

describe('props from YAML (spec.blueprints.props.hcloud-csi)', () => {
  const solo = parse(readFileSync(join(ROOT, 'examples/solo.yaml'), 'utf8'));
  const load = (props: unknown) => Sovereign.fromYaml(stringify({ ...solo, spec: { ...solo.spec, blueprints: { props: { 'hcloud-csi': props } } } }));
  const problems = (props: unknown) => {
    try {
      load(props);
      return [];
    } catch (err) {
      return (err as SpecError).problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
    }
  };

  it('accepts a reclaim policy and your own passphrase Secret, which the StorageClass then references', () => {
    const files = load({ reclaimPolicy: 'Delete', encryptionSecret: 'luks-from-openbao' }).gitopsTree().files;
    const sc = parse(files.get('clusters/hz-fsn-mgt-prod/bp-hcloud-csi/helmrelease.yaml')!).spec.values.storageClasses[0];
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', extraParameters: { 'csi.storage.k8s.io/node-publish-secret-name': 'luks-from-openbao' } });
  });

  it('rejects a reclaim policy Kubernetes does not have and a Secret name that is not one', () => {
    expect(problems({ reclaimPolicy: 'Recycle', encryptionSecret: 'LUKS key' })).toEqual([
      { path: 'spec.blueprints.props.hcloud-csi.reclaimPolicy', value: 'Recycle', message: 'must be Retain or Delete' },
      { path: 'spec.blueprints.props.hcloud-csi.encryptionSecret', value: 'LUKS key', message: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", e.g. my-secret' },
    ]);
  });
});
