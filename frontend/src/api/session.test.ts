import { describe, expect, it, vi } from "vitest";

import { creerAuthFetch, unSeulAlaFois } from "./session";

const BASE = "http://ancrage.test";

function reponse(status: number): Response {
  return new Response(status === 204 ? null : JSON.stringify({ status }), { status });
}

/** A fake server: answers 401 unless the bearer token is one of `valides`; records what it saw. */
function serveur(valides: string[]) {
  const vus: { url: string; auth: string | null; corps: string }[] = [];
  const fetch = vi.fn(async (r: Request) => {
    vus.push({ url: new URL(r.url).pathname, auth: r.headers.get("Authorization"), corps: await r.text() });
    const jeton = r.headers.get("Authorization")?.replace("Bearer ", "");
    return reponse(jeton && valides.includes(jeton) ? 200 : 401);
  });
  return { fetch, vus };
}

describe("creerAuthFetch", () => {
  it("sends the token and does not refresh when the call succeeds", async () => {
    const { fetch, vus } = serveur(["A"]);
    const rafraichir = vi.fn(async () => "B");
    const f = creerAuthFetch({ fetch, getJeton: () => "A", rafraichir, surExpiration: vi.fn() });
    const r = await f(new Request(`${BASE}/api/v1/menages`));
    expect(r.status).toBe(200);
    expect(vus).toEqual([{ url: "/api/v1/menages", auth: "Bearer A", corps: "" }]);
    expect(rafraichir).not.toHaveBeenCalled();
  });

  it("on 401 refreshes once and retries once with the new token, body included", async () => {
    const { fetch, vus } = serveur(["B"]);
    let courant = "A";
    const rafraichir = vi.fn(async () => {
      courant = "B";
      return "B";
    });
    const surExpiration = vi.fn();
    const f = creerAuthFetch({ fetch, getJeton: () => courant, rafraichir, surExpiration });
    const r = await f(new Request(`${BASE}/api/v1/menages`, { method: "POST", body: '{"x":1}' }));
    expect(r.status).toBe(200);
    expect(rafraichir).toHaveBeenCalledTimes(1);
    expect(vus.map((v) => v.auth)).toEqual(["Bearer A", "Bearer B"]);
    // The retried request carries the same body as the first one.
    expect(vus.map((v) => v.corps)).toEqual(['{"x":1}', '{"x":1}']);
    expect(surExpiration).not.toHaveBeenCalled();
  });

  it("ends the session when the refresh fails, without retrying", async () => {
    const { fetch, vus } = serveur([]);
    const surExpiration = vi.fn();
    const f = creerAuthFetch({ fetch, getJeton: () => "A", rafraichir: async () => null, surExpiration });
    const r = await f(new Request(`${BASE}/api/v1/menages`));
    expect(r.status).toBe(401);
    expect(vus).toHaveLength(1);
    expect(surExpiration).toHaveBeenCalledTimes(1);
  });

  it("retries only once: a second 401 ends the session", async () => {
    const { fetch, vus } = serveur([]);
    const surExpiration = vi.fn();
    const rafraichir = vi.fn(async () => "B");
    const f = creerAuthFetch({ fetch, getJeton: () => "A", rafraichir, surExpiration });
    const r = await f(new Request(`${BASE}/api/v1/menages`));
    expect(r.status).toBe(401);
    expect(vus).toHaveLength(2);
    expect(rafraichir).toHaveBeenCalledTimes(1);
    expect(surExpiration).toHaveBeenCalledTimes(1);
  });

  it("never refreshes on the sign-in, refresh and logout calls", async () => {
    const { fetch } = serveur([]);
    const rafraichir = vi.fn(async () => "B");
    const surExpiration = vi.fn();
    const f = creerAuthFetch({ fetch, getJeton: () => null, rafraichir, surExpiration });
    for (const chemin of ["/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/logout"]) {
      expect((await f(new Request(`${BASE}${chemin}`, { method: "POST" }))).status).toBe(401);
    }
    expect(rafraichir).not.toHaveBeenCalled();
    expect(surExpiration).not.toHaveBeenCalled();
  });

  it("reuses a token another call refreshed meanwhile instead of refreshing again", async () => {
    let courant = "A";
    const vus: (string | null)[] = [];
    const fetch = vi.fn(async (r: Request) => {
      vus.push(r.headers.get("Authorization"));
      // While the first call is in flight, another one refreshed the session.
      courant = "B";
      return reponse(r.headers.get("Authorization") === "Bearer B" ? 200 : 401);
    });
    const rafraichir = vi.fn(async () => "C");
    const f = creerAuthFetch({ fetch, getJeton: () => courant, rafraichir, surExpiration: vi.fn() });
    expect((await f(new Request(`${BASE}/api/v1/menages`))).status).toBe(200);
    expect(rafraichir).not.toHaveBeenCalled();
    expect(vus).toEqual(["Bearer A", "Bearer B"]);
  });
});

describe("unSeulAlaFois", () => {
  it("shares one pending refresh between concurrent callers (a refresh token is single-use)", async () => {
    let liberer: (v: string) => void = () => {};
    const fn = vi.fn(() => new Promise<string>((ok) => (liberer = ok)));
    const une = unSeulAlaFois(fn);
    const [p1, p2] = [une(), une()];
    liberer("B");
    expect(await Promise.all([p1, p2])).toEqual(["B", "B"]);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("runs again once the previous run is over, even after a failure", async () => {
    let n = 0;
    const une = unSeulAlaFois(async () => {
      n += 1;
      if (n === 1) throw new Error("réseau");
      return n;
    });
    await expect(une()).rejects.toThrow("réseau");
    expect(await une()).toBe(2);
  });
});
