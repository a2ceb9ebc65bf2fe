import { describe, expect, it } from "vitest";
import { identifierWords } from "../../../src/memory/search/identifier-words.ts";

describe("identifierWords", () => {
  it("takes words with digits, joined by _ or ::, or in camelCase, as the prompt wrote them", () => {
    expect([...identifierWords("what about n1499 then")]).toEqual(["n1499"]);
    expect([...identifierWords("loss is NaN after switching to fp16")]).toEqual(["fp16"]);
    expect([...identifierWords("set orm_mode in the config")]).toEqual(["orm", "mode"]);
    expect([...identifierWords("Pundit::AuthorizationNotPerformedError raised")]).toEqual([
      "pundit",
      "authorizationnotperformederror",
    ]);
    expect([...identifierWords("add a unit test for isPalindrome")]).toEqual(["ispalindrome"]);
  });

  it("leaves prose, brand names, hyphenated words, dotted names and bare numbers out", () => {
    expect([...identifierWords("what is a closure in JavaScript")]).toEqual([]);
    expect([...identifierWords("explain big-endian vs little-endian")]).toEqual([]);
    expect([...identifierWords("remove the console.log calls")]).toEqual([]);
    expect([...identifierWords("why does 0.1 + 0.2 not equal 0.3")]).toEqual([]);
  });

  it("judges each part of a path on its own: a folder written with _ does not make the file's name an identifier", () => {
    expect([...identifierWords("require() of ES Module node_modules/chalk/source/index.js")]).toEqual([
      "node",
      "modules",
    ]);
  });
});
