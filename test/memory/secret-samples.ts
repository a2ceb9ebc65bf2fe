// The secrets corpus: real-format secrets with synthetic values (see secret-generators.ts),
// each in the kind of text it turns up in. The first list is the original corpus; the vendor
// and credential lists hold the formats an attack found stored raw.
import { cleanSamples } from "./clean-samples.ts";
import { type SecretSample, sample, secrets } from "./secret-generators.ts";
import { credentialSamples } from "./secret-samples-credentials.ts";
import { vendorSamples } from "./secret-samples-vendor.ts";

export type { SecretSample } from "./secret-generators.ts";
export { cleanSamples };

const keyBlock = (label: string, body: string) =>
  `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;

/** Every sample of the corpus, in a fixed order (the random source is seeded). */
export function secretSamples(): SecretSample[] {
  return [...baseSamples(), ...vendorSamples(), ...credentialSamples()];
}

function baseSamples(): SecretSample[] {
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
      secrets.privateKeyBody().slice(0, 64),
    ),
    sample(
      "ECDSA key then an anthropic key",
      (body, key) => `${keyBlock("EC ", body)}\nand also ${key}`,
      secrets.privateKeyBody(),
      secrets.anthropic(),
    ),
  ];
}
