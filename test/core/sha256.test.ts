import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/sha256.ts";

const nodeDigest = (text: string) => createHash("sha256").update(text).digest("hex");

describe("sha256Hex", () => {
  it("gives the standard's test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("agrees with node:crypto at every padding boundary and on non-ASCII paths", () => {
    // 55, 56 and 64 bytes are where the length field spills into a second block.
    for (let length = 0; length <= 200; length++) {
      const text = "/home/ada/projects/".padEnd(length, "x").slice(0, length);
      expect(sha256Hex(text)).toBe(nodeDigest(text));
    }
    for (const text of ["/home/zoë/项目/app", "C:\\Users\\ada\\app", "/tmp/emoji-🚀/x", "a".repeat(5000)]) {
      expect(sha256Hex(text)).toBe(nodeDigest(text));
    }
  });
});
