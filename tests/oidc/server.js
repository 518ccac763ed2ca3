// A real OpenID Connect provider for Ancrage's ProConnect tests (tests/test_proconnect.py).
// oidc-provider, on a loopback port, with one test client and the dev login page (any
// login is accepted; the login IS the e-mail claim). Settings from the environment:
// PORT, REDIRECT_URI, POST_LOGOUT_URI, CODE_TTL (seconds), CLIENT_SECRET.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "ancrage-test",
      client_secret: process.env.CLIENT_SECRET || "secret-de-test",
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  claims: { openid: ["sub"], email: ["email"], given_name: ["given_name"], usual_name: ["usual_name"] },
  // ProConnect gives the e-mail through userinfo; the test provider also puts it in the
  // ID token so that both paths are exercised by the tests.
  conformIdTokenClaims: false,
  acrValues: ["eidas1"],
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, given_name: "Test", usual_name: "Agent" }),
  }),
  ttl: { AuthorizationCode: Number(process.env.CODE_TTL || 60) },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log(`pret ${issuer}`));
