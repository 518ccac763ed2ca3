/**
 * « Qui a consulté ce dossier » (GET /menages/{id}/acces): the accesses of this
 * organisation's own staff (policy: journal_acces). Shown only when the API answers:
 * a reader without the right gets nothing to see, not an error.
 */
import { Table } from "@codegouvfr/react-dsfr/Table";

import { api } from "../../api/client";
import type { MenagePublic } from "../../api/types";
import { formatDateHeure } from "../../lib/dates";
import { ROLES } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";

const ACTIONS: Record<string, string> = {
  lire: "Consultation",
  lister: "Vu dans une liste",
  creer: "Création",
  modifier: "Modification",
  exporter: "Export",
  decider: "Décision",
};

export function QuiAConsulte({ menage }: { menage: MenagePublic }) {
  const { donnees } = useRequete(
    () => api.GET("/api/v1/menages/{menage_id}/acces", { params: { path: { menage_id: menage.id }, query: { limit: 20 } } }),
    [menage.id],
  );
  if (!donnees) return null;
  return (
    <section className="fr-mb-4w" aria-labelledby="titre-acces">
      <h2 id="titre-acces" className="fr-h4">
        Qui a consulté ce dossier
      </h2>
      <p className="fr-text--sm">
        Les accès des personnes de votre organisation ({donnees.total} en tout{donnees.total > donnees.items.length ? `, les ${donnees.items.length} derniers` : ""}).
      </p>
      <div className="fr-table--no-scroll">
        <Table
          caption="Qui a consulté ce dossier"
          noCaption
          headers={["Quand", "Organisation", "Rôle", "Action"]}
          data={donnees.items.map((a) => [
            formatDateHeure(a.quand),
            a.organisation_nom,
            ROLES[a.role as keyof typeof ROLES] ?? a.role,
            ACTIONS[a.action] ?? a.action,
          ])}
        />
      </div>
    </section>
  );
}
