/**
 * typedoc plugin: documents the properties of types inferred from zod schemas (the spec types, the
 * Blueprint props schemas) with the text of their `.describe('...')` call, so the API reference and
 * the spec's JSON Schema read the one description written next to the field. A property whose
 * declaration carries a doc comment of its own keeps it; one with neither stays undocumented, and
 * typedoc's `notDocumented` check reports it.
 */
import ts from 'typescript';
import { Comment, Converter } from 'typedoc';

/** A string literal's text, or a template's whose substitutions have string literal types (`${NODE_SOFTWARE.k3s}`). */
function staticText(node, checker) {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return undefined;
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const type = checker.getTypeAtLocation(span.expression);
    if (!type.isStringLiteral()) return undefined;
    text += type.value + span.literal.text;
  }
  return text;
}

/**
 * The string of the outermost `.describe('...')` call in a property's initializer chain, following a
 * chain that starts at a named schema (`serverType.prefault(...)`) into that schema's declaration.
 */
function describedText(expression, checker) {
  let node = expression;
  for (let hops = 0; node && hops < 50; hops++) {
    if (ts.isIdentifier(node)) {
      const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration;
      node = declaration && ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
      continue;
    }
    if (!ts.isCallExpression(node)) return undefined;
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'describe' && node.arguments[0]) {
      const text = staticText(node.arguments[0], checker);
      if (text !== undefined) return text;
    }
    node = ts.isPropertyAccessExpression(callee) ? callee.expression : ts.isIdentifier(callee) ? undefined : callee;
  }
  return undefined;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.comment) return;
    const symbol = context.getSymbolFromReflection(reflection);
    for (const declaration of symbol?.declarations ?? []) {
      if (!ts.isPropertyAssignment(declaration)) continue;
      const text = describedText(declaration.initializer, context.checker);
      if (text !== undefined) {
        reflection.comment = new Comment([{ kind: 'text', text }]);
        return;
      }
    }
  });
}
