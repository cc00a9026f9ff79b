/** Cross-origin isolation: the Web pool shares chunks through SharedArrayBuffer only with these. */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};
