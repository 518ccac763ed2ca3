/** The header a printed household file carries (hidden on screen): who printed it, and when. */
import { formatDateHeure } from "../../lib/dates";

export function ImpressionEnTete({ organisation }: { organisation: string }) {
  return (
    <p className="ancrage-impression-seule fr-text--sm">
      Ancrage — dossier imprimé par {organisation} le {formatDateHeure(new Date().toISOString())}. Document confidentiel : données
      personnelles d'un ménage accompagné.
    </p>
  );
}
