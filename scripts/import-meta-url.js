// Injected into the CommonJS print bundle (scripts/build.mjs), where import.meta does not exist:
// import.meta.url for the code that finds files beside its bundle (new URL("./x", import.meta.url)).
// A statement in the banner instead would come before esbuild's "use strict" and lose it.
export const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;
