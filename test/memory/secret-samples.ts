// Real-format secrets with synthetic values, generated from a seed at test time so that
// no string in this repository looks like a live credential to a secret scanner.
import { seededRandom } from "../support/seeded-random.ts";

const random = seededRandom(7);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

function draw(alphabet: string, length: number): string {
  let text = "";
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  // Guarantee both a digit and a letter, as real keys have.
  const letter = alphabet.match(/[A-Za-z]/)?.[0] ?? "";
  return `${text.slice(0, -2)}7${letter}`;
}

const join = (...parts: string[]) => parts.join("");
const base64Json = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export const secrets = {
  anthropic: () => join("sk-", "ant-", "api03-", draw(BASE64URL, 93), "AA"),
  openai: () => join("sk-", draw(ALNUM, 48)),
  openaiProject: () => join("sk-", "proj-", draw(BASE64URL, 120)),
  google: () => join("AI", "za", draw(BASE64URL, 35)),
  githubClassic: () => join("gh", "p_", draw(ALNUM, 36)),
  githubOauth: () => join("gh", "o_", draw(ALNUM, 36)),
  githubServer: () => join("gh", "s_", draw(ALNUM, 36)),
  githubFineGrained: () => join("github", "_pat_", draw(ALNUM, 22), "_", draw(ALNUM, 59)),
  gitlab: () => join("gl", "pat-", draw(BASE64URL, 20)),
  slackBot: () =>
    join("xo", "xb-", draw("0123456789", 12), "-", draw("0123456789", 13), "-", draw(ALNUM, 24)),
  slackUser: () => join("xo", "xp-", draw("0123456789", 12), "-", draw(ALNUM, 30)),
  slackWebhook: () =>
    join(
      "https://hooks.slack.com/",
      "services/T",
      draw(UPPER_DIGITS, 8),
      "/B",
      draw(UPPER_DIGITS, 8),
      "/",
      draw(ALNUM, 24),
    ),
  stripeLive: () => join("sk", "_live_", draw(ALNUM, 24)),
  stripeRestricted: () => join("rk", "_live_", draw(ALNUM, 24)),
  stripeTest: () => join("sk", "_test_", draw(ALNUM, 24)),
  awsAccessKeyId: () => join("AK", "IA", draw(UPPER_DIGITS, 16)),
  awsSessionKeyId: () => join("AS", "IA", draw(UPPER_DIGITS, 16)),
  awsSecret: () => draw(BASE64, 40),
  jwt: () =>
    join(
      base64Json({ alg: "HS256", typ: "JWT" }),
      ".",
      base64Json({ sub: draw(ALNUM, 10), iat: 1700000000 }),
      ".",
      draw(BASE64URL, 43),
    ),
  privateKeyBody: () => Array.from({ length: 6 }, () => draw(BASE64, 64)).join("\n"),
  password: () => draw(ALNUM, 14),
  hexToken: () => draw("0123456789abcdef", 40),
};

export interface SecretSample {
  name: string;
  text: string;
  /** Every secret value the text holds, in order of appearance. */
  values: string[];
}

function sample(name: string, build: (...values: string[]) => string, ...values: string[]): SecretSample {
  return { name, text: build(...values), values };
}

