import path from "node:path";
import { describe, expect, it } from "vitest";
import { isInside } from "../../src/config/real-path.ts";

describe("isInside", () => {
  const root = path.join(path.sep, "work", "project");
  it("the folder itself and what is below it are inside", () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(path.join(root, "src", "a.ts"), root)).toBe(true);
  });
  it("a name that only begins with two dots is inside; a step up is not", () => {
    expect(isInside(path.join(root, "..notes"), root)).toBe(true);
    expect(isInside(path.join(root, "..", "other"), root)).toBe(false);
    expect(isInside(path.dirname(root), root)).toBe(false);
    expect(isInside(path.join(path.sep, "elsewhere"), root)).toBe(false);
  });
});
