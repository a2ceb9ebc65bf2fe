/**
 * Words that carry no topic in a natural-language prompt: English function words,
 * question words and the filler verbs people put around a request ("can you tell me").
 * Dropping them keeps OR queries from matching half the index.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren as at be because been before being
below between both but by can cannot could couldn did didn do does doesn doing don down during each
either else ever every few for from further get gets got had hadn has hasn have haven having he her
here hers herself him himself his how however i if in into is isn it its itself just let lets
ll me might more most much must mustn my myself no nor not now of off on once only or other ought
our ours ourselves out over own please re really s same shall shan she should shouldn so some
such t than that the their theirs them themselves then there these they this those through to too
under until up us ve very was wasn we were weren what whatever when whenever where whereas whether
which while who whom whose why will with won would wouldn yes yet you your yours yourself
yourselves d m o y ok okay hey hi hello thanks thank tell kind sort thing things something
anything someone anyone`.split(/\s+/),
);

/**
 * The words a coding prompt is wrapped in: requests ("run", "fix", "check"), the
 * objects every task has ("file", "code", "test") and politeness. They still rank
 * (a memory about how to run the tests should win for "run the tests"), but a match
 * on them alone is no match: "run ls please" must not recall every memory that says
 * "run". Recall's threshold counts only the other words.
 */
export const FILLER_WORDS: ReadonlySet<string> = new Set(
  `run runs running ran please pls fix fixes fixed fixing file files make makes add adds show check
look see use using used change update try need want help go going create write read open find
code work works working thing stuff way new old one two first last next now again also still
like just maybe sure quick quickly small little bit lot good bad better best well right wrong
issue problem error errors fail fails failing failed broken break breaks
do does done doing did get gets got give take put set keep start stop call called
able should would could might must will can cannot know think mean said say says
here there where what which who why how this that these those it its them they`.split(/\s+/),
);
