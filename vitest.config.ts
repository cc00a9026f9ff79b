/**
 * There is no root test project: each package has its own vitest configuration (browser projects,
 * global setup, timeouts), and vitest cannot nest those projects under one root. A bare `vitest` here
 * would run browser suites in Node and fail, so it stops with the commands that work instead.
 */
throw new Error(
  [
    "Run the tests through the packages, not a root vitest:",
    "  pnpm test                                  every package (turbo), as CI does",
    "  pnpm --filter @chunked/core test           one package",
    "  cd packages/core && pnpm vitest run test/reductions   part of one package",
  ].join("\n"),
);
