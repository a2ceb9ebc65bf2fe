// Real-format secrets with synthetic values, generated from a seed at test time so that
// no string in this repository looks like a live credential to a secret scanner: every
// vendor prefix is split, every body is drawn from the seeded random source.
import { seededRandom } from "../support/seeded-random.ts";

const random = seededRandom(7);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX = "0123456789abcdef";
const DIGITS = "0123456789";
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;

/** `length` characters of `alphabet`, ending in a digit and a letter as real keys have them. */
function draw(alphabet: string, length: number): string {
  let text = "";
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  const letter = alphabet.match(/[A-Za-z]/)?.[0] ?? "";
  const digit = alphabet.match(/\d/)?.[0] ?? "";
  return `${text.slice(0, length - 2)}${digit || letter}${letter || digit}`;
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
  slackBot: () => join("xo", "xb-", draw(DIGITS, 12), "-", draw(DIGITS, 13), "-", draw(ALNUM, 24)),
  slackUser: () => join("xo", "xp-", draw(DIGITS, 12), "-", draw(ALNUM, 30)),
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
  hexToken: () => draw(HEX, 40),
  uuid: () => [draw(HEX, 8), draw(HEX, 4), draw(HEX, 4), draw(HEX, 4), draw(HEX, 12)].join("-"),
  basicAuth: () => Buffer.from(`${draw(ALNUM, 8)}:${draw(ALNUM, 16)}`).toString("base64"),
};

/** Vendor formats the first corpus lacked: each one was stored raw before. */
export const vendorSecrets = {
  stripeWebhook: () => join("wh", "sec_", draw(ALNUM, 32)),
  sendgrid: () => join("S", "G.", draw(BASE64URL, 22), ".", draw(BASE64URL, 43)),
  npm: () => join("np", "m_", draw(ALNUM, 36)),
  pypi: () => join("py", "pi-", "AgEIcHlwaS5vcmc", draw(BASE64URL, 70)),
  docker: () => join("dc", "kr_pat_", draw(BASE64URL, 27)),
  huggingface: () => join("h", "f_", draw(ALNUM, 34)),
  shopify: () => join("sh", "pat_", draw(HEX, 32)),
  digitalocean: () => join("do", "p_v1_", draw(HEX, 64)),
  grafanaServiceAccount: () => join("gl", "sa_", draw(ALNUM, 32), "_", draw(HEX, 8)),
  grafanaCloud: () => join("gl", "c_", draw(BASE64, 60)),
  linear: () => join("lin", "_api_", draw(ALNUM, 40)),
  newRelic: () => join("NR", "AK-", draw(UPPER_DIGITS, 27)),
  postman: () => join("PM", "AK-", draw(HEX, 24), "-", draw(HEX, 34)),
  atlassian: () => join("ATA", "TT3xFfGF0", draw(BASE64URL, 170), "=", draw(HEX, 8).toUpperCase()),
  telegram: () => join(draw(DIGITS, 10), ":", "AA", draw(BASE64URL, 33)),
  mailgun: () => join("ke", "y-", draw(HEX, 32)),
  twilio: () => join("S", "K", draw(HEX, 32)),
  googleOauthSecret: () => join("GOC", "SPX-", draw(BASE64URL, 28)),
  googleOauthToken: () => join("ya", "29.", draw(BASE64URL, 100)),
  azureAccountKey: () => join(draw(BASE64, 86), "=="),
  azureSignature: () => join(draw(ALNUM, 30), "%2B", draw(ALNUM, 10), "%3D"),
  datadogApiKey: () => draw(HEX, 32),
  datadogAppKey: () => draw(HEX, 40),
  rubygems: () => join("ruby", "gems_", draw(HEX, 48)),
  vault: () => join("hv", "s.", draw(BASE64URL, 90)),
  terraform: () => join(draw(ALNUM, 14), ".atlas", "v1.", draw(BASE64URL, 67)),
  doppler: () => join("dp", ".pt.", draw(ALNUM, 43)),
  databricks: () => join("da", "pi", draw(HEX, 32)),
  age: () => join("AGE-", "SECRET-KEY-1", draw("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
  notion: () => join("nt", "n_", draw(ALNUM, 46)),
  supabase: () => join("sb", "p_", draw(HEX, 40)),
  planetscale: () => join("pscale", "_tkn_", draw(ALNUM, 43)),
  pulumi: () => join("pu", "l-", draw(HEX, 40)),
  replicate: () => join("r", "8_", draw(ALNUM, 37)),
  groq: () => join("gs", "k_", draw(ALNUM, 52)),
  perplexity: () => join("pp", "lx-", draw(ALNUM, 48)),
  xai: () => join("xa", "i-", draw(ALNUM, 80)),
  langsmith: () => join("lsv", "2_pt_", draw(HEX, 32), "_", draw(HEX, 10)),
  tailscale: () => join("ts", "key-auth-", draw(ALNUM, 12), "-", draw(ALNUM, 30)),
  buildkite: () => join("bk", "ua_", draw(HEX, 40)),
  sourcegraph: () => join("sg", "p_", draw(HEX, 40)),
  square: () => join("sq0", "atp-", draw(BASE64URL, 22)),
  heroku: () => join("HR", "KU-AA", draw(BASE64URL, 58)),
  fly: () => join("fo", "1_", draw(BASE64URL, 43)),
  figma: () => join("fi", "gd_", draw(BASE64URL, 40)),
  netlify: () => join("nf", "p_", draw(ALNUM, 36)),
  render: () => join("rn", "d_", draw(ALNUM, 32)),
  brevo: () => join("xkey", "sib-", draw(HEX, 64), "-", draw(ALNUM, 16)),
  mapbox: () => join("sk", ".eyJ", draw(BASE64URL, 60), ".", draw(BASE64URL, 22)),
  dynatrace: () => join("dt0", "c01.", draw(UPPER_DIGITS, 24), ".", draw(UPPER_DIGITS, 64)),
  circleci: () => join("CCI", "PAT_", draw(ALNUM, 22), "_", draw(HEX, 40)),
  discordWebhook: () =>
    join("https://discord.com/api/", "webhooks/", draw(DIGITS, 18), "/", draw(BASE64URL, 68)),
  slackApp: () => join("xa", "pp-1-", draw(UPPER_DIGITS, 11), "-", draw(DIGITS, 13), "-", draw(HEX, 64)),
  gitlabRunner: () => join("gl", "rt-", draw(BASE64URL, 20)),
  gitlabTrigger: () => join("gl", "ptt-", draw(HEX, 40)),
  githubUser: () => join("gh", "u_", draw(ALNUM, 36)),
  githubRefresh: () => join("gh", "r_", draw(ALNUM, 76)),
  mailchimp: () => join(draw(HEX, 32), "-us", "14"),
  anthropicAdmin: () => join("sk-", "ant-", "admin01-", draw(BASE64URL, 93), "AA"),
};

export interface SecretSample {
  name: string;
  text: string;
  /** Every secret value the text holds, in order of appearance. */
  values: string[];
}

export function sample(
  name: string,
  build: (...values: string[]) => string,
  ...values: string[]
): SecretSample {
  return { name, text: build(...values), values };
}
