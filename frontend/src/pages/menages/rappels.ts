/** « +33612345678 » → « 06 12 34 56 78 » (a foreign number as it is), as the reminders say it. */
export function telephoneLisible(e164: string | null | undefined): string {
  if (!e164) return "";
  if (e164.startsWith("+33") && e164.length === 12) {
    const n = "0" + e164.slice(3);
    return n.replace(/(\d{2})(?=\d)/g, "$1 ");
  }
  return e164;
}
