/** jest: TypeScript transpiled by swc (type-checking is `npm run typecheck`, a separate step). */
const { ESM_PACKAGES } = require('./__tests__/support/jest-resolver.js');

/** Regex alternation of the ESM-only packages that swc must transform (escaped, scope-aware). */
const esmAlternation = ESM_PACKAGES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/$/, '/[^/]+')).join('|');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // `*.terraform.test.ts` run real Terraform (offline provider): `npm run test:terraform`, in CI. `npm test`
  // needs only Node and npm.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.CATALYST_TERRAFORM_TESTS ? [] : ['\\.terraform\\.test\\.ts$'])],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest'] },
  // kubernetes-models & co. are ESM-only: the resolver adds the `import` export condition for them and
  // swc transforms them to CommonJS (every other node_modules package is left untransformed, as by default).
  resolver: '<rootDir>/__tests__/support/jest-resolver.js',
  transformIgnorePatterns: [`/node_modules/(?!(?:${esmAlternation})/)`, '\\.pnp\\.[^\\/]+$'],
  testTimeout: 120000,
};
