import { describe, expect, it } from "vitest";
import { terminalSafe } from "../../../src/core/terminal-safe.ts";
import { plainId } from "../../../src/session/transcripts/safe-text.ts";

describe("text read from a transcript, made safe", () => {
  it("keeps a plain id and replaces an odd or long one by a stable hash", () => {
    expect(plainId("01a21dec-6849-7980-b33e-776107a53f7a")).toBe("01a21dec-6849-7980-b33e-776107a53f7a");
    const crafted = "x\u001b[2J\u001b]0;pwned\u0007y";
    expect(plainId(crafted)).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(plainId(crafted)).toBe(plainId(crafted));
    expect(plainId("a/../b")).not.toBe(plainId("a/../c"));
    expect(plainId("..")).toMatch(/^sha256-/);
    expect(plainId("L".repeat(129))).toMatch(/^sha256-/);
    expect(plainId("L".repeat(200), 255)).toBe("L".repeat(200));
  });

  it("shows control characters and bidirectional overrides escaped", () => {
    expect(terminalSafe("/srv/x\u001b[2J\u0007\u009b\u202e.jsonl")).toBe(
      "/srv/x\\x1b[2J\\x07\\x9b\\u202e.jsonl",
    );
    expect(terminalSafe("~/.codex/sessions/é ok")).toBe("~/.codex/sessions/é ok");
  });
});
