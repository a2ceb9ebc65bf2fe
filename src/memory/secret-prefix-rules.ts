import type { SecretRule } from "./secret-rule.ts";

/**
 * Credentials with a format of their own: a vendor prefix and a fixed alphabet and
 * length, found anywhere (prose, logs, code) with no name beside them. The formats
 * follow the vendors' documentation and public scanner rule sets (gitleaks and others);
 * each is written here from the format, bounded, and starts at a word boundary.
 */
const hasDigitAndLetter = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value);

/** [kind, pattern, keywords when the pattern does not start with a literal]: the whole match is the secret. */
const PREFIXED: Array<[string, RegExp, string[]?]> = [
  ["anthropic-key", /\bsk-ant-[A-Za-z0-9_-]{20,512}/dg],
  ["google-api-key", /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg],
  ["google-oauth-secret", /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/dg],
  ["google-oauth-token", /\bya29\.[0-9A-Za-z_-]{30,2048}/dg],
  ["github-token", /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\b/dg, ["gh"]],
  ["github-token", /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/dg],
  ["gitlab-token", /\bgl(?:pat|ptt|dt|rt|cbt|oas|ft|imt|agent|soat)-[A-Za-z0-9_-]{20,255}/dg],
  ["slack-token", /\bxox[abeoprs]-[A-Za-z0-9-]{10,255}/dg],
  ["slack-token", /\bxapp-\d-[A-Za-z0-9-]{10,255}/dg],
  ["slack-webhook", /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/]{10,255}/dg],
  [
    "discord-webhook",
    /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{5,30}\/[A-Za-z0-9_-]{20,255}/dg,
  ],
  ["stripe-key", /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}\b/dg, ["_live_", "_test_"]],
  ["stripe-webhook-secret", /\bwhsec_[A-Za-z0-9+/]{24,255}={0,2}/dg],
  ["aws-access-key-id", /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/dg, ["akia", "asia", "abia", "acca"]],
  ["sendgrid-key", /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/dg],
  ["npm-token", /\bnpm_[A-Za-z0-9]{36}\b/dg],
  ["pypi-token", /\bpypi-AgE[A-Za-z0-9_-]{50,2048}/dg],
  ["rubygems-key", /\brubygems_[a-f0-9]{48}\b/dg],
  ["docker-token", /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,128}/dg],
  ["huggingface-token", /\b(?:hf|api_org)_[A-Za-z0-9]{30,64}\b/dg, ["hf_", "api_org_"]],
  ["shopify-token", /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/dg],
  ["digitalocean-token", /\bdo[opr]_v1_[a-f0-9]{64}\b/dg],
  ["grafana-token", /\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b/dg],
  ["grafana-token", /\bglc_[A-Za-z0-9+/]{32,400}={0,2}/dg],
  ["grafana-token", /\beyJrIjoi[A-Za-z0-9+/]{40,400}={0,2}/dg],
  ["linear-key", /\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b/dg],
  ["newrelic-key", /\bNR(?:AK|JS|II|AA)-[A-Z0-9]{19,32}\b/dg],
  ["postman-key", /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/dg],
  ["atlassian-token", /\bATATT[A-Za-z0-9_=-]{40,400}/dg],
  ["telegram-bot-token", /(?<!\d)\d{5,16}:A[A-Za-z0-9_-]{34}(?![A-Za-z0-9_-])/dg, [":a"]],
  ["mailgun-key", /\bkey-[a-f0-9]{32}\b/dg],
  ["twilio-key", /\bSK[0-9a-fA-F]{32}\b/dg],
  ["mailchimp-key", /\b[a-f0-9]{32}-us\d{1,2}\b/dg, ["-us"]],
  ["hashicorp-vault-token", /\bhv[sbr]\.[A-Za-z0-9_-]{24,255}/dg],
  ["terraform-token", /\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,100}/dg, ["atlasv1"]],
  ["doppler-token", /\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,64}\b/dg],
  ["databricks-token", /\bdapi[a-f0-9]{32}(?:-\d)?\b/dg],
  ["age-secret-key", /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/dg],
  ["sentry-token", /\bsntry[su]_[A-Za-z0-9+/=_]{40,400}/dg],
  ["supabase-token", /\bsbp_[a-f0-9]{40}\b/dg],
  ["planetscale-token", /\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}/dg],
  ["pulumi-token", /\bpul-[a-f0-9]{40}\b/dg],
  ["replicate-token", /\br8_[A-Za-z0-9]{37}\b/dg],
  ["groq-key", /\bgsk_[A-Za-z0-9]{48,64}\b/dg],
  ["perplexity-key", /\bpplx-[A-Za-z0-9]{40,64}\b/dg],
  ["xai-key", /\bxai-[A-Za-z0-9]{70,100}\b/dg],
  ["langsmith-key", /\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\b/dg],
  ["tailscale-key", /\btskey-[a-z]{3,10}-[A-Za-z0-9]{8,20}-[A-Za-z0-9]{20,40}\b/dg],
  ["buildkite-token", /\bbkua_[a-f0-9]{40}\b/dg],
  ["sourcegraph-token", /\bsgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}\b/dg],
  ["square-token", /\b(?:sq0atp|sq0csp|EAAA)[A-Za-z0-9_-]{22,60}\b/dg, ["sq0", "eaaa"]],
  ["flutterwave-key", /\bFLW(?:SECK|PUBK)_TEST-[a-h0-9]{32}-X\b/dg],
  ["heroku-key", /\bHRKU-AA[A-Za-z0-9_-]{58}\b/dg],
  ["fly-token", /\bfo1_[A-Za-z0-9_-]{43}\b/dg],
  ["figma-token", /\bfig[dou]_[A-Za-z0-9_-]{40,64}\b/dg],
  ["netlify-token", /\bnf[pc]_[A-Za-z0-9]{36,40}\b/dg],
  ["render-key", /\brnd_[A-Za-z0-9]{32}\b/dg],
  ["sendinblue-key", /\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b/dg],
  ["mapbox-token", /\bsk\.eyJ[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{20,100}/dg],
  ["dynatrace-token", /\bdt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/dg],
  ["circleci-token", /\bCCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}\b/dg],
];

