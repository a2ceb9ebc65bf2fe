import type { PermissionSubject } from "../core/tool.ts";

type FetchSubject = Extract<PermissionSubject, { kind: "fetch" }>;

/**
 * Whether a `WebFetch` rule covers a fetch. `WebFetch(domain:docs.python.org)`
 * covers that host exactly (any port), `WebFetch(domain:*.python.org)` its
 * subdomains and itself, a bare `WebFetch` every public host. A private or
 * loopback host (privateAddress) is covered only by a rule naming it exactly:
 * neither a bare rule nor a wildcard opens the user's own network to a page
 * that talks the model into fetching from it.
 */
export function fetchRuleCovers(ruleDomain: string | undefined, subject: FetchSubject): boolean {
  const domain = subject.domain.toLowerCase();
  const wanted = ruleDomain
    ?.trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (wanted === undefined) return !subject.privateAddress;
  if (wanted === domain) return true;
  if (subject.privateAddress) return false;
  if (wanted.startsWith("*.")) {
    const parent = wanted.slice(2);
    return domain === parent || domain.endsWith(`.${parent}`);
  }
  return false;
}

/** Whether a deny or ask rule applies: a bare `WebFetch` applies to every fetch, private hosts included. */
export function fetchRuleMatches(ruleDomain: string | undefined, subject: FetchSubject): boolean {
  return ruleDomain === undefined || fetchRuleCovers(ruleDomain, { ...subject, privateAddress: false });
}

/**
 * Why a fetch of a private host is refused, with the rule that would allow it
 * (one line), or undefined when it is not one or the allow rules name its host.
 */
export function privateFetchRefusal(
  subject: PermissionSubject,
  allowedByRules: (subject: FetchSubject) => boolean,
): string | undefined {
  if (subject.kind !== "fetch" || !subject.privateAddress || allowedByRules(subject)) return undefined;
  const rule = `WebFetch(domain:${subject.domain})`;
  return `Not permitted: ${subject.url} is on a private or loopback address, which is fetched only when an allow rule names that host exactly: add ${JSON.stringify(rule)} to permissions.allow in settings or pass --allowed-tools '${rule}'.`;
}
