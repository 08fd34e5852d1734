/**
 * The chart check: Helm values and custom resources verified against the upstream chart data of the
 * pinned versions (`../shared/charts`, or a cache of your own laid out `<component>/<chart>-<version>/`).
 * Pure functions over files; `scripts/check-charts.ts` is the command line.
 */
export { coalesce, findChartDir, isMap, loadChart, type ChartData, type ChartSchema, type ValuesMap } from './chart';
export { loadCrds, validateCustomResource, type CrdIndex, type CrdVersion, type CustomResourceReport } from './crd';
export { compileSchema, type SchemaViolation } from './schema';
export { checkTree, type BlueprintValuesStats, type ObjectStats, type TreeCheckOptions, type TreeObject, type TreeReport } from './tree';
export { checkValues, kindOf, leaves, type TemplateValue, type ValueKind, type ValuesProblem, type ValuesProblemKind, type ValuesReport } from './values';