/** The literal a pattern starts with ("sk-ant-", "hvs."), lowercased, as its keyword; none for an alternation. */
function keywordsOf(pattern: RegExp): string[] | undefined {
  const body = pattern.source.replace(/^\\b|^\(\?<!\\d\)/, "");
  const literal = /^(?:[A-Za-z0-9_-]|\\[./-])+/.exec(body)?.[0].replaceAll("\\", "");
  return literal && literal.length >= 2 ? [literal.toLowerCase()] : undefined;
}

const prefixRule = ([kind, pattern, listed]: [string, RegExp, string[]?]): SecretRule => {
  const keywords = listed ?? keywordsOf(pattern);
  return keywords ? { kind, pattern, keywords } : { kind, pattern };
};

export const PREFIX_RULES: SecretRule[] = [
  ...PREFIXED.slice(0, 1).map(prefixRule),
  {
    kind: "openai-key",
    pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,512}/dg,
    keywords: ["sk-"],
    accept: (secret) => !secret.startsWith("sk-ant-") && hasDigitAndLetter(secret.slice(3)),
  },
  ...PREFIXED.slice(1).map(prefixRule),
  {
    kind: "notion-token",
    pattern: /\b(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})\b/dg,
    keywords: ["secret_", "ntn_"],
    // "secret_" then 43 letters can be a long identifier; a generated token mixes digits in.
    accept: (secret) => hasDigitAndLetter(secret.slice(4)),
  },
  {
    kind: "jwt",
    pattern: /\beyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}/dg,
    keywords: ["eyj"],
  },
];
