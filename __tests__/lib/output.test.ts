/**
 * The output writer owns only what it wrote: it replaces and prunes the files of its record,
 * refuses folders and files that are not its own unless told to adopt them, and writes all plans
 * or none.
 */
import fs, { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from '../../lib/errors';
import { OWNERSHIP_RECORD, readOwnershipRecord, renderOwnershipRecord, toYaml } from '../../lib/gitops';
import { isSafeRelativePath, planProblems, writeOutputs } from '../../lib/output';
import { readTree } from '../support/synth';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'catalyst-output-'));
}

function put(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const tree = (files: Record<string, string>) => new Map(Object.entries(files));

describe('writeOutputs', () => {
  it('writes a new folder, then replaces and prunes only the files of the previous record', () => {
    const dir = tmp();
    const root = join(dir, 'out');
    writeOutputs([{ root, files: tree({ 'a/one.yaml': '1', 'b/two.yaml': '2' }), previous: undefined }]);
    expect(readTree(root)).toEqual(tree({ 'a/one.yaml': '1', 'b/two.yaml': '2' }));
    put(root, { 'a/mine.txt': 'user', 'notes.md': 'user' });
    writeOutputs([{ root, files: tree({ 'a/one.yaml': '1b', 'c/three.yaml': '3' }), previous: ['a/one.yaml', 'b/two.yaml'] }]);
    expect(readTree(root)).toEqual(tree({ 'a/mine.txt': 'user', 'a/one.yaml': '1b', 'c/three.yaml': '3', 'notes.md': 'user' }));
    expect(readdirSync(root).sort()).toEqual(['a', 'c', 'notes.md']);
  });

  it('keeps a folder pruning empties when it is listed in keepFolders', () => {
    const root = join(tmp(), 'out');
    writeOutputs([{ root, files: tree({ 'stacks/x/cdk.tf.json': '{}' }), previous: undefined }]);
    writeOutputs([{ root, files: tree({ 'stacks/y/cdk.tf.json': '{}' }), previous: ['stacks/x/cdk.tf.json'], keepFolders: ['stacks/x'] }]);
    expect(readdirSync(join(root, 'stacks')).sort()).toEqual(['x', 'y']);
    expect(readdirSync(join(root, 'stacks', 'x'))).toEqual([]);
  });

  it('refuses a non-empty folder without a record, naming it and --adopt, and writes nothing', () => {
    const root = tmp();
    put(root, { 'README.md': 'mine' });
    const plan = { root, files: tree({ 'README.md': 'ours', 'x.yaml': 'x' }), previous: undefined };
    expect(() => writeOutputs([plan])).toThrow(OutputError);
    expect(planProblems(plan)).toEqual([`${root} is not empty and has no record of files catalyst-cdk wrote there; point the output at an empty or new folder, or adopt this one (--adopt): catalyst-cdk then replaces the files it writes and leaves the others alone`]);
    expect(readTree(root)).toEqual(tree({ 'README.md': 'mine' }));
  });

  it('with adopt, replaces the files at its paths and leaves the others', () => {
    const root = tmp();
    put(root, { 'README.md': 'mine', 'other.txt': 'mine' });
    writeOutputs([{ root, files: tree({ 'README.md': 'ours' }), previous: undefined, adopt: true }]);
    expect(readTree(root)).toEqual(tree({ 'README.md': 'ours', 'other.txt': 'mine' }));
  });

  it('refuses to overwrite a file that is not in the record, or to put a file where a folder is or a folder where a file is', () => {
    const root = tmp();
    put(root, { 'bp-x/helmrelease.yaml': 'hand-made', 'bp-y': 'a file', 'bp-z/kustomization.yaml/keep': 'x' });
    const plan = { root, files: tree({ 'bp-x/helmrelease.yaml': 'ours', 'bp-y/namespace.yaml': 'ours', 'bp-z/kustomization.yaml': 'ours' }), previous: ['gone.yaml'] };
    expect(planProblems(plan)).toEqual([
      `${join(root, 'bp-x/helmrelease.yaml')} exists and was not written by catalyst-cdk; move it away, or adopt it (--adopt) to let catalyst-cdk replace it`,
      `${join(root, 'bp-y')} is a file where catalyst-cdk writes the folder bp-y/; move it away`,
      `${join(root, 'bp-z/kustomization.yaml')} is a folder where catalyst-cdk writes a file; move it away`,
    ]);
    const before = readTree(root);
    expect(() => writeOutputs([plan])).toThrow(OutputError);
    expect(readTree(root)).toEqual(before);
  });

  it('refuses paths outside the root, in the new files and in a record', () => {
    const root = tmp();
    expect(planProblems({ root, files: tree({ '../escape.yaml': 'x' }), previous: ['/etc/passwd', 'a/./b'] })).toEqual([
      `${root}: "../escape.yaml" is not a path inside the folder`,
      `${root}: "/etc/passwd" is not a path inside the folder`,
      `${root}: "a/./b" is not a path inside the folder`,
    ]);
    expect(['a.yaml', 'a/b.yaml', '.catalyst'].every(isSafeRelativePath)).toBe(true);
    expect(['', '/a', 'a/../b', 'a//b', 'a\\b', '..'].some(isSafeRelativePath)).toBe(false);
  });

  it('checks every plan before writing any: one refused plan leaves the others unwritten', () => {
    const dir = tmp();
    const good = join(dir, 'good');
    const bad = join(dir, 'bad');
    put(bad, { 'user.txt': 'mine' });
    expect(() => writeOutputs([{ root: good, files: tree({ 'a.yaml': 'a' }), previous: undefined }, { root: bad, files: tree({ 'b.yaml': 'b' }), previous: undefined }])).toThrow(OutputError);
    expect(readdirSync(dir)).toEqual(['bad']);
    expect(readTree(bad)).toEqual(tree({ 'user.txt': 'mine' }));
  });

  it('puts every root back as it was when a write fails half-way, and leaves no staging folder', () => {
    const dir = tmp();
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    writeOutputs([{ root: first, files: tree({ 'a.yaml': 'a1', 'old.yaml': 'o' }), previous: undefined }]);
    writeOutputs([{ root: second, files: tree({ 'locked/b.yaml': 'b1' }), previous: undefined }]);
    put(first, { 'user.txt': 'mine' });
    const before = readTree(dir);
    // Moving the second root's new file into place fails (say, the disk is full) after the first root was swapped.
    const rename = fs.renameSync;
    const spy = jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to) === join(second, 'locked', 'b.yaml') && String(from).includes('/new/')) throw new Error('ENOSPC: simulated');
      rename(from, to);
    });
    try {
      expect(() =>
        writeOutputs([
          { root: first, files: tree({ 'a.yaml': 'a2', 'new/n.yaml': 'n' }), previous: ['a.yaml', 'old.yaml'] },
          { root: second, files: tree({ 'locked/b.yaml': 'b2' }), previous: ['locked/b.yaml'] },
        ]),
      ).toThrow('ENOSPC: simulated');
    } finally {
      spy.mockRestore();
    }
    expect(readTree(dir)).toEqual(before);
    expect(readdirSync(first).sort()).toEqual(['a.yaml', 'old.yaml', 'user.txt']);
    expect(readdirSync(second)).toEqual(['locked']);
  });
});

