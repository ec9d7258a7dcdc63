/** The dependency rule of STYLE.md §3, checked by `pnpm deps:check` (part of `pnpm test`). */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core imports nothing outside core and node built-ins are forbidden (no I/O)',
      severity: 'error',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^packages/core/src' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      from: { path: '^packages/(adapter-[a-z]+)/src', pathNot: '^packages/adapter-http/src/main/' },
      to: { path: '^packages/adapter-[a-z]+/', pathNot: '^packages/$1/' },
    },
    {
      name: 'di-only-in-composition-root',
      severity: 'error',
      from: { pathNot: '^packages/adapter-http/src/main/' },
      to: { path: 'node_modules/(inversify|reflect-metadata|@inversifyjs)' },
    },
    {
      name: 'nothing-imports-the-composition-root',
      severity: 'error',
      from: { pathNot: '^packages/adapter-http/(src|test)/main/|^packages/adapter-http/test/' },
      to: { path: '^packages/adapter-http/src/main/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.typecheck.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'node', 'default'],
    },
  },
};
