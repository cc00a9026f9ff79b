import { packageConfig } from "../vitest.shared.js";

export default packageConfig({ include: ["**/*.test.ts"], testTimeout: 120_000 });
