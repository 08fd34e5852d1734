/**
 * YAML features a Sovereign spec does not use, found on the parsed document before it is converted:
 * several documents in one file, merge keys (`<<`), and aliases that expand beyond a fixed budget
 * (the "billion laughs" pattern) or into themselves. Each is reported with the node it is at.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** A key of a field path: a mapping key or a list index. */
export type PathKey = string | number;

/** A YAML problem at a node of the document. */
export interface YamlProblem {
  /** Field path of the node (`[]` for the document). */
  readonly path: readonly PathKey[];
  /** The offending value, as the problem shows it. */
  readonly value: unknown;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Source offset of the node, for its line and column. */
  readonly offset?: number;
}

/**
 * Most nodes aliases may add to a document when expanded: far above any real spec (hundreds of
 * nodes, a few thousand with large Helm values), far below what slows the loader down.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/**
 * Aliases a document may hold, passed to the `yaml` library's own guard (`maxAliasCount`) too.
 * @see https://eemeli.org/yaml/#tojs-options
 */
export const MAX_ALIASES = 100;

/** True for a document with no content: nothing, or only a null (a stray `---` at the end of a file). */
export function isEmptyDocument(doc: Document): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

/**
 * Problems of a stream that holds more than one non-empty document: a spec file holds one Sovereign.
 * An empty document (a stray `---` at the end) does not count.
 *
 * @param documents every document of the file, in order
 */
export function documentCountProblems(documents: readonly Document[]): YamlProblem[] {
  const filled = documents.filter((d) => !isEmptyDocument(d));
  if (filled.length <= 1) return [];
  return [
    {
      path: [],
      value: `${filled.length} documents`,
      message: `holds ${filled.length} YAML documents (separated by ---) but a spec file holds exactly one Sovereign; keep one and move each other document to a file of its own`,
      offset: filled[1]!.contents!.range?.[0],
    },
  ];
}

/**
 * Merge keys and alias expansion of one document.
 *
 * - A merge key (`<<: *defaults`) is YAML 1.1 only; under YAML 1.2, which the loader and editors'
 *   language servers follow, `<<` is an ordinary key, so tools disagree on what the spec says.
 * - Aliases are expanded by the loader: more than `MAX_ALIASES` aliases, an expansion beyond
 *   `MAX_ALIAS_EXPANSION` nodes, or an alias inside the node it refers to (infinite) are refused.
 */
export function structureProblems(doc: Document): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const sizes = new Map<Node, number>();
  const expanding = new Set<Node>();
  let aliases = 0;
  let expanded = 0;
  let exhausted = false;

  /** Nodes of `node` with aliases expanded; `Infinity` for an alias inside its own anchor. */
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      return target ? sizeOf(target) : 1;
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (expanding.has(node)) return Infinity;
    expanding.add(node);
    let size = 1;
    for (const item of node.items as unknown[]) size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    expanding.delete(node);
    sizes.set(node, size);
    return size;
  };

  const walk = (node: unknown, path: readonly PathKey[]): void => {
    if (isAlias(node)) {
      aliases++;
      const size = sizeOf(node);
      expanded += size;
      if (exhausted) return;
      const offset = node.range?.[0];
      const value = `*${node.source}`;
      if (size === Infinity) {
        problems.push({ path, value, message: `refers to the anchor &${node.source} from inside the node it anchors, which makes the document infinitely deep; write the value out instead of the alias`, offset });
        exhausted = true;
      } else if (aliases > MAX_ALIASES || expanded > MAX_ALIAS_EXPANSION) {
        const what = aliases > MAX_ALIASES ? `is alias number ${aliases}, more than the ${MAX_ALIASES} a spec may hold` : `brings the nodes that aliases add to the document to ${expanded}, more than the ${MAX_ALIAS_EXPANSION} a spec may expand to`;
        problems.push({ path, value, message: `${what} (aliases of aliases multiply, the "billion laughs" pattern); write the values out, or reuse fewer and smaller anchors`, offset });
        exhausted = true;
      }
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        const keyText = typeof key === 'string' || typeof key === 'number' ? String(key) : '?';
        if (keyText === '<<') {
          problems.push({
            path: [...path, keyText],
            value: isAlias(pair.value) ? `*${pair.value.source}` : '<<',
            message: 'is a YAML merge key, which YAML 1.2 (what this loader and editors follow) does not have, so tools disagree on what it means; write the merged keys out in this mapping',
            offset: isScalar(pair.key) ? pair.key.range?.[0] : undefined,
          });
          continue;
        }
        walk(pair.value, [...path, keyText]);
      }
      return;
    }
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
  };

  walk(doc.contents, []);
  return problems;
}
