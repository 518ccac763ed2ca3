/** The household file's « Mesures » section: every mesure of this ménage the reader may see. */
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link } from "react-router";

import { api } from "../../api/client";
import type { MenagePublic, MesureResume } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { formatDate } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";
import { BadgeStatut } from "./BadgeStatut";

export function MesuresDuMenage({ menage }: { menage: MenagePublic }) {
  const { donnees, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/mesures", { params: { query: { menage_id: menage.id, limit: 100 } } }),
    [menage.id],
  );
  const moi = useMoi();
  // The référents are the association's people: only the carrying association names them.
  const porteur = moi.capacites.modifier_mesures && moi.type === "utilisateur";
  const collegues = useRequete(
    () =>
      porteur
        ? api.GET("/api/v1/utilisateurs", { params: { query: { organisation_id: moi.organisation.id, limit: 100 } } })
        : Promise.resolve({ data: undefined, error: undefined, response: new Response() }),
    [porteur, moi.organisation.id],
  );
  const referent = (m: MesureResume) => {
    if (!m.referent_id) return "Aucun";
    if (m.referent_id === moi.id) return "Vous";
    const u = collegues.donnees?.items.find((x) => x.id === m.referent_id);
    return u ? `${u.prenom} ${u.nom}` : m.association_id === moi.organisation.id ? "…" : "Désigné";
  };
  if (chargement) return <Chargement libelle="Chargement des mesures…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  const mesures = (donnees?.items ?? []).filter((m): m is MesureResume => m.vue === "complete");
  if (mesures.length === 0) return <p>Aucune mesure pour ce ménage.</p>;
  return (
    <Table
      caption={`Mesures du ménage ${menage.reference}`}
      noCaption
      headers={["Mesure", "Statut", "Référent", "Mandatée le", "Début", "Fin prévue", "Fin"]}
      data={mesures.map((m) => [
        <Link key="mesure" to={`/mesures/${m.id}`} className="fr-link">
          {m.reference}
        </Link>,
        <BadgeStatut key="statut" statut={m.statut} />,
        referent(m),
        formatDate(m.date_mandatement),
        formatDate(m.date_debut),
        formatDate(m.date_fin_prevue),
        formatDate(m.date_fin),
      ])}
    />
  );
}
