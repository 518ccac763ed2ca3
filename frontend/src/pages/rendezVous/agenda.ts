/**
 * The agenda's calendar arithmetic, free of React so that it is unit-tested.
 *
 * A week is named by its Monday as a plain date (AAAA-MM-JJ, like the API's
 * `du`/`au`): plain dates are added in UTC, where no day lasts 23 or 25 hours,
 * so a week that crosses a change of time in France still has seven days.
 * Instants (the API's `debut`, `fin`) are read in Europe/Paris whatever the
 * browser's own time zone.
 */

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

const JOUR_PARIS = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });
const HEURE_PARIS = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

export const NOMS_JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"] as const;

function versUtc(jour: string): Date {
  const m = DATE_ISO.exec(jour);
  if (!m) throw new Error(`date invalide : ${jour}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function depuisUtc(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function estDateIso(valeur: string | null | undefined): valeur is string {
  if (!valeur || !DATE_ISO.test(valeur)) return false;
  return depuisUtc(versUtc(valeur)) === valeur; // rejects 2026-02-30
}

/** "2026-03-27" + 3 → "2026-03-30". */
export function ajouterJours(jour: string, n: number): string {
  const d = versUtc(jour);
  d.setUTCDate(d.getUTCDate() + n);
  return depuisUtc(d);
}

/** 0 = lundi … 6 = dimanche. */
export function rangDansSemaine(jour: string): number {
  return (versUtc(jour).getUTCDay() + 6) % 7;
}

/** The Monday of the week holding `jour`. */
export function lundiDe(jour: string): string {
  return ajouterJours(jour, -rangDansSemaine(jour));
}

/** The seven days of the week starting on `lundi`. */
export function joursDeLaSemaine(lundi: string): string[] {
  return Array.from({ length: 7 }, (_, i) => ajouterJours(lundi, i));
}

/** The day in Paris of an instant (ISO 8601 with offset), AAAA-MM-JJ. */
export function jourParisDe(instant: string | Date): string {
  return JOUR_PARIS.format(typeof instant === "string" ? new Date(instant) : instant);
}

/** The time in Paris of an instant, "09:30". */
export function heureParisDe(instant: string | Date): string {
  return HEURE_PARIS.format(typeof instant === "string" ? new Date(instant) : instant);
}

/** "2026-11-24" → "24/11/2026". */
export function dateFr(jour: string): string {
  const m = DATE_ISO.exec(jour);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : jour;
}

/** "2026-11-24" → "mardi 24/11/2026". */
export function jourLong(jour: string): string {
  return `${NOMS_JOURS[rangDansSemaine(jour)]} ${dateFr(jour)}`;
}

/** "Semaine du 23/11/2026 au 29/11/2026". */
export function libelleSemaine(lundi: string): string {
  return `Semaine du ${dateFr(lundi)} au ${dateFr(ajouterJours(lundi, 6))}`;
}

/** "10:00 – 11:30", or "23:30 – 00:30 (le 25/11/2026)" when the meeting ends another day. */
export function horaire(debut: string, fin: string): string {
  const autreJour = jourParisDe(debut) !== jourParisDe(fin);
  return `${heureParisDe(debut)} – ${heureParisDe(fin)}${autreJour ? ` (le ${dateFr(jourParisDe(fin))})` : ""}`;
}

/** 90 → "1 h 30", 45 → "45 min", 120 → "2 h". */
export function formatDuree(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${String(m).padStart(2, "0")}`;
}

/**
 * The rendez-vous of each day of the week (by their start, in Paris), in time
 * order; every day of the week is present, empty or not. Those outside the
 * week are left out.
 */
export function grouperParJour<T extends { debut: string }>(lundi: string, rdvs: readonly T[]): Map<string, T[]> {
  const jours = new Map<string, T[]>(joursDeLaSemaine(lundi).map((j) => [j, []]));
  for (const rdv of rdvs) jours.get(jourParisDe(rdv.debut))?.push(rdv);
  for (const liste of jours.values()) liste.sort((a, b) => Date.parse(a.debut) - Date.parse(b.debut));
  return jours;
}
