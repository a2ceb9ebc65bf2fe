// esbuild plugins that take startup time out of dependencies without changing
// what they compute. Each checks that the code it patches is still there and
// warns (instead of silently doing nothing) when a dependency update moved it.
import { readFileSync } from "node:fs";

/**
 * Yoga (Ink's layout engine) loads its WebAssembly, embedded as a data: URI,
 * through fetch() when fetch exists. In Node that first fetch loads undici,
 * about 65 ms on the TUI's path to its first frame. Yoga's own fallback decodes
 * the same bytes from base64 synchronously; this makes it take that path.
 */
const YOGA_FETCH = 'return w||"function"!=typeof fetch?';
export const yogaWithoutFetch = patchPlugin({
  name: "yoga-without-fetch",
  filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/,
  from: YOGA_FETCH,
  to: "return true?",
});

/**
 * Characters that are one column wide whatever the terminal, in the Basic
 * Multilingual Plane (so one UTF-16 unit each): printable ASCII, Latin-1 without
 * the soft hyphen, general punctuation without separators and invisible
 * controls, arrows, box drawing, blocks, geometric shapes without the two
 * emoji-presentation squares, braille (spinners), and the dingbats tacit draws
 * (❯ ✻ ✓ ✔ ✗ ✘). Widths agree with string-width (a test checks every one).
 */
export const NARROW_TEXT_PATTERN =
  "^[\\u0020-\\u007E\\u00A1-\\u00AC\\u00AE-\\u00FF\\u2010-\\u2027\\u2030-\\u205E\\u2190-\\u21FF\\u2500-\\u25FC\\u2800-\\u28FF\\u2713\\u2714\\u2717\\u2718\\u273B\\u276F]*$";

/**
 * string-width measures every non-ASCII string with Intl.Segmenter and the
 * RGI_Emoji regular expression, whose first use costs about 45 ms — on every
 * start, since the TUI's prompt, borders and footer use ❯, ─ and ·. Strings made
 * only of the narrow characters above get the same answer (their length) at once.
 */
export const stringWidthFastPath = patchPlugin({
  name: "string-width-fast-path",
  filter: /string-width[\\/]index\.js$/,
  from: "if (/^[\\u0020-\\u007E]*$/.test(string)) {",
  to: `if (ambiguousIsNarrow && /${NARROW_TEXT_PATTERN}/.test(string)) {`,
});

/**
 * The AI SDK builds each request's headers through the global Headers class,
 * and in Node the first touch of Headers (or fetch) loads undici: about 16 ms
 * of CPU before the first request, although tacit hands the SDKs a fetch over
 * node:http (src/providers/node-http-fetch.ts). These two helpers compute the
 * same lower-cased record without Headers: normalizeHeaders recognises a
 * Headers-like object by its methods instead of `instanceof Headers`, and
 * withUserAgentSuffix sets the user-agent on the record it already has.
 */
export const providerUtilsWithoutHeaders = patchPlugin({
  name: "provider-utils-without-headers",
  filter: /@ai-sdk[\\/]provider-utils[\\/]dist[\\/]index\.js$/,
  replacements: [
    {
      from: "if (headers instanceof Headers) headers.forEach(",
      to: 'if (typeof headers.forEach === "function" && typeof headers.get === "function" && !Array.isArray(headers)) headers.forEach(',
    },
    {
      from: 'const normalizedHeaders = new Headers(normalizeHeaders(headers));\n\tconst currentUserAgentHeader = normalizedHeaders.get("user-agent") || "";\n\tnormalizedHeaders.set("user-agent", [currentUserAgentHeader, ...userAgentSuffixParts].filter(Boolean).join(" "));\n\treturn Object.fromEntries(normalizedHeaders.entries());',
      to: 'const normalizedHeaders = normalizeHeaders(headers);\n\tnormalizedHeaders["user-agent"] = [normalizedHeaders["user-agent"] || "", ...userAgentSuffixParts].filter(Boolean).join(" ");\n\treturn normalizedHeaders;',
    },
  ],
});

function patchPlugin({ name, filter, from, to, replacements = [{ from, to }] }) {
  return {
    name,
    setup(builder) {
      builder.onLoad({ filter }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!replacements.every((replacement) => source.includes(replacement.from))) {
          return {
            contents: source,
            loader: "js",
            warnings: [{ text: `${name}: the patched code moved; not applied` }],
          };
        }
        const patched = replacements.reduce(
          (text, replacement) => text.replace(replacement.from, replacement.to),
          source,
        );
        return { contents: patched, loader: "js" };
      });
    },
  };
}

