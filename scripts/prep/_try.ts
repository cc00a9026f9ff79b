import { prepareWeather } from "./prep.js";
import { previewHdf5 } from "./preview.js";
const r = await prepareWeather({ root: "/tmp/prep-try", growth: 4, days: 8, formats: ["hdf5", "zarr"], log: console.log, force: true });
console.log(r.written.length, r.seconds);
for (const d of ["01", "02", "08"]) console.log(await previewHdf5(`/tmp/prep-try/weather-small/2014-01-${d}.hdf5`, `/tmp/small-${d}.png`));
console.log(await previewHdf5(`/tmp/prep-try/weather-big/2014-01-01.hdf5`, `/tmp/big-01.png`));
