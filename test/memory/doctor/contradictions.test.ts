import { describe, expect, it } from "vitest";
import { findContradictions } from "../../../src/memory/doctor/contradictions.ts";
import type { ReadMemory } from "../../../src/memory/memory-types.ts";

/** Only what the lexical check reads: scope, name, description and body. */
function memory(name: string, description: string, body: string): ReadMemory {
  return {
    scope: "user",
    name,
    description,
    memory: { name, description, type: "preference", body },
  } as ReadMemory;
}

const found = (memories: ReadMemory[]) =>
  findContradictions(memories).map((each) => [each.affirming.name, each.denying.name, each.subject]);

describe("findContradictions", () => {
  it("finds a subject one memory rules out and another names", () => {
    expect(
      found([memory("a", "Package manager", "use npm"), memory("b", "Installs", "never use npm, use pnpm")]),
    ).toEqual([["a", "b", "npm"]]);
    expect(
      found([
        memory("mocks", "Database tests", "Mock the database in unit tests."),
        memory("no-mocks", "Real database", "Do not mock the database: tests hit a real Postgres."),
      ]),
    ).toEqual([["mocks", "no-mocks", "database"]]);
    expect(
      found([memory("lodash", "Helpers", "Reach for lodash."), memory("plain", "Helpers", "avoid lodash")]),
    ).toEqual([["lodash", "plain", "lodash"]]);
  });

  it("leaves alone memories that agree, and negations that qualify rather than forbid", () => {
    expect(
      found([memory("a", "Package manager", "use pnpm"), memory("b", "Installs", "never use npm, use pnpm")]),
    ).toEqual([]);
    // "never" before a word that is no instruction's verb ("never recalled") forbids nothing.
    expect(
      found([
        memory("a", "A fact never recalled", "Kept anyway."),
        memory("b", "Recalled daily", "Recalled often."),
      ]),
    ).toEqual([]);
    // The why line explains the fact: "npm broke the links" is no vote for npm.
    expect(
      found([
        memory("a", "Installs", "Install with pnpm.\n\n**Why:** npm broke the workspace links."),
        memory("b", "Not npm", "never use npm"),
      ]),
    ).toEqual([]);
  });

  it("finds no contradiction among ordinary memories (the reviewer's eleven)", () => {
    const ordinary = [
      "Use pnpm, never npm: the lockfile is pnpm-lock.yaml",
      "Never run npm install in CI; use npm ci",
      "Tests: run npm test; one test with npm test -- -t name",
      "Entry point is src/app.ts, it wires the router",
      "Config lives in ~/.config/app/config.toml and /etc/app.conf",
      "See https://example.com/docs/api.md for the API and README.md",
      "Don't use tabs; use 2 spaces",
      "Use tabs in Makefiles only",
      "Prefer vitest over jest",
      "Jest is legacy here; new tests go in vitest",
      "Deploy with scripts/deploy.sh (to be created next sprint)",
    ].map((text, index) => memory(`m${index}`, text, text));
    expect(found(ordinary)).toEqual([]);
  });

  it("reads a negation without a verb as ruling out the thing, and needs the same verb and object", () => {
    // "never npm" is no vote for npm, and it rules out npm itself, whatever the verb.
    expect(
      found([memory("pnpm", "Packages", "Use pnpm, never npm"), memory("npm", "Packages", "use npm")]),
    ).toEqual([["npm", "pnpm", "npm"]]);
    // The same verb with another object, or another verb with the same object, is another action.
    expect(
      found([
        memory("ci", "CI", "Never run npm install in CI"),
        memory("tests", "Tests", "run npm test"),
        memory("lockfile", "Lockfile", "read npm install output"),
      ]),
    ).toEqual([]);
    expect(
      found([
        memory("ci", "CI", "Never run npm install in CI"),
        memory("dev", "Dev", "run npm install first"),
      ]),
    ).toEqual([["dev", "ci", "npm install"]]);
  });
});
