import { Badge, type BadgeProps } from "@codegouvfr/react-dsfr/Badge";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link, useParams } from "react-router";

import { api } from "../../api/client";
import type { LivraisonPublic } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";

const STATUTS: Record<string, { libelle: string; severite: BadgeProps["severity"] }> = {
  en_attente: { libelle: "En attente", severite: "info" },
  livree: { libelle: "Livrée", severite: "success" },
  echec: { libelle: "Abandonnée", severite: "error" },
};

function dernierEssai(l: LivraisonPublic): string {
  const e = l.essais[l.essais.length - 1];
  if (!e) return "—";
  const resultat = e.erreur ?? (e.code_http ? `HTTP ${e.code_http}` : "—");
  return `${formatDateHeure(e.quand)} : ${resultat} (${e.duree_ms} ms)`;
}

/** The delivery log of one webhook: each message, its status and its attempts (50 most recent). */
export default function WebhookLivraisons() {
  const { webhookId = "" } = useParams();
  const webhooks = useRequete(() => api.GET("/api/v1/webhooks"), []);
  const livraisons = useRequete(
    () => api.GET("/api/v1/webhooks/{webhook_id}/livraisons", { params: { path: { webhook_id: webhookId }, query: { limit: 50 } } }),
    [webhookId],
  );
  const webhook = webhooks.donnees?.find((w) => w.id === webhookId);

  return (
    <>
      <Titre sousTitre={webhook ? `Messages envoyés à ${webhook.url}` : undefined}>Livraisons du webhook</Titre>
      <p>
        <Link to="/webhooks" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Retour aux webhooks
        </Link>
      </p>
      {livraisons.chargement && !livraisons.donnees && <Chargement />}
      {livraisons.erreur && <ErreurChargement message={livraisons.erreur} />}
      {livraisons.donnees && (
        <>
          <p role="status">
            {livraisons.donnees.length === 0
              ? "Aucune livraison pour l'instant : un message part au prochain changement de statut d'une de vos orientations."
              : `${livraisons.donnees.length} livraison(s), les plus récentes d'abord${livraisons.donnees.length === 50 ? " (50 dernières)" : ""}`}
          </p>
          {livraisons.donnees.length > 0 && (
            <Table
              caption="Livraisons"
              noCaption
              headers={["Statut", "Tentatives", "Dernier essai", "Prochain essai", "Livrée le", "Orientation"]}
              data={livraisons.donnees.map((l) => {
                const s = STATUTS[l.statut] ?? { libelle: l.statut, severite: undefined };
                const orientation = (() => {
                  try {
                    return (JSON.parse(l.corps) as { reference?: string; statut?: string }).reference ?? "—";
                  } catch {
                    return "—";
                  }
                })();
                return [
                  <Badge key="statut" severity={s.severite} small>
                    {s.libelle}
                  </Badge>,
                  String(l.tentatives),
                  dernierEssai(l),
                  formatDateHeure(l.prochaine_tentative),
                  formatDateHeure(l.livree_le),
                  orientation,
                ];
              })}
            />
          )}
        </>
      )}
    </>
  );
}
