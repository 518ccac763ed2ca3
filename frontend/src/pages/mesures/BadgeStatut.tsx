import { Badge } from "@codegouvfr/react-dsfr/Badge";

import type { StatutMesure } from "../../api/types";
import { STATUTS_MESURE } from "../../lib/libelles";

const SEVERITE: Record<StatutMesure, "info" | "new" | "success" | "warning" | undefined> = {
  mandatee: "new",
  en_evaluation: "info",
  active: "success",
  suspendue: "warning",
  terminee: undefined,
};

/** The status of a mesure as a small badge (its text is the status' label). */
export function BadgeStatut({ statut }: { statut: StatutMesure }) {
  return (
    <Badge severity={SEVERITE[statut]} small noIcon>
      {STATUTS_MESURE[statut]}
    </Badge>
  );
}
