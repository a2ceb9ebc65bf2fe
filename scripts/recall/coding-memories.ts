// Hand-written coding memories, the kind tacit keeps: commands, conventions, decisions,
// people, gotchas. Many share the everyday words of a coding prompt ("run", "file",
// "test", "build", "fix") on purpose: recall must not answer a prompt because of them.
// One line each: name | description | body.
const CODING_MEMORIES = `
test-command | how to run the tests | Run the unit tests with \`npm test\`; \`npm run test:e2e\` needs the fake server built first.
lint-command | lint before committing | Run \`npm run lint\` (Biome); CI fails on warnings, so fix them before pushing.
migrate-command | how schema migrations are run | Run migrations with \`make migrate\`; never edit an applied migration file, add a new one.
deploy-staging | deploying to staging | Staging deploys run from the \`deploy-staging\` GitHub workflow; it needs the STAGING_KUBECONFIG secret.
deploy-production | production deploys | Production deploys are manual: tag a release \`vX.Y.Z\` and approve the workflow run; never on Fridays.
release-notes | release notes go in CHANGELOG.md | Every user-visible change adds a line under "Unreleased" in CHANGELOG.md, written for users.
branch-naming | branch naming convention | Branches are named \`<ticket>-<short-slug>\`, e.g. PAY-142-refund-webhook.
commit-style | commit message style | Commit subjects are imperative and under 72 characters; reference the ticket in the body.
pr-review | who reviews pull requests | Payments code needs a review from Dana; infrastructure changes need Omar.
node-version | Node version | The project pins Node 22 in .nvmrc; the Docker image uses node:22-slim.
package-manager | use pnpm not npm for installs | Install dependencies with \`pnpm install\`; a package-lock.json in a PR is a mistake.
env-file | local environment variables | Copy .env.example to .env.local; the app reads DATABASE_URL and REDIS_URL from it.
postgres-local | local Postgres | Local Postgres runs in Docker on port 5433, not 5432, to avoid clashing with a system install.
redis-cache | Redis cache keys | Cache keys are prefixed with the service name and a version: \`orders:v3:<id>\`; bump the version to invalidate.
feature-flags | feature flags live in LaunchDarkly | New features ship behind a LaunchDarkly flag named \`<team>-<feature>\`; remove the flag within two sprints.
logging-style | structured logging | Log with the pino logger as structured JSON; never log request bodies, they hold card data.
error-handling | errors in the API layer | Throw HttpError subclasses in handlers; the middleware maps them to status codes and problem+json.
api-versioning | API versioning | Public endpoints are versioned in the path (/v2/...); breaking changes need a new version, not a flag.
timezone-rule | store times in UTC | Timestamps are stored as UTC in timestamptz columns; convert to the user's zone only in the UI.
money-type | money amounts | Amounts are integers in minor units (cents) with a currency code; never floats.
refund-webhook | Stripe refund webhook | The refund webhook handler is idempotent on the Stripe event id; retries are expected.
stripe-test-keys | Stripe test mode | Use the Stripe test keys from 1Password "Stripe sandbox"; live keys are only in the production vault.
flaky-checkout-test | flaky checkout e2e test | checkout.spec.ts flakes on CI when the payment iframe loads slowly; it retries twice, do not disable it.
playwright-setup | Playwright browsers | Run \`pnpm exec playwright install chromium\` once after cloning; CI caches the browsers.
storybook | Storybook for UI components | Every new component gets a story in src/components/<Name>/<Name>.stories.tsx.
css-approach | styling with Tailwind | Styling is Tailwind utility classes; no new CSS files except for third-party overrides.
i18n-strings | translations | User-facing strings go through t() with keys in locales/en.json; other languages are filled by the translation vendor.
accessibility | accessibility checks | Buttons need accessible names; axe runs in the e2e suite and fails the build on serious issues.
monorepo-layout | monorepo layout | apps/ holds deployables (web, api, worker); packages/ holds shared libraries imported as @acme/*.
worker-queue | background jobs | Background jobs run on BullMQ in apps/worker; jobs must be idempotent because they retry on failure.
cron-jobs | scheduled jobs | Nightly jobs are defined in apps/worker/src/schedule.ts; times are in UTC.
s3-uploads | file uploads go to S3 | Uploads use presigned S3 URLs from /v2/uploads; the bucket name differs per environment.
image-resizing | image resizing | Images are resized by the imgproxy service; never resize in the API process.
search-service | product search | Product search is Elasticsearch 8; reindex with \`pnpm run search:reindex\` after changing mappings.
graphql-schema | GraphQL schema generation | After editing .graphql files, run \`pnpm codegen\` to regenerate the typed hooks.
auth-tokens | authentication tokens | Access tokens are JWTs valid 15 minutes; refresh tokens rotate and live in an httpOnly cookie.
oauth-google | Google sign-in | Google OAuth client ids are per environment; the redirect URI must be registered in the Google console.
rate-limits | API rate limits | The public API allows 100 requests per minute per key; limits live in config/rate-limits.yaml.
docker-build | building the Docker image | Build images with \`docker buildx bake\`; the Dockerfile is multi-stage and the final stage runs as non-root.
k8s-namespaces | Kubernetes namespaces | Each environment is a namespace: acme-dev, acme-staging, acme-prod; use kubectx to switch.
terraform-state | Terraform state | Terraform state is in the S3 backend with DynamoDB locking; never run apply from a laptop, use Atlantis.
secrets-manager | where secrets live | Runtime secrets come from AWS Secrets Manager via the external-secrets operator, not from env files.
oncall | on-call rotation | On-call rotates weekly in PagerDuty; the runbook for paging alerts is in docs/runbooks/.
metrics | metrics and dashboards | Services export Prometheus metrics on /metrics; dashboards are in Grafana under "Acme Services".
tracing | distributed tracing | OpenTelemetry traces go to Honeycomb; add a span around any outbound HTTP call.
db-indexes | adding database indexes | Create indexes CONCURRENTLY in a migration of their own; a plain CREATE INDEX locks the orders table.
orm-choice | ORM | The API uses Prisma; raw SQL is allowed only in reporting queries under src/reports/.
prisma-generate | Prisma client generation | After changing schema.prisma run \`pnpm prisma generate\`; the client is not committed.
typescript-strict | TypeScript strictness | tsconfig has strict and noUncheckedIndexedAccess on; do not add any or ts-ignore without a comment.
eslint-rules | import order | Imports are sorted by Biome; relative imports come after package imports.
user-editor | the user prefers Neovim | The user edits in Neovim with LSP; suggest terminal commands rather than IDE menus.
user-shell | the user's shell is fish | The user's shell is fish: use \`set -x VAR value\`, not \`export VAR=value\`.
user-tone | answer style | The user wants short answers with the command first and the explanation after.
user-git | git habits | The user rebases feature branches and never merges main into them; force-push with lease only.
python-tooling | Python tooling | The data scripts in tools/ use uv and Python 3.12; run them with \`uv run\`.
notebook-data | analytics notebooks | Analytics notebooks read from the read-only replica; never point them at the primary.
csv-export | CSV exports | The admin CSV export streams rows; exports over 100k rows are emailed instead of downloaded.
email-service | transactional email | Transactional email goes through Postmark templates; template ids are in config/email.ts.
sms-provider | SMS | SMS verification uses Twilio Verify; in dev the code is always 000000.
pdf-invoices | invoice PDFs | Invoice PDFs are rendered by the worker with Puppeteer and stored in the invoices bucket.
currency-rates | exchange rates | Exchange rates are fetched hourly from the ECB feed and cached; never call the feed per request.
mobile-app | mobile app | The React Native app lives in a separate repo (acme-mobile) and calls the same /v2 API.
design-tokens | design tokens | Colours and spacing come from packages/tokens; do not hard-code hex values in components.
perf-budget | web performance budget | The web bundle budget is 250 KB gzipped for the main chunk; CI reports the size diff.
vite-config | Vite dev server | The web app runs on Vite at port 5173; the API proxy is set in vite.config.ts.
api-port | API dev port | The API dev server listens on port 4000 and reloads with tsx watch.
seed-data | seeding the database | \`pnpm db:seed\` loads fixtures from prisma/seed.ts; it wipes local data first.
backup-policy | database backups | Production Postgres has point-in-time recovery for 14 days; restores are done by the platform team.
gdpr-deletion | GDPR deletion requests | Account deletion anonymises orders instead of deleting them; the job is in apps/worker/src/gdpr.ts.
audit-log | audit log | Admin actions write to the audit_log table through auditService.record; never update rows there.
pagination | API pagination | List endpoints use cursor pagination (after, limit ≤ 100); offset pagination is deprecated.
dates-library | date handling library | Use date-fns for formatting and Temporal polyfill for arithmetic; moment is banned.
webhooks-outbound | outgoing webhooks | Outgoing webhooks are signed with HMAC-SHA256 in the Acme-Signature header and retried with backoff.
ci-cache | CI caching | CI caches the pnpm store keyed on pnpm-lock.yaml; a cache miss adds about four minutes.
ci-runners | CI runners | Heavy jobs run on the self-hosted large runners (label: acme-large); the default runners time out at 30 min.
code-owners | code owners | CODEOWNERS assigns apps/api/payments to the payments team; GitHub requests their review automatically.
dependency-updates | dependency updates | Renovate opens dependency PRs on Mondays; group minor updates and merge them after CI passes.
security-scans | security scanning | Snyk scans dependencies on each PR; high-severity findings block the merge.
feature-toggle-cleanup | stale flags | A weekly report lists flags older than 30 days; the owning team removes them.
legacy-php | legacy PHP admin | The old PHP admin at /legacy is frozen: fix only security issues there, everything new goes into the React admin.
vendor-sdk-bug | bug in the shipping SDK | The ShipFast SDK 3.2 drops the weight unit; we pin 3.1.4 until their fix ships.
timeouts | HTTP client timeouts | Outbound HTTP calls use the shared client with a 5 s timeout and two retries; never the bare fetch.
uuid-ids | identifier format | New tables use UUIDv7 primary keys generated in the database, not in the application.
soft-delete | soft deletes | Customer records are soft-deleted (deleted_at); queries go through the scoped repository that hides them.
locale-format | number formatting | Format prices with Intl.NumberFormat and the order's currency, never with toFixed.
team-standup | standup time | Standup is at 9:30 CET; async updates go in #team-orders when someone is out.
meeting-notes | architecture decisions | Architecture decisions are written as ADRs in docs/adr/, numbered, and never edited after acceptance.
`;

export interface CodingMemory {
  name: string;
  description: string;
  body: string;
}

export function codingMemories(): CodingMemory[] {
  return CODING_MEMORIES.trim()
    .split("\n")
    .map((line) => {
      const [name, description, body] = line.split(" | ").map((part) => part.trim());
      return { name: name!, description: description!, body: body! };
    });
}
