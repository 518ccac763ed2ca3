/**
 * The access token lives in memory only (never in localStorage, where any
 * injected script could read it); the refresh token is an httpOnly cookie the
 * browser sends to /api/v1/auth alone. When a call answers 401, the session is
 * refreshed once through that cookie and the call retried once; if the refresh
 * fails, the session is over and the app goes back to the sign-in page.
 */

let jetonAcces: string | null = null;

export const jeton = {
  get: (): string | null => jetonAcces,
  set: (valeur: string | null): void => {
    jetonAcces = valeur;
  },
};

// Calls whose 401 means "wrong credentials" or "no session", never "refresh and retry".
const CHEMINS_AUTH = new Set(["/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/logout"]);

export interface DependancesAuthFetch {
  fetch: (requete: Request) => Promise<Response>;
  getJeton: () => string | null;
  /** Gets a new access token through the cookie, or null when the session is over. */
  rafraichir: () => Promise<string | null>;
  /** Called once the session is known to be over. */
  surExpiration: () => void;
}

function avecJeton(requete: Request, valeur: string | null): Request {
  if (valeur) requete.headers.set("Authorization", `Bearer ${valeur}`);
  return requete;
}

/** The fetch given to openapi-fetch: bearer token, then refresh-and-retry-once on 401. */
export function creerAuthFetch(dep: DependancesAuthFetch): (requete: Request) => Promise<Response> {
  return async (requete) => {
    if (CHEMINS_AUTH.has(new URL(requete.url).pathname)) {
      return dep.fetch(avecJeton(requete, dep.getJeton()));
    }
    // Cloned before sending: a sent body cannot be read again for the retry.
    const copie = requete.clone();
    const envoye = dep.getJeton();
    const reponse = await dep.fetch(avecJeton(requete, envoye));
    if (reponse.status !== 401) return reponse;
    // A concurrent call may already have refreshed: reuse its token.
    const actuel = dep.getJeton();
    const nouveau = actuel && actuel !== envoye ? actuel : await dep.rafraichir();
    if (!nouveau) {
      dep.surExpiration();
      return reponse;
    }
    const seconde = await dep.fetch(avecJeton(copie, nouveau));
    if (seconde.status === 401) dep.surExpiration();
    return seconde;
  };
}

/**
 * Runs `fn` once for all callers that ask while it is pending. Refresh tokens
 * are single-use and a reused one revokes the whole session, so two calls that
 * get 401 together must share one refresh.
 */
export function unSeulAlaFois<T>(fn: () => Promise<T>): () => Promise<T> {
  let enCours: Promise<T> | null = null;
  return () => {
    if (!enCours) {
      enCours = fn().finally(() => {
        enCours = null;
      });
    }
    return enCours;
  };
}

/** Serialises refreshes across the tabs of the browser (they share the cookie). */
export function sousVerrouNavigateur<T>(nom: string, fn: () => Promise<T>): () => Promise<T> {
  return () => {
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    return locks ? (locks.request(nom, fn) as Promise<T>) : fn();
  };
}
