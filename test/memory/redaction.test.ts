import { describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/messages.ts";
import { redactMessage } from "../../src/memory/redact-message.ts";
import { isPlaceholderValue, isSecretName, redactSecrets } from "../../src/memory/redaction.ts";
import { cleanSamples, secretSamples } from "./secret-samples.ts";

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("redactSecrets: secrets", () => {
  const samples = secretSamples();

  it("has a corpus of at least 100 samples", () => {
    expect(samples.length).toBeGreaterThanOrEqual(100);
  });

  for (const sample of samples) {
    it(`redacts ${sample.name}`, () => {
      const result = redactSecrets(sample.text);
      for (const value of sample.values) expect(result.text).not.toContain(value);
      // Everything around the secrets survives byte for byte: the output is the input with
      // each secret (and nothing else) swapped for one marker.
      let remaining = sample.text;
      const pieces: string[] = [];
      for (const value of sample.values) {
        const at = remaining.indexOf(value);
        expect(at).toBeGreaterThanOrEqual(0);
        pieces.push(remaining.slice(0, at));
        remaining = remaining.slice(at + value.length);
      }
      pieces.push(remaining);
      const shape = new RegExp(`^${pieces.map(escapeRegex).join("\\[REDACTED:[a-z0-9-]+\\]")}$`);
      expect(result.text).toMatch(shape);
      expect(result.redactions).toHaveLength(sample.values.length);
      for (const redaction of result.redactions) {
        expect(sample.values).toContain(sample.text.slice(redaction.start, redaction.end));
      }
    });
  }

  it("names the kind of secret in the marker", () => {
    const key = `sk-ant-api03-${"a1".repeat(40)}`;
    expect(redactSecrets(`key: ${key}`).text).toBe("key: [REDACTED:anthropic-key]");
    expect(redactSecrets("DB_PASSWORD=hunter2").text).toBe("DB_PASSWORD=[REDACTED:password]");
    expect(redactSecrets("postgres://u:pw1234@h/db").text).toBe("postgres://u:[REDACTED:url-password]@h/db");
  });

  it("is idempotent: redacted text redacts to itself", () => {
    for (const sample of samples) {
      const once = redactSecrets(sample.text).text;
      expect(redactSecrets(once).text).toBe(once);
    }
  });
});

describe("redactSecrets: ordinary text", () => {
  it("has at least 100 clean samples", () => {
    expect(cleanSamples.length).toBeGreaterThanOrEqual(100);
  });

  for (const text of cleanSamples) {
    it(`leaves unchanged: ${text.slice(0, 60).replaceAll("\n", " ")}`, () => {
      const result = redactSecrets(text);
      expect(result.text).toBe(text);
      expect(result.redactions).toEqual([]);
    });
  }
});

describe("redactSecrets: size", () => {
  it("handles a 1 MB input of hostile shapes in linear time", () => {
    const shapes = [
      "a".repeat(5000),
      "-----BEGIN RSA PRIVATE KEY-----",
      "postgres://user:",
      `"apiKey": "${"x".repeat(2000)}`,
      "sk-".repeat(300),
      "eyJ".repeat(400),
      "KEY=".repeat(300),
      "\n",
    ];
    let text = "";
    for (let index = 0; text.length < 1_000_000; index++) text += shapes[index % shapes.length];
    const secret = `ghp_${"Ab3".repeat(12)}`;
    text += ` ${secret}`;
    const result = redactSecrets(text);
    expect(result.text).not.toContain(secret);
    expect(result.text.endsWith("[REDACTED:github-token]")).toBe(true);
  });
});

describe("values judged by their name", () => {
  it("finds a name-based secret behind Read's and grep's line prefixes", () => {
    expect(redactSecrets("    12\tpassword: hunter2").text).toBe("    12\tpassword: [REDACTED:password]");
    expect(redactSecrets("app.yml:3:  api_key: Zk29xQpLm4Rt7Wv1").text).toBe(
      "app.yml:3:  api_key: [REDACTED:secret]",
    );
  });

  it("keeps words, identifiers, key chords, references and paths under secret names", () => {
    for (const text of [
      'key: "ctrl+shift+k"',
      'cacheKey = "orders:recent:v2"',
      "password = hashed",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CI expression is the value under test
      'token: "${{ env.TOKEN }}"',
      "api_key: /run/secrets/api_key",
      "secret = settings.secret",
    ]) {
      expect(redactSecrets(text).text, text).toBe(text);
    }
  });

  it("takes a plain word as a password where config assigns it, not in code", () => {
    expect(redactSecrets("password: changeme").text).toBe("password: [REDACTED:password]");
    expect(redactSecrets('password = "changeme"').text).toBe('password = "[REDACTED:password]"');
    expect(redactSecrets("login(user, password=changeme)").text).toBe("login(user, password=changeme)");
  });
});

describe("redactMessage", () => {
  it("judges a tool input's named values like any other: a key is redacted, a sort key is not", () => {
    const redacted = redactMessage({
      role: "assistant",
      content: [
        {
          type: "tool-call",
          toolCallId: "c1",
          toolName: "fetch",
          input: { apiKey: "Zk29xQpLm4Rt7Wv1Yb8N", sortKey: "createdAt", password: "changeme", note: "x" },
        },
      ],
    });
    const part = redacted.content[0]!;
    expect(part.type === "tool-call" ? part.input : undefined).toEqual({
      apiKey: "[REDACTED:secret]",
      sortKey: "createdAt",
      password: "[REDACTED:secret]",
      note: "x",
    });
    expect(redactMessage(userMessage("key: ctrl+s")).content[0]).toEqual({
      type: "text",
      text: "key: ctrl+s",
    });
  });
});

describe("name and value heuristics", () => {
  it("recognises secret names by their words", () => {
    for (const name of [
      "DB_PASSWORD",
      "apiKey",
      "client_secret",
      "authToken",
      "X-Auth-Token",
      "apikey",
      "SECRET",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["tokenizer", "keyboard", "author", "monkey", "PWD", "tokens_used"]) {
      expect(isSecretName(name), name).toBe(false);
    }
    // A last word that qualifies the secret names something about it: a header name, a URL, a field.
    for (const name of [
      "AUTH_HEADER",
      "tokenUrl",
      "passwordField",
      "PASSWORD_MIN_LENGTH",
      "password-stdin",
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
    for (const name of ["PGPASSWORD", "npmToken", "MYSQL_ROOT_PASSWORD"]) {
      expect(isSecretName(name), name).toBe(true);
    }
  });

  it("recognises placeholders", () => {
    for (const value of [
      "",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference is the value under test
      "${API_KEY}",
      "$TOKEN",
      "<your-key>",
      "process.env.KEY",
      "true",
      "3600",
      "***",
      "your-key-here",
    ]) {
      expect(isPlaceholderValue(value), value).toBe(true);
    }
    for (const value of ["hunter2", "changeme", "x", "a8f5f167f44f4964e6c998dee827110c"]) {
      expect(isPlaceholderValue(value), value).toBe(false);
    }
  });
});