const keyBlock = (label: string, body: string) =>
  `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;

export function secretSamples(): SecretSample[] {
  return [
    sample("anthropic key in prose", (key) => `I set my key to ${key} and it worked.`, secrets.anthropic()),
    sample("anthropic key in .env", (key) => `ANTHROPIC_API_KEY=${key}\nMODEL=claude\n`, secrets.anthropic()),
    sample("openai key in shell", (key) => `export OPENAI_API_KEY="${key}"\nnpm start`, secrets.openai()),
    sample(
      "openai project key in JSON",
      (key) => `{\n  "openai": { "apiKey": "${key}" }\n}`,
      secrets.openaiProject(),
    ),
    sample(
      "openai key in code",
      (key) => `const client = new OpenAI({ apiKey: '${key}' });`,
      secrets.openai(),
    ),
    sample("google key in YAML", (key) => `google:\n  api_key: ${key}\n  region: eu\n`, secrets.google()),
    sample(
      "google key in a URL query",
      (key) => `curl "https://example.test/v1/models?key=${key}"`,
      secrets.google(),
    ),
    sample(
      "github classic token in prose",
      (token) => `Use token ${token} for the CI bot.`,
      secrets.githubClassic(),
    ),
    sample(
      "github oauth token in git remote",
      (token) => `git clone https://x-access-token:${token}@github.com/acme/app.git`,
      secrets.githubOauth(),
    ),
    sample(
      "github server token in log",
      (token) => `[info] authenticated with ${token} (expires in 1h)`,
      secrets.githubServer(),
    ),
    sample("github fine-grained token in .env", (token) => `GH_TOKEN=${token}`, secrets.githubFineGrained()),
    sample("gitlab token in YAML", (token) => `variables:\n  GITLAB_TOKEN: "${token}"\n`, secrets.gitlab()),
    sample(
      "gitlab token in prose",
      (token) => `The deploy uses ${token}, rotate it monthly.`,
      secrets.gitlab(),
    ),
    sample(
      "slack bot token in code",
      (token) => `const slack = new WebClient("${token}");`,
      secrets.slackBot(),
    ),
    sample(
      "slack user token in prose",
      (token) => `token was ${token} before I revoked it`,
      secrets.slackUser(),
    ),
    sample(
      "slack webhook in JSON",
      (url) => `{"webhook": "${url}", "channel": "#ops"}`,
      secrets.slackWebhook(),
    ),
    sample("stripe live key in .env", (key) => `STRIPE_SECRET_KEY=${key}\n`, secrets.stripeLive()),
    sample(
      "stripe restricted key in prose",
      (key) => `The restricted key ${key} only reads charges.`,
      secrets.stripeRestricted(),
    ),
    sample(
      "stripe test key in code",
      (key) => `stripe = Stripe(${JSON.stringify(key)})`,
      secrets.stripeTest(),
    ),
    sample(
      "aws credentials file",
      (id, secret) =>
        `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\nregion = us-east-1\n`,
      secrets.awsAccessKeyId(),
      secrets.awsSecret(),
    ),
    sample(
      "aws keys in shell",
      (id, secret) => `export AWS_ACCESS_KEY_ID=${id}\nexport AWS_SECRET_ACCESS_KEY=${secret}\naws s3 ls`,
      secrets.awsSessionKeyId(),
      secrets.awsSecret(),
    ),
    sample(
      "aws keys in JSON",
      (id, secret) => `{"AccessKeyId": "${id}", "SecretAccessKey": "${secret}", "Expiration": "2030-01-01"}`,
      secrets.awsSessionKeyId(),
      secrets.awsSecret(),
    ),
    sample(
      "aws access key id in prose",
      (id) => `The failing call used ${id} from the old account.`,
      secrets.awsAccessKeyId(),
    ),
    sample(
      "jwt in an Authorization header",
      (jwt) => `Authorization: Bearer ${jwt}\nAccept: */*`,
      secrets.jwt(),
    ),
    sample("jwt in prose", (jwt) => `decode this: ${jwt} — what is the sub?`, secrets.jwt()),
    sample("jwt in a cookie", (jwt) => `Set-Cookie: session=${jwt}; HttpOnly; Secure`, secrets.jwt()),
    sample(
      "RSA private key block",
      (body) => `Here is the key:\n${keyBlock("RSA ", body)}\nThanks!`,
      secrets.privateKeyBody(),
    ),
    sample(
      "PKCS8 private key block in a file",
      (body) => `${keyBlock("", body)}\n`,
      secrets.privateKeyBody(),
    ),
    sample(
      "OpenSSH private key block",
      (body) => `cat ~/.ssh/id_ed25519\n${keyBlock("OPENSSH ", body)}\n$ `,
      secrets.privateKeyBody(),
    ),
    sample(
      "truncated EC private key",
      (body) => `-----BEGIN EC PRIVATE KEY-----\n${body}\n(output truncated)`,
      secrets.privateKeyBody(),
    ),
    sample(
      "postgres URL with password",
      (password) => `DATABASE_URL=postgres://app:${password}@db.internal:5432/app`,
      secrets.password(),
    ),
    sample(
      "mysql URL in prose",
      (password) => `connect with mysql://root:${password}@127.0.0.1:3306/test please`,
      secrets.password(),
    ),
    sample(
      "mongodb+srv URL in JSON",
      (password) => `{"uri": "mongodb+srv://admin:${password}@cluster0.example.net/db?retryWrites=true"}`,
      secrets.password(),
    ),
    sample(
      "redis URL in YAML",
      (password) => `cache:\n  url: redis://default:${password}@redis:6379/0\n`,
      secrets.password(),
    ),
    sample(
      "amqp URL in code",
      (password) => `amqp.connect("amqp://guest:${password}@rabbit:5672")`,
      secrets.password(),
    ),
    sample(
      "https URL with basic auth",
      (password) => `pip install --index-url https://deploy:${password}@pypi.example.com/simple pkg`,
      secrets.password(),
    ),
    sample(
      "DB_PASSWORD in .env",
      (password) => `DB_HOST=localhost\nDB_PASSWORD=${password}\nDB_PORT=5432`,
      secrets.password(),
    ),
    sample("export API_TOKEN quoted", (token) => `export API_TOKEN="${token}"`, secrets.hexToken()),
    sample(
      "YAML password",
      (password) => `database:\n  user: app\n  password: ${password}\n`,
      secrets.password(),
    ),
    sample("JSON apiKey", (key) => `{"name": "svc", "apiKey": "${key}"}`, secrets.hexToken()),
    sample(
      "JSON client_secret",
      (secret) => `{"client_id": "abc", "client_secret": "${secret}"}`,
      secrets.hexToken(),
    ),
    sample("Python assignment", (secret) => `SECRET_KEY = '${secret}'\nDEBUG = False`, secrets.hexToken()),
    sample("Go struct field", (token) => `cfg := Config{AuthToken: "${token}"}`, secrets.hexToken()),
    sample("TOML passphrase", (secret) => `[signing]\npassphrase = "${secret}"`, secrets.password()),
    sample("changeme is still a password", (password) => `ADMIN_PASSWORD=${password}`, "changeme"),
    sample(
      "docker env flag",
      (password) => `docker run -e POSTGRES_PASSWORD=${password} postgres:16`,
      secrets.password(),
    ),
    sample(
      "private key in JSON with escaped newlines",
      (body) =>
        `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"}`,
      draw(BASE64, 64),
    ),
    sample(
      "ECDSA key then an anthropic key",
      (body, key) => `${keyBlock("EC ", body)}\nand also ${key}`,
      secrets.privateKeyBody(),
      secrets.anthropic(),
    ),
  ];
}

