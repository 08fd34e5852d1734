import { addFolder, fileNames, FileTree, Manifest, toYaml } from '../../lib/gitops';

const m = (kind: string, name: string, namespace?: string): Manifest => ({ apiVersion: 'v1', kind, metadata: { name, namespace } });

describe('fileNames', () => {
  it('names a file by kind when the kind is unique in the folder', () => {
    expect(fileNames([m('Namespace', 'a'), m('HelmRelease', 'b')])).toEqual(['namespace.yaml', 'helmrelease.yaml']);
  });

  it('adds the name, then the namespace, when needed to tell objects apart', () => {
    expect(fileNames([m('ConfigMap', 'a', 'x'), m('ConfigMap', 'b', 'x'), m('Secret', 'c', 'x'), m('Secret', 'c', 'y')])).toEqual([
      'configmap-a.yaml',
      'configmap-b.yaml',
      'secret-x-c.yaml',
      'secret-y-c.yaml',
    ]);
  });

  it('never names a Flux Kustomization kustomization.yaml', () => {
    expect(fileNames([m('Kustomization', 'bp-a')])).toEqual(['kustomization-bp-a.yaml']);
  });

  it('rejects two objects with the same kind, namespace and name', () => {
    expect(() => fileNames([m('Secret', 'c', 'x'), m('Secret', 'c', 'x')])).toThrow(/secret-x-c.yaml/);
  });
});

describe('addFolder and toYaml', () => {
  it('writes sorted keys and a kustomization listing every file', () => {
    const tree: FileTree = new Map();
    addFolder(tree, 'c/bp-x', [{ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x', labels: { z: '1', a: '2' } } }]);
    expect(tree.get('c/bp-x/namespace.yaml')).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    a: "2"\n    z: "1"\n  name: x\n');
    expect(tree.get('c/bp-x/kustomization.yaml')).toBe(toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['namespace.yaml'] }));
  });
});
