/**
 * Custom jest resolver: lets CommonJS tests (transpiled by @swc/jest) `require`/`await import()` the
 * ESM-only `kubernetes-models` family.
 *
 * These packages publish an `exports` map with only `types` and `import` conditions, so jest's default
 * CommonJS conditions (`require`, `default`, `node`) find no entry and resolution fails with
 * "Cannot find module". For requests of those packages (and their ESM-only dependencies) this resolver
 * asks jest's default resolver again with the `import` condition added. The resolved files are still
 * ESM syntax: jest.config.js's `transformIgnorePatterns` lets @swc/jest transform them to CommonJS.
 * Every other request is resolved exactly as jest would by default.
 *
 * Keep ESM_PACKAGES in sync with the `transformIgnorePatterns` exception in jest.config.js
 * (both come from the exported list below).
 */
'use strict';

/** Package names (exact, or a scope ending in "/") that are ESM-only and need the `import` condition. */
const ESM_PACKAGES = ['kubernetes-models', '@kubernetes-models/', 'is-cidr', 'cidr-regex'];

/** True when the bare request `request` names one of ESM_PACKAGES (or a subpath of one). */
function isEsmPackageRequest(request) {
  return ESM_PACKAGES.some((p) =>
    p.endsWith('/') ? request.startsWith(p) : request === p || request.startsWith(`${p}/`),
  );
}

/**
 * jest resolver entry point: `(request, options) => absolutePath`.
 * `options.defaultResolver` is jest's own resolver; `options.conditions` its export conditions.
 */
function resolve(request, options) {
  if (isEsmPackageRequest(request)) {
    const conditions = ['import', ...(options.conditions ?? ['require', 'default']).filter((c) => c !== 'import')];
    return options.defaultResolver(request, { ...options, conditions });
  }
  return options.defaultResolver(request, options);
}

module.exports = resolve;
module.exports.ESM_PACKAGES = ESM_PACKAGES;
