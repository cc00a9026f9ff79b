/** The course's lessons, in order: navigation, the index page, the service worker's precache. */
export const LESSONS = [
  {
    slug: "1-blocked-sum",
    title: "1. Blocked sum",
    blurb: "Sum an on-disk array one block at a time, by hand.",
  },
  {
    slug: "2-chunked-arrays",
    title: "2. Chunked arrays",
    blurb: "fromArray, lazy graphs, compute, and why chunk size matters.",
  },
  {
    slug: "3-weather",
    title: "3. Weather",
    blurb: "Stack 31 days streamed from Zarr, average them, draw and store the result.",
  },
  {
    slug: "4-lennard-jones",
    title: "4. Lennard-Jones",
    blurb: "An N-body energy, eager vs chunked on every core.",
  },
  {
    slug: "5-limitations",
    title: "5. Limitations",
    blurb: "What a chunked engine can't do easily, and what @chunked does today.",
  },
];

/** Every page of the site, as a path relative to its root. */
export const PAGE_PATHS = ["", ...LESSONS.map((l) => `${l.slug}/`)];
