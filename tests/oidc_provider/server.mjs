// A real OpenID Connect provider on loopback (the certified npm package oidc-provider), for the
// single sign-on tests and `make run SSO=1`. Configured from the environment:
//   PORT            the port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS (comma-separated)
//   ACCOUNTS_FILE   JSON {login: {sub, claims: {...}}}, read at every sign-in, so a test can
//                   change someone's groups between two sign-ins
// Any password signs an account in (it is a test provider). Extra routes for the tests:
//   /test/other-jwks  a key set with a different key: an app pointed at it must refuse the
//                     provider's ID tokens as wrongly signed.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 9400);
const issuer = `http://127.0.0.1:${port}`;
const list = (name) => (process.env[name] || '').split(',').map((s) => s.trim()).filter(Boolean);

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

function publicPart({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

const signingKey = rsaJwk('test-signing-key');
// Same kid, other key: the app finds "the" key and the signature check must fail.
const otherKey = rsaJwk('test-signing-key');

function accounts() {
  return JSON.parse(fs.readFileSync(process.env.ACCOUNTS_FILE, 'utf8'));
}

const page = (title, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID || 'collect-desk',
    client_secret: process.env.CLIENT_SECRET || 'collect-desk-secret',
    redirect_uris: list('REDIRECT_URIS'),
    post_logout_redirect_uris: list('POST_LOGOUT_REDIRECT_URIS'),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub', 'acr', 'amr', 'auth_time'],  // as Entra ID and Keycloak send them
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // The scopes' claims go into the ID token itself, as Entra ID and Keycloak do.
  conformIdTokenClaims: false,
  acrValues: ['urn:collect-desk:test:mfa'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out', `${form}<p>Signing you out of the test provider.</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>document.getElementById('op.logoutForm').insertAdjacentHTML('beforeend',
'<input type="hidden" name="logout" value="yes">');document.getElementById('op.logoutForm').submit();</script>`);
      },
      postLogoutSuccessSource: async (ctx) => { ctx.body = page('Signed out', '<p>Signed out.</p>'); },
    },
  },
  findAccount: async (ctx, id) => {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      claims: async () => ({ sub: account.sub || id, ...(account.claims || {}) }),
    };
  },
  // Consent is the agency's own business here: every scope asked is granted.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email groups');
    grant.addOIDCClaims(['groups']);
    await grant.save();
    return grant;
  },
  ttl: { IdToken: 600, AccessToken: 600, Session: 3600, Interaction: 600, Grant: 3600 },
};

const provider = new Provider(issuer, configuration);

function formFields(body) {
  return Object.fromEntries(new URLSearchParams(body));
}

async function readBody(ctx) {
  let data = '';
  for await (const chunk of ctx.req) data += chunk;
  return formFields(data);
}

// A minimal sign-in page of our own: it says which methods were used (amr) and at what
// level (acr), as a provider with two-factor does.
provider.use(async (ctx, next) => {
  if (ctx.path === '/test/other-jwks') {
    ctx.body = { keys: [publicPart(otherKey)] };
    return;
  }
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) { await next(); return; }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page('Test provider sign-in', `<form method="post" action="/interaction/${details.uid}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username" required>
<label for="password">Password</label> <input id="password" name="password" type="password" required>
<button type="submit">Sign in at the provider</button></form>`);
    return;
  }
  const fields = await readBody(ctx);
  if (!accounts()[fields.login]) {
    ctx.status = 403;
    ctx.type = 'html';
    ctx.body = page('Unknown account', `<p>No account ${fields.login} at the test provider.</p>`);
    return;
  }
  const result = {
    login: { accountId: fields.login, amr: ['pwd', 'otp'], acr: 'urn:collect-desk:test:mfa' },
  };
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`test OpenID provider at ${issuer}`);
});
