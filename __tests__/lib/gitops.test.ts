import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFolder, commitStaged, discardStaged, fileNames, FileTree, Manifest, stageFolder, toYaml, writeTree } from '../../lib/gitops';

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

describe('atomic writes', () => {
  function existing(): string {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-atomic-'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'old.txt'), 'previous');
    return dir;
  }

  it('replaces the previous tree only on commit', () => {
    const dir = existing();
    const stage = stageFolder(join(dir, 'out'));
    writeTree(stage, new Map([['a/new.txt', 'next']]));
    expect(readFileSync(join(dir, 'out', 'old.txt'), 'utf8')).toBe('previous');
    commitStaged([stage]);
    expect(existsSync(join(dir, 'out', 'old.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'out', 'a', 'new.txt'), 'utf8')).toBe('next');
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('leaves the previous tree as it was when the staged one is discarded', () => {
    const dir = existing();
    const stage = stageFolder(join(dir, 'out'));
    writeTree(stage, new Map([['new.txt', 'next']]));
    discardStaged([stage]);
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readdirSync(join(dir, 'out'))).toEqual(['old.txt']);
  });

  it('puts every target back when one of several moves fails', () => {
    const dir = existing();
    const good = stageFolder(join(dir, 'out'));
    writeTree(good, new Map([['new.txt', 'next']]));
    const broken = stageFolder(join(dir, 'other'));
    discardStaged([broken]);
    expect(() => commitStaged([good, broken])).toThrow();
    expect(readdirSync(join(dir, 'out'))).toEqual(['old.txt']);
    expect(readdirSync(dir)).toEqual(['out']);
  });
});
