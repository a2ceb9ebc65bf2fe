// Vendor-format secrets, each where such a key turns up: a .env line, a config file, a
// command, a log line, a sentence typed to the agent.
import { type SecretSample, sample, vendorSecrets as v } from "./secret-generators.ts";

export function vendorSamples(): SecretSample[] {
  return [
    sample("stripe webhook secret in .env", (key) => `STRIPE_WEBHOOK_SIGNING=${key}\n`, v.stripeWebhook()),
    sample("sendgrid key in prose", (key) => `the mailer uses ${key} in production`, v.sendgrid()),
    sample("npm token in .npmrc", (token) => `//registry.npmjs.org/:_authToken=${token}\n`, v.npm()),
    sample("npm token in CI YAML", (token) => `env:\n  NODE_AUTH: ${token}\n`, v.npm()),
    sample(
      "pypi token in .pypirc",
      (token) => `[pypi]\nusername = __token__\npassword = ${token}\n`,
      v.pypi(),
    ),
    sample(
      "docker token in a login command",
      (token) => `echo ${token} | docker login -u ada --password-stdin`,
      v.docker(),
    ),
    sample("huggingface token in Python", (token) => `login(token="${token}")`, v.huggingface()),
    sample("huggingface token in prose", (token) => `my HF token is ${token}`, v.huggingface()),
    sample("shopify token in a header", (token) => `X-Shopify-Access-Token: ${token}`, v.shopify()),
    sample("digitalocean token in shell", (token) => `doctl auth init -t ${token}`, v.digitalocean()),
    sample("grafana service account token", (token) => `GRAFANA_SA=${token}`, v.grafanaServiceAccount()),
    sample("grafana cloud token in YAML", (token) => `grafana:\n  cloud: ${token}\n`, v.grafanaCloud()),
    sample("linear key in JSON", (key) => `{"linear": "${key}"}`, v.linear()),
    sample("new relic key in a log", (key) => `[agent] license ${key} accepted`, v.newRelic()),
    sample("postman key in prose", (key) => `postman CLI: postman login --with-api-key ${key}`, v.postman()),
    sample(
      "atlassian token in a curl",
      (token) => `curl -s https://acme.atlassian.net/rest/api/3/myself -H "X-Jira: ${token}"`,
      v.atlassian(),
    ),
    sample(
      "telegram bot token in a URL",
      (token) => `curl https://api.telegram.org/bot${token}/getMe`,
      v.telegram(),
    ),
    sample("telegram bot token in prose", (token) => `bot token: ${token}`, v.telegram()),
    sample("mailgun key in code", (key) => `mg = Mailgun(domain, "${key}")`, v.mailgun()),
    sample("twilio key in prose", (key) => `created API key ${key} for the SMS worker`, v.twilio()),
    sample(
      "google oauth client secret in JSON",
      (secret) =>
        `{"installed": {"client_id": "1234.apps.googleusercontent.com", "client_secret": "${secret}"}}`,
      v.googleOauthSecret(),
    ),
    sample(
      "google oauth access token in a log",
      (token) => `GET /drive/v3/files access ${token}`,
      v.googleOauthToken(),
    ),
    sample(
      "datadog api key in .env",
      (key) => `DD_API_KEY=${key}\nDD_SITE=datadoghq.eu\n`,
      v.datadogApiKey(),
    ),
    sample(
      "datadog keys in a curl",
      (apiKey, appKey) =>
        `curl -X GET "https://api.datadoghq.com/api/v1/validate" -H "DD-API-KEY: ${apiKey}" -H "DD-APPLICATION-KEY: ${appKey}"`,
      v.datadogApiKey(),
      v.datadogAppKey(),
    ),
    sample(
      "datadog key in prose",
      (key) => `the datadog api key is ${key}, please rotate`,
      v.datadogApiKey(),
    ),
    sample("rubygems key in credentials", (key) => `---\n:rubygems_api_key: ${key}\n`, v.rubygems()),
    sample(
      "vault token in a header",
      (token) => `curl -H "X-Vault-Token: ${token}" https://vault:8200/v1/kv`,
      v.vault(),
    ),
    sample(
      "terraform cloud token in .terraformrc",
      (token) => `credentials "app.terraform.io" {\n  token = "${token}"\n}`,
      v.terraform(),
    ),
    sample("doppler token in shell", (token) => `doppler run --token ${token} -- npm start`, v.doppler()),
    sample("databricks token in prose", (token) => `databricks configure with ${token}`, v.databricks()),
    sample(
      "age secret key in a file",
      (key) => `# created: 2024-05-01\n# public key: age1xyz\n${key}\n`,
      v.age(),
    ),
    sample("notion token in code", (token) => `const notion = new Client({ auth: "${token}" });`, v.notion()),
    sample("supabase token in shell", (token) => `supabase login --token ${token}`, v.supabase()),
    sample("planetscale token in prose", (token) => `use ${token} for the deploy request`, v.planetscale()),
    sample("pulumi token in .env", (token) => `PULUMI_ACCESS_TOKEN=${token}`, v.pulumi()),
    sample("replicate token in prose", (token) => `replicate says ${token} is invalid`, v.replicate()),
    sample("groq key in code", (key) => `client = Groq(api_key="${key}")`, v.groq()),
    sample("perplexity key in prose", (key) => `here: ${key}`, v.perplexity()),
    sample("xai key in JSON", (key) => `{"xai": {"key": "${key}"}}`, v.xai()),
    sample("langsmith key in .env", (key) => `LANGCHAIN_API_KEY=${key}`, v.langsmith()),
    sample("tailscale key in a command", (key) => `tailscale up --authkey=${key}`, v.tailscale()),
    sample("buildkite token in prose", (token) => `agent token ${token}`, v.buildkite()),
    sample("sourcegraph token in prose", (token) => `src login with ${token}`, v.sourcegraph()),
    sample("square token in YAML", (token) => `square:\n  access: ${token}\n`, v.square()),
    sample("heroku key in prose", (key) => `heroku authorizations:create gave ${key}`, v.heroku()),
    sample("fly token in a command", (token) => `FLY_API=${token} flyctl deploy`, v.fly()),
    sample("figma token in a header", (token) => `-H 'X-Figma-Token: ${token}'`, v.figma()),
    sample("netlify token in a command", (token) => `netlify deploy --auth ${token}`, v.netlify()),
    sample("render key in prose", (key) => `render key ${key}`, v.render()),
    sample("brevo key in code", (key) => `apiInstance.setApiKey(0, '${key}');`, v.brevo()),
    sample("mapbox secret token in code", (token) => `mapboxgl.accessToken = '${token}';`, v.mapbox()),
    sample("dynatrace token in .env", (token) => `DT_API=${token}`, v.dynatrace()),
    sample("circleci token in prose", (token) => `circleci setup --token ${token}`, v.circleci()),
    sample("discord webhook in JSON", (url) => `{"alerts": "${url}"}`, v.discordWebhook()),
    sample("slack app token in .env", (token) => `SLACK_APP=${token}`, v.slackApp()),
    sample(
      "gitlab runner token in TOML",
      (token) => `[[runners]]\n  url = "https://gitlab.com/"\n  token = "${token}"`,
      v.gitlabRunner(),
    ),
    sample(
      "gitlab trigger token in a curl",
      (token) =>
        `curl -X POST -F token=${token} -F ref=main https://gitlab.com/api/v4/projects/9/trigger/pipeline`,
      v.gitlabTrigger(),
    ),
    sample("github user-to-server token", (token) => `auth ok: ${token}`, v.githubUser()),
    sample("github refresh token in JSON", (token) => `{"refresh": "${token}"}`, v.githubRefresh()),
    sample("mailchimp key in prose", (key) => `mailchimp: ${key}`, v.mailchimp()),
    sample("anthropic admin key in prose", (key) => `admin key ${key} for usage reports`, v.anthropicAdmin()),
  ];
}
