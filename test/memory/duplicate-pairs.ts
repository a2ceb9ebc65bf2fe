// Labelled pairs of project memories for calibrating the near-duplicate guard: each "same" pair says one
// fact twice in other words (what a second init run or a reflection pass writes); each "different" pair is
// two facts of the same project, sharing its vocabulary (npm, src, tests) but not its meaning.

interface MemoryText {
  description: string;
  body: string;
}

export const SAME_FACT: Array<[MemoryText, MemoryText]> = [
  [
    {
      description: "How to build and test this project",
      body: "Build with `npm run build` (esbuild into dist/). Run the tests with `npm test` (vitest); one file: `npx vitest run test/x.test.ts`.",
    },
    {
      description: "Build and test commands",
      body: "`npm run build` builds dist/ with esbuild. `npm test` runs vitest; a single test file with `npx vitest run <file>`.",
    },
  ],
  [
    {
      description: "Lint and format with Biome",
      body: "Lint with `npm run lint` (biome check). Format with `npm run format`. Warnings fail CI.",
    },
    {
      description: "Biome lints and formats the code",
      body: "The linter is Biome: `npm run lint` checks, `npm run format` rewrites. CI fails on warnings.",
    },
  ],
  [
    {
      description: "Layered architecture: cli, agent, tools, memory, core",
      body: "src/ has one folder per layer: cli (entry and commands), agent (the loop), tools, memory, core (shared types). A layer imports only from layers below it.",
    },
    {
      description: "Source layers and their import rule",
      body: "Each folder in src/ is a layer (cli, agent, tools, memory, core); imports only point down to lower layers.",
    },
  ],
  [
    {
      description: "Use pnpm, not npm",
      body: "This repository uses pnpm (pnpm-lock.yaml). Install with `pnpm install`; never run npm install, it writes a package-lock.json.",
    },
    {
      description: "The package manager is pnpm",
      body: "Install dependencies with `pnpm install`, not npm (which would create package-lock.json next to pnpm-lock.yaml).",
    },
  ],
  [
    {
      description: "Python tests run with pytest",
      body: "Run `pytest` from the root; tests live in tests/. One test: `pytest tests/test_api.py::test_login`.",
    },
    {
      description: "Testing with pytest",
      body: "Tests are in tests/ and run with pytest at the repository root; a single test with `pytest tests/test_api.py::test_name`.",
    },
  ],
];

export const DIFFERENT_FACTS: Array<[MemoryText, MemoryText]> = [
  [
    {
      description: "How to build and test this project",
      body: "Build with `npm run build` (esbuild into dist/). Run the tests with `npm test` (vitest).",
    },
    {
      description: "Lint and format with Biome",
      body: "Lint with `npm run lint` (biome check). Format with `npm run format`. Warnings fail CI.",
    },
  ],
  [
    {
      description: "Layered architecture: cli, agent, tools, memory, core",
      body: "src/ has one folder per layer: cli, agent, tools, memory, core. A layer imports only from layers below it.",
    },
    {
      description: "Memory files are Markdown with YAML frontmatter",
      body: "Each memory is a Markdown file in src/memory's scopes with name, description and type in frontmatter; the store writes them atomically.",
    },
  ],
  [
    {
      description: "End-to-end tests run the built CLI",
      body: "test/e2e runs bin/tacit.js against the fake model server in test/fake-server; run `npm run build` first (npm test does).",
    },
    {
      description: "How to build and test this project",
      body: "Build with `npm run build` (esbuild into dist/). Run the tests with `npm test` (vitest); one file: `npx vitest run test/x.test.ts`.",
    },
  ],
  [
    {
      description: "Use pnpm, not npm",
      body: "This repository uses pnpm. Install with `pnpm install`.",
    },
    {
      description: "Node 24 is pinned",
      body: "The npm scripts run on the Node 24 in node_modules/node; engines says >= 22.",
    },
  ],
  [
    {
      description: "Errors are one line for the user",
      body: "Throw UserFacingError for anything the user can fix; main prints it as one `tacit:` line and exits 1.",
    },
    {
      description: "Files over 400 lines fail the check",
      body: "scripts/check-layers.mjs fails a source file over 400 lines unless listed with a reason in scripts/file-sizes.json.",
    },
  ],
];