/** Ordinary code and prose that mention keys and tokens without holding any. */
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: ${VAR} references are the text under test
export const cleanSamples: string[] = [
  "const tokenizer = new Tokenizer();",
  "function getApiKey(env) { return env.ANTHROPIC_API_KEY; }",
  "if (password.length < 8) throw new Error('too short');",
  "passwordField.value = '';",
  'import { createToken } from "./auth/tokens.ts";',
  "import type { ApiKeyProvider } from '../config/keys.ts';",
  "const id = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';",
  "Fixed in commit 9fceb02d0ae598e95dc970b74767f19372d61af8, see the log.",
  "color: #ff00aa; background: #1e1e1e; border-color: #abc;",
  '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" alt="dot">',
  "See https://example.com/docs/authentication?tab=tokens for details.",
  "git clone https://github.com/acme/app.git && cd app",
  "const apiKey = process.env.OPENAI_API_KEY;",
  "API_KEY=${API_KEY}",
  'password: "${DB_PASSWORD}"',
  "token: ${{ secrets.GITHUB_TOKEN }}",
  "OPENAI_API_KEY=<your-key>",
  "DB_PASSWORD=",
  "AUTH_ENABLED=true",
  "TOKEN_TTL=3600",
  "interface Settings {\n  apiKey?: string;\n  authToken: string;\n}",
  "The user prefers to rotate API keys every 90 days and keep tokens out of the repo.",
  "Run `npm test` before pushing; the auth middleware tests need Postgres 16.",
  'expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);',
  "for (const [key, value] of Object.entries(headers)) lines.push(`${key}: ${value}`);",
  "const keyboard = { shortcut: 'ctrl+k' };",
  "The author of the tokenizer module is Ada.",
  "echo $PWD && ls -la",
  "const hash = crypto.createHash('sha256').update(password).digest('hex');",
  "if (token === undefined) return null;",
  "user = User(name='ada', password=hashed)",
  "postgres://localhost:5432/app is the default DATABASE_URL",
  "Skip sk-learn; use scikit-learn and numpy instead.",
  "ssh-keygen -t ed25519 -C 'ada@example.com' writes -----BEGIN OPENSSH PUBLIC KEY----- no, a .pub file.",
];
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the sample list
