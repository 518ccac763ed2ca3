/**
 * Dates as people read them in France: dd/mm/yyyy. The API speaks ISO 8601:
 * plain dates (AAAA-MM-JJ) carry no time zone and are reformatted as text, so a
 * birth date never shifts by a day; timestamps are UTC and shown in Paris time.
 */

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

const PARIS = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});

const PARIS_HEURE = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  hour: "2-digit",
  minute: "2-digit",
});

/** "1979-03-14" → "14/03/1979"; a timestamp → its day in Paris; empty → "—". */
export function formatDate(valeur: string | null | undefined): string {
  if (!valeur) return "—";
  const simple = DATE_ISO.exec(valeur);
  if (simple) return `${simple[3]}/${simple[2]}/${simple[1]}`;
  const instant = new Date(valeur);
  if (Number.isNaN(instant.getTime())) return valeur;
  return PARIS.format(instant);
}

/** A timestamp → "23/11/2026 à 10:14" (Paris time). */
export function formatDateHeure(valeur: string | null | undefined): string {
  if (!valeur) return "—";
  const instant = new Date(valeur);
  if (Number.isNaN(instant.getTime())) return valeur;
  return `${PARIS.format(instant)} à ${PARIS_HEURE.format(instant)}`;
}

/** Age in whole years at `aujourdhui` (birthday not yet reached this year counts one less). */
export function age(dateNaissance: string | null | undefined, aujourdhui: Date = new Date()): number | null {
  const m = dateNaissance ? DATE_ISO.exec(dateNaissance) : null;
  if (!m) return null;
  const [annee, mois, jour] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let ans = aujourdhui.getFullYear() - annee;
  const moisCourant = aujourdhui.getMonth() + 1;
  if (moisCourant < mois || (moisCourant === mois && aujourdhui.getDate() < jour)) ans -= 1;
  return ans;
}

/** Amounts in euros, French style: 1 234 €. */
export function formatEuros(montant: number | null | undefined): string {
  if (montant === null || montant === undefined) return "—";
  return new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR", maximumFractionDigits: 0 }).format(montant);
}

const PARIS_ISO = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

/** The day in Paris of `instant`, as the API's plain dates (AAAA-MM-JJ). */
export function jourParis(instant: Date = new Date()): string {
  return PARIS_ISO.format(instant);
}
