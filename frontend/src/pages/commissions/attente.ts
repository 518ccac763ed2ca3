/** Words of the waiting list (kept free of React so they are unit-tested). */

/** « En attente depuis 12 jours » / « Reçue aujourd'hui ». */
export function joursAttente(jours: number): string {
  if (jours <= 0) return "Reçue aujourd'hui";
  return `En attente depuis ${jours} jour${jours > 1 ? "s" : ""}`;
}

/** The sessions whose date has come and that still have referrals to decide. */
export function aDeciderMaintenant<T extends { decidable: boolean; a_decider: number }>(sessions: readonly T[]): T[] {
  return sessions.filter((s) => s.decidable && s.a_decider > 0);
}