describe('ownership record', () => {
  it('round-trips: the record lists the files, sorted, and reading it adds the record itself', () => {
    const dir = tmp();
    const text = renderOwnershipRecord({ generator: 'catalyst-cdk', version: '1.2.3', sovereign: 's', cluster: 'c', files: ['b.yaml', 'README.md', 'a/x.yaml'] });
    expect(JSON.parse(text)).toEqual({ generator: 'catalyst-cdk', version: '1.2.3', sovereign: 's', cluster: 'c', files: ['README.md', 'a/x.yaml', 'b.yaml'] });
    writeFileSync(join(dir, OWNERSHIP_RECORD), text);
    expect(readOwnershipRecord(dir)).toEqual(['README.md', 'a/x.yaml', 'b.yaml', OWNERSHIP_RECORD]);
    expect(readOwnershipRecord(join(dir, 'missing'))).toBeUndefined();
  });

  it('refuses a record that is not ours or names paths outside the folder', () => {
    const dir = tmp();
    const message = `${join(dir, OWNERSHIP_RECORD)} is not an ownership record written by catalyst-cdk (it must list the files catalyst-cdk wrote, as paths inside the folder); restore it from Git, or remove it and adopt the folder (--adopt)`;
    for (const text of ['not json', '{"files": ["a"]}', JSON.stringify({ generator: 'catalyst-cdk', files: ['../../.git/config'] })]) {
      writeFileSync(join(dir, OWNERSHIP_RECORD), text);
      expect(() => readOwnershipRecord(dir)).toThrow(message);
    }
  });
});

describe('value notes', () => {
  it('writes a reason as a comment line above the key it names', () => {
    const yaml = toYaml({ spec: { values: { image: { repository: 'bitnamilegacy/x', tag: '1' } } } }, [{ path: ['spec', 'values', 'image', 'repository'], reason: 'legacy registry' }]);
    expect(yaml).toBe('spec:\n  values:\n    image:\n      # legacy registry\n      repository: bitnamilegacy/x\n      tag: "1"\n');
  });

  it('refuses a note on a path the value does not have, or spanning lines', () => {
    expect(() => toYaml({ a: { b: 1 } }, [{ path: ['a', 'c'], reason: 'r' }])).toThrow('a note names a.c, which is not a key of the object; fix the note\'s path');
    expect(() => toYaml({ a: 1 }, [{ path: ['a'], reason: 'one\ntwo' }])).toThrow('the note on a must be one line');
  });

  it('leaves YAML without notes exactly as before', () => {
    expect(toYaml({ b: 1, a: [1] })).toBe('a:\n  - 1\nb: 1\n');
  });
});
