/** The one way this app talks to the API: a client typed from openapi/openapi.json. */
import createClient from "openapi-fetch";

import type { paths } from "./schema";
import { creerAuthFetch, jeton, sousVerrouNavigateur, unSeulAlaFois } from "./session";

let surExpiration: () => void = () => {};

/** The auth context registers what to do when the session is over. */
export function definirSurExpiration(fn: () => void): void {
  surExpiration = fn;
}

// Declared before `api` is built; only called after.
// eslint-disable-next-line prefer-const
let rafraichir: () => Promise<string | null>;

export const api = createClient<paths>({
  baseUrl: "",
  credentials: "same-origin",
  fetch: creerAuthFetch({
    fetch: (requete) => globalThis.fetch(requete),
    getJeton: jeton.get,
    rafraichir: () => rafraichir(),
    surExpiration: () => surExpiration(),
  }),
});

rafraichir = unSeulAlaFois(
  sousVerrouNavigateur("ancrage-rafraichissement", async () => {
    try {
      const { data } = await api.POST("/api/v1/auth/refresh");
      jeton.set(data?.access_token ?? null);
    } catch {
      jeton.set(null);
    }
    return jeton.get();
  }),
);

/** Refresh through the cookie (also used at start-up to restore a session after a reload). */
export function rafraichirSession(): Promise<string | null> {
  return rafraichir();
}
