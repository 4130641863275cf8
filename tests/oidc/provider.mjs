// 统一身份认证（测试）: a real OpenID Connect provider for the tests and the demo — panva's oidc-provider (OpenID
// Certified), configured as a city's identity platform would be: PKCE (S256) required of every client, the
// development login screen (devInteractions, which signs in anyone under any name) off, a login form that checks
// its test users' passwords, consent given for its first-party clients, RP-initiated logout.
//
// Usage: node tests/oidc/provider.mjs CONFIG.json — the file names:
//   port, issuer            where it listens (127.0.0.1) and the issuer it states
//   clients                 [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]
//   users                   {sub: {password, name, id_number?, credit_code?}}
//   id_token_ttl            {client_id: seconds} (default 600)
//   loopback_any_port       a redirect or post-logout URI on 127.0.0.1 is accepted on any port (the suite's servers
//                           take a free port each; RFC 8252 allows it for loopback)
// It prints "ready <issuer>" once listening.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const users = config.users;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

const provider = new Provider(config.issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { methods: ['S256'], required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('退出统一身份认证', `${form}<p>是否同时退出统一身份认证？</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">是，退出登录</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('已退出统一身份认证', '');
      },
    },
  },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    id_number: ['id_number'],
    credit_code: ['credit_code'],
  },
  // the ID token carries the claims asked by scope (the client reads no userinfo)
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, name: user.name };
        if (user.id_number) claims.id_number = user.id_number;
        if (user.credit_code) claims.credit_code = user.credit_code;
        return claims;
      },
    };
  },
  // first-party clients of the city: no consent screen, the grant made on the first sign-in
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile id_number credit_code');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: (ctx, token, client) => config.id_token_ttl?.[client.clientId] ?? 600,
    Interaction: 600,
    Session: 3600,
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('统一身份认证出错', `<pre>${escape(out.error)}: ${escape(out.error_description || '')}</pre>`);
  },
});

if (config.loopback_any_port) {
  const loopback = (allowed, value) => allowed.some((uri) => {
    const a = new URL(uri);
    const b = new URL(value);
    a.port = '';
    b.port = '';
    return a.hostname === '127.0.0.1' && a.href === b.href;
  });
  const { prototype } = provider.Client;
  const redirect = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    return redirect.call(this, value) || loopback(this.redirectUris, value);
  };
  const postLogout = prototype.postLogoutRedirectUriAllowed;
  prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(value) {
    return postLogout.call(this, value) || loopback(this.postLogoutRedirectUris || [], value);
  };
}

const loginForm = (uid, client, error = '') => page('统一身份认证登录（测试）', `
<p>登录到：${escape(client)}</p>${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>账号 <input name="login" autocomplete="username" autofocus></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">登录</button></form>`);

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (action !== 'login') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(loginForm(uid, details.params.client_id));
    return;
  }
  const form = await body(req);
  const login = form.get('login') || '';
  const user = users[login];
  if (!user || user.password !== form.get('password')) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(loginForm(uid, details.params.client_id, '账号或密码错误'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?(?:\?.*)?$/.exec(req.url);
  if (!match) {
    callback(req, res);
    return;
  }
  interaction(req, res, match[1], req.method === 'POST' ? match[2] : undefined).catch((err) => {
    res.statusCode = 400;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page('统一身份认证出错', `<pre>${escape(err.message)}</pre>`));
  });
});

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
