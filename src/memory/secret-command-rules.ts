import { isTypedPassword } from "./secret-credential-rules.ts";
import { type SecretRule, textBefore } from "./secret-rule.ts";
import { isSecretName, looksLikeSecretValue, SECRET_NAME_KEYWORDS } from "./secret-values.ts";

/**
 * Passwords and keys typed on a command line: tool-specific flags (mysql -pPW, sshpass -p,
 * curl -u user:pw, ssh-keygen -N, openssl pass:PW), flags and settings named like a secret
 * (--password x, -Dkey.password=x, config set token x), and Dockerfile ENV lines. Most
 * patterns start at the flag and check the command on the line before it, so a megabyte
 * of "curl curl curl" costs one scan, not one per word.
 */

const MYSQL = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)\b/;
const SSHPASS = /\bsshpass\b/;
const REGISTRY_LOGIN = /\b(?:docker|podman|buildah|nerdctl|skopeo|helm)\b.*\blogin\b/;
const HTTP_CLIENT = /\b(?:curl|wget|http|https|xh)\b/;
const SSH_KEYGEN = /\bssh-keygen\b/;
const GH_SECRET_SET = /\bgh[ \t]+(?:secret|variable)[ \t]+set\b/;

/** True when the command named by `command` runs earlier on the flag's line (in one pipeline part). */
function commandBefore(match: RegExpExecArray, command: RegExp): boolean {
  const segment = textBefore(match, 1024).split(/[|;&]/).at(-1) ?? "";
  return command.test(segment);
}

/** A value named by match[nameGroup] that holds a secret, judged as config (a plain word may be a password). */
const namedSecret = (nameGroup: number) => (secret: string, match: RegExpExecArray) =>
  isSecretName(match[nameGroup]!) &&
  isTypedPassword(secret) &&
  looksLikeSecretValue(secret, match[nameGroup]!, "loose");

export const COMMAND_RULES: SecretRule[] = [
  // mysql -pPASSWORD (attached: a bare -p prompts), sshpass -p PASSWORD, docker login -p PASSWORD.
  {
    kind: "password",
    keywords: ["-p"],
    pattern: /[ \t]-p([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: (secret, match) => isTypedPassword(secret) && commandBefore(match, MYSQL),
  },
  {
    kind: "password",
    keywords: ["-p"],
    pattern: /[ \t]-p[ \t]{1,8}["']?([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: (secret, match) =>
      isTypedPassword(secret) && (commandBefore(match, SSHPASS) || commandBefore(match, REGISTRY_LOGIN)),
  },
  {
    kind: "password",
    keywords: ["-u"],
    pattern: /[ \t](?:-u|--user|--proxy-user|-U)[ \t=]?["']?[^\s:'"]{1,256}:([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: (secret, match) => isTypedPassword(secret) && commandBefore(match, HTTP_CLIENT),
  },
  // --password=x, --api-key x, --client-secret "x": flags whose name says a secret follows.
  {
    kind: "password",
    keywords: ["--"],
    pattern: /(?<![\w-])--([a-z][a-z0-9-]{1,60})(?:=|[ \t]{1,8})["']?([^\s'"`;|&]{1,1024})/dg,
    group: 2,
    accept: namedSecret(1),
  },
  // ssh-keygen -N new-passphrase / -P old-passphrase.
  {
    kind: "password",
    keywords: ["ssh-keygen"],
    pattern: /[ \t]-[NP][ \t]{1,8}["']?([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: (secret, match) => isTypedPassword(secret) && commandBefore(match, SSH_KEYGEN),
  },
  // openssl -passin pass:PW, -passout pass:PW, -k pass:PW (env:VAR and file:path name no secret).
  {
    kind: "password",
    keywords: ["pass:"],
    pattern: /(?<![A-Za-z0-9])pass:([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: isTypedPassword,
  },
  // gh secret set NAME --body VALUE (or -b VALUE).
  {
    kind: "secret",
    keywords: ["secret", "variable"],
    pattern: /[ \t](?:--body|-b)(?:=|[ \t]{1,8})["']?([^\s'"`;|&]{1,1024})/dg,
    group: 1,
    accept: (secret, match) => isTypedPassword(secret) && commandBefore(match, GH_SECRET_SET),
  },
  // htpasswd -b[c…] file user PASSWORD: the password is the third word after the flags.
  {
    kind: "password",
    keywords: ["htpasswd"],
    pattern:
      /\bhtpasswd(?:[ \t]{1,8}-[A-Za-z]{1,8}){0,4}[ \t]{1,8}\S{1,512}[ \t]{1,8}\S{1,256}[ \t]{1,8}["']?([^\s'"`;|&]{1,256})/dg,
    group: 1,
    accept: (secret, match) => /-[A-Za-z]*b/.test(match[0]) && isTypedPassword(secret),
  },
  // aws configure set aws_secret_access_key X, npm/yarn config set …authToken X, git config github.token X.
  {
    kind: "secret",
    keywords: ["config"],
    pattern:
      /\b(?:config(?:ure)?[ \t]{1,8}set|git[ \t]{1,8}config(?:[ \t]{1,8}--[a-z-]{1,20})*)[ \t]{1,8}(?:--[a-z-]{1,20}[ \t]{1,8})*([^\s=]{1,256})[ \t]{1,8}["']?([^\s'"`;|&]{1,1024})/dg,
    group: 2,
    accept: namedSecret(1),
  },
  // java -Djavax.net.ssl.keyStorePassword=X: a system property named like a secret.
  {
    kind: "password",
    keywords: ["-d"],
    pattern: /(?<=[ \t]-D)([A-Za-z_][A-Za-z0-9_.-]{0,200})=["']?([^\s'"`;|&]{1,1024})/dg,
    group: 2,
    accept: namedSecret(1),
  },
  // Dockerfile: ENV NAME value (the old form without "="), also behind Read's line number.
  {
    kind: "secret",
    keywords: SECRET_NAME_KEYWORDS,
    pattern:
      /^(?:[ \t]{0,16}\d{1,9}\t)?[ \t]{0,16}ENV[ \t]{1,8}([A-Za-z_][A-Za-z0-9_]{0,100})[ \t]{1,8}["']?([^\s'"`=]{1,1024})["']?[ \t]*$/dgm,
    group: 2,
    accept: namedSecret(1),
  },
];