/**
 * `ai` imports the AI Gateway provider (@ai-sdk/gateway, with @vercel/oidc: 47
 * modules, about a third of the SDK's chunk) at the top of its bundle, for two
 * things tacit never does: resolving a model given as a string id through the
 * default provider, and recognising the gateway's own errors. tacit passes
 * provider model objects (providers/sdk/), so no request reaches the gateway and
 * no error can come from it. This resolves the package to a module with the same
 * names: the error classes' isInstance checks the gateway's own markers (always
 * false here), and the provider throws one clear line if anything ever uses it.
 * If `ai` imports a name this module lacks, esbuild fails the build.
 */
const GATEWAY_STUB = `
const gatewayMarker = Symbol.for("vercel.ai.gateway.error");
const authenticationMarker = Symbol.for("vercel.ai.gateway.error.GatewayAuthenticationError");
export class GatewayError extends Error {
  static isInstance(error) {
    return typeof error === "object" && error !== null && error[gatewayMarker] === true;
  }
}
export class GatewayAuthenticationError extends GatewayError {
  static isInstance(error) {
    return GatewayError.isInstance(error) && authenticationMarker in error;
  }
}
function unavailable() {
  throw new Error("tacit is built without the AI Gateway provider: a model must be a provider's model object, not a string id");
}
export const createGateway = unavailable;
export const gateway = new Proxy(unavailable, { get: unavailable, apply: unavailable });
`;
export const aiWithoutGateway = {
  name: "ai-without-gateway",
  setup(builder) {
    builder.onResolve({ filter: /^@ai-sdk\/gateway$/ }, () => ({
      path: "ai-gateway-stub",
      namespace: "tacit-stub",
    }));
    builder.onLoad({ filter: /.*/, namespace: "tacit-stub" }, () => ({
      contents: GATEWAY_STUB,
      loader: "js",
    }));
  },
};

/**
 * For the CommonJS print bundle: web-tree-sitter's ES build finds `require` with
 * `const { createRequire } = await import("module"); var require = …`, which,
 * once import() is itself a require() (a script run by vm.Script has no module
 * loader to import with), calls the `var require` it is about to define. Its
 * CommonJS build, published beside it for `require`, takes the bundle's own.
 */
export const webTreeSitterCommonJs = {
  name: "web-tree-sitter-commonjs",
  setup(builder) {
    builder.onResolve({ filter: /^web-tree-sitter$/ }, (args) => {
      // The resolve below comes back through this hook: it is left to esbuild then.
      if (args.pluginData === "web-tree-sitter-commonjs") return undefined;
      return builder.resolve("web-tree-sitter", {
        kind: "require-call",
        resolveDir: args.resolveDir,
        pluginData: "web-tree-sitter-commonjs",
      });
    });
  },
};

/**
 * For the CommonJS bundles, which cannot hold a top-level await: Ink's
 * `yoga-layout` resolves to src/modes/tui/layout-engine.ts, an object filled
 * when its loadLayoutEngine resolves (runTui awaits it before Ink lays anything
 * out), instead of yoga-layout's entry, which waits for its WebAssembly with a
 * top-level await. The engine comes from yoga-layout's own `load` entry, the
 * same code without that await.
 */
export const yogaLoadedBeforeUse = {
  name: "yoga-loaded-before-use",
  setup(builder) {
    builder.onResolve({ filter: /^yoga-layout$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(args.importer)
        ? { path: new URL("../src/modes/tui/layout-engine.ts", import.meta.url).pathname }
        : undefined,
    );
  },
};

/**
 * For the CommonJS bundles: Ink's reconciler loads React DevTools and reads its
 * own package.json with top-level awaits, both only when DEV=true. tacit does
 * not ship react-devtools-core (the ES build leaves it out too); with DEV=true
 * the TUI runs as without it, under Ink's default renderer name.
 */
export const inkWithoutDevTools = patchPlugin({
  name: "ink-without-dev-tools",
  filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
  replacements: [
    // Caught by Ink's own try: "not installed".
    { from: "import.meta.resolve('react-devtools-core');", to: 'throw new Error("no React DevTools");' },
    { from: "await import('./devtools.js');", to: "" },
    { from: "const loaded = await loadPackageJson();", to: "const loaded = {};" },
  ],
});
