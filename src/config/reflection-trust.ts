import type { Settings } from "./settings-schema.ts";

type ReflectionSettings = NonNullable<Settings["reflection"]>;
type Value<Key extends keyof ReflectionSettings> = NonNullable<ReflectionSettings[Key]>;

/** What reflection does when no settings file says otherwise; the runners fall back to the same values. */
export const REFLECTION_DEFAULTS = {
  enabled: true,
  learnFromEdits: true,
  review: "project",
  minUserTurns: 1,
  idleMinutes: 10,
} as const;

/** Looser first: "none" lets every change through unreviewed, "all" holds every one for review. */
const REVIEW_ORDER = ["none", "project", "all"] as const;

/**
 * The `reflection` settings in effect: the user's own (their home file and an
 * untracked settings.local.json), tightened by each repository file in turn.
 * A repository may make reflection do less, never more, than the user chose:
 * turn it or learning from edits off (its `true` never overrides), ask for a
 * stricter review (none < project < all), need more user turns, wait longer
 * idle. Anything looser is dropped with one warning per file naming the keys.
 * Its `model` was already removed (restrictRepositorySettings). Comparing
 * against the user's effective value (their setting, else the default) is
 * what makes "strictest wins" hold whichever file is read last.
 */
export function strictestReflection(
  own: Settings["reflection"],
  repositories: ReadonlyArray<{ file: string; reflection: Settings["reflection"] }>,
  warnings: Pick<string[], "push">,
): Settings["reflection"] {
  let effective: ReflectionSettings | undefined = own;
  for (const { file, reflection } of repositories) {
    if (reflection === undefined) continue;
    const current: ReflectionSettings = { ...effective };
    const ignored: string[] = [];
    const tighten = <Key extends keyof ReflectionSettings>(
      key: Key,
      stricter: (given: Value<Key>, mine: Value<Key>) => boolean,
      fallback: Value<Key>,
    ) => {
      const given = reflection[key];
      if (given === undefined) return;
      const mine = (current[key] ?? fallback) as Value<Key>;
      if (given === mine) return;
      if (stricter(given as Value<Key>, mine)) current[key] = given;
      else ignored.push(`reflection.${String(key)} ${JSON.stringify(given)}`);
    };
    const turnsOff = (given: boolean) => given === false;
    tighten("enabled", turnsOff, REFLECTION_DEFAULTS.enabled);
    tighten("learnFromEdits", turnsOff, REFLECTION_DEFAULTS.learnFromEdits);
    tighten(
      "review",
      (given, mine) => REVIEW_ORDER.indexOf(given) > REVIEW_ORDER.indexOf(mine),
      REFLECTION_DEFAULTS.review,
    );
    tighten("minUserTurns", (given, mine) => given > mine, REFLECTION_DEFAULTS.minUserTurns);
    tighten("idleMinutes", (given, mine) => given > mine, REFLECTION_DEFAULTS.idleMinutes);
    if (ignored.length > 0)
      warnings.push(
        `${file}: ignored ${ignored.join(", ")}: a repository's settings may only make reflection do less than you chose (turn it off, review more, need more turns, wait longer); your choice is in ~/.tacit/settings.json or your own .tacit/settings.local.json (see tacit trust).`,
      );
    effective = Object.keys(current).length > 0 ? current : undefined;
  }
  return effective;
}
