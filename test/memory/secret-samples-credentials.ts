// Credentials with no format of their own, found by where they sit: URLs, command-line
// flags, Authorization headers, .netrc and .pgpass lines, Azure connection strings, and
// name-based lines as Read and grep show them (behind a line number).
import { type SecretSample, sample, secrets, vendorSecrets } from "./secret-generators.ts";

const pw = secrets.password;
/** Read's line prefix: the number right-aligned in six columns, then a tab. */
const readLine = (number: number, text: string) => `${String(number).padStart(6)}\t${text}`;

export function credentialSamples(): SecretSample[] {
  return [
    sample("redis URL with an empty user", (password) => `REDIS_URL=redis://:${password}@cache:6379/0`, pw()),
    sample("redis-cli -u URL", (password) => `redis-cli -u redis://:${password}@10.0.0.5:6379 ping`, pw()),
    sample("mysql -p attached", (password) => `mysql -u root -p${password} appdb < schema.sql`, pw()),
    sample(
      "mysqldump -p attached",
      (password) => `mysqldump -h db.internal -u backup -p${password} --all-databases > all.sql`,
      pw(),
    ),
    sample(
      "curl -u user:password",
      (password) => `curl -u admin:${password} https://ci.example.test/api/json`,
      pw(),
    ),
    sample(
      "curl --user user:password",
      (password) => `curl --fail --user deploy:${password} -X POST https://nexus.internal/upload`,
      pw(),
    ),
    sample(
      "Authorization Basic header in curl",
      (encoded) => `curl -H "Authorization: Basic ${encoded}" https://api.example.test/v1/me`,
      secrets.basicAuth(),
    ),
    sample(
      "Authorization Basic header line",
      (encoded) => `GET /v1 HTTP/1.1\nAuthorization: Basic ${encoded}\n`,
      secrets.basicAuth(),
    ),
    sample(
      "Authorization Bearer opaque token",
      (token) => `Authorization: Bearer ${token}`,
      secrets.hexToken(),
    ),
    sample("sshpass -p", (password) => `sshpass -p ${password} ssh root@10.0.0.9 uptime`, pw()),
    sample("sshpass -p quoted", (password) => `sshpass -p '${password}' scp dump.sql backup@host:/srv`, pw()),
    sample(
      "netrc on one line",
      (password) => `machine api.heroku.com login ada@example.com password ${password}`,
      pw(),
    ),
    sample(
      "netrc on several lines",
      (password) => `machine git.example.com\n  login ada\n  password ${password}\n`,
      pw(),
    ),
    sample("pgpass line", (password) => `db.internal:5432:app:app_user:${password}\n`, pw()),
    sample(
      "pgpass line read with Read",
      (password) => readLine(1, `localhost:*:*:postgres:${password}`),
      pw(),
    ),
    sample(
      "Azure storage connection string",
      (key) =>
        `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=${key};EndpointSuffix=core.windows.net`,
      vendorSecrets.azureAccountKey(),
    ),
    sample(
      "Azure service bus connection string",
      (key) =>
        `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${key}`,
      vendorSecrets.azureAccountKey().slice(0, 44),
    ),
    sample(
      "Azure SAS URL",
      (signature) =>
        `https://acme.blob.core.windows.net/logs?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=${signature}`,
      vendorSecrets.azureSignature(),
    ),
    sample(
      "SQL Server connection string",
      (password) =>
        `"Server=tcp:db.example.test,1433;Database=app;User ID=sa;Password=${password};Encrypt=True;"`,
      pw(),
    ),
    sample("docker login -p", (password) => `docker login -u ci -p ${password} registry.example.test`, pw()),
    sample(
      "--password flag",
      (password) => `mongosh --username admin --password ${password} mongodb://db/app`,
      pw(),
    ),
    sample("--api-key= flag", (key) => `./deploy.sh --api-key=${key} --env prod`, secrets.hexToken()),
    sample(
      "PGPASSWORD before psql",
      (password) => `PGPASSWORD=${password} psql -h db -U app -c 'select 1'`,
      pw(),
    ),
    sample(
      "YAML password read with Read",
      (password) => `${readLine(11, "database:")}\n${readLine(12, `  password: ${password}`)}`,
      "hunter2",
    ),
    sample(
      "YAML password read with Read, generated",
      (password) => readLine(7, `password: ${password}`),
      pw(),
    ),
    sample(
      "YAML secret_key read with Read",
      (key) => readLine(3, `  secret_key: ${key}`),
      secrets.awsSecret(),
    ),
    sample(".env line read with Read", (token) => readLine(42, `API_SECRET=${token}`), secrets.hexToken()),
    sample(
      "grep -n output of a YAML password",
      (password) => `config/prod.yml:14:  password: ${password}`,
      pw(),
    ),
    sample(
      "kubeconfig token",
      (token) => `users:\n- name: ci\n  user:\n    token: ${token}\n`,
      secrets.hexToken(),
    ),
    sample(
      "kubeconfig client key data",
      (data) => `    client-certificate-data: LS0tLS1CRUdJTi\n    client-key-data: ${data}\n`,
      secrets.awsSecret() + secrets.awsSecret(),
    ),
    sample(
      "docker config auth",
      (encoded) => `{"auths": {"registry.example.test": {"auth": "${encoded}"}}}`,
      secrets.basicAuth(),
    ),
    sample(
      "Java properties password",
      (password) =>
        `spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=${password}\n`,
      pw(),
    ),
    sample(
      "JDBC URL with a password parameter",
      (password) => `jdbc:mysql://db.internal:3306/app?user=app&password=${password}&useSSL=true`,
      pw(),
    ),
    sample(
      "access_token in a URL query",
      (token) => `GET /graph?fields=id&access_token=${token} 200`,
      secrets.hexToken(),
    ),
    sample("x-api-key header line", (key) => `x-api-key: ${key}`, secrets.hexToken()),
    sample(
      "twilio auth token in .env",
      (token) => `TWILIO_AUTH_TOKEN=${token}`,
      secrets.hexToken().slice(0, 32),
    ),
    sample("heroku API key as a UUID", (key) => `export HEROKU_API_KEY=${key}`, secrets.uuid()),
    sample("Go constant", (secret) => `const apiSecret = "${secret}"`, secrets.hexToken()),
    sample("Rust let binding", (token) => `let token = "${token}";`, secrets.password() + secrets.password()),
    sample("Terraform client_secret", (secret) => `  client_secret = "${secret}"`, secrets.password()),
    sample(
      "Python password keyword with a generated value",
      (password) => `connect(user="app", password="${password}")`,
      pw(),
    ),
    sample("SMTP URL", (password) => `MAIL_URL=smtp://mailer:${password}@smtp.example.test:587`, pw()),
    sample(
      "git credential store line",
      (token) => `https://ada:${token}@git.example.test\n`,
      secrets.hexToken(),
    ),
    sample(
      "compose environment list",
      (password) => `    environment:\n      - "MYSQL_ROOT_PASSWORD=${password}"`,
      pw(),
    ),
    sample(
      "XML password element",
      (password) => `<datasource>\n  <password>${password}</password>\n</datasource>`,
      pw(),
    ),
    sample(
      ".NET appSettings key",
      (key) => `<appSettings>\n  <add key="StripeApiKey" value="${key}" />\n</appSettings>`,
      secrets.hexToken(),
    ),
    sample(
      "Java keystore system property",
      (password) => `java -Djavax.net.ssl.keyStorePassword=${password} -jar service.jar`,
      pw(),
    ),
    sample(
      "gh secret set --body",
      (token) => `gh secret set DEPLOY_TOKEN --body ${token}`,
      secrets.hexToken(),
    ),
    sample(
      "aws configure set",
      (secret) => `aws configure set aws_secret_access_key ${secret} --profile ci`,
      secrets.awsSecret(),
    ),
    sample(
      "npm config set authToken",
      (token) => `npm config set //npm.example.test/:_authToken ${token}`,
      secrets.hexToken(),
    ),
    sample("git config token", (token) => `git config --global hub.token ${token}`, secrets.hexToken()),
    sample(
      "password in a sentence",
      (password) => `my staging password is ${password}, use it for the demo`,
      pw(),
    ),
    sample("ssh-keygen -N", (passphrase) => `ssh-keygen -t ed25519 -N ${passphrase} -f deploy_key`, pw()),
    sample(
      "openssl pass:",
      (password) => `openssl pkcs12 -export -in c.pem -passout pass:${password} -out c.p12`,
      pw(),
    ),
    sample("htpasswd -b", (password) => `htpasswd -bc /etc/nginx/.htpasswd admin ${password}`, pw()),
    sample("Dockerfile ENV without =", (password) => `FROM node:22\nENV SMTP_PASS ${password}\n`, pw()),
    sample("SMTP_PASS in .env", (password) => `SMTP_HOST=mail.example.test\nSMTP_PASS=${password}\n`, pw()),
  ];
}
